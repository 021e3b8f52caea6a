// `ln-sendpay/hop` in Node: its own module (full/ln_sendpay_full_bg.wasm), instantiated at import.
import { initSync } from './full/ln_sendpay_full.js';
import { markReady } from './lib/error.js';
import { instantiate, wasmBytes } from './lib/boot-node.js';

instantiate(initSync, 'full/ln_sendpay_full_bg.wasm', wasmBytes('full/ln_sendpay_full_bg.wasm', [
  () => new URL('./full/ln_sendpay_full_bg.wasm', import.meta.url),
  () => import.meta.resolve('ln-sendpay/full/ln_sendpay_full_bg.wasm'),
]));
markReady('full');

export * from './lib/hop-api.js';
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
