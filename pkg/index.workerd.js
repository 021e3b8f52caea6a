// Cloudflare Workers (workerd): the .wasm is imported as a module (Workers cannot compile
// wasm from bytes) and instantiated synchronously.
import wasmModule from './ln_sendpay_bg.wasm';
import { initSync } from './ln_sendpay.js';
import { markReady } from './lib/error.js';

initSync({ module: wasmModule });
markReady('main');

export * from './lib/api.js';
import { warmUp } from './lib/api.js';

// Warmed at module scope: Cloudflare runs it at the isolate's start-up (its own limit, 1 s),
// so the first request does not pay the cold onion path inside its CPU budget (docs/bench.md).
warmUp({ rounds: 10 });
/** Already initialised in Workers; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
