// The sendpay client (Node, against the packed tarball): scripted fake transports and the
// dev node's simulated network in-process, then end to end over HTTP (clnrest) against the
// dev node server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as ln from 'ln-sendpay';

const root = process.env.LN_SENDPAY_ROOT ?? resolve(new URL('../..', import.meta.url).pathname);
const { createNetwork, defaultNetwork } = await import(resolve(root, 'www/devnode/network.mjs'));
const { startDevNode } = await import(resolve(root, 'www/devnode/server.mjs'));

/** A transport over the simulated network that counts what reaches the node. */
function counted(net, hook) {
  const inner = net.transport();
  const calls = [];
  const t = async (request, options) => {
    calls.push(request.method);
    if (hook) return hook(request, options, inner);
    return inner(request, options);
  };
  return { t, calls };
}

function setup(config) {
  const net = createNetwork(config ?? defaultNetwork());
  const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
  return { net, inv, payArgs: { destination: inv.destination, amountMsat: 100000n, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret } };
}

const rejects = async (p, code, error) => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ln.LnSendpayError, `an LnSendpayError, not ${e}`);
    assert.equal(e.code, code, `${e.message}`);
    if (error) assert.equal(e.data.error, error, e.message);
    return e;
  }
  assert.fail(`expected an error ${code}`);
};

test('pay: the first route fails at an intermediate hop, decoded here; retried on another route; paid', async () => {
  const { net, payArgs } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  const events = [];
  const r = await client.pay(payArgs, { onProgress: (e) => events.push(e) });
  assert.equal(r.status, 'complete');
  assert.equal(r.attempts.length, 2);
  const f = r.attempts[0].failure;
  assert.equal(f.code, 204);
  assert.equal(f.failcodename, 'WIRE_TEMPORARY_CHANNEL_FAILURE');
  assert.equal(f.erringIndex, 1);
  assert.equal(f.erringNode, net.nodes.bob);
  assert.equal(f.erringChannel, '105x1x0');
  assert.equal(f.channelUpdateVerified, true);
  assert.equal(typeof r.attempts[1].route[0].amountMsat, 'bigint');
  assert.deepEqual(calls, ['getinfo', 'getroutes', 'sendonion', 'waitsendpay', 'askrene-create-layer', 'askrene-update-channel', 'getroutes', 'sendonion', 'waitsendpay']);
  assert.deepEqual(events.map((e) => e.stage), ['getinfo', 'find_route', 'send', 'wait', 'attempt_failed', 'layer', 'layer', 'find_route', 'send', 'wait', 'complete']);
  // Each send says which route it takes (the same the outcome logs), and events carry the params sent.
  const sends = events.filter((e) => e.stage === 'send');
  assert.deepEqual(sends.map((e) => e.route.map((h) => h.id)), r.attempts.map((a) => a.route.map((h) => h.id)));
  assert.equal(sends[0].route[1].id, net.nodes.dave);
  assert.equal(sends[0].route[0].channel, '103x1x0');
  assert.equal(typeof sends[0].route[0].amountMsat, 'bigint');
  assert.equal(sends[0].params.first_hop.channel, '103x1x0');
  assert.deepEqual(events.filter((e) => e.stage === 'layer').map((e) => e.method), ['askrene-create-layer', 'askrene-update-channel']);
  // bob's temporary_channel_failure carries channeld's update: its policy, and a largest HTLC
  // one msat below what 105x1x0 refused.
  const upd = events.find((e) => e.method === 'askrene-update-channel').params;
  assert.equal(upd.enabled, undefined);
  assert.equal(upd.htlc_maximum_msat, '99999msat');
  assert.equal(upd.short_channel_id_dir.split('/')[0], '105x1x0');
  // The preimage hashes to the payment hash (the destination really released it).
  const { createHash } = await import('node:crypto');
  assert.equal(createHash('sha256').update(Buffer.from(r.paymentPreimage, 'hex')).digest('hex'), payArgs.paymentHash);
  const [rec] = await client.store.list();
  assert.equal(rec.status, 'complete');
  assert.equal(rec.paymentPreimage, r.paymentPreimage);

  // The same hash, amount and destination: the complete payment at once, nothing sent.
  const n = calls.length;
  const again = await client.pay(payArgs);
  assert.equal(again.fromStore, true);
  assert.equal(again.paymentPreimage, r.paymentPreimage);
  // Another amount: 201, nothing sent.
  await rejects(client.pay({ ...payArgs, amountMsat: '100001msat' }), 201, 'PAY_RHASH_ALREADY_USED');
  assert.equal(calls.length, n);
});

test('pay on a node without getroutes falls back to getroute with exclude', async () => {
  const { net, payArgs } = setup();
  const { t, calls } = counted(net, (req, opts, inner) => {
    if (req.method === 'getroutes') throw { code: -32601, message: "Unknown command 'getroutes'" };
    return inner(req, opts);
  });
  const r = await new ln.Client({ transport: t }).pay(payArgs);
  assert.equal(r.status, 'complete');
  const getroute = calls.filter((m) => m === 'getroute').length;
  assert.equal(getroute, 2);
});

test('pay stops on 203 (the destination does not know the hash) with the log', async () => {
  const { net, inv } = setup();
  const client = new ln.Client({ transport: net.transport() });
  const e = await rejects(client.pay({ destination: inv.destination, amountMsat: 100000n, paymentHash: 'ab'.repeat(32), paymentSecret: inv.payment_secret }), 203, 'PAY_DESTINATION_PERM_FAIL');
  assert.equal(e.data.failcodename, 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS');
  assert.equal(e.data.erringChannel, '0:0:0'); // the man page's value for the destination
  assert.ok(e.data.attempts.length >= 1);
});

test('two concurrent calls for one hash never both reach the node', async () => {
  const { net, payArgs } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  const [a, b] = await Promise.all([client.pay(payArgs), client.pay(payArgs)]);
  assert.equal(a.paymentPreimage, b.paymentPreimage);
  assert.equal(calls.filter((m) => m === 'getinfo').length, 1);
  // Another amount while the first is in flight: refused at once, nothing sent for it.
  const inv = net.invoice({ amount_msat: 100000 });
  const c2 = counted(net);
  const client2 = new ln.Client({ transport: c2.t });
  const same = { ...payArgs, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret };
  const p1 = client2.pay(same);
  const p2 = client2.pay({ ...same, amountMsat: 99999n });
  await rejects(p2, 201, 'PAY_RHASH_ALREADY_USED');
  assert.equal((await p1).status, 'complete');
  assert.equal(c2.calls.filter((m) => m === 'getinfo').length, 1);
});

test('sendpay: the man page msatoshi rule is checked before sending; the wire carries the final amount', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n });
  await rejects(client.sendpay({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, msatoshi: '40000msat' }), -32602, 'ROUTE_ABOVE_TWICE_MSATOSHI');
  await rejects(client.sendpay({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, msatoshi: 100001n }), -32602, 'ROUTE_BELOW_MSATOSHI');
  assert.deepEqual(calls, ['getroute']);
  const p = await client.sendpay({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, msatoshi: 60000n, label: 'man page 2x' });
  assert.equal(p.status, 'pending');
  assert.equal(p.amountMsat, 100000n);
  // The node built the onion (sendpay): it decodes the failure itself, a 204 with fields.
  const e = await rejects(client.waitsendpay({ paymentHash: inv.payment_hash }), 204, 'PAY_TRY_OTHER_ROUTE');
  assert.equal(e.data.erringChannel, '105x1x0');
  assert.equal((await client.store.get(ln.attemptKey(inv.payment_hash, 0))).status, 'failed');
});

