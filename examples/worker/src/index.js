// A Worker that signs for a remote node: it builds the onion for a route (POST /onion) and
// decodes the node's failure reply (POST /decode) with the shared secrets it returned. It
// imports `ln-sendpay/onion`, the smallest module (no invoices, no client). The `workerd`
// entry instantiates the .wasm and warms the onion path up at start-up: no init(), and the
// first request does not pay a cold start. Every input is checked in the library (unknown
// keys, types, depth, cycles): a bad request is a 400 naming the field.
import { buildOnion, decodeFailure } from 'ln-sendpay/onion';

const json = (body, status = 200) =>
  new Response(JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v)), {
    status,
    headers: { 'content-type': 'application/json' },
  });

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST') return json({ error: 'POST /onion or /decode' }, 405);
    let body;
    try {
      body = await request.json();
    } catch {
      return json({ error: 'the body is not JSON' }, 400);
    }
    try {
      // body: {route, paymentHash, paymentSecret?, blockHeight} → {sendonion, sharedSecrets}.
      // `route` as the node's JSON text (a string: getroute's `route`, or a getroutes route),
      // read exactly in Rust; as parsed JSON its msat numbers would be JS numbers, refused.
      if (pathname === '/onion') {
        const { onion, sharedSecrets, firstHop } = buildOnion(body);
        // What the caller POSTs to the node's /v1/sendonion, as is. The shared secrets stay
        // with the caller (never the node): /decode needs them for the failure reply.
        const first_hop = { id: firstHop.id, amount_msat: `${firstHop.amountMsat}msat`, delay: firstHop.delay };
        return json({ sendonion: { onion, first_hop, payment_hash: body.paymentHash }, sharedSecrets });
      }
      // body: {reply, sharedSecrets, route?} → the routing failure object (a value, never thrown)
      if (pathname === '/decode') return json(decodeFailure(body));
      return json({ error: `no route ${pathname}` }, 404);
    } catch (e) {
      // The library's errors (LnSendpayError, and TypeError/RangeError for a wrong JS type) all
      // carry `code` and `data.error`, a stable string; anything else is a bug here.
      if (typeof e?.data?.error === 'string') return json({ code: e.code, error: e.data.error, field: e.data.field, message: e.message }, 400);
      throw e;
    }
  },
};
