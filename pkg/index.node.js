// Node: synchronous initialisation from the packaged file, no top-level await (so
// `require('ln-sendpay')` works too, on Node 20.19+ and 22.12+).
import { initSync } from './ln_sendpay.js';
import { markReady } from './lib/error.js';
import { wasmBytes } from './lib/boot-node.js';

initSync({
  module: wasmBytes('ln_sendpay_bg.wasm', [
    () => new URL('./ln_sendpay_bg.wasm', import.meta.url),
    () => import.meta.resolve('ln-sendpay/ln_sendpay_bg.wasm'),
  ]),
});
markReady('main');

export * from './lib/api.js';
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
