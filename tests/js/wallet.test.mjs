// The wallet's surface (Node, against the packed tarball): keysend, the WebLN provider and
// the strings people paste, against the dev node's simulated network (its hops peel the
// onions with the package's hop side; its payees check keysend preimages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import * as ln from 'ln-sendpay';

const root = process.env.LN_SENDPAY_ROOT ?? resolve(new URL('../..', import.meta.url).pathname);
const { createNetwork, defaultNetwork } = await import(resolve(root, 'www/devnode/network.mjs'));
const sha256 = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

function setup() {
  const net = createNetwork(defaultNetwork());
  const calls = [];
  const inner = net.transport();
  const transport = (req, o) => {
    calls.push({ method: req.method, params: req.paramsJson ?? JSON.stringify(req.params) });
    return inner(req, o);
  };
  return { net, calls, client: new ln.Client({ transport }) };
}

test('keysend: a fresh preimage reaches dave in the onion with the custom records; the first route fails at bob, decoded, retried', async () => {
  const { net, calls, client } = setup();
  const events = [];
  const r = await client.keysend({ destination: net.nodes.dave, amountMsat: 50_000n, customRecords: { 65537: '68656c6c6f', 7629169: '7b7d' } }, { onProgress: (e) => events.push(e.stage) });
  assert.equal(r.status, 'complete');
  assert.match(r.paymentPreimage, /^[0-9a-f]{64}$/);
  assert.equal(sha256(r.paymentPreimage), r.paymentHash, 'the payment hash is the preimage’s SHA-256');
  assert.equal(r.attempts.length, 2);
  assert.equal(r.attempts[0].failure.erringChannel, '105x1x0');
  assert.ok(events.includes('attempt_failed'));
  // The payee saw the preimage and the records; the node never saw the preimage in the clear.
  assert.deepEqual(net.state.keysends, [{ node: 'dave', amountMsat: 50_000n, paymentHash: r.paymentHash, customRecords: { 65537: '68656c6c6f', 7629169: '7b7d' } }]);
  assert.ok(calls.every((c) => !c.params.includes(r.paymentPreimage)), 'the preimage only travels inside the onion');
  // Recorded as pay's attempts are, under its hash (one part: partid 0, the last attempt's).
  const recs = (await client.store.list()).filter((x) => x.paymentHash === r.paymentHash);
  assert.deepEqual(recs.map((x) => [x.status, x.partid, x.paymentPreimage]), [['complete', 0, r.paymentPreimage]]);
  // A second keysend is a new payment: another preimage, another hash.
  const again = await client.keysend({ destination: net.nodes.dave, amountMsat: 1000n });
  assert.notEqual(again.paymentHash, r.paymentHash);
});