test('sendonion + waitsendpay: the 202 onionreply decoded here; after a reload too', async () => {
  const { net, inv } = setup();
  const store = new ln.MemoryStore();
  const client = new ln.Client({ transport: net.transport(), store });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n });
  const sent = await client.sendonion({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret });
  assert.equal(sent.status, 'pending');
  const rec = await store.get(ln.attemptKey(inv.payment_hash, 0));
  assert.equal(rec.sharedSecrets.length, route.length);
  const e = await rejects(client.waitsendpay({ paymentHash: inv.payment_hash }), 204, 'PAY_TRY_OTHER_ROUTE');
  assert.equal(e.data.erringNode, net.nodes.bob);
  assert.equal(e.data.erringChannel, '105x1x0');
  // A new client over the same store (a page reload): the node replays 202 + onionreply, and
  // the stored secrets still decode it.
  const exported = await ln.exportAttempts(store);
  const fresh = new ln.MemoryStore();
  await ln.importAttempts(fresh, exported);
  const reloaded = new ln.Client({ transport: net.transport(), store: fresh });
  const e2 = await rejects(reloaded.waitsendpay({ paymentHash: inv.payment_hash }), 204);
  assert.equal(e2.data.failcodename, 'WIRE_TEMPORARY_CHANNEL_FAILURE');
  // Without the secrets it stays a 202 with the reply.
  const bare = new ln.Client({ transport: net.transport() });
  const e3 = await rejects(bare.waitsendpay({ paymentHash: inv.payment_hash }), 202, 'PAY_UNPARSEABLE_ONION');
  assert.match(e3.data.onionreply, /^[0-9a-f]+$/);
});

test('listsendpays settles a recorded attempt and decodes its erroronion with the stored secrets', async () => {
  const { net, inv } = setup();
  const client = new ln.Client({ transport: net.transport() });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n });
  await client.sendonion({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret });
  await new Promise((r) => setTimeout(r, 5)); // the node resolves it; nobody waits
  const { payments } = await client.listsendpays({ paymentHash: inv.payment_hash });
  assert.equal(payments[0].status, 'failed');
  const rec = await client.store.get(ln.attemptKey(inv.payment_hash, 0));
  assert.equal(rec.status, 'failed');
  assert.equal(rec.failure.failcodename, 'WIRE_TEMPORARY_CHANNEL_FAILURE');
  assert.equal(rec.failure.erringChannel, '105x1x0');
});

test('a transport that throws mid-call loses nothing: unknown, then settled with listsendpays, never resent', async () => {
  const { net, inv } = setup();
  let dropNext = true;
  const { t, calls } = counted(net, async (req, opts, inner) => {
    const answer = await inner(req, opts);
    if (req.method === 'sendonion' && dropNext) {
      dropNext = false;
      throw new Error('socket hang up'); // the node has it; we never heard back
    }
    return answer;
  });
  const client = new ln.Client({ transport: t });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n, exclude: ['105x1x0/0', '105x1x0/1'] });
  const args = { route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret };
  await rejects(client.sendonion(args), ln.TRANSPORT_ERROR, 'TRANSPORT_FAILED');
  assert.equal((await client.store.get(ln.attemptKey(inv.payment_hash, 0))).status, 'unknown');
  // Sending the same again settles the earlier one first: it was sent (and paid).
  await new Promise((r) => setTimeout(r, 5));
  const p = await client.sendonion(args);
  assert.equal(p.status, 'complete');
  assert.equal(calls.filter((m) => m === 'sendonion').length, 1);
  assert.ok(calls.includes('listsendpays'));
});

