// `ln-sendpay/onion` in Node: its own module (onion/ln_sendpay_onion_bg.wasm), instantiated at import.
import { initSync } from './onion/ln_sendpay_onion.js';
import { markReady } from './lib/error.js';
import { instantiate, wasmBytes } from './lib/boot-node.js';

instantiate(initSync, 'onion/ln_sendpay_onion_bg.wasm', wasmBytes('onion/ln_sendpay_onion_bg.wasm', [
  () => new URL('./onion/ln_sendpay_onion_bg.wasm', import.meta.url),
  () => import.meta.resolve('ln-sendpay/onion/ln_sendpay_onion_bg.wasm'),
]));
markReady('onion');

export * from './lib/onion-api.js';
import { createOnion } from './lib/onion-api.js';
import { prime } from './lib/warm.js';

// Primed at import: the first onion then runs compiled code on a built basepoint table (~1.8x a
// warm one instead of ~12x) for ~12 ms more import (docs/bench.md, "Cold start").
prime(createOnion);
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
