// `ln-sendpay/hop` in Cloudflare Workers: its .wasm imported as a module, instantiated at import.
import wasmModule from './full/ln_sendpay_full_bg.wasm';
import { initSync } from './full/ln_sendpay_full.js';
import { markReady } from './lib/error.js';

initSync({ module: wasmModule });
markReady('full');

export * from './lib/hop-api.js';
/** Already initialised in Workers; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