test('pay: a transport that keeps failing is reported as its own error, saying whether anything was sent', async () => {
  const { net, inv } = setup();
  // Down from the start: the transport's TRANSPORT_NETWORK and its message, nothing sent.
  const down = new ln.Client({ transport: ln.clnrest({ url: 'http://127.0.0.1:1', rune: 'r' }) });
  const e = await rejects(down.pay({ bolt11: inv.bolt11 }), ln.TRANSPORT_ERROR, 'TRANSPORT_NETWORK');
  assert.match(e.message, /^getinfo: .*\(nothing was sent\)$/);
  assert.deepEqual(e.data.attempts, []);
  // Gone after the onion was sent: the attempt's fate is unknown, recorded to be settled.
  const small = net.invoice({ node: 'dave', amount_msat: 1000 }); // bob's side carries it: one attempt
  let gone = false;
  const { t } = counted(net, async (req, opts, inner) => {
    if (gone) throw new Error('socket hang up');
    const answer = await inner(req, opts);
    if (req.method === 'sendonion') gone = true;
    return answer;
  });
  const store = new ln.MemoryStore();
  const flaky = new ln.Client({ transport: t, store });
  const lost = await rejects(flaky.pay({ bolt11: small.bolt11 }), ln.TRANSPORT_ERROR, 'TRANSPORT_FAILED');
  assert.match(lost.message, /attempt 1's fate is unknown: it stays recorded/);
  // The node said pending to sendonion, then nothing more was heard.
  assert.equal((await store.get(ln.attemptKey(small.payment_hash, 0))).status, 'pending');
  // Back again, the next pay settles the recorded attempt and sends nothing new.
  gone = false;
  const again = new ln.Client({ transport: counted(net).t, store });
  await new Promise((r) => setTimeout(r, 5));
  const paid = await again.pay({ bolt11: small.bolt11 });
  assert.equal(paid.status, 'complete');
  assert.equal(net.state.payments.filter((p) => p.payment_hash === small.payment_hash).length, 1);
});

test('pay after a lost answer: the failure the node kept is learned, so the next pay does not send through it again', async () => {
  const { net, inv } = setup(); // 100,000 sat: the first route fails at bob (105x1x0)
  let gone = false;
  let lost = 0; // the answers after the first sendonion are lost, until the node is back
  const { t, calls } = counted(net, async (req, opts, inner) => {
    if (gone) throw new Error('socket hang up');
    const answer = await inner(req, opts);
    if (req.method === 'sendonion' && lost++ === 0) gone = true;
    return answer;
  });
  const store = new ln.MemoryStore();
  await rejects(new ln.Client({ transport: t, store }).pay({ bolt11: inv.bolt11 }), ln.TRANSPORT_ERROR);
  gone = false;
  const sends = () => calls.filter((m) => m === 'sendonion').length;
  const before = sends();
  const paid = await new ln.Client({ transport: t, store }).pay({ bolt11: inv.bolt11 });
  assert.equal(paid.status, 'complete');
  assert.equal(sends() - before, 1, 'one HTLC: not through bob again');
  assert.ok(!paid.attempts[0].route.some((h) => h.channel === '105x1x0'), paid.attempts[0].route.map((h) => h.channel).join(' '));
  assert.deepEqual(net.state.payments.filter((p) => p.payment_hash === inv.payment_hash).map((p) => p.status), ['failed', 'complete']);
});

test('bad node answers are typed errors and leave the store consistent', async () => {
  const { net, inv } = setup();
  const { route } = await new ln.Client({ transport: net.transport() }).getroute({ destination: inv.destination, amountMsat: 100000n });
  const answers = {
    html: ['<html><body>502 Bad Gateway</body></html>', -32001, 'NODE_BAD_ANSWER'],
    malformed: ['{"created_index":1,"status":', -32001, 'NODE_BAD_ANSWER'],
    wrongType: ['{"created_index":"one","payment_hash":"' + inv.payment_hash + '","status":"pending","amount_sent_msat":1,"created_at":1}', -32001, 'NODE_BAD_ANSWER'],
    missing: ['{"created_index":1,"status":"pending"}', -32001, 'NODE_BAD_ANSWER'],
    past2to64: ['{"created_index":1,"id":1,"payment_hash":"' + inv.payment_hash + '","groupid":1,"status":"pending","amount_sent_msat":18446744073709551616,"created_at":1}', -32001, 'NODE_BAD_ANSWER'],
  };
  for (const [name, [text, code, error]] of Object.entries(answers)) {
    const store = new ln.MemoryStore();
    const client = new ln.Client({ transport: async () => text, store });
    const e = await rejects(client.sendonion({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, blockHeight: 800000 }), code, error);
    assert.ok(e.data.field, `${name}: names the field`);
    const rec = await store.get(ln.attemptKey(inv.payment_hash, 0));
    assert.equal(rec.status, 'unknown', `${name}: the attempt stays to be settled`);
    assert.equal(rec.sharedSecrets.length, route.length);
  }
  // A hung request: a timeout, whatever the transport does with the signal.
  const store = new ln.MemoryStore();
  const hung = new ln.Client({ transport: () => new Promise(() => {}), store, timeoutMs: 50 });
  await rejects(hung.sendonion({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, blockHeight: 800000 }), ln.TRANSPORT_ERROR, 'TRANSPORT_TIMEOUT');
  assert.equal((await store.get(ln.attemptKey(inv.payment_hash, 0))).status, 'unknown');
  // An abort.
  const ctrl = new AbortController();
  const p = hung.waitsendpay({ paymentHash: inv.payment_hash }, { signal: ctrl.signal, timeoutMs: 10_000 });
  ctrl.abort();
  await rejects(p, ln.TRANSPORT_ERROR, 'TRANSPORT_ABORTED');
  // pay with a broken node: a typed error with the log.
  const bad = new ln.Client({ transport: async (req) => (req.method === 'getinfo' ? '{"id":"zz"}' : '{}') });
  await rejects(bad.pay({ destination: inv.destination, amountMsat: 1000n, paymentHash: inv.payment_hash }), -32001, 'NODE_BAD_ANSWER');
  // JS numbers for amounts are refused before anything is sent.
  await assert.rejects(bad.pay({ destination: inv.destination, amountMsat: 1000, paymentHash: inv.payment_hash }), TypeError);
});

test('commando: payloads survive JSON.stringify; the client pays through lnmessage', async () => {
  const { net, payArgs } = setup();
  const seen = [];
  const fakeLn = {
    async commando({ method, params, rune }) {
      seen.push({ method, json: JSON.stringify(params), rune });
      try {
        return await net.call(method, JSON.parse(JSON.stringify(params)));
      } catch (e) {
        throw { code: e.code, message: e.message, data: e.data };
      }
    },
  };
  const r = await new ln.Client({ transport: ln.commando(fakeLn, { rune: 'r' }) }).pay(payArgs);
  assert.equal(r.status, 'complete');
  assert.ok(seen.every((s) => s.rune === 'r' && typeof s.json === 'string'));
  assert.ok(seen.some((s) => s.method === 'sendonion' && !s.json.includes('shared_secrets')));
});

test('end to end over HTTP: clnrest against the dev node', async () => {
  const dev = await startDevNode();
  try {
    const client = new ln.Client({ transport: ln.clnrest({ url: dev.url, rune: dev.rune }) });
    const info = await client.getinfo();
    assert.equal(info.id, dev.network.nodes.alice);
    const inv = dev.network.invoice({ node: 'dave', amount_msat: 250000 });
    const r = await client.pay({ destination: inv.destination, amountMsat: '250sat', paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret });
    assert.equal(r.status, 'complete');
    assert.equal(r.attempts[0].failure.erringChannel, '105x1x0');
    const { payments } = await client.listsendpays({ paymentHash: inv.payment_hash });
    assert.deepEqual(payments.map((p) => p.status).sort(), ['complete', 'failed']);
    const bad = new ln.Client({ transport: ln.clnrest({ url: dev.url, rune: 'wrong' }) });
    await rejects(bad.getinfo(), 1501);
  } finally {
    await dev.close();
  }
});

test('over HTTP: a rune scoped to methods says which one it lacks; CORS answers only listed origins', async () => {
  const dev = await startDevNode({ scopedRunes: { 'read-only': ['getinfo', 'listsendpays'] }, corsOrigins: ['https://wallet.example'] });
  try {
    const scoped = new ln.Client({ transport: ln.clnrest({ url: dev.url, rune: 'read-only' }) });
    assert.equal((await scoped.getinfo()).id, dev.network.nodes.alice);
    const inv = dev.network.invoice({ node: 'dave', amount_msat: 1000 });
    await assert.rejects(scoped.pay({ bolt11: inv.bolt11 }), (e) => {
      assert.equal(e.code, 1502);
      assert.equal(e.data.error, 'RUNE_NOT_PERMITTED');
      assert.match(e.message, /^getroutes: the node refused the rune: Not permitted/);
      return true;
    });
    const origin = async (o) => (await fetch(`${dev.url}/v1/getinfo`, { method: 'OPTIONS', headers: { origin: o } })).headers.get('access-control-allow-origin');
    assert.equal(await origin('https://wallet.example'), 'https://wallet.example');
    assert.equal(await origin('https://evil.example'), null);
  } finally {
    await dev.close();
  }
});

test('bolt11: pay takes an invoice alone; what is given must match it; an expired invoice sends nothing', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  // The invoice carries destination, amount, hash, secret and final CLTV.
  const r = await client.pay({ bolt11: inv.bolt11 });
  assert.equal(r.status, 'complete');
  assert.equal(r.attempts.length, 2, 'fails at bob first, as with the fields given');
  const { createHash } = await import('node:crypto');
  assert.equal(createHash('sha256').update(Buffer.from(r.paymentPreimage, 'hex')).digest('hex'), inv.payment_hash);
  const [rec] = await client.store.list();
  assert.equal(rec.paymentHash, inv.payment_hash);
  assert.equal(rec.destination, inv.destination);

  const other = setup();
  const n = calls.length;
  const e1 = await rejects(client.pay({ bolt11: other.inv.bolt11, paymentHash: '00'.repeat(32) }), -32602, 'INVOICE_PAYMENT_HASH_MISMATCH');
  assert.equal(e1.data.field, 'paymentHash');
  assert.ok(e1.message.startsWith('paymentHash: '), e1.message);
  assert.ok(e1.message.includes('00'.repeat(32)) && e1.message.includes(other.inv.payment_hash), e1.message);
  const e2 = await rejects(client.pay({ bolt11: other.inv.bolt11, amountMsat: 5n }), -32602, 'INVOICE_AMOUNT_MISMATCH');
  assert.match(e2.message, /5msat.*100000msat/);
  await rejects(client.pay({ bolt11: other.inv.bolt11, destination: net.nodes.erin }), -32602, 'INVOICE_PAYEE_MISMATCH');
  await rejects(client.pay({ bolt11: other.inv.bolt11, finalCltv: 9 }), -32602, 'INVOICE_FINAL_CLTV_TOO_SMALL');
  // The last character changed (to another one: a random invoice may end in either).
  const broken = other.inv.bolt11.slice(0, -1) + (other.inv.bolt11.endsWith('q') ? 'p' : 'q');
  await rejects(client.pay({ bolt11: broken }), -32602, 'BOLT11_BAD_CHECKSUM');
  const late = new ln.Client({ transport: t, now: () => Date.now() + 2 * 3600 * 1000 });
  const e3 = await rejects(late.pay({ bolt11: other.inv.bolt11 }), -32602, 'INVOICE_EXPIRED');
  assert.equal(e3.data.field, 'bolt11');
  assert.equal(calls.length, n, 'nothing reached the node');
});

