// What a caller passes, made safe before it reaches the wasm: a plain, acyclic, bounded copy.
// Any JS value may arrive (a Worker hands on request bodies from anyone): cycles, deep nesting,
// getters or Proxy traps that throw, huge or sparse arrays, symbols, functions. An exception
// thrown *inside* a wasm call (a trap, or a JS exception passing through it) can leave the
// instance unusable for every later call, so nothing hostile may get that far: each problem is
// an error here, with a stable code and the offending field's path in the caller's spelling.
import { LnSendpayError } from './error.js';

/** As deep as the JSON text reader allows (`json::MAX_DEPTH`). */
export const MAX_DEPTH = 64;
/** Values in one input (objects, arrays and leaves together). */
export const MAX_VALUES = 100_000;
/** Characters in one input's strings (and bytes in its Uint8Arrays), together. */
export const MAX_CHARS = 16 * 1024 * 1024;

function inputError(message, error, field) {
  return new LnSendpayError(message, -32602, field ? { error, field } : { error });
}

function typeError(field, what) {
  const e = new TypeError(`${field || 'input'}: ${what}`);
  e.code = -32602;
  e.data = field ? { error: 'PARAM_TYPE', field } : { error: 'PARAM_TYPE' };
  return e;
}

const join = (path, key) => (path ? `${path}.${key}` : key);

function unreadable(path, e) {
  // A getter or a Proxy trap that threw, a revoked Proxy, an exotic object.
  return inputError(`${path || 'input'}: could not be read (${e && e.message ? e.message : String(e)})`, 'INPUT_UNREADABLE', path);
}

/** `obj[key]`, a throwing getter or trap blamed on the member's own path. */
function read(obj, key, path) {
  try {
    return obj[key];
  } catch (e) {
    throw unreadable(path, e);
  }
}

/** A safe copy of `value` (see above); throws LnSendpayError/TypeError. */
export function snapshot(value) {
  const budget = { values: 0, chars: 0 };
  const ancestors = new Set();
  const walk = (v, path, depth) => {
    if (++budget.values > MAX_VALUES) throw inputError(`${path || 'input'}: more than ${MAX_VALUES} values in one input`, 'INPUT_TOO_LARGE', path);
    switch (typeof v) {
      case 'undefined':
      case 'boolean':
      case 'number':
      case 'bigint':
        return v;
      case 'string':
        if ((budget.chars += v.length) > MAX_CHARS) throw inputError(`${path || 'input'}: more than ${MAX_CHARS} characters in one input`, 'INPUT_TOO_LARGE', path);
        return v;
      case 'symbol':
        throw typeError(path, 'a symbol is not a value here');
      case 'function':
        throw typeError(path, 'a function is not a value here');
      default:
    }
    if (v === null) return null;
    if (depth >= MAX_DEPTH) throw inputError(`${path || 'input'}: nested deeper than ${MAX_DEPTH}`, 'INPUT_TOO_DEEP', path);
    if (ancestors.has(v)) throw inputError(`${path || 'input'}: refers to itself (a cycle)`, 'INPUT_CYCLE', path);
    let out;
    ancestors.add(v);
    try {
      if (v instanceof Uint8Array) {
        if ((budget.chars += 2 * v.length) > MAX_CHARS) throw inputError(`${path || 'input'}: more than ${MAX_CHARS} characters in one input`, 'INPUT_TOO_LARGE', path);
        return Uint8Array.from(v);
      }
      if (Array.isArray(v)) {
        const n = v.length;
        if (!Number.isSafeInteger(n) || n > MAX_VALUES - budget.values) throw inputError(`${path || 'input'}: an array of ${n} items is too large`, 'INPUT_TOO_LARGE', path);
        out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = walk(read(v, i, `${path}[${i}]`), `${path}[${i}]`, depth + 1);
        return out;
      }
      out = {};
      for (const k of Object.keys(v)) {
        const x = walk(read(v, k, join(path, k)), join(path, k), depth + 1);
        if (x !== undefined) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      }
      return out;
    } catch (e) {
      if (e instanceof LnSendpayError || (e instanceof TypeError && e.data)) throw e;
      throw unreadable(path, e);
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, '', 0);
}

/** Levenshtein distance, a swap of neighbours counting as one edit (as the core's). */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known key `key` most likely meant (the same but for case and underscores, else within 2 edits). */
export function closest(key, known) {
  const norm = (s) => s.replace(/_/g, '').toLowerCase();
  const k = norm(key);
  if (k.length > 64) return undefined;
  const limit = k.length < 5 ? 1 : 2;
  let best;
  for (const c of known) {
    const d = distance(k, norm(c));
    if (d <= limit && (best === undefined || d < best.d)) best = { d, c };
  }
  return best?.c;
}

/**
 * The library's own options (`new Client({...})`, a call's `{signal, timeoutMs}`): an object
 * (or nothing) with no key but `known`; a typo is an error naming it and the key meant.
 */
export function options(value, known, where) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(where, 'pass an object of options');
  for (const key of Object.keys(value)) {
    if (known.includes(key) || value[key] === undefined) continue;
    const meant = closest(key, known);
    throw inputError(`${join(where, key)}: unknown field${meant ? `; did you mean ${meant}?` : ''}`, 'UNKNOWN_FIELD', join(where, key));
  }
  return value;
}

/** Bytes as lower-case hex. */
export function hexOf(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
