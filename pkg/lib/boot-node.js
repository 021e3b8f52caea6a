// Node entries: the module's .wasm read synchronously at import (no top-level await, so
// `require()` works too), from beside the entry or, from a bundle, the installed package's.
import { readFileSync } from 'node:fs';
import { LnSendpayError } from './error.js';

/** `places`: functions giving a URL each, tried in order. */
export function wasmBytes(file, places) {
  for (const place of places) {
    try {
      return readFileSync(new URL(place()));
    } catch {
      // not there: the next place
    }
  }
  throw new LnSendpayError(
    `ln-sendpay: cannot find ${file} beside this module or in node_modules. A bundle for Node needs it ` +
      `at ./${file} beside the bundle (copy node_modules/ln-sendpay/${file} there), or leave the package out of ` +
      'the bundle (esbuild --packages=external).',
    -1,
    { error: 'WASM_LOAD_FAILED' },
  );
}