test('bolt11: sendonion and sendpay fill the hash and secret and check the route against the invoice', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n, exclude: ['105x1x0/0', '105x1x0/1'] });
  const p = await client.sendonion({ route, bolt11: inv.bolt11 });
  assert.equal(p.paymentHash, inv.payment_hash);
  const done = await client.waitsendpay({ paymentHash: inv.payment_hash, timeout: 10 });
  assert.equal(done.status, 'complete', 'the secret from the invoice reached dave in the onion');

  const other = setup();
  const n = calls.length;
  // A route to erin for dave's invoice.
  const { route: toErin } = await client.getroute({ destination: net.nodes.erin, amountMsat: 100000n });
  const m = calls.length;
  await rejects(client.sendonion({ route: toErin, bolt11: other.inv.bolt11, blockHeight: 800_000 }), -32602, 'INVOICE_PAYEE_MISMATCH');
  // Three times the amount: outside the man page's [amount, 2×amount].
  const big = route.map((h) => ({ ...h, amountMsat: h.amountMsat * 3n }));
  const e = await rejects(client.sendpay({ route: big, bolt11: other.inv.bolt11 }), -32602);
  assert.match(e.data.error, /TWICE|OUT_OF_RANGE/);
  // The final hop's delay below the invoice's 18.
  const short = route.map((h, i) => ({ ...h, delay: i === route.length - 1 ? 9 : h.delay }));
  await rejects(client.sendpay({ route: short, bolt11: other.inv.bolt11 }), -32602, 'INVOICE_FINAL_CLTV_TOO_SMALL');
  await rejects(client.sendpay({ route, bolt11: other.inv.bolt11, paymentSecret: '00'.repeat(32) }), -32602, 'INVOICE_PAYMENT_SECRET_MISMATCH');
  assert.equal(calls.length, m, 'no refused send reached the node');
  assert.ok(n < m);
});

test('decodeInvoice: a plain object, amounts as bigint; errors name the field', () => {
  const { inv } = setup();
  const d = ln.decodeInvoice(inv.bolt11);
  assert.equal(d.network, 'bcrt');
  assert.equal(d.chain, 'regtest');
  assert.equal(d.amountMsat, 100000n);
  assert.equal(d.paymentHash, inv.payment_hash);
  assert.equal(d.paymentSecret, inv.payment_secret);
  assert.equal(d.payee, inv.destination);
  assert.equal(d.payeeSource, 'n');
  assert.equal(d.signatureVerified, true);
  assert.equal(d.expired, false);
  assert.equal(ln.decodeInvoice(inv.bolt11, { now: d.expiresAt }).expired, true);
  assert.deepEqual(d.featureBits, [8, 14]);
  // Every channel of the payee is hinted, public ones too, as a live Core Lightning does.
  assert.equal(d.routeHints.length, 4, 'dave: one hint per channel');
  assert.throws(() => ln.decodeInvoice('lnbc1qqqq'), (e) => e instanceof ln.LnSendpayError && e.data.field === 'invoice' && e.data.error === 'BOLT11_TOO_SHORT');
  assert.throws(() => ln.decodeInvoice(42), (e) => e instanceof ln.LnSendpayError && e.data.field === 'invoice');
});

test('bolt11 route hints: a payee behind a private channel is paid through the hint', async () => {
  const net = createNetwork(defaultNetwork());
  const inv = net.invoice({ node: 'frank', amount_msat: 50_000_000 });
  const d = ln.decodeInvoice(inv.bolt11);
  assert.equal(d.routeHints.length, 1);
  assert.equal(d.routeHints[0][0].shortChannelId, '109x1x0');
  assert.equal(d.routeHints[0][0].pubkey, net.nodes.dave);
  const requests = [];
  const inner = net.transport();
  const client = new ln.Client({ transport: (r, o) => (requests.push(r), inner(r, o)) });
  // Without the hint, the node knows no way to frank.
  await rejects(client.pay({ destination: net.nodes.frank, amountMsat: 50_000_000n, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret }), 205);
  const routes = [];
  const r = await client.pay({ bolt11: inv.bolt11 }, { onProgress: (e) => e.stage === 'send' && routes.push(e.route.map((h) => h.channel).join(' ')) });
  assert.equal(r.status, 'complete');
  const created = requests.find((q) => q.method === 'askrene-create-channel');
  assert.ok(created, 'the hint became a channel in the layer');
  assert.equal(created.params.source, net.nodes.dave);
  assert.equal(created.params.destination, net.nodes.frank);
  const enabled = requests.find((q) => q.method === 'askrene-update-channel' && q.params.enabled === true);
  assert.equal(enabled.params.fee_base_msat, '2000msat');
  assert.equal(enabled.params.cltv_expiry_delta, 30);
  assert.ok(routes.every((x) => x.endsWith('109x1x0')), routes.join(' / '));
  assert.ok(net.log.includes('frank: paid, preimage released'));
});

// ─── A node that lies, and the payer's limits (issue #12) ─────────────────────────────────

/** A transport over the dev node whose answers to `method` pass through `edit(answer)`. */
function lying(net, method, edit) {
  return counted(net, async (request, options, inner) => {
    const text = await inner(request, options);
    return request.method === method ? JSON.stringify(edit(JSON.parse(text), request)) : text;
  });
}

test('a wrong preimage is never success: the attempt is disputed, and nothing more is sent for the hash', async () => {
  const { net, payArgs } = setup();
  const { t, calls } = lying(net, 'waitsendpay', (a) => (a.status === 'complete' ? { ...a, payment_preimage: '00'.repeat(32) } : a));
  const client = new ln.Client({ transport: t });
  const e = await rejects(client.pay(payArgs), -32002, 'PAYMENT_PREIMAGE_MISMATCH');
  assert.ok(e.data.attempts.some((a) => a.status === 'disputed'));
  const recs = await client.store.list();
  assert.equal(recs.length, 1);
  assert.equal(recs[0].status, 'disputed');
  const n = calls.length;
  await rejects(client.pay(payArgs), -32002);
  assert.equal(calls.length, n, 'a disputed hash is not paid again');
  // A store whose "complete" record carries a preimage that does not hash is no proof either.
  const store = new ln.MemoryStore();
  await store.put(ln.attemptKey(payArgs.paymentHash, 0), { ...recs[0], status: 'complete', paymentPreimage: '11'.repeat(32) });
  await rejects(new ln.Client({ transport: t, store }).pay(payArgs), -32002);
  assert.equal((await store.list())[0].status, 'disputed');
});

test('getroutes may split by default; maxParts: 1 says one part with maxparts (the dev node refuses auto.no_mpp_support, as a live node does)', async () => {
  const { net, payArgs } = setup();
  const seen = [];
  const { t } = counted(net, (request, options, inner) => {
    if (request.method === 'getroutes') seen.push(request.params);
    return inner(request, options);
  });
  const split = await new ln.Client({ transport: t }).pay(payArgs);
  assert.equal(split.status, 'complete');
  // May split, into no more parts than attempts are left (maxAttempts 5: 5, then 4).
  assert.deepEqual(seen.splice(0).map((p) => [p.maxparts, p.layers.includes('auto.no_mpp_support')]), [[5, false], [4, false]]);
  const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
  const r = await new ln.Client({ transport: t }).pay({ ...payArgs, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, maxParts: 1 });
  assert.equal(r.status, 'complete');
  assert.ok(seen.length >= 1);
  for (const p of seen) {
    assert.equal(p.maxparts, 1);
    assert.ok(!p.layers.includes('auto.no_mpp_support'));
    assert.equal(p.maxdelay, 2016);
  }
  // What the payment cost is reported: the amount asked, what was sent, the fee.
  assert.equal(r.amountMsat, 100000n);
  assert.equal(r.feeMsat, r.amountSentMsat - r.amountMsat);
  assert.ok(r.feeMsat > 0n);
  await rejects(net.call('getroutes', { ...seen[0], layers: ['auto.no_mpp_support'] }).catch((e) => { throw new ln.LnSendpayError(e.message, e.code, {}); }), -32602);
});

