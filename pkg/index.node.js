// Node: synchronous initialisation from the packaged file, no top-level await.
import { readFileSync } from 'node:fs';
import { initSync } from './ln_sendpay.js';
import { markReady } from './lib/error.js';

initSync({ module: readFileSync(new URL('./ln_sendpay_bg.wasm', import.meta.url)) });
markReady();

export * from './lib/api.js';
/** Already initialised in Node; kept so the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}
