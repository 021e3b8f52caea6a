// Transports: how requests reach a node. A transport is
//   (request: {method, params, paramsJson?}, options: {signal?}) => Promise<string | object>
// resolving with the node's result — as its raw JSON text where the adapter has it (so u64
// values are read exactly, in Rust) — or rejecting with the node's JSON-RPC error
// `{code, message, data, raw?}`. Anything else it throws is a transport error.
// No protocol logic here: only what must be JavaScript (fetch, timers, lnmessage).
import { LnSendpayError } from './error.js';
import { options as knownOptions } from './input.js';

/** Our code for a transport failure (network, timeout, abort, unexpected HTTP status). */
export const TRANSPORT_ERROR = -32000;

function transportError(message, error, extra = {}) {
  return new LnSendpayError(message, TRANSPORT_ERROR, { error, ...extra });
}

/** A signal that aborts on `signal` or after `timeoutMs`, and a cleanup. */
function withTimeout(signal, timeoutMs) {
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(signal.reason);
  if (signal) {
    if (signal.aborted) ctrl.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = timeoutMs > 0 ? setTimeout(() => ctrl.abort(new Error('timeout')), timeoutMs) : undefined;
  return {
    signal: ctrl.signal,
    timedOut: () => timer !== undefined && ctrl.signal.aborted && !(signal && signal.aborted),
    done: () => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Core Lightning's REST plugin (clnrest): `POST {url}/v1/{method}` with the `Rune` header and
 * the params as the JSON body. 201 → the result's text; 500 → the node's `{code, message,
 * data}`; 401/403 → rune problems (code 1501, as clnrest answers); anything else, a network
 * failure, a timeout or an abort → a transport error.
 */
export function clnrest(opts) {
  const { url, rune, fetch: fetchFn = globalThis.fetch, timeoutMs = 60_000 } = knownOptions(opts, ['url', 'rune', 'fetch', 'timeoutMs'], 'clnrest');
  if (typeof url !== 'string' || !url) throw new TypeError('clnrest: url must be the node\'s REST address');
  if (typeof rune !== 'string' || !rune) throw new TypeError('clnrest: rune must be a string');
  const base = url.replace(/\/+$/, '');
  return async (request, options = {}) => {
    const { method } = request;
    const body = request.paramsJson ?? JSON.stringify(request.params ?? {});
    const t = withTimeout(options.signal, options.timeoutMs ?? timeoutMs);
    let res;
    let text;
    try {
      res = await fetchFn(`${base}/v1/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { Rune: rune, 'Content-Type': 'application/json', Accept: 'application/json' },
        body,
        signal: t.signal,
      });
      text = await res.text();
    } catch (e) {
      if (t.timedOut()) throw transportError(`${method}: no answer within ${options.timeoutMs ?? timeoutMs} ms`, 'TRANSPORT_TIMEOUT');
      if (t.signal.aborted) throw transportError(`${method}: aborted`, 'TRANSPORT_ABORTED');
      throw transportError(`${method}: ${e && e.message ? e.message : e}${corsHint(base)}`, 'TRANSPORT_NETWORK');
    } finally {
      t.done();
    }
    if (res.status === 200 || res.status === 201) return text;
    if (res.status === 500 || res.status === 401 || res.status === 403) {
      let err;
      try {
        err = JSON.parse(text);
      } catch {
        err = undefined;
      }
      if (err && typeof err === 'object' && Number.isInteger(err.code) && typeof err.message === 'string') {
        throw { code: err.code, message: err.message, data: err.data ?? undefined, raw: text };
      }
      if (res.status !== 500) throw { code: 1501, message: `rune refused (HTTP ${res.status})`, data: undefined, raw: text };
    }
    throw transportError(`${method}: unexpected HTTP ${res.status} from the node`, 'TRANSPORT_HTTP_STATUS', { status: res.status, body: text.slice(0, 200) });
  };
}

/**
 * In a page, a fetch to another origin that the node's CORS answer does not allow fails as a
 * bare network error ("Failed to fetch"): say what to check.
 */
function corsHint(base) {
  const here = globalThis.location?.origin;
  if (typeof here !== 'string' || typeof globalThis.document === 'undefined') return '';
  let there;
  try {
    there = new URL(base).origin;
  } catch {
    return '';
  }
  if (there === here) return '';
  return ` (from a page, a CORS refusal looks the same: the node's clnrest-cors-origins must list ${here}; or the node is unreachable)`;
}

function assertJsonSafe(value, path) {
  if (typeof value === 'bigint') throw new TypeError(`${path}: a bigint cannot travel through commando (JSON.stringify); pass it as a string`);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, `${path}.${k}`);
  }
}

/**
 * lnmessage's `commando`: `ln.commando({method, params, rune})`. Params must survive
 * `JSON.stringify` (no bigint: the library's requests carry amounts as "<n>msat" strings).
 * lnmessage parses answers with JSON.parse, so u64 values past 2^53 (groupid) may be rounded
 * before they reach us; prefer clnrest where that matters.
 */
export function commando(ln, opts) {
  const { rune, timeoutMs = 60_000 } = knownOptions(opts, ['rune', 'timeoutMs'], 'commando');
  if (!ln || typeof ln.commando !== 'function') throw new TypeError('commando: pass a connected lnmessage instance');
  if (typeof rune !== 'string' || !rune) throw new TypeError('commando: rune must be a string');
  return async (request, options = {}) => {
    const params = request.params ?? {};
    assertJsonSafe(params, 'params');
    const t = withTimeout(options.signal, options.timeoutMs ?? timeoutMs);
    try {
      const answer = ln.commando({ method: request.method, params, rune });
      const aborted = new Promise((_, reject) => {
        const fail = () =>
          reject(
            t.timedOut()
              ? transportError(`${request.method}: no answer within ${options.timeoutMs ?? timeoutMs} ms`, 'TRANSPORT_TIMEOUT')
              : transportError(`${request.method}: aborted`, 'TRANSPORT_ABORTED'),
          );
        if (t.signal.aborted) fail();
        else t.signal.addEventListener('abort', fail, { once: true });
      });
      return await Promise.race([answer, aborted]);
    } catch (e) {
      // lnmessage rejects with the node's {code, message, data}.
      if (e && typeof e === 'object' && Number.isInteger(e.code) && typeof e.message === 'string' && !(e instanceof LnSendpayError)) {
        throw { code: e.code, message: e.message, data: e.data ?? undefined };
      }
      if (e instanceof LnSendpayError) throw e;
      throw transportError(`${request.method}: ${e && e.message ? e.message : e}`, 'TRANSPORT_FAILED');
    } finally {
      t.done();
    }
  };
}