test('a route over maxfee (a node doubling the amount) is refused with 206 before any onion', async () => {
  const { net, payArgs } = setup();
  const double = (a) => ({ ...a, routes: a.routes.map((r) => ({ ...r, path: r.path.map((h) => ({ ...h, amount_in_msat: h.amount_in_msat * 2, amount_out_msat: h.amount_out_msat * 2, amount_msat: h.amount_msat * 2 })) })) });
  const { t, calls } = lying(net, 'getroutes', double);
  const e = await rejects(new ln.Client({ transport: t }).pay(payArgs), 206, 'PAY_ROUTE_TOO_EXPENSIVE');
  assert.equal(e.data.field, 'maxfeeMsat');
  assert.match(e.message, /over `maxfeeMsat` \d+msat$/);
  assert.ok(!calls.includes('sendonion'));
  // A delay past maxDelay, likewise.
  const slow = (a) => ({ ...a, routes: a.routes.map((r) => ({ ...r, path: r.path.map((h) => ({ ...h, cltv_in: h.cltv_in + 5000, cltv_out: h.cltv_out + 5000, delay: h.delay + 5000 })) })) });
  const { t: t2 } = lying(net, 'getroutes', slow);
  const e2 = await rejects(new ln.Client({ transport: t2 }).pay(payArgs), 206, 'PAY_ROUTE_TOO_EXPENSIVE');
  assert.equal(e2.data.field, 'maxDelay');
  assert.match(e2.message, /over `maxDelay` \d+$/);
});

test("the node's own words are kept as it wrote them: only our messages respell the parameters they name", async () => {
  const { net, payArgs } = setup();
  const { t } = counted(net, (request, options, inner) => {
    if (request.method === 'getroutes') throw { code: 212, message: 'askrene: `max_parts` is below `some_layer` here' };
    return inner(request, options);
  });
  const e = await rejects(new ln.Client({ transport: t }).pay(payArgs), 212, 'NODE_ERROR');
  assert.equal(e.message, 'askrene: `max_parts` is below `some_layer` here');
});

test('a repeat pay of an invoice paid 1 msat over the target is the same payment, not 201 (the rule keys on msatoshi)', async () => {
  const { net, payArgs } = setup();
  const plus1 = (a) => ({ ...a, routes: a.routes.map((r) => ({ ...r, path: r.path.map((h) => ({ ...h, amount_in_msat: h.amount_in_msat + 1, amount_out_msat: h.amount_out_msat + 1, amount_msat: h.amount_msat + 1 })) })) });
  const { t, calls } = lying(net, 'getroutes', plus1);
  const client = new ln.Client({ transport: t });
  const r = await client.pay(payArgs);
  assert.equal(r.status, 'complete');
  assert.equal((await client.store.list())[0].amountMsat, '100001');
  const n = calls.length;
  const again = await client.pay(payArgs);
  assert.equal(again.fromStore, true);
  assert.equal(calls.length, n);
});

test('pay honours a short timeoutMs and retryFor over a hung waitsendpay', async () => {
  const { net, payArgs } = setup();
  const { t } = counted(net, (request, options, inner) => (request.method === 'waitsendpay' ? new Promise(() => {}) : inner(request, options)));
  const client = new ln.Client({ transport: t });
  const ends = async (p, within, what) => {
    const start = Date.now();
    const e = await p.then(() => assert.fail(`${what}: resolved`), (err) => err);
    assert.ok(e instanceof ln.LnSendpayError && [200, -32000].includes(e.code), `${what}: ${e}`);
    assert.ok(Date.now() - start < within, `${what}: ended after ${Date.now() - start} ms`);
  };
  // Before: waitsendpay asked for 60 s and the transport waited 70 s, whatever timeoutMs said.
  await ends(client.pay(payArgs, { timeoutMs: 800 }), 8000, 'timeoutMs 800');
  // retryFor bounds the whole payment, whatever the per-request timeout.
  const { inv } = setup();
  await ends(client.pay({ ...payArgs, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, retryFor: 2 }), 6000, 'retryFor 2');
});

test('pay and sendonion for one hash: only the same operation joins; another gets 200', async () => {
  const config = defaultNetwork();
  config.delayMs = 100;
  const { net, payArgs } = setup(config);
  const { t } = counted(net);
  const client = new ln.Client({ transport: t });
  const paying = client.pay(payArgs);
  const route = (await client.getroutes({ source: (await client.getinfo()).id, destination: payArgs.destination, amountMsat: 100000n, maxfeeMsat: 5000n, layers: [], maxparts: 1 })).routes[0].route;
  await rejects(client.sendonion({ route, paymentHash: payArgs.paymentHash, paymentSecret: payArgs.paymentSecret }), 200, 'PAY_IN_PROGRESS');
  const [a, b] = await Promise.all([paying, client.pay(payArgs)]);
  assert.equal(a, b, 'the same pay joins');
});

test('a pending record is settled with the node (listsendpays, then waitsendpay) and pay goes on', async () => {
  const config = defaultNetwork();
  config.delayMs = 1500; // the HTLC is still in flight when the second pay comes
  const { net, payArgs } = setup(config);
  let hang = true;
  const { t, calls } = counted(net, (request, options, inner) => (hang && request.method === 'waitsendpay' ? new Promise(() => {}) : inner(request, options)));
  const store = new ln.MemoryStore();
  const client = new ln.Client({ transport: t, store });
  const e = await client.pay({ ...payArgs, retryFor: 1 }, { timeoutMs: 300 }).then(() => assert.fail('resolved'), (err) => err);
  assert.ok([200, -32000].includes(e.code), String(e));
  assert.equal((await store.get(ln.attemptKey(payArgs.paymentHash, 0))).status, 'pending');
  hang = false;
  calls.length = 0;
  // Before: 200 "already pending" until the user called waitsendpay or listsendpays.
  const r = await client.pay(payArgs);
  assert.equal(r.status, 'complete');
  // The node still had the first attempt pending: waited for, it failed (at bob, as the first
  // route always does here), and only then did a new attempt go out.
  assert.deepEqual(calls.slice(0, 2), ['listsendpays', 'waitsendpay'], String(calls));
  assert.ok(calls.indexOf('sendonion') > calls.indexOf('waitsendpay'), String(calls));
  const rows = net.state.payments.filter((p) => p.payment_hash === payArgs.paymentHash).map((p) => p.status);
  assert.deepEqual([rows[0], rows.at(-1), rows.filter((x) => x === 'complete').length], ['failed', 'complete', 1]);
  assert.equal((await store.get(ln.attemptKey(payArgs.paymentHash, 0))).status, 'complete');
});

