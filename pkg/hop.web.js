// `ln-sendpay/hop` in browsers and bundlers: `await init()` once, as for the main entry;
// a bundler that does not copy the .wasm can import it: `import wasm from
// 'ln-sendpay/full/ln_sendpay_full_bg.wasm'`, then `init(wasm)`.
import initWasm from './full/ln_sendpay_full.js';
import { webInit } from './lib/boot-web.js';

export const init = webInit({
  initWasm,
  besideThisFile: () => new URL('./full/ln_sendpay_full_bg.wasm', import.meta.url),
  module: 'full',
  file: 'full/ln_sendpay_full_bg.wasm',
  subpath: 'ln-sendpay/hop',
});

export * from './lib/hop-api.js';
