// A page whose bundler does not copy the .wasm by itself (esbuild): the .wasm imported as a
// file (esbuild --loader:.wasm=file gives its URL), handed to init().
import wasm from 'ln-sendpay/ln_sendpay_bg.wasm';
import { init } from 'ln-sendpay';
import { work } from './app.js';

window.result = init(wasm).then(work, (e) => ({ error: e.message, code: e.data?.error }));
