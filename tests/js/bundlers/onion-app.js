// The same onion as app.js, from `ln-sendpay/onion` (the smallest module: no invoices).
import { buildOnion, version } from 'ln-sendpay/onion';
import { INPUT } from './input.js';

export function work() {
  try {
    const o = buildOnion(INPUT.build);
    return { onion: o.onion, bytes: o.onion.length / 2, version: version() };
  } catch (e) {
    return { error: e.message, code: e.data?.error };
  }
}
