// What every fresh project runs, in whatever runtime and bundler: a 1366-byte onion for a
// route and a verified invoice. INPUT (input.js) is written by tests/js/bundlers.mjs.
import { buildOnion, decodeInvoice, version } from 'ln-sendpay';
import { INPUT } from './input.js';

export function work() {
  try {
    const o = buildOnion(INPUT.build);
    const inv = decodeInvoice(INPUT.invoice, { now: INPUT.now });
    return { onion: o.onion, bytes: o.onion.length / 2, payee: inv.payee, paymentHash: inv.paymentHash, version: version() };
  } catch (e) {
    return { error: e.message, code: e.data?.error };
  }
}
