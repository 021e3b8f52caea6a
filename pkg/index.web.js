// Browsers and bundlers: `await init()` once (idempotent) before any other call. `input`
// may be a URL or string, a Response or Promise<Response>, bytes, or a WebAssembly.Module;
// by default the .wasm beside this file is fetched. A bundler that does not copy it
// (esbuild) can import it: `import wasm from 'ln-sendpay/ln_sendpay_bg.wasm'`, then `init(wasm)`.
import initWasm from './ln_sendpay.js';
import { LnSendpayError, markReady } from './lib/error.js';

let pending;

const HOW =
  "If your bundler does not copy the .wasm (esbuild), import it: `import wasm from 'ln-sendpay/ln_sendpay_bg.wasm'` " +
  '(esbuild --loader:.wasm=file) and call `init(wasm)`.';

function loadError(message, cause) {
  const e = new LnSendpayError(message, -1, { error: 'WASM_LOAD_FAILED' });
  e.cause = cause;
  return e;
}

/** The .wasm beside this module, or a clear error where there is no such place (a Worker). */
function besideThisFile() {
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') {
    throw loadError(
      "ln-sendpay: this is the browser entry, but this is a Cloudflare Worker: bundle with the `workerd` export condition (wrangler does; esbuild: --conditions=workerd) or import 'ln-sendpay/workerd'.",
    );
  }
  try {
    return new URL('./ln_sendpay_bg.wasm', import.meta.url);
  } catch (cause) {
    throw loadError(`ln-sendpay: cannot locate ln_sendpay_bg.wasm (import.meta.url is ${JSON.stringify(String(import.meta.url))}). Pass it to init(). ${HOW}`, cause);
  }
}

export function init(input) {
  if (!pending) {
    pending = (async () => {
      const module_or_path = input ?? besideThisFile();
      try {
        await initWasm({ module_or_path });
      } catch (cause) {
        const where = typeof module_or_path === 'string' || module_or_path instanceof URL ? ` from ${module_or_path}` : '';
        throw loadError(`ln-sendpay: could not load its WebAssembly${where}: ${cause && cause.message ? cause.message : String(cause)}. ${HOW}`, cause);
      }
      markReady();
    })().catch((e) => {
      pending = undefined;
      throw e;
    });
  }
  return pending;
}

export * from './lib/api.js';
