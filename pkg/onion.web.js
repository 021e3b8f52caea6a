// `ln-sendpay/onion` in browsers and bundlers: `await init()` once, as for the main entry;
// a bundler that does not copy the .wasm can import it: `import wasm from
// 'ln-sendpay/onion/ln_sendpay_onion_bg.wasm'`, then `init(wasm)`.
import initWasm from './onion/ln_sendpay_onion.js';
import { webInit } from './lib/boot-web.js';

export const init = webInit({
  initWasm,
  besideThisFile: () => new URL('./onion/ln_sendpay_onion_bg.wasm', import.meta.url),
  module: 'onion',
  file: 'onion/ln_sendpay_onion_bg.wasm',
  subpath: 'ln-sendpay/onion',
});

export * from './lib/onion-api.js';
