// Node: synchronous initialisation from the packaged file, no top-level await (so
// `require('ln-sendpay')` works too, on Node 20.19+ and 22.12+).
import { initSync } from './ln_sendpay.js';
import { markReady } from './lib/error.js';
import { instantiate, wasmBytes } from './lib/boot-node.js';

instantiate(initSync, 'ln_sendpay_bg.wasm', wasmBytes('ln_sendpay_bg.wasm', [
  () => new URL('./ln_sendpay_bg.wasm', import.meta.url),
  () => import.meta.resolve('ln-sendpay/ln_sendpay_bg.wasm'),
]));
markReady('main');

export * from './lib/api.js';
import { createOnion } from './lib/api.js';
import { prime } from './lib/warm.js';

// Primed at import: the first onion then runs compiled code on a built basepoint table (~1.8x a
// warm one instead of ~12x) for ~12 ms more import (docs/bench.md, "Cold start").
prime(createOnion);
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