test('sendonion over a stale pending record: the node says failed, so a new attempt goes out', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const store = new ln.MemoryStore();
  const client = new ln.Client({ transport: t, store });
  const { route } = await client.getroute({ destination: inv.destination, amountMsat: 100000n });
  const args = { route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret };
  const first = await client.sendonion(args);
  assert.equal(first.status, 'pending');
  await new Promise((r) => setTimeout(r, 50)); // it fails at bob meanwhile; nobody waited
  calls.length = 0;
  // Before: the stale record came back, and nothing was sent.
  const second = await client.sendonion(args);
  assert.equal(second.status, 'pending');
  assert.notEqual(second.createdIndex, first.createdIndex);
  assert.deepEqual(calls.filter((m) => m !== 'getinfo'), ['listsendpays', 'sendonion']);
  // And a record the node still has pending is the man page's pending payment, nothing sent.
  calls.length = 0;
  const config = defaultNetwork();
  config.delayMs = 300;
  const slow = setup(config);
  const c2 = counted(slow.net);
  const client2 = new ln.Client({ transport: c2.t, store });
  const slowArgs = { route: (await client2.getroute({ destination: slow.inv.destination, amountMsat: 100000n })).route, paymentHash: slow.inv.payment_hash, paymentSecret: slow.inv.payment_secret };
  const a = await client2.sendonion(slowArgs);
  const b = await client2.sendonion(slowArgs);
  assert.equal(b.status, 'pending');
  assert.equal(b.createdIndex, a.createdIndex);
  assert.equal(c2.calls.filter((m) => m === 'sendonion').length, 1);
});

test('KeyValueStore: two writers at once lose nothing where the namespace lists by prefix', async () => {
  const map = new Map();
  const later = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
  // Workers KV's shape: get/put/list({prefix, cursor}) with pages of at most 3 keys here.
  const kv = {
    get: async (k) => (await later(), map.get(k) ?? null),
    put: async (k, v) => (await later(), void map.set(k, v)),
    list: async ({ prefix, cursor }) => {
      await later();
      const names = [...map.keys()].filter((k) => k.startsWith(prefix)).sort();
      const from = cursor ? Number(cursor) : 0;
      const keys = names.slice(from, from + 3).map((name) => ({ name }));
      const done = from + 3 >= names.length;
      return { keys, list_complete: done, ...(done ? {} : { cursor: String(from + 3) }) };
    },
  };
  const a = new ln.KeyValueStore(kv);
  const b = new ln.KeyValueStore(kv);
  const rec = (i) => ({ paymentHash: i.toString(16).padStart(64, '0'), partid: 0, amountMsat: '1', status: 'unknown', createdAt: 1, updatedAt: 1 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).put(ln.attemptKey(rec(i).paymentHash, 0), rec(i))));
  for (const s of [a, b]) assert.equal((await s.list()).length, 20);
  assert.ok(![...map.keys()].some((k) => k.endsWith('index')), 'no shared index');
  // Without list(): the index, read then written — the same race drops keys (documented).
  const plainMap = new Map();
  const plainKv = { get: async (k) => (await later(), plainMap.get(k) ?? null), put: async (k, v) => (await later(), void plainMap.set(k, v)) };
  const one = new ln.KeyValueStore(plainKv);
  for (let i = 0; i < 5; i++) await one.put(ln.attemptKey(rec(i).paymentHash, 0), rec(i));
  assert.equal((await one.list()).length, 5, 'one writer at a time is kept');
});

/** Web Locks' semantics for Node (which has no navigator.locks): one holder per name, FIFO. */
function lockManager() {
  const queues = new Map();
  return {
    request(name, options, cb) {
      const q = queues.get(name) ?? Promise.resolve();
      let release;
      const gate = new Promise((r) => (release = r));
      queues.set(name, q.then(() => gate));
      return new Promise((resolveOuter, rejectOuter) => {
        const onAbort = () => rejectOuter(new DOMException('aborted', 'AbortError'));
        options?.signal?.addEventListener('abort', onAbort, { once: true });
        q.then(async () => {
          if (options?.signal?.aborted) return release();
          options?.signal?.removeEventListener('abort', onAbort);
          try {
            resolveOuter(await cb());
          } catch (e) {
            rejectOuter(e);
          } finally {
            release();
          }
        });
      });
    },
  };
}

test('two clients over one store with a shared lock manager (two tabs): one send, the other finds it', async () => {
  const config = defaultNetwork();
  config.delayMs = 100;
  const { net, payArgs } = setup(config);
  const store = new ln.MemoryStore();
  const locks = lockManager();
  const c1 = counted(net);
  const c2 = counted(net);
  const tab1 = new ln.Client({ transport: c1.t, store, locks });
  const tab2 = new ln.Client({ transport: c2.t, store, locks });
  const [a, b] = await Promise.all([tab1.pay(payArgs), tab2.pay(payArgs)]);
  assert.equal(a.status, 'complete');
  assert.equal(b.paymentPreimage, a.paymentPreimage);
  assert.equal(b.fromStore, true);
  assert.equal([...c1.calls, ...c2.calls].filter((m) => m === 'sendonion').length, 2, 'the first tab: a failed route, then the paid one');
  assert.ok(!c2.calls.includes('sendonion'), 'the second tab sent nothing');
  // Without the lock (two Workers on one KV): each sends, and an explicit groupid makes the
  // node's own check (check_progress) return the pending payment instead of a second HTLC.
  const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
  const route = (await tab1.getroute({ destination: inv.destination, amountMsat: 100000n })).route;
  const w1 = new ln.Client({ transport: net.transport(), store, locks: null });
  const w2 = new ln.Client({ transport: net.transport(), store, locks: null });
  const args = { route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, groupid: 7n, blockHeight: 100 };
  const [x, y] = await Promise.all([w1.sendonion(args), w2.sendonion(args)]);
  assert.equal(net.state.payments.filter((p) => p.payment_hash === inv.payment_hash).length, 1, 'one HTLC');
  assert.equal(x.createdIndex, y.createdIndex);
  // Without a groupid the second is a new group: 200 while the first is pending.
  const inv2 = net.invoice({ node: 'dave', amount_msat: 100000 });
  const args2 = { route, paymentHash: inv2.payment_hash, paymentSecret: inv2.payment_secret, blockHeight: 100 };
  const results = await Promise.allSettled([w1.sendonion(args2), w2.sendonion(args2)]);
  assert.equal(net.state.payments.filter((p) => p.payment_hash === inv2.payment_hash).length, 1, 'one HTLC');
  for (const r of results) assert.ok(r.status === 'fulfilled' ? r.value.status === 'pending' : r.reason.code === 200, String(r.reason));
});

test('invoices as users paste them: lightning: and whitespace stripped; BOLT 12, LNURL and another network named', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const client = new ln.Client({ transport: t });
  const pasted = ` LIGHTNING:${inv.bolt11.toUpperCase()}\n`;
  assert.equal(ln.decodeInvoice(pasted).paymentHash, inv.payment_hash);
  const r = await client.pay({ bolt11: pasted });
  assert.equal(r.status, 'complete');
  for (const [text, code] of [['lno1pgx9getnwss8vetrw3hhyucs5ypjgef743p5fzqq9nqxh0ah7y87rzv3ud0eleps9kl2d5348hq2k8qzqqq', 'INVOICE_IS_BOLT12_OFFER'], ['lnurl1dp68gurn8ghj7um9wfmxjcm99e3k7mf0v9cxj0m385ekvcenxc6r2c35xvukxefcv5mkvv34x5ekzd3ev56nyd3hxqurzepexejxxepnxscrvwfnv9nxzcn9xq6xyefhvgcxxcmyxymnserxfq5fns', 'INVOICE_IS_LNURL']]) {
    assert.throws(() => ln.decodeInvoice(text), (e) => e.data.error === code && /this call takes a BOLT 11 invoice/.test(e.message));
  }
  // A mainnet invoice (the spec's example, at its own time) against the regtest dev node.
  const spec = 'lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh';
  calls.length = 0;
  const e = await rejects(client.pay({ bolt11: spec, now: 1496314700 }), -32602, 'INVOICE_WRONG_NETWORK');
  assert.equal(e.data.field, 'bolt11');
  assert.match(e.message, /is for bitcoin \(lnbc…\) but the node is on regtest/);
  assert.deepEqual(calls, ['getinfo'], 'nothing sent but getinfo');
});

