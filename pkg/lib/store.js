// Attempt stores: where the client records each (payment_hash, partid) attempt — route,
// amounts, shared secrets, status, times — so a failure reply can still be decoded after a
// reload, and nothing is lost when a transport fails mid-call. A store is any object with
//   get(key) → Promise<record | undefined>, put(key, record) → Promise, list() → Promise<record[]>.
// Records are plain JSON (amounts as decimal strings), so they export and import as JSON.

/** The key of an attempt: payment hash and part id. */
export function attemptKey(paymentHash, partid = 0) {
  return `${String(paymentHash).toLowerCase()}/${String(partid)}`;
}

function clone(record) {
  return record === undefined ? undefined : JSON.parse(JSON.stringify(record));
}

/** In memory (the default). */
export class MemoryStore {
  #map = new Map();
  async get(key) {
    return clone(this.#map.get(key));
  }
  async put(key, record) {
    this.#map.set(key, clone(record));
  }
  async list() {
    return [...this.#map.values()].map(clone);
  }
}

/**
 * Any key-value namespace with `get(key)` and `put(key, string)` (Workers KV, or similar): one
 * key per record, `${prefix}${hash}/${partid}`. Where the namespace lists keys by prefix
 * (`list({prefix, cursor})` → `{keys: [{name}], list_complete, cursor}`, as Workers KV does),
 * `list()` uses that and no shared index exists, so concurrent writers lose nothing. Without
 * it, a JSON index of keys is kept under `${prefix}index`, safe for one writer at a time only.
 * Workers KV itself is eventually consistent (a write may take up to 60 s to be seen elsewhere)
 * and has no compare-and-set: see docs/many-tabs.md.
 */
export class KeyValueStore {
  #kv;
  #prefix;
  constructor(kv, { prefix = 'ln-sendpay:' } = {}) {
    if (!kv || typeof kv.get !== 'function' || typeof kv.put !== 'function') throw new TypeError('KeyValueStore: pass an object with get and put');
    this.#kv = kv;
    this.#prefix = prefix;
  }
  get #listable() {
    return typeof this.#kv.list === 'function';
  }
  async get(key) {
    const text = await this.#kv.get(this.#prefix + key);
    return text == null ? undefined : JSON.parse(text);
  }
  async put(key, record) {
    await this.#kv.put(this.#prefix + key, JSON.stringify(record));
    if (this.#listable) return;
    const index = await this.#index();
    if (!index.includes(key)) {
      index.push(key);
      await this.#kv.put(`${this.#prefix}index`, JSON.stringify(index));
    }
  }
  async list() {
    const out = [];
    for (const key of this.#listable ? await this.#listed() : await this.#index()) {
      const r = await this.get(key);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  /** Every record key under the prefix, page by page (the old index key is not a record). */
  async #listed() {
    const keys = [];
    let cursor;
    for (let page = 0; page < 100_000; page++) {
      const res = await this.#kv.list({ prefix: this.#prefix, ...(cursor ? { cursor } : {}) });
      for (const k of res?.keys ?? []) {
        const name = String(k.name).slice(this.#prefix.length);
        if (name !== 'index') keys.push(name);
      }
      if (res?.list_complete !== false || !res.cursor) return keys;
      cursor = res.cursor;
    }
    return keys;
  }
  async #index() {
    const text = await this.#kv.get(`${this.#prefix}index`);
    return text == null ? [] : JSON.parse(text);
  }
}

/** IndexedDB (browsers): one object store of records keyed by `attemptKey`. */
export class IndexedDBStore {
  #db;
  constructor({ name = 'ln-sendpay', indexedDB: idb = globalThis.indexedDB } = {}) {
    if (!idb) throw new TypeError('IndexedDBStore: no indexedDB in this runtime');
    this.#db = new Promise((resolve, reject) => {
      const open = idb.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('attempts');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  async #run(mode, fn) {
    const db = await this.#db;
    return new Promise((resolve, reject) => {
      const tx = db.transaction('attempts', mode);
      const req = fn(tx.objectStore('attempts'));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  async get(key) {
    return this.#run('readonly', (s) => s.get(key));
  }
  async put(key, record) {
    await this.#run('readwrite', (s) => s.put(clone(record), key));
  }
  async list() {
    return this.#run('readonly', (s) => s.getAll());
  }
}

/** Every record of a store, as JSON text. */
export async function exportAttempts(store) {
  return JSON.stringify({ version: 1, attempts: await store.list() });
}

/** Records exported by `exportAttempts`, put into `store`; returns how many. */
export async function importAttempts(store, text) {
  const data = JSON.parse(text);
  if (!data || data.version !== 1 || !Array.isArray(data.attempts)) throw new TypeError('importAttempts: not an ln-sendpay export');
  for (const r of data.attempts) {
    if (!r || typeof r.paymentHash !== 'string') throw new TypeError('importAttempts: a record without paymentHash');
    await store.put(attemptKey(r.paymentHash, r.partid ?? 0), r);
  }
  return data.attempts.length;
}

/**
 * One operation per key at a time: a second call for a key already in flight joins the first
 * (same fingerprint) or is refused by `conflict()`, so two concurrent sends for one payment
 * hash never both reach the node.
 */
export class KeyedLock {
  #inflight = new Map();
  run(key, fingerprint, fn, conflict) {
    const cur = this.#inflight.get(key);
    if (cur) {
      if (cur.fingerprint === fingerprint) return cur.promise;
      return Promise.reject(conflict(cur.fingerprint));
    }
    const promise = (async () => fn())().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, { fingerprint, promise });
    return promise;
  }
}
