// Browser entries: `init()` fetches and instantiates the module's .wasm once (idempotent);
// `input` may be a URL or string, a Response or Promise<Response>, bytes, or a
// WebAssembly.Module. wasm-bindgen's glue uses `WebAssembly.instantiateStreaming` for a
// Response served as application/wasm, so compiling overlaps the download.
import { LnSendpayError, markReady } from './error.js';

/** What an engine without WebAssembly SIMD says of the modules (they use it: docs/wasm.md). */
const SIMD_NOTE =
  'An engine without WebAssembly SIMD (before Chrome 91, Firefox 89, Safari 16.4) cannot compile it.';

function loadError(message, cause) {
  const e = new LnSendpayError(message, -1, { error: 'WASM_LOAD_FAILED' });
  e.cause = cause;
  return e;
}

/**
 * `initWasm`: the glue's default export; `besideThisFile`: a function giving the .wasm's URL
 * (a literal `new URL('./x.wasm', import.meta.url)` in the entry, which bundlers follow);
 * `module`: the readiness key; `file` and `subpath`: for messages; `afterReady`: run once in a
 * task of its own after the first successful init() (the entries prime the onion path there).
 */
export function webInit({ initWasm, besideThisFile, module, file, subpath, afterReady }) {
  const how =
    `If your bundler does not copy the .wasm (esbuild), import it: \`import wasm from '${subpath}/${file}'\` ` +
    '(esbuild --loader:.wasm=file) and call `init(wasm)`.';
  const where = () => {
    if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') {
      throw loadError(
        `ln-sendpay: this is the browser entry, but this is a Cloudflare Worker: bundle with the \`workerd\` export condition (wrangler does; esbuild: --conditions=workerd) or import '${subpath}/workerd'.`,
      );
    }
    try {
      return besideThisFile();
    } catch (cause) {
      throw loadError(`ln-sendpay: cannot locate ${file} (import.meta.url is ${JSON.stringify(String(import.meta.url))}). Pass it to init(). ${how}`, cause);
    }
  };
  let pending;
  return function init(input) {
    if (!pending) {
      pending = (async () => {
        const module_or_path = input ?? where();
        try {
          await initWasm({ module_or_path });
        } catch (cause) {
          const from = typeof module_or_path === 'string' || module_or_path instanceof URL ? ` from ${module_or_path}` : '';
          // A CompileError is a page served for the .wasm (a bundler's miss) or an engine
          // without WebAssembly SIMD: say both.
          const engine = cause instanceof WebAssembly.CompileError ? ` ${SIMD_NOTE}` : '';
          throw loadError(`ln-sendpay: could not load its WebAssembly${from}: ${cause && cause.message ? cause.message : String(cause)}. ${how}${engine}`, cause);
        }
        markReady(module);
        // In its own task, so init() resolves first and the page's next work is not delayed.
        if (afterReady) setTimeout(afterReady, 0);
      })().catch((e) => {
        pending = undefined;
        throw e;
      });
    }
    return pending;
  };
}
