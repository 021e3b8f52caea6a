// A page on `ln-sendpay/onion`: its own init(), then the work.
import { init } from 'ln-sendpay/onion';
import { work } from '../onion-app.js';

window.result = init().then(work, (e) => ({ error: e.message, code: e.data?.error }));
