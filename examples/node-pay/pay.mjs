// Pay a BOLT 11 invoice through a Core Lightning node's CLNRest:
//
//   CLNREST_URL=https://mynode:3010 CLNREST_RUNE=… node pay.mjs lnbc…
//
// The node finds routes (getroutes) and forwards the HTLC; the onion is built here and every
// failure reply is decoded here, so what the node says about the route can be checked.
// Ctrl-C aborts between steps (an HTLC already sent stays the node's to settle).
import { Client, clnrest, LnSendpayError } from 'ln-sendpay';

const [bolt11] = process.argv.slice(2);
const { CLNREST_URL: url, CLNREST_RUNE: rune } = process.env;
if (!bolt11 || !url || !rune) {
  console.error('usage: CLNREST_URL=… CLNREST_RUNE=… node pay.mjs <bolt11>');
  process.exit(2);
}

const client = new Client({ transport: clnrest({ url, rune, timeoutMs: 30_000 }) });
const abort = new AbortController();
process.once('SIGINT', () => abort.abort());

try {
  const paid = await client.pay({ bolt11, maxAttempts: 5 }, {
    signal: abort.signal,
    onProgress: (e) => {
      if (e.stage === 'send') console.log(`attempt ${e.attempt}: via ${e.route.map((h) => h.channel).join(' → ')}`);
      if (e.stage === 'attempt_failed') console.log(`attempt ${e.attempt}: ${e.failure?.failcodename ?? 'failed'} at ${e.failure?.erringChannel ?? '?'}`);
    },
  });
  console.log(`paid: preimage ${paid.paymentPreimage}, fee ${paid.feeMsat} msat, ${paid.attempts.length} attempt(s)`);
} catch (e) {
  if (!(e instanceof LnSendpayError)) throw e;
  console.error(`not paid: ${e.code} ${e.data?.error ?? ''}: ${e.message}`);
  process.exit(1);
}
