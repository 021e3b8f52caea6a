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

/** What an engine without WebAssembly SIMD says of the modules (they use it: docs/wasm.md). */
export const SIMD_NOTE =
  'An engine without WebAssembly SIMD (before Node 16.4, Chrome 91, Firefox 89, Safari 16.4) cannot compile it.';

/** `initSync` over `bytes`, a compile failure as WASM_LOAD_FAILED naming the file. */
export function instantiate(initSync, file, bytes) {
  try {
    initSync({ module: bytes });
  } catch (cause) {
    const e = new LnSendpayError(
      `ln-sendpay: could not compile ${file}: ${cause && cause.message ? cause.message : String(cause)}. ${SIMD_NOTE}`,
      -1,
      { error: 'WASM_LOAD_FAILED' },
    );
    e.cause = cause;
    throw e;
  }
}
