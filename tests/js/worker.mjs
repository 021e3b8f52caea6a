// A Cloudflare Worker using the package's workerd entry: per request it builds an onion or
// decodes a failure, and it can run the whole JS suite.
import * as ln from '../../pkg/index.workerd.js';
import * as onion from '../../pkg/onion.workerd.js';
import * as hop from '../../pkg/hop.workerd.js';
import { runSuite, ENTRY_EXPORTS } from './suite.mjs';

const json = (v, status = 200) =>
  new Response(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x)), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const body = request.method === 'POST' ? await request.json() : {};
    try {
      if (pathname === '/suite') {
        // The main entry, then ln-sendpay/onion (its own module), each with the hop side; and
        // each entry's exports, exactly.
        const results = await runSuite(ln, body, hop);
        for (const r of await runSuite(onion, body, hop)) results.push({ ...r, name: `ln-sendpay/onion: ${r.name}${r.na ? ` (n/a: needs ${r.na})` : ''}` });
        for (const [entry, mod] of [['ln-sendpay', ln], ['ln-sendpay/onion', onion], ['ln-sendpay/hop', hop]]) {
          const got = Object.keys(mod).sort().join(), want = [...ENTRY_EXPORTS[entry]].sort().join();
          results.push({ name: `${entry} exports exactly its functions`, ok: got === want, error: `${got} != ${want}` });
        }
        return json(results);
      }
      if (pathname === '/warm-state') return json({ main: ln.warmUp(), onion: onion.warmUp() });
      if (pathname === '/onion') return json(ln.buildOnion(body));
      if (pathname === '/failure') return json(ln.decodeFailure(body));
      if (pathname === '/kv') {
        // Workers KV through KeyValueStore: write, then read back through a new instance.
        await new ln.KeyValueStore(env.ATTEMPTS).put(ln.attemptKey(body.paymentHash, 0), body);
        const again = new ln.KeyValueStore(env.ATTEMPTS);
        return json({ got: await again.get(ln.attemptKey(body.paymentHash, 0)), count: (await again.list()).length });
      }
      if (pathname === '/pay') {
        // The sendpay client inside a Worker: clnrest over the Worker's fetch to the dev node,
        // attempts recorded in Workers KV.
        const client = new ln.Client({ transport: ln.clnrest({ url: body.url, rune: body.rune }), store: new ln.KeyValueStore(env.ATTEMPTS) });
        const stages = [];
        const r = await client.pay(body.pay, { onProgress: (e) => stages.push(e.stage) });
        const again = await client.pay(body.pay);
        const stored = await client.store.get(ln.attemptKey(body.hash ?? body.pay.paymentHash, body.partid ?? 0));
        return json({ ...r, stages, again: again.fromStore === true, stored: stored.status });
      }
      if (pathname === '/keysend') {
        // Keysend inside a Worker: the preimage drawn from the Worker's crypto, the payment
        // through the dev node, recorded in KV.
        const client = new ln.Client({ transport: ln.clnrest({ url: body.url, rune: body.rune }), store: new ln.KeyValueStore(env.ATTEMPTS) });
        const r = await client.keysend(body.keysend);
        const stored = await client.store.get(ln.attemptKey(r.paymentHash, 0));
        return json({ ...r, stored: stored.status });
      }
      if (pathname === '/offer') {
        // BOLT 12 in a Worker: the invoice fetched by the node and checked here, paid through
        // a blinded path; the attempts in KV.
        const client = new ln.Client({ transport: ln.clnrest({ url: body.url, rune: body.rune }), store: new ln.KeyValueStore(env.ATTEMPTS) });
        const r = await client.pay({ offer: body.offer });
        const inv = ln.decodeBolt12(r.bolt12);
        const stored = await client.store.get(ln.attemptKey(inv.invoicePaymentHash, 0));
        return json({ ...r, paymentHash: inv.invoicePaymentHash, stored: stored.status, destination: stored.destination });
      }
      if (pathname === '/webln') {
        // The WebLN provider inside a Worker: an invoice and a keysend through the dev node.
        const client = new ln.Client({ transport: ln.clnrest({ url: body.url, rune: body.rune }), store: new ln.KeyValueStore(env.ATTEMPTS) });
        const webln = new ln.WebLNProvider({ client });
        await webln.enable();
        const info = await webln.getInfo();
        const paid = await webln.sendPayment(body.bolt11);
        const ks = await webln.keysend({ destination: body.destination, amount: 7, customRecords: { 7629169: '{"worker":true}' } });
        let refused;
        try {
          await webln.sendPayment(body.refused);
        } catch (e) {
          refused = { name: e.name, code: e.code, failcodename: e.data.failcodename, erringChannel: e.data.erringChannel };
        }
        return json({ info, paid, ks, refused });
      }
      return json({ error: 'not found' }, 404);
    } catch (e) {
      return json({ name: e.name, message: e.message, code: e.code, data: e.data }, 400);
    }
  },
};