test('typos in what the client is given: unknown keys name the key meant, and nothing is sent', async () => {
  const { net, inv } = setup();
  const { t, calls } = counted(net);
  const typo = (e, field, meant) => {
    assert.ok(e instanceof ln.LnSendpayError, String(e));
    assert.equal(e.code, -32602);
    assert.equal(e.data.error, 'UNKNOWN_FIELD');
    assert.equal(e.data.field, field);
    assert.ok(e.message.endsWith(`did you mean ${meant}?`), e.message);
    return true;
  };
  assert.throws(() => new ln.Client({ transport: t, timeout: 5 }), (e) => typo(e, 'Client.timeout', 'timeoutMs'));
  assert.throws(() => ln.clnrest({ url: 'http://x', rune: 'r', timeoutMS: 5 }), (e) => typo(e, 'clnrest.timeoutMS', 'timeoutMs'));
  const client = new ln.Client({ transport: t });
  typo(await client.pay({ bolt11: inv.bolt11, maxAttempt: 3 }).catch((e) => e), 'maxAttempt', 'maxAttempts');
  typo(await client.pay({ bolt11: inv.bolt11, maxFeeMsat: 10n }).catch((e) => e), 'maxFeeMsat', 'maxfeeMsat');
  typo(await client.pay({ bolt11: inv.bolt11 }, { onprogress: () => {} }).catch((e) => e), 'options.onprogress', 'onProgress');
  typo(await client.waitsendpay({ paymentHash: inv.payment_hash, timeOut: 1 }).catch((e) => e), 'timeOut', 'timeout');
  typo(await client.listsendpays({ paymentHash: inv.payment_hash }, { signl: null }).catch((e) => e), 'options.signl', 'signal');
  const e = await client.sendpay({ bolt11: inv.bolt11, route: [], partId: 1 }).catch((x) => x);
  typo(e, 'partId', 'partid');
  assert.equal(calls.length, 0, 'nothing reached the node');
});

test('MPP driven by hand: getroutes splits, one groupid, the payee holds parts until the total; a failed part routed again; a missing part times out', async () => {
  const net = createNetwork({ ...defaultNetwork(), mppTimeoutMs: 150 });
  const client = new ln.Client({ transport: net.transport() });
  const { id } = await client.getinfo();
  const total = 500_000_000n; // over any channel's capacity to grace (300,000 sat)
  const inv = net.invoice({ node: 'grace', amount_msat: Number(total) });
  const ask = (extra = {}) => client.getroutes({ source: id, destination: inv.destination, amountMsat: total, maxfeeMsat: 5_000_000n, layers: ['auto.localchans'], ...extra });
  await rejects(ask({ maxparts: 1 }), 205);
  const { routes } = await ask();
  assert.deepEqual(routes.map((r) => r.route.map((h) => h.channel)), [['103x1x0', '110x1x0'], ['104x1x0', '111x1x0']]);
  assert.equal(routes.reduce((a, r) => a + r.route.at(-1).amountMsat, 0n), total);
  const part = (route, partid) => client.sendonion({ route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, totalMsat: total, partid, groupid: 7n });
  const wait = (partid) => client.waitsendpay({ paymentHash: inv.payment_hash, partid, groupid: 7n });
  for (const [i, r] of routes.entries()) assert.equal((await part(r.route, i + 1)).status, 'pending');
  // The node's check_progress: a part claiming another total is refused.
  await rejects(client.sendonion({ route: routes[0].route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, totalMsat: total + 1n, partid: 9, groupid: 7n }), -32602);
  const [first, second] = [wait(1), wait(2)];
  // Part 1 fails at bob (his side of 110x1x0 holds less than its capacity); part 2 is held.
  await rejects(first, 204, 'PAY_TRY_OTHER_ROUTE').then((e) => assert.equal(e.data.erringChannel, '110x1x0'));
  // Route part 1's amount again: bob's channel left out, part 2's amounts reserved.
  const reserved = routes[1].route.map((h) => ({ short_channel_id_dir: `${h.channel}/${h.direction}`, amount_msat: `${h.amountMsat}msat` }));
  await net.call('askrene-reserve', { path: reserved });
  await net.call('askrene-create-layer', { layer: 'mpp' });
  await net.call('askrene-update-channel', { layer: 'mpp', short_channel_id_dir: `110x1x0/${routes[0].route[1].direction}`, enabled: false });
  const again = await client.getroutes({ source: id, destination: inv.destination, amountMsat: routes[0].route.at(-1).amountMsat, maxfeeMsat: 5_000_000n, layers: ['auto.localchans', 'mpp'] });
  assert.deepEqual(again.routes.map((r) => r.route.map((h) => h.channel)), [['104x1x0', '107x1x0', '112x1x0']], 'not over 111x1x0, which part 2 holds');
  await part(again.routes[0].route, 3);
  const paid = await Promise.all([second, wait(3)]);
  assert.deepEqual(paid.map((p) => p.status), ['complete', 'complete']);
  assert.equal(paid[0].paymentPreimage, paid[1].paymentPreimage);
  await net.call('askrene-unreserve', { path: reserved });
  assert.deepEqual((await net.call('askrene-listreservations')).reservations, []);
  // sendpay's parts (the node builds the onions): amount_msat is the whole payment's.
  const viaSendpay = net.invoice({ node: 'grace', amount_msat: 60_000_000 });
  const half = async () => (await client.getroutes({ source: id, destination: viaSendpay.destination, amountMsat: 30_000_000n, maxfeeMsat: 5_000_000n, layers: ['auto.localchans'], maxparts: 1 })).routes[0].route;
  const [a, b] = [await half(), await half()];
  for (const [i, route] of [a, b].entries()) {
    const p = await client.sendpay({ route, paymentHash: viaSendpay.payment_hash, paymentSecret: viaSendpay.payment_secret, totalMsat: 60_000_000n, partid: i + 1, groupid: 3n });
    assert.equal(p.status, 'pending');
    assert.equal(BigInt(p.partid), BigInt(i + 1));
  }
  const both = await Promise.all([1, 2].map((partid) => client.waitsendpay({ paymentHash: viaSendpay.payment_hash, partid, groupid: 3n })));
  assert.deepEqual(both.map((p) => p.status), ['complete', 'complete']);
  const listed = await client.listsendpays({ paymentHash: viaSendpay.payment_hash });
  assert.deepEqual(listed.payments.map((p) => [Number(p.partid), BigInt(p.groupid), p.status]), [[1, 3n, 'complete'], [2, 3n, 'complete']]);

  // On a fresh network, a payment whose second part never comes: the payee fails the first
  // with WIRE_MPP_TIMEOUT.
  const fresh = createNetwork({ ...defaultNetwork(), mppTimeoutMs: 150 });
  const alone = new ln.Client({ transport: fresh.transport() });
  const late = fresh.invoice({ node: 'grace', amount_msat: Number(total) });
  const { routes: lateRoutes } = await alone.getroutes({ source: id, destination: late.destination, amountMsat: total, maxfeeMsat: 5_000_000n, layers: ['auto.localchans'] });
  await alone.sendonion({ route: lateRoutes[1].route, paymentHash: late.payment_hash, paymentSecret: late.payment_secret, totalMsat: total, partid: 1, groupid: 1n });
  const e = await rejects(alone.waitsendpay({ paymentHash: late.payment_hash, partid: 1, groupid: 1n }), 204);
  assert.equal(e.data.failcodename, 'WIRE_MPP_TIMEOUT');
  assert.equal(e.data.erringChannel, '0:0:0');
});

