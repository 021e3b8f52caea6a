// Browsers and bundlers: `await init()` once (idempotent) before any other call. `input`
// may be a URL or string, a Response or Promise<Response>, bytes, or a WebAssembly.Module;
// by default the .wasm beside this file is fetched.
import initWasm from './ln_sendpay.js';
import { markReady } from './lib/error.js';

let pending;

export function init(input) {
  if (!pending) {
    const module_or_path = input ?? new URL('./ln_sendpay_bg.wasm', import.meta.url);
    pending = initWasm({ module_or_path }).then(
      () => markReady(),
      (e) => {
        pending = undefined;
        throw e;
      },
    );
  }
  return pending;
}

export * from './lib/api.js';