test('keysend: what is wrong is named in the caller’s terms, and nothing is sent', async () => {
  const { net, calls, client } = setup();
  const bad = async (args, field, code = -32602) => {
    const e = await client.keysend({ destination: net.nodes.dave, amountMsat: 1000n, ...args }).then(() => assert.fail('expected an error'), (x) => x);
    assert.ok(e instanceof ln.LnSendpayError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.data.field, field, e.message);
  };
  await bad({ customRecords: { 5482373484: '00' } }, 'customRecords.5482373484');
  await bad({ customRecords: { 100: '00' } }, 'customRecords.100');
  await bad({ customRecords: { 65536: 'xyz' } }, 'customRecords.65536');
  await bad({ paymentHash: '00'.repeat(32) }, 'paymentHash');
  await bad({ destination: '02' }, 'destination');
  await bad({ amountMsat: 0n }, 'amountMsat');
  await assert.rejects(client.keysend({ destination: net.nodes.dave, amountMsat: 5 }), (e) => e instanceof TypeError && /bigint/.test(e.message));
  assert.deepEqual(calls, []);
  // A payee that refuses (a wrong preimage, as it would be checked) is the man page's 203.
  net.call('dev-fail', { node: 'dave', kind: 'incorrect_or_unknown_payment_details' });
  const e = await client.keysend({ destination: net.nodes.dave, amountMsat: 1000n }).then(() => assert.fail(), (x) => x);
  assert.equal(e.code, 203);
  assert.equal(e.data.failcodename, 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS');
});

test('WebLN: enable, getInfo, sendPayment (a failure decoded here, then paid), keysend, makeInvoice, sign and verify', async () => {
  const { net, client } = setup();
  const asked = [];
  const provider = new ln.WebLNProvider({ client, confirm: (r) => (asked.push(r.method), true) });
  await assert.rejects(provider.getInfo(), (e) => e.name === 'RejectionError' && e.data.error === 'WEBLN_NOT_ENABLED');
  assert.equal(await provider.isEnabled(), false);
  await provider.enable();
  const info = await provider.getInfo();
  assert.deepEqual(info.node, { pubkey: net.nodes.alice, alias: 'ALICE', color: '#02bf81' });
  assert.equal(info.network, 'regtest');
  assert.deepEqual(info.supports, ['lightning']);
  for (const m of ['sendPayment', 'keysend', 'makeInvoice', 'signMessage', 'verifyMessage']) assert.ok(info.methods.includes(m), m);
  for (const m of ['getBalance', 'lookupInvoice', 'lnurl', 'request']) {
    assert.ok(!info.methods.includes(m), m);
    await assert.rejects(provider[m](), (e) => e.name === 'UnsupportedMethodError' && e instanceof ln.LnSendpayError, m);
  }

  const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
  const paid = await provider.sendPayment(inv.bolt11);
  assert.equal(sha256(paid.preimage), inv.payment_hash);
  const ks = await provider.keysend({ destination: net.nodes.dave, amount: '21', customRecords: { 7629169: '{"podcast":"ln"}' } });
  assert.match(ks.preimage, /^[0-9a-f]{64}$/);
  assert.deepEqual(net.state.keysends.at(-1).customRecords, { 7629169: Buffer.from('{"podcast":"ln"}').toString('hex') });
  assert.equal(net.state.keysends.at(-1).amountMsat, 21_000n);

  const made = await provider.makeInvoice({ amount: 1234, defaultMemo: 'tip jar' });
  const d = ln.decodeInvoice(made.paymentRequest);
  assert.deepEqual([d.payee, d.amountMsat, d.description], [net.nodes.alice, 1_234_000n, 'tip jar']);
  const any = ln.decodeInvoice((await provider.makeInvoice()).paymentRequest);
  assert.equal(any.amountMsat, null);
  await assert.rejects(provider.makeInvoice({ amount: 5, minimumAmount: 10 }), (e) => e.name === 'InvalidDataError' && e.data.field === 'amount');
  await assert.rejects(provider.makeInvoice(1.5), (e) => e.name === 'InvalidDataError');

  const signed = await provider.signMessage('hello webln');
  assert.equal(signed.message, 'hello webln');
  assert.match(signed.signature, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{104}$/);
  await provider.verifyMessage(signed.signature, 'hello webln');
  await assert.rejects(provider.verifyMessage(signed.signature, 'hello webLN'), (e) => e instanceof ln.WebLNError);
  // Asked before each, except what was refused before asking (bad amounts).
  assert.deepEqual(asked, ['sendPayment', 'keysend', 'makeInvoice', 'makeInvoice', 'signMessage']);
});

test('WebLN: a payment that fails rejects with RoutingError carrying the routing failure; a declined one with RejectionError; a bad invoice with InvalidDataError', async () => {
  const { net, calls, client } = setup();
  let answer = true;
  const provider = new ln.WebLNProvider({ client, confirm: () => answer, payOptions: { maxAttempts: 1 } });
  await provider.enable();
  const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
  const e = await provider.sendPayment(inv.bolt11).then(() => assert.fail(), (x) => x);
  assert.equal(e.name, 'RoutingError');
  assert.ok(e instanceof ln.LnSendpayError && e instanceof ln.WebLNError);
  assert.equal(e.code, 210);
  assert.equal(e.data.erringChannel, '105x1x0');
  assert.equal(e.data.failcodename, 'WIRE_TEMPORARY_CHANNEL_FAILURE');
  assert.equal(e.data.attempts.length, 1);
  answer = false;
  const sent = calls.length;
  await assert.rejects(provider.sendPayment(net.invoice({ node: 'dave', amount_msat: 1000 }).bolt11), (x) => x.name === 'RejectionError');
  await assert.rejects(provider.keysend({ destination: net.nodes.dave, amount: 1 }), (x) => x.name === 'RejectionError');
  assert.equal(calls.length, sent, 'nothing sent once declined');
  await assert.rejects(provider.sendPayment('lnbc1garbage'), (x) => x.name === 'InvalidDataError' && x.data.field === 'paymentRequest');
  await assert.rejects(provider.keysend({ destination: net.nodes.dave, amount: 0.5 }), (x) => x.name === 'InvalidDataError' && x.data.field === 'amount');
  await assert.rejects(provider.keysend({ destination: net.nodes.dave, amount: 1, customRecords: { 65537: 7 } }), (x) => x.name === 'InvalidDataError');
});

test('WebLN: accountChanged fires when the node behind the client is another one', async () => {
  const a = createNetwork(defaultNetwork());
  const cfg = defaultNetwork();
  cfg.us = 'carol';
  const b = createNetwork(cfg);
  let net = a;
  const client = new ln.Client({ transport: (req, o) => net.transport()(req, o) });
  const provider = new ln.WebLNProvider({ client });
  let fired = 0;
  const listener = () => fired++;
  provider.on('accountChanged', listener);
  await provider.enable();
  await provider.getInfo();
  net = b;
  assert.equal((await provider.getInfo()).node.pubkey, b.nodes.carol);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(fired, 1);
  provider.off('accountChanged', listener);
  net = a;
  await provider.getInfo();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(fired, 1);
});

test('the node’s invoice answer is checked: a bolt11 whose hash is not the answer’s is NODE_BAD_ANSWER', async () => {
  const { net } = setup();
  const inner = net.transport();
  const client = new ln.Client({
    transport: async (req, o) => {
      const out = await inner(req, o);
      if (req.method !== 'invoice') return out;
      return JSON.stringify({ ...JSON.parse(out), payment_hash: '00'.repeat(32) });
    },
  });
  const e = await client.invoice({ amountMsat: 1000n, label: 'x', description: 'y' }).then(() => assert.fail(), (x) => x);
  assert.equal(e.data.error, 'NODE_BAD_ANSWER');
  assert.equal(e.data.field, 'paymentHash');
});

test('parsePaymentString and amounts: what a wallet shows and takes', () => {
  const net = createNetwork(defaultNetwork());
  const inv = net.invoice({ node: 'dave', amount_msat: 123456 });
  const p = ln.parsePaymentString(`  LIGHTNING:${inv.bolt11.toUpperCase()}\n`);
  assert.equal(p.kind, 'bolt11');
  assert.equal(p.payable, true);
  assert.equal(p.bolt11, inv.bolt11);
  assert.equal(p.invoice.amountMsat, 123456n);
  // Shown exactly in sat and BTC; user input in the man page's grammar.
  assert.equal(ln.formatAmount(p.invoice.amountMsat, 'sat'), '123.456sat');
  assert.equal(ln.formatAmount(p.invoice.amountMsat, 'btc'), '0.00000123456btc');
  assert.equal(ln.parseAmount('123.456sat'), 123456n);
  assert.equal(ln.parseAmount('0.00000123456btc'), 123456n);
  const node = ln.parsePaymentString(`${net.nodes.dave}@127.0.0.1:9735`);
  assert.deepEqual({ ...node }, { kind: 'node', payable: true, nodeId: net.nodes.dave, host: '127.0.0.1', port: 9735 });
  assert.equal(ln.parsePaymentString('tips@example.com').kind, 'lightning_address');
  const e = (() => {
    try {
      ln.parsePaymentString(`bitcoin:?lightning=${inv.bolt11.slice(0, -1)}`);
    } catch (x) {
      return x;
    }
  })();
  assert.equal(e.data.field, 'paymentString.lightning');
  assert.equal(e.data.error, 'BOLT11_BAD_CHECKSUM');
});