test('MPP: pay splits what no route can carry, routes a failed part again while the other holds its amounts, and reports every part', async () => {
  const { createHash } = await import('node:crypto');
  const net = createNetwork({ ...defaultNetwork(), mppTimeoutMs: 2000 });
  const inv = net.invoice({ node: 'grace', amount_msat: 500_000_000 }); // over any of grace's channels
  const { t, calls } = counted(net);
  const store = new ln.MemoryStore();
  const client = new ln.Client({ transport: t, store });
  const events = [];
  const paid = await client.pay({ bolt11: inv.bolt11 }, { onProgress: (e) => events.push(e) });
  assert.equal(paid.status, 'complete');
  assert.equal(createHash('sha256').update(Buffer.from(paid.paymentPreimage, 'hex')).digest('hex'), inv.payment_hash);
  assert.equal(paid.parts, 2);
  // Parts 1 and 2 (through bob and carol), then part 3 for part 1's amount (bob's side of
  // 110x1x0 cannot carry it), one group; the amounts delivered add up to the invoice.
  assert.deepEqual(paid.attempts.map((a) => [a.partid, a.status]), [[1, 'failed'], [2, 'complete'], [3, 'complete']]);
  assert.equal(new Set(paid.attempts.map((a) => a.groupid)).size, 1);
  assert.equal(paid.attempts[0].failure.erringChannel, '110x1x0');
  assert.equal(paid.attempts[2].amountMsat, paid.attempts[0].amountMsat, 'only the failed part routed again');
  assert.equal(paid.attempts[1].amountMsat + paid.attempts[2].amountMsat, 500_000_000n);
  assert.equal(paid.feeMsat, paid.attempts[1].feeMsat + paid.attempts[2].feeMsat);
  // Part 2's amounts were reserved while part 3 was routed, and released at the end.
  const order = calls.filter((m) => ['askrene-reserve', 'askrene-unreserve', 'getroutes'].includes(m));
  assert.ok(order.indexOf('askrene-reserve') < order.lastIndexOf('getroutes'), order.join(' '));
  assert.deepEqual((await net.call('askrene-listreservations')).reservations, []);
  // Progress tells the parts apart.
  const sends = events.filter((e) => e.stage === 'send');
  assert.deepEqual(sends.map((e) => e.partid), [1, 2, 3]);
  assert.ok(sends.every((e) => typeof e.amountMsat === 'bigint' && e.groupid === sends[0].groupid));
  assert.ok(events.some((e) => e.stage === 'wait' && e.partid === 2));
  // The node has the three parts; each is in the store under its partid.
  assert.deepEqual(net.state.payments.filter((p) => p.payment_hash === inv.payment_hash).map((p) => [p.partid, p.status]), [[1, 'failed'], [2, 'complete'], [3, 'complete']]);
  for (const partid of [1, 2, 3]) assert.ok(await store.get(ln.attemptKey(inv.payment_hash, partid)), `part ${partid} recorded`);
  // Paying it again: the stored parts are the payment; nothing is sent.
  const n = calls.length;
  const again = await client.pay({ bolt11: inv.bolt11 });
  assert.equal(again.fromStore, true);
  assert.equal(again.paymentPreimage, paid.paymentPreimage);
  assert.ok(calls.slice(n).every((m) => m !== 'sendonion'), calls.slice(n).join(' '));
  // maxParts: 1 cannot pay it: no single route.
  const other = net.invoice({ node: 'grace', amount_msat: 500_000_000 });
  await rejects(client.pay({ bolt11: other.bolt11, maxParts: 1 }), 205);
});

test('MPP: a reload mid-payment settles every stored part with the node before anything new is sent', async () => {
  const net = createNetwork({ ...defaultNetwork(), delayMs: 40, mppTimeoutMs: 300 });
  const inv = net.invoice({ node: 'grace', amount_msat: 500_000_000 });
  const store = new ln.MemoryStore();
  const ctrl = new AbortController();
  // The page is closed while both parts are out (part 1 failing at bob, part 2 held at grace).
  const first = new ln.Client({ transport: net.transport(), store });
  const onProgress = (e) => e.stage === 'wait' && e.partid === 2 && ctrl.abort();
  await rejects(first.pay({ bolt11: inv.bolt11 }, { signal: ctrl.signal, onProgress }), ln.TRANSPORT_ERROR, 'TRANSPORT_ABORTED');
  const stored = (await store.list()).filter((r) => r.paymentHash === inv.payment_hash);
  assert.deepEqual(stored.map((r) => [r.partid, r.status]).sort(), [[1, 'pending'], [2, 'pending']]);
  // Reopened: the stored parts are asked about and waited for (part 2 until the payee gives
  // up on it), then the payment is made anew; no stored part is sent again.
  const sent = [];
  const { t, calls } = counted(net, (request, options, inner) => {
    sent.push(request);
    return inner(request, options);
  });
  const paid = await new ln.Client({ transport: t, store }).pay({ bolt11: inv.bolt11 });
  assert.equal(paid.status, 'complete');
  const before = calls.slice(0, calls.indexOf('sendonion'));
  assert.ok(before.includes('listsendpays') && before.filter((m) => m === 'waitsendpay').length >= 2, before.join(' '));
  // What part 1's failure at bob taught (its verified update, capped below what 110x1x0
  // refused) is in the layer before the first route is asked for.
  const firstRoutes = sent.findIndex((r) => r.method === 'getroutes');
  const taught = sent.slice(0, firstRoutes).filter((r) => r.method === 'askrene-update-channel' && r.params.short_channel_id_dir.startsWith('110x1x0/') && r.params.htlc_maximum_msat);
  assert.equal(taught.length, 1, sent.slice(0, firstRoutes).map((r) => `${r.method} ${JSON.stringify(r.params)}`).join('\n'));
  const rows = net.state.payments.filter((p) => p.payment_hash === inv.payment_hash);
  const groups = [...new Set(rows.map((p) => p.groupid))];
  assert.equal(groups.length, 2, 'the first run\u2019s group, then the new one');
  assert.deepEqual(rows.filter((p) => p.groupid === groups[0]).map((p) => p.status), ['failed', 'failed'], 'the first run\u2019s parts: failed (bob; the payee\u2019s timeout), never re-sent');
  assert.ok(rows.some((p) => p.groupid === groups[1] && p.status === 'complete'));
  // Every part of both runs is on record: the new run's part ids start after the first's.
  const parts = (await store.list()).filter((r) => r.paymentHash === inv.payment_hash).map((r) => [r.partid, r.groupid, r.status]);
  assert.deepEqual(parts.filter((p) => p[1] === String(groups[0])).map((p) => [p[0], p[2]]).sort(), [[1, 'failed'], [2, 'failed']]);
  assert.ok(parts.filter((p) => p[1] === String(groups[1])).every((p) => p[0] > 2), JSON.stringify(parts));
  assert.ok(rows.filter((p) => p.groupid === groups[1]).every((p) => p.partid > 2));
});
