// `ln-sendpay/onion` in browsers and bundlers: `await init()` once, as for the main entry;
// a bundler that does not copy the .wasm can import it: `import wasm from
// 'ln-sendpay/onion/ln_sendpay_onion_bg.wasm'`, then `init(wasm)`.
import initWasm from './onion/ln_sendpay_onion.js';
import { webInit } from './lib/boot-web.js';
import { createOnion } from './lib/onion-api.js';
import { prime } from './lib/warm.js';

export const init = webInit({
  initWasm,
  besideThisFile: () => new URL('./onion/ln_sendpay_onion_bg.wasm', import.meta.url),
  module: 'onion',
  file: 'onion/ln_sendpay_onion_bg.wasm',
  // Primed in a task of its own once init() has resolved: a first onion after that runs compiled
  // code on a built basepoint table (docs/bench.md, "Cold start").
  afterReady: () => prime(createOnion),
  subpath: 'ln-sendpay/onion',
});

export * from './lib/onion-api.js';
