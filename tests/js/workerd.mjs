// workerd through miniflare's API: the suite inside a Worker, then onions and failure
// decodes per request.
import { Miniflare } from 'miniflare';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VECTOR_FILES } from './suite.mjs';
import { startDevNode } from '../../www/devnode/server.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared');
const mf = new Miniflare({
  modules: true,
  modulesRoot: root,
  scriptPath: join(root, 'tests/js/worker.mjs'),
  modulesRules: [
    { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
    { type: 'CompiledWasm', include: ['**/*.wasm'] },
  ],
  compatibilityDate: '2026-04-01',
  kvNamespaces: ['ATTEMPTS'],
});
let passed = 0;
let failed = 0;
const report = (ok, name, detail) => {
  console.log(`${ok ? 'ok' : 'not ok'} - workerd: ${name}${ok ? '' : `\n${detail}`}`);
  ok ? passed++ : failed++;
};
try {
  const post = async (path, body) => {
    const res = await mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const texts = Object.fromEntries(VECTOR_FILES.map((f) => [f, readFileSync(join(shared, f), 'utf8')]));
  // Both Worker entries warmed up at module scope (start-up), before any request.
  const warm = await post('/warm-state', {});
  const warmed = (w) => w && w.already === true && w.rounds === 10;
  report(warm.status === 200 && warmed(warm.body.main) && warmed(warm.body.onion), 'the workerd entries warm up at start-up (10 rounds), not in a request', JSON.stringify(warm));
  const suite = await post('/suite', texts);
  for (const r of suite.body) report(r.ok, r.name, r.error);

  const onionTest = JSON.parse(texts['vectors/bolt04/onion-test.json']);
  const ids = onionTest.generate.hops.map((h) => h.pubkey);
  const route = [
    { id: ids[0], channel: '103x1x0', amount_msat: '2000', delay: 40 },
    { id: ids[1], channel: '104x1x0', amount_msat: '1000', delay: 9 },
  ];
  const onions = new Set();
  for (let i = 0; i < 3; i++) {
    const r = await post('/onion', { route, paymentHash: '42'.repeat(32), paymentSecret: '11'.repeat(32), blockHeight: 900000 });
    report(r.status === 200 && r.body.onion.length === 2732 && r.body.firstHop.amountMsat === '2000', `request ${i + 1}: buildOnion`, JSON.stringify(r));
    onions.add(r.body.onion);
  }
  report(onions.size === 3, 'a fresh session key per request', `${onions.size} distinct onions`);
  const err = JSON.parse(texts['vectors/bolt04/onion-error-test.json']);
  const f = await post('/failure', { reply: err.errorpacket, sharedSecrets: err.generate.hops.map((h) => h.hop_shared_secret) });
  report(f.status === 200 && f.body.originIndex === 4 && f.body.code === 204, 'decodeFailure per request', JSON.stringify(f));
  const rec = { paymentHash: 'cd'.repeat(32), partid: 0, amountMsat: '1000', status: 'unknown', createdAt: 1, updatedAt: 1 };
  const kv = await post('/kv', rec);
  report(kv.status === 200 && JSON.stringify(kv.body.got) === JSON.stringify(rec) && kv.body.count === 1, 'KeyValueStore over Workers KV', JSON.stringify(kv));
  const bad = await post('/onion', { route: [{ ...route[0], amount_msat: 5 }], paymentHash: '42'.repeat(32), blockHeight: 1 });
  report(bad.status === 400 && bad.body.name === 'TypeError' && bad.body.data.field === 'route[0].amount_msat', 'a JS number amount is a TypeError', JSON.stringify(bad));

  // End to end: the client in the Worker pays through the dev node (CLNRest over fetch).
  const dev = await startDevNode();
  try {
    const inv = dev.network.invoice({ node: 'dave', amount_msat: 120000 });
    const pay = { destination: inv.destination, amountMsat: '120000msat', paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret };
    const r = await post('/pay', { url: dev.url, rune: dev.rune, pay });
    const ok = r.status === 200 && r.body.status === 'complete' && r.body.attempts.length === 2 &&
      r.body.attempts[0].failure.erringChannel === '105x1x0' && r.body.stages.includes('attempt_failed') && r.body.again && r.body.stored === 'complete';
    report(ok, 'pay through the dev node: a failure decoded, a retry, paid; the store in KV', JSON.stringify(r).slice(0, 2000));
    // In parts: grace's invoice is over any of her channels.
    const big = dev.network.invoice({ node: 'grace', amount_msat: 500_000_000 });
    const m = await post('/pay', { url: dev.url, rune: dev.rune, pay: { bolt11: big.bolt11 }, hash: big.payment_hash, partid: 2 });
    const mok = m.status === 200 && m.body.status === 'complete' && m.body.parts === 2 &&
      JSON.stringify(m.body.attempts.map((a) => [a.partid, a.status])) === '[[1,"failed"],[2,"complete"],[3,"complete"]]' && m.body.again && m.body.stored === 'complete';
    report(mok, 'pay in parts through the dev node: a part failing at bob routed again, paid; the parts in KV', JSON.stringify(m).slice(0, 2000));
    const ks = await post('/keysend', { url: dev.url, rune: dev.rune, keysend: { destination: dev.network.nodes.dave, amountMsat: '42000msat', customRecords: { 65537: 'c0ffee' } } });
    const seen = dev.network.state.keysends.at(-1);
    const kok = ks.status === 200 && ks.body.status === 'complete' && ks.body.attempts.length === 2 && ks.body.stored === 'complete' &&
      seen?.paymentHash === ks.body.paymentHash && seen.customRecords['65537'] === 'c0ffee' && seen.amountMsat === 42000n;
    report(kok, 'keysend from a Worker: a preimage drawn there, checked by dave, the failure at bob decoded and routed around; the store in KV', JSON.stringify(ks).slice(0, 2000));
    const sha = async (hex) => Buffer.from(await crypto.subtle.digest('SHA-256', Buffer.from(hex, 'hex'))).toString('hex');
    const winv = dev.network.invoice({ node: 'dave', amount_msat: 30000 });
    const refused = dev.network.invoice({ node: 'dave', amount_msat: 1000 });
    dev.network.state.invoices.delete(refused.payment_hash); // dave no longer knows it: 203
    const w = await post('/webln', { url: dev.url, rune: dev.rune, bolt11: winv.bolt11, refused: refused.bolt11, destination: dev.network.nodes.dave });
    const wseen = dev.network.state.keysends.at(-1);
    const wok = w.status === 200 && w.body.info.node.pubkey === dev.network.nodes.alice && (await sha(w.body.paid.preimage)) === winv.payment_hash &&
      wseen?.paymentHash === (await sha(w.body.ks.preimage)) && wseen.amountMsat === 7000n &&
      w.body.refused?.name === 'RoutingError' && w.body.refused.code === 203 && w.body.refused.failcodename === 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS';
    const offer = dev.network.offer({ node: 'dave', amount_msat: 40000, description: 'from a Worker' });
    const of = await post('/offer', { url: dev.url, rune: dev.rune, offer: offer.bolt12 });
    const ook = of.status === 200 && of.body.status === 'complete' && (await sha(of.body.paymentPreimage)) === of.body.paymentHash &&
      of.body.attempts.length === 2 && of.body.attempts[0].failure.failcodename === 'WIRE_INVALID_ONION_BLINDING' && of.body.stored === 'complete' && of.body.destination === dev.network.nodes.dave;
    report(ook, 'an offer paid from a Worker: the invoice checked there, bob’s path fails inside (invalid_onion_blinding), carol’s pays; the store in KV names dave', JSON.stringify(of).slice(0, 2000));
    report(wok, 'WebLNProvider in a Worker: sendPayment and keysend paid with proof; a refused payment is RoutingError with the failure decoded', JSON.stringify(w).slice(0, 2000));
  } finally {
    await dev.close();
  }
} finally {
  await mf.dispose();
}
console.log(`workerd: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
