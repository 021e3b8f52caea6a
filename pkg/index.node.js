// Node: synchronous initialisation from the packaged file, no top-level await (so
// `require('ln-sendpay')` works too, on Node 20.19+ and 22.12+).
import { readFileSync } from 'node:fs';
import { initSync } from './ln_sendpay.js';
import { LnSendpayError, markReady } from './lib/error.js';

/** The .wasm beside this file; from a bundle (esbuild --platform=node) the installed package's. */
function wasmBytes() {
  const places = [() => new URL('./ln_sendpay_bg.wasm', import.meta.url), () => import.meta.resolve('ln-sendpay/ln_sendpay_bg.wasm')];
  for (const place of places) {
    try {
      return readFileSync(new URL(place()));
    } catch {
      // not there: the next place
    }
  }
  throw new LnSendpayError(
    'ln-sendpay: cannot find ln_sendpay_bg.wasm beside this module or in node_modules. A bundle for Node needs it ' +
      'next to the bundle (copy node_modules/ln-sendpay/ln_sendpay_bg.wasm), or leave the package out of the bundle ' +
      '(esbuild --packages=external).',
    -1,
    { error: 'WASM_LOAD_FAILED' },
  );
}

initSync({ module: wasmBytes() });
markReady();

export * from './lib/api.js';
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
