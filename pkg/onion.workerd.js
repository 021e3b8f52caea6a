// `ln-sendpay/onion` in Cloudflare Workers: its .wasm imported as a module, instantiated at import.
import wasmModule from './onion/ln_sendpay_onion_bg.wasm';
import { initSync } from './onion/ln_sendpay_onion.js';
import { markReady } from './lib/error.js';

initSync({ module: wasmModule });
markReady('onion');

export * from './lib/onion-api.js';
import { warmUp } from './lib/onion-api.js';

// Warmed at module scope: Cloudflare runs it at the isolate's start-up (its own limit, 1 s),
// so the first request does not pay the cold onion path inside its CPU budget (docs/bench.md).
warmUp({ rounds: 10 });
/** Already initialised in Workers; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
