// A page: `await init()` (the .wasm found beside the package's module, as the bundler
// placed it), then the work; the result for the test to read.
import { init } from 'ln-sendpay';
import { work } from './app.js';

window.result = init().then(work, (e) => ({ error: e.message, code: e.data?.error }));
