// Browsers and bundlers: `await init()` once (idempotent) before any other call. `input`
// may be a URL or string, a Response or Promise<Response>, bytes, or a WebAssembly.Module;
// by default the .wasm beside this file is fetched. A bundler that does not copy it
// (esbuild) can import it: `import wasm from 'ln-sendpay/ln_sendpay_bg.wasm'`, then `init(wasm)`.
import initWasm from './ln_sendpay.js';
import { webInit } from './lib/boot-web.js';
import { createOnion } from './lib/api.js';
import { prime } from './lib/warm.js';

export const init = webInit({
  initWasm,
  besideThisFile: () => new URL('./ln_sendpay_bg.wasm', import.meta.url),
  module: 'main',
  file: 'ln_sendpay_bg.wasm',
  // Primed in a task of its own once init() has resolved: a first onion after that runs compiled
  // code on a built basepoint table (docs/bench.md, "Cold start").
  afterReady: () => prime(createOnion),
  subpath: 'ln-sendpay',
});

export * from './lib/api.js';
