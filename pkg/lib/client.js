// The sendpay client: Core Lightning's methods over any transport, with the man page's
// rules applied before anything is sent and every attempt recorded in a store.
//
// No protocol logic here. Requests are built, answers read (from the node's text, so u64s stay
// exact), errors decoded and the same-hash rules applied in Rust (rpcRequest, rpcAnswer,
// rpcError, paymentGuard, Payer); this file only moves bytes, keeps the store and the locks,
// and honours timeouts and AbortSignals.
import * as raw from '../ln_sendpay.js';
import { LnSendpayError, convertError, assertReady } from './error.js';
import { snapshot, options, hexOf } from './input.js';
import { TRANSPORT_ERROR } from './transport.js';
import { MemoryStore, KeyedLock, attemptKey } from './store.js';

/** Core Lightning's codes the client raises itself. */
const PAY_IN_PROGRESS = 200;
const PAY_RHASH_ALREADY_USED = 201;
/** Our code for a node that says complete without proof (a preimage that does not hash). */
const PREIMAGE_MISMATCH = -32002;
const RUNE_REFUSED = 1501;
const RUNE_NOT_PERMITTED = 1502;
const NAMES = { 200: 'PAY_IN_PROGRESS', 201: 'PAY_RHASH_ALREADY_USED', 202: 'PAY_UNPARSEABLE_ONION', 203: 'PAY_DESTINATION_PERM_FAIL', 204: 'PAY_TRY_OTHER_ROUTE', 205: 'PAY_ROUTE_NOT_FOUND', 206: 'PAY_ROUTE_TOO_EXPENSIVE', 210: 'PAY_STOPPED_RETRYING', [RUNE_REFUSED]: 'RUNE_REFUSED', [RUNE_NOT_PERMITTED]: 'RUNE_NOT_PERMITTED', [PREIMAGE_MISMATCH]: 'PAYMENT_PREIMAGE_MISMATCH' };

/** The `onionreply` (hex) of a node's error text (a 202/204 from waitsendpay), if it has one. */
function onionReplyOf(errorText) {
  try {
    const r = JSON.parse(errorText)?.data?.onionreply;
    return typeof r === 'string' && /^[0-9a-f]+$/i.test(r) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `preimage` (hex) hashes to `paymentHash` (hex): a stored "complete" is proof only then. */
async function proves(preimage, paymentHash) {
  if (typeof preimage !== 'string' || !/^[0-9a-f]{64}$/i.test(preimage)) return false;
  const bytes = new Uint8Array(preimage.match(/../g).map((b) => parseInt(b, 16)));
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return hex(digest) === String(paymentHash).toLowerCase();
}

function disputedError(message) {
  return new LnSendpayError(message, PREIMAGE_MISMATCH, { error: 'PAYMENT_PREIMAGE_MISMATCH' });
}

function lib(fn, arg) {
  assertReady('main');
  const safe = snapshot(arg);
  try {
    return fn(safe);
  } catch (e) {
    throw convertError(e, safe);
  }
}

function transportError(message, error, extra = {}) {
  return new LnSendpayError(message, TRANSPORT_ERROR, { error, ...extra });
}

/** A rejection is the node's JSON-RPC error when it is a plain `{code, message}` object. */
function isNodeError(e) {
  return e !== null && typeof e === 'object' && !(e instanceof Error) && Number.isInteger(e.code) && typeof e.message === 'string';
}

function hex(v) {
  if (v instanceof Uint8Array) return hexOf(v);
  return typeof v === 'string' ? v.toLowerCase() : v;
}

/** The error a node error becomes: the routing failure object as `data` when it is one. */
function nodeErrorToError(decoded) {
  if (decoded.routing) {
    const f = decoded.routing;
    return new LnSendpayError(f.message, Number(f.code), { error: NAMES[f.code] ?? 'ROUTING_FAILURE', ...f });
  }
  const { code, message, data } = decoded.rpc;
  const extra = data !== null && typeof data === 'object' && !Array.isArray(data) ? data : data === null || data === undefined ? {} : { value: data };
  return new LnSendpayError(message, Number(code), { ...extra, error: NAMES[code] ?? 'NODE_ERROR' });
}

/** Plain JSON for the store (bigints as decimal strings). */
function plain(v) {
  return JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)));
}

/** A u64 as the answers give it: a number where exact, else a bigint. */
function u64(v) {
  const b = BigInt(v);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function paymentFromRecord(r) {
  const p = { paymentHash: r.paymentHash, partid: r.partid, status: r.status, amountMsat: BigInt(r.amountMsat), fromStore: true };
  if (r.destination) p.destination = r.destination;
  if (r.groupid !== undefined) p.groupid = u64(r.groupid);
  if (r.paymentPreimage) p.paymentPreimage = r.paymentPreimage;
  // What the node said of it, kept in the record (absent for an attempt it never answered).
  if (r.createdIndex !== undefined) p.createdIndex = u64(r.createdIndex);
  if (r.amountSentMsat !== undefined) p.amountSentMsat = BigInt(r.amountSentMsat);
  if (r.nodeCreatedAt !== undefined) p.createdAt = r.nodeCreatedAt;
  return p;
}

/** The man page's msatoshi of a record (older records: the amount delivered). */
const target = (r) => r.msatoshi ?? r.amountMsat;

/**
 * A second operation on a hash already in flight: the same operation with the same amount and
 * destination joins it (KeyedLock); another operation with them waits its turn at the node
 * (200); another amount or destination is the man page's 201.
 */
function lockConflict(current, wanted) {
  const [op, ...what] = current.split('|');
  const [, ...mine] = wanted.split('|');
  if (what.join('|') === mine.join('|')) return new LnSendpayError(`a ${op} for this payment hash is in progress`, PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS' });
  return new LnSendpayError(`a payment for this hash is already being sent (${what.join(', ')} msat)`, PAY_RHASH_ALREADY_USED, { error: 'PAY_RHASH_ALREADY_USED' });
}

/** A payment's options: `{signal?, timeoutMs?, onProgress?}`, nothing else. */
function payOptions(opts) {
  const o = options(opts, ['signal', 'timeoutMs', 'onProgress'], 'options');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new TypeError('options.onProgress: pass a function');
  return o;
}

const newPayer = (safe) => new raw.Payer(safe);

/** A call's options: `{signal?, timeoutMs?}`, nothing else. */
function callOptions(opts) {
  const o = options(opts, ['signal', 'timeoutMs'], 'options');
  if (o.timeoutMs !== undefined && (typeof o.timeoutMs !== 'number' || !(o.timeoutMs >= 0))) throw new TypeError('options.timeoutMs: a number of milliseconds');
  return o;
}

/**
 * A sendpay client over a transport (see `clnrest`, `commando`, or write your own).
 * Options: `store` (an attempt store; in memory by default), `timeoutMs` (per request,
 * default 60 s; `waitsendpay` adds its own timeout), `now` (a clock, for tests).
 */
export class Client {
  #transport;
  #store;
  #timeoutMs;
  #now;
  #lock = new KeyedLock();
  #locks;

  constructor(opts) {
    const { transport, store = new MemoryStore(), timeoutMs = 60_000, now = () => Date.now(), locks = globalThis.navigator?.locks ?? null } = options(opts, ['transport', 'store', 'timeoutMs', 'now', 'locks'], 'Client');
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new TypeError('Client: timeoutMs must be a number of milliseconds (0: no timeout)');
    if (typeof now !== 'function') throw new TypeError('Client: now must be a function returning milliseconds');
    if (typeof transport !== 'function') throw new TypeError('Client: pass a transport: (request, {signal}) => Promise<result>');
    if (locks !== null && locks !== false && typeof locks?.request !== 'function') throw new TypeError('Client: locks must be a LockManager (navigator.locks), or null');
    for (const m of ['get', 'put', 'list']) {
      if (!store || typeof store[m] !== 'function') throw new TypeError(`Client: the store has no ${m}()`);
    }
    this.#transport = transport;
    this.#store = store;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
    this.#locks = locks || null;
  }

  /**
   * `fn` holding the payment hash's lock across tabs and workers of this origin (the Web Locks
   * API, where the runtime has it): a second tab waits, then finds the first one's record in
   * the shared store. Waits at most `waitMs` (then 200), or until `signal` aborts.
   */
  async #exclusive(hash, { signal, waitMs }, fn) {
    if (!this.#locks) return fn();
    if (signal?.aborted) throw transportError('aborted', 'TRANSPORT_ABORTED');
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctrl.abort(new Error('timeout')), Math.max(0, waitMs));
    let held = false;
    try {
      return await this.#locks.request(`ln-sendpay:${String(hash).toLowerCase()}`, { signal: ctrl.signal }, () => {
        held = true; // aborting the request from here on changes nothing
        return fn();
      });
    } catch (e) {
      if (held) throw e;
      if (signal?.aborted) throw transportError('aborted while another tab sends this payment', 'TRANSPORT_ABORTED');
      if (ctrl.signal.aborted) throw new LnSendpayError('another tab or worker is sending a payment for this hash', PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS' });
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * `fn` as the one operation on its attempt (`key`) in this instance — the same operation
   * (`fingerprint`) joins, another is refused — and on its payment hash across tabs.
   */
  #oneAtATime(key, hash, fingerprint, lockWait, fn) {
    return this.#lock.run(key, fingerprint, () => this.#exclusive(hash, lockWait, fn), (current) => lockConflict(current, fingerprint));
  }

  /** The attempt store. */
  get store() {
    return this.#store;
  }

  /**
   * One request through the transport: `{answer}` (the result's JSON text) or `{error}` (the
   * node's error as JSON text); a transport failure, a timeout or an abort throws a transport
   * error (code -32000).
   */
  async #send(request, opts = {}) {
    // waitsendpay: the node waits up to `timeout` seconds, so the transport must wait longer.
    const perRequest = opts.timeoutMs ?? this.#timeoutMs;
    const nodeWait = request.method === 'waitsendpay' && request.params.timeout !== undefined ? Number(request.params.timeout) * 1000 + Math.min(10_000, perRequest) : 0;
    const timeoutMs = Math.max(perRequest, nodeWait);
    const outer = opts.signal;
    const { method } = request;
    if (outer?.aborted) throw transportError(`${method}: aborted`, 'TRANSPORT_ABORTED');
    const ctrl = new AbortController();
    let timer;
    let onAbort;
    // A transport that ignores the signal still cannot hang the client.
    const stop = new Promise((_, reject) => {
      onAbort = () => {
        ctrl.abort(outer.reason);
        reject(transportError(`${method}: aborted`, 'TRANSPORT_ABORTED'));
      };
      outer?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          ctrl.abort(new Error('timeout'));
          reject(transportError(`${method}: no answer within ${timeoutMs} ms`, 'TRANSPORT_TIMEOUT'));
        }, timeoutMs);
      }
    });
    try {
      const answer = await Promise.race([
        Promise.resolve().then(() => this.#transport({ method, params: request.params, paramsJson: request.paramsJson }, { signal: ctrl.signal, timeoutMs })),
        stop,
      ]);
      return { answer: typeof answer === 'string' ? answer : JSON.stringify(answer === undefined ? null : answer) };
    } catch (e) {
      if (isNodeError(e)) {
        // A rune refusal (clnrest's 401/403, commando's) names the method: a scoped rune lacks it.
        if (e.code === RUNE_REFUSED || e.code === RUNE_NOT_PERMITTED) return { error: JSON.stringify({ code: e.code, message: `${method}: the node refused the rune: ${e.message}` }) };
        return { error: typeof e.raw === 'string' ? e.raw : JSON.stringify({ code: e.code, message: e.message, data: e.data }) };
      }
      if (e instanceof LnSendpayError && e.code === TRANSPORT_ERROR) throw e;
      throw transportError(`${method}: ${e && e.message ? e.message : String(e)}`, 'TRANSPORT_FAILED');
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  async #call(fields, opts) {
    const request = lib(raw.rpcRequest, fields);
    const r = await this.#send(request, opts);
    if ('error' in r) throw nodeErrorToError(lib(raw.rpcError, { error: r.error }));
    return lib(raw.rpcAnswer, { method: fields.method, answer: r.answer });
  }

  async #update(key, record, changes) {
    const next = { ...record, ...changes, updatedAt: this.#now() };
    await this.#store.put(key, next);
    return next;
  }

  /** Record what a node error says of an attempt; the error to throw. */
  async #failed(key, record, errorText) {
    const decoded = lib(raw.rpcError, { error: errorText, route: record?.route, sharedSecrets: record?.sharedSecrets });
    const err = nodeErrorToError(decoded);
    // 200 (still in progress, or a wait that timed out) leaves the attempt as it was; any
    // other error means it failed, or never went out.
    if (record && err.code !== PAY_IN_PROGRESS) {
      const changes = { status: 'failed' };
      if (decoded.routing) changes.failure = plain(decoded.routing);
      else changes.error = { code: err.code, message: err.message };
      const reply = onionReplyOf(errorText);
      if (decoded.routing && reply) changes.failureReply = reply; // what the next pay learns from
      await this.#update(key, record, changes);
    }
    return err;
  }

  /** What a payment answer says of an attempt. */
  async #answered(key, record, p) {
    const changes = { status: p.status };
    if (p.groupid !== undefined) changes.groupid = String(p.groupid);
    if (p.paymentPreimage) changes.paymentPreimage = p.paymentPreimage;
    if (p.createdIndex !== undefined) changes.createdIndex = String(p.createdIndex);
    if (p.amountSentMsat !== undefined) changes.amountSentMsat = String(p.amountSentMsat);
    if (p.createdAt !== undefined) changes.nodeCreatedAt = p.createdAt;
    return this.#update(key, record, changes);
  }

  /** A payment answer read exactly and checked: about `hash`, and complete only with proof.
   *  Without proof the attempt is recorded `disputed` and a -32002 error thrown. */
  async #proven(key, record, method, answer, hash) {
    try {
      return lib(raw.rpcAnswer, { method, answer, paymentHash: hash });
    } catch (e) {
      if (e instanceof LnSendpayError && e.code === PREIMAGE_MISMATCH && record) await this.#update(key, record, { status: 'disputed', note: e.message });
      throw e;
    }
  }

  /**
   * The man page's rules for a new attempt, given the recorded ones for its hash: `null` to
   * send; a payment (complete, or pending with the same amount and destination) to return
   * instead; a 201 error otherwise. A record that is pending or unknown is only what this
   * store last heard: the node is asked (`listsendpays`) before it counts. With
   * `opts.waitSeconds` (pay), an attempt the node still has pending is waited for
   * (`waitsendpay`): complete is returned, failed lets a new attempt go, still pending is 200.
   */
  async #guard(att, opts) {
    for (let round = 0; round < 3; round++) {
      const records = (await this.#store.list()).filter((r) => r.paymentHash === att.paymentHash);
      // The man page keys the rule on msatoshi (what the payment is for) and the destination.
      const d = lib(raw.paymentGuard, {
        attempt: { partid: att.partid, destination: att.destination, amountMsat: target(att) },
        records: records.map((r) => ({ partid: r.partid, destination: r.destination, amountMsat: target(r), status: r.status })),
      });
      if (d.decision === 'proceed') return null;
      if (d.decision === 'refuse') throw new LnSendpayError(d.message, Number(d.code), { error: NAMES[d.code] ?? 'PAY_RHASH_ALREADY_USED' });
      const rec = records[d.index];
      if (d.decision === 'complete') {
        // A stored "complete" is proof only if its preimage hashes to the hash.
        if (!(await proves(rec.paymentPreimage, rec.paymentHash))) {
          await this.#update(attemptKey(rec.paymentHash, rec.partid), rec, { status: 'disputed', note: 'stored as complete without a valid preimage' });
          throw disputedError('the store holds this payment as complete, but its preimage does not hash to the payment hash');
        }
        return paymentFromRecord(rec);
      }
      if (round === 2) break;
      const now = await this.#settle(rec, opts);
      if (now.status !== 'pending') continue; // complete, failed or disputed: the rules again
      if (opts.waitSeconds === undefined) return paymentFromRecord(now); // the man page: the pending payment
      await this.#waitFor(now, opts);
    }
    throw new LnSendpayError('an earlier attempt for this payment hash is still pending at the node', PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS' });
  }

  /**
   * The recorded parts (partid ≠ 0) of this payment: the ones pending or unknown are asked
   * of the node (`listsendpays`) and waited for while it has them pending; the first one
   * complete with proof, for the same amount and destination, is returned.
   */
  async #settleParts(hash, destination, amount, opts) {
    const parts = (await this.#store.list()).filter((r) => r.paymentHash === hash && Number(r.partid) !== 0);
    for (const [i, rec] of parts.entries()) {
      if (rec.status !== 'pending' && rec.status !== 'unknown') continue;
      parts[i] = await this.#settle(rec, opts);
      if (parts[i].status !== 'pending') continue;
      await this.#waitFor(parts[i], opts); // waitsendpay records what became of it
      parts[i] = (await this.#store.get(attemptKey(hash, rec.partid))) ?? parts[i];
    }
    // Amounts a part cut short still holds at the node (askrene-reserve): let go.
    for (const [i, rec] of parts.entries()) {
      if (typeof rec.reservation !== 'string' || rec.status === 'pending' || rec.status === 'unknown') continue;
      try {
        await this.#send({ method: 'askrene-unreserve', params: JSON.parse(rec.reservation), paramsJson: rec.reservation }, opts);
      } catch (e) {
        if (!(e instanceof LnSendpayError)) throw e;
        continue; // the transport: kept for the next time
      }
      parts[i] = await this.#update(attemptKey(hash, rec.partid), rec, { reservation: undefined });
    }
    for (const rec of parts) {
      if (rec.status === 'disputed') throw disputedError('an earlier part of this payment was reported complete without a valid preimage: not paying again');
      if (rec.status === 'pending' || rec.status === 'unknown') throw new LnSendpayError('an earlier part of this payment is still pending at the node', PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS', payment: paymentFromRecord(rec) });
      if (rec.status !== 'complete' || rec.destination !== destination || String(target(rec)) !== String(amount)) continue;
      if (!(await proves(rec.paymentPreimage, rec.paymentHash))) {
        await this.#update(attemptKey(hash, rec.partid), rec, { status: 'disputed', note: 'stored as complete without a valid preimage' });
        throw disputedError('the store holds a part of this payment as complete, but its preimage does not hash to the payment hash');
      }
      return rec;
    }
    return null;
  }

  /** `waitsendpay` for a recorded attempt the node has pending; a failure is recorded (not
   *  thrown: the rules decide what comes next); still pending after the wait is 200. */
  async #waitFor(rec, opts) {
    const args = { paymentHash: rec.paymentHash, partid: rec.partid ?? 0, timeout: opts.waitSeconds };
    if (rec.groupid !== undefined) args.groupid = BigInt(rec.groupid);
    try {
      await this.waitsendpay(args, { signal: opts.signal, timeoutMs: opts.timeoutMs });
    } catch (e) {
      if (!(e instanceof LnSendpayError)) throw e;
      if (e.code === PAY_IN_PROGRESS) throw new LnSendpayError('this payment is already pending at the node, and did not settle in time', PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS', payment: paymentFromRecord(rec) });
      if (e.code === TRANSPORT_ERROR || e.code === PREIMAGE_MISMATCH) throw e;
      // A routing failure or a node error: recorded as failed by waitsendpay.
    }
  }

  /** Ask the node what became of a recorded attempt (`listsendpays`) and record it. */
  async #settle(rec, opts) {
    const { payments } = await this.#call({ method: 'listsendpays', paymentHash: rec.paymentHash }, opts);
    return this.#settleFrom(rec, payments);
  }

  async #settleFrom(rec, payments) {
    const key = attemptKey(rec.paymentHash, rec.partid);
    const mine = payments.filter((p) => p.paymentHash === rec.paymentHash && Number(p.partid) === Number(rec.partid));
    if (mine.length === 0) {
      // The node has no such attempt (it never reached it, or the node forgot it): nothing of
      // it is in flight there.
      if (rec.status !== 'unknown' && rec.status !== 'pending') return rec;
      return this.#update(key, rec, { status: 'failed', note: rec.status === 'unknown' ? 'never reached the node' : 'the node has no such attempt' });
    }
    const group = mine.filter((p) => rec.groupid === undefined || String(p.groupid) === String(rec.groupid));
    const newest = (group.length ? group : mine).reduce((a, b) => (b.createdIndex > a.createdIndex ? b : a));
    const changes = { status: newest.status, groupid: String(newest.groupid), createdIndex: String(newest.createdIndex), amountSentMsat: String(newest.amountSentMsat), nodeCreatedAt: newest.createdAt };
    if (newest.paymentPreimage) changes.paymentPreimage = newest.paymentPreimage;
    // The node's "complete" is proof only with a preimage that hashes to the hash.
    if (newest.status === 'complete' && newest.preimageValid !== true) changes.status = 'disputed';
    if (newest.status === 'failed' && newest.erroronion && rec.sharedSecrets) {
      // The failure reply is on record at the node: decode it here.
      changes.failure = plain(lib(raw.decodeFailure, { reply: newest.erroronion, route: rec.route, sharedSecrets: rec.sharedSecrets }));
      changes.failureReply = newest.erroronion; // what the next pay learns from (decoded again there)
    }
    return this.#update(key, rec, changes);
  }

  /** With a bolt11: the time, so an expired invoice is refused before anything is sent. */
  #withNow(args) {
    return (args.bolt11 === undefined && args.bolt12 === undefined) || args.now !== undefined ? args : { ...args, now: Math.floor(this.#now() / 1000) };
  }

  async #attempt(method, args, opts = {}) {
    const request = lib(raw.rpcRequest, { ...this.#withNow(args), method });
    const att = request.attempt;
    const key = attemptKey(att.paymentHash, att.partid);
    return this.#oneAtATime(key, att.paymentHash, `${method}|${att.destination}|${target(att)}`, { signal: opts.signal, waitMs: opts.timeoutMs ?? this.#timeoutMs }, async () => {
      const earlier = await this.#guard(att, opts);
      if (earlier) return earlier;
      const now = this.#now();
      const rec = { ...att, method, status: 'unknown', createdAt: now, updatedAt: now };
      if (request.sharedSecrets) rec.sharedSecrets = request.sharedSecrets;
      // Recorded before sending: a transport that fails mid-call leaves it 'unknown', to settle.
      await this.#store.put(key, rec);
      const r = await this.#send(request, opts);
      if ('error' in r) throw await this.#failed(key, rec, r.error);
      const p = await this.#proven(key, rec, method, r.answer, att.paymentHash);
      await this.#answered(key, rec, p);
      return p;
    });
  }

  /** `getinfo`: `{id, blockheight, network?, alias?, color?}`. */
  getinfo(opts) {
    callOptions(opts);
    return this.#call({ method: 'getinfo' }, opts);
  }

  /** `invoice`: an invoice at our node `{amountMsat?, label, description, expiry?}` (no
   *  amount: "any"), checked here: its bolt11 verifies and matches the answer's hash and
   *  secret. `{bolt11, paymentHash, paymentSecret, payee, amountMsat?, expiresAt?}`. */
  invoice(args, opts) {
    callOptions(opts);
    return this.#call({ ...args, method: 'invoice' }, opts);
  }

  /**
   * `fetchinvoice`: the node requests an invoice for a BOLT 12 `offer` (`{offer, amountMsat?,
   * quantity?, payerNote?, timeout?}`); the invoice it returns is checked here, never taken
   * on the node's word: signed by the offer's issuer (or a path's final blinded node), every
   * offer field mirrored, the amount, quantity and note those asked for, not expired. Resolves
   * with the invoice decoded (as `decodeBolt12`) plus `invoice`, its string.
   */
  async fetchInvoice(args, opts) {
    callOptions(opts);
    const a = options(args, ['offer', 'amountMsat', 'quantity', 'payerNote', 'timeout'], 'fetchInvoice');
    const { invoice } = await this.#call({ ...a, method: 'fetchinvoice' }, opts);
    const { timeout, ...asked } = a;
    const checked = lib(raw.checkBolt12Invoice, { ...asked, invoice, now: Math.floor(this.#now() / 1000) });
    return { ...checked, invoice };
  }

  /** `signmessage`: our node signs `message`: `{zbase}` (zbase32, as lnd's). */
  signmessage(args, opts) {
    callOptions(opts);
    return this.#call({ ...args, method: 'signmessage' }, opts);
  }

  /** `checkmessage`: `{message, zbase, pubkey?}` → `{pubkey, verified}`. */
  checkmessage(args, opts) {
    callOptions(opts);
    return this.#call({ ...args, method: 'checkmessage' }, opts);
  }

  /** `getroutes` (askrene): `{routes: [{probabilityPpm, route}]}`, each route in getroute's shape. */
  getroutes(args, opts) {
    callOptions(opts);
    return this.#call({ ...args, method: 'getroutes' }, opts);
  }

  /** `getroute` (deprecated since v26.06): `{route}`. */
  async getroute(args, opts) {
    callOptions(opts);
    const { routes } = await this.#call({ ...args, method: 'getroute' }, opts);
    return { route: routes[0]?.route ?? [] };
  }

  /** `createonion`, done here: `{onion, sharedSecrets}`. */
  createonion(args) {
    return lib(raw.createOnion, args);
  }

  /** `sendpay`: the node builds the onion from the route. */
  sendpay(args, opts) {
    callOptions(opts);
    return this.#attempt('sendpay', args, opts);
  }

  /**
   * `sendonion`: the onion is built here from the route (at `blockHeight`, else the node's);
   * the shared secrets stay here, in the store, to decode the failure.
   */
  async sendonion(args, opts) {
    callOptions(opts);
    let a = args;
    if (a.blockHeight === undefined && a.block_height === undefined) a = { ...a, blockHeight: (await this.getinfo(opts)).blockheight };
    return this.#attempt('sendonion', a, opts);
  }

  /**
   * `waitsendpay`: the payment once it completes; a failure throws the routing failure object
   * (decoded here with the stored shared secrets, also after a reload).
   */
  async waitsendpay(args, opts = {}) {
    callOptions(opts);
    const request = lib(raw.rpcRequest, { ...args, method: 'waitsendpay' });
    const hash = hex(args.paymentHash ?? args.payment_hash);
    const key = attemptKey(hash, args.partid ?? 0);
    const rec = await this.#store.get(key);
    const r = await this.#send(request, opts);
    if ('error' in r) throw await this.#failed(key, rec, r.error);
    const p = await this.#proven(key, rec, 'waitsendpay', r.answer, hash);
    if (rec) await this.#answered(key, rec, p);
    return p;
  }

  /** `listsendpays`: `{payments}`; recorded attempts of the hash are settled from it. */
  async listsendpays(args = {}, opts) {
    callOptions(opts);
    const out = await this.#call({ ...args, method: 'listsendpays' }, opts);
    const hash = args.paymentHash ?? args.payment_hash;
    const records = await this.#store.list();
    for (const rec of records) {
      if (hash !== undefined && rec.paymentHash !== hex(hash)) continue;
      if (rec.status === 'unknown' || rec.status === 'pending' || (rec.status === 'failed' && !rec.failure)) await this.#settleFrom(rec, out.payments);
    }
    // A complete payment without proof is reported, never passed on as paid.
    for (const p of out.payments) {
      if (p.status === 'complete' && p.preimageValid !== true) p.status = 'disputed';
    }
    return out;
  }

  /**
   * Pay with retries: `getroutes` (or `getroute` on older nodes) → the onion built here →
   * `sendonion` → `waitsendpay`; on a failure along the route, the erring channel direction is
   * excluded (or its new fees used, when the failure carried a verified channel_update) and
   * another route tried; stops on 203, 201 or after `maxAttempts`.
   * Resolves `{status: 'complete', paymentPreimage, attempts}`; rejects with an
   * `LnSendpayError` whose `data.attempts` is the log. `onProgress(event)` follows each step.
   */
  async pay(args, opts = {}) {
    if (args !== null && typeof args === 'object' && args.offer !== undefined) {
      // The options are checked before the node is asked for anything.
      const { onProgress } = payOptions(opts);
      // An offer: its invoice first (fetched by the node, checked here), then that invoice.
      const { offer, amountMsat, quantity, payerNote, ...rest } = args;
      // (Fields left undefined are dropped where the request is read.)
      const fetched = await this.fetchInvoice({ offer, amountMsat, quantity, payerNote }, { signal: opts.signal, timeoutMs: opts.timeoutMs });
      try {
        onProgress?.({ stage: 'invoice', invoice: fetched });
      } catch {
        // a UI callback cannot break a payment
      }
      const paid = await this.#payWith(newPayer, { ...rest, bolt12: fetched.invoice }, opts);
      return { ...paid, bolt12: fetched.invoice };
    }
    return this.#payWith(newPayer, args, opts);
  }

  /**
   * Keysend (a spontaneous payment): `{destination, amountMsat, customRecords?, maxfeeMsat?,
   * maxAttempts?, maxDelay?, routehints?, label?, retryFor?}` (Core Lightning's `keysend`
   * names `extratlvs`, `maxfee`, `maxdelay` too). A fresh preimage from
   * `crypto.getRandomValues` (zeroized when the payment ends), its SHA-256 the payment hash;
   * the payee's final payload carries it (type 5482373484) with the custom records; no payment
   * secret, so one part. Routed, retried, guarded and recorded as `pay`; resolves as `pay`
   * does, plus `paymentHash`.
   */
  async keysend(args, opts = {}) {
    let hash;
    const paid = await this.#payWith((safe) => {
      const p = raw.Payer.keysend(safe);
      hash = p.target().paymentHash;
      return p;
    }, args, opts);
    return { ...paid, paymentHash: hash };
  }

  async #payWith(makePayer, args, opts) {
    assertReady('main');
    const { onProgress, signal } = payOptions(opts);
    const progress = (e) => {
      try {
        onProgress?.(e);
      } catch {
        // a UI callback cannot break a payment
      }
    };
    // With a bolt11, the Payer takes what the invoice carries and checks what is given.
    // `retryFor` (seconds, default 60, as Core Lightning's pay) bounds the whole payment; no
    // waitsendpay asks for longer than the per-request timeout.
    const { retryFor = 60, ...rest } = args ?? {};
    if (!Number.isFinite(retryFor) || retryFor <= 0) throw new TypeError('retryFor: a number of seconds above 0');
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    const withNow = this.#withNow({ waitTimeout: Math.max(1, Math.floor(timeoutMs / 1000)), ...rest });
    const deadline = this.#now() + retryFor * 1000;
    const safe = snapshot(withNow);
    const payer = (() => {
      try {
        return makePayer(safe);
      } catch (e) {
        throw convertError(e, safe);
      }
    })();
    try {
      // What the Payer will pay (its config read the fields, or the bolt11): the guard's key.
      const { paymentHash: hash, destination, amountMsat: amount } = payer.target();
      const key = attemptKey(hash, 0);
      return await this.#oneAtATime(key, hash, `pay|${destination}|${amount}`, { signal, waitMs: deadline - this.#now() }, async () => {
        const waitSeconds = Math.max(1, Math.floor(Math.min(timeoutMs, deadline - this.#now()) / 1000));
        // The parts of an earlier pay (a reload mid-payment): each settled with the node before
        // anything new is sent, never sent again; one complete (with proof) is the payment.
        const paid = await this.#settleParts(hash, destination, amount, { signal, timeoutMs: opts.timeoutMs, waitSeconds });
        if (paid) {
          progress({ stage: 'complete', fromStore: true });
          return { status: 'complete', paymentPreimage: paid.paymentPreimage, attempts: [], fromStore: true };
        }
        const earlier = await this.#guard({ paymentHash: hash, partid: 0, destination, amountMsat: amount }, { signal, timeoutMs: opts.timeoutMs, waitSeconds });
        if (earlier && earlier.status === 'complete') {
          progress({ stage: 'complete', fromStore: true });
          return { status: 'complete', paymentPreimage: earlier.paymentPreimage, attempts: [], fromStore: true };
        }
        if (earlier) throw new LnSendpayError('this payment is already pending: waitsendpay for it', PAY_IN_PROGRESS, { error: 'PAY_IN_PROGRESS', payment: earlier });
        const recorded = (await this.#store.list()).filter((r) => r.paymentHash === hash);
        // Parts of earlier runs stay on record: this run's part ids start after theirs.
        payer.partsAfter(Math.max(0, ...recorded.map((r) => Number(r.partid) || 0)));
        // Attempts that failed along the route (this call's guard, or an earlier pay, found them
        // so; every part of an earlier run too): the payer starts from what they taught, not
        // from the same routes.
        for (const r of recorded.filter((x) => x.status === 'failed' && x.failureReply && x.route && x.sharedSecrets)) {
          try {
            payer.learn({ route: r.route, sharedSecrets: r.sharedSecrets, reply: r.failureReply });
          } catch {
            // a record that does not read teaches nothing
          }
        }
        return this.#drive(payer, key, { hash, signal, timeoutMs, deadline, input: safe }, progress);
      });
    } finally {
      payer.free();
    }
  }

  /**
   * Run the Payer: send what it asks for — several requests may be in flight (its own
   * sequence, and one waitsendpay per part) — and feed each reply back with its lane. Every
   * part is recorded under `(payment_hash, partid)` before its onion goes out.
   */
  async #drive(payer, key, opts, progress) {
    const step = (reply) => {
      try {
        return payer.step(reply);
      } catch (e) {
        throw convertError(e);
      }
    };
    const clock = () => payer.setTimeLeft(Math.max(0, Math.ceil((opts.deadline - this.#now()) / 1000)));
    clock();
    const { hash } = opts;
    const records = new Map(); // attempt number → { key, rec }
    const inFlight = new Map(); // lane → the promise of its reply
    let lastTransport; // the last transport error: what pay reports if the transport kept failing
    let lastRec;
    let s = step(undefined);
    for (;;) {
      while (s.request) {
        const { lane, stage, attempt, request, part } = s;
        const about = part ? { partid: part.partid, groupid: part.groupid, amountMsat: BigInt(part.amountMsat) } : {};
        progress({ stage, attempt, method: request.method, params: request.params, ...about, ...(s.route ? { route: s.route, onionLayers: s.onionLayers } : {}) });
        if (s.record) {
          const now = this.#now();
          const rec = { ...s.record, method: 'sendonion', attemptNumber: attempt, status: 'unknown', createdAt: now, updatedAt: now };
          const k = part && part.partid !== 0 ? attemptKey(hash, part.partid) : key;
          records.set(attempt, { key: k, rec });
          lastRec = rec;
          await this.#store.put(k, rec);
        }
        if (stage === 'reserve' && request.method === 'askrene-reserve' && records.has(attempt)) {
          // Recorded before it goes: a payment cut short (a reload) lets it go the next time
          // (#settleParts), whether or not the answer came back.
          const entry = records.get(attempt);
          entry.rec = await this.#update(entry.key, entry.rec, { reservation: request.paramsJson });
        }
        // No request outlives the payment's time (a second's grace for the answer).
        const left = Math.max(1000, opts.deadline - this.#now() + 1000);
        const sent = this.#send(request, { signal: opts.signal, timeoutMs: Math.min(opts.timeoutMs, left) });
        const sentAs = { lane, stage, attempt, method: request.method, paramsJson: request.paramsJson };
        inFlight.set(String(lane), sent.then((reply) => ({ ...sentAs, reply }), (error) => ({ ...sentAs, error })));
        s = step(undefined);
      }
      if (s.done) break;
      if (inFlight.size === 0) throw new LnSendpayError('internal: the payer waits for a reply, and nothing is in flight', -1, { error: 'INTERNAL' });
      const r = await Promise.race(inFlight.values());
      inFlight.delete(String(r.lane));
      let reply = r.reply;
      if (r.error) {
        if (opts.signal?.aborted) throw r.error; // every attempt stays as recorded, to settle later
        progress({ stage: 'transport_failed', attempt: r.attempt, method: r.method, error: r.error });
        lastTransport = r.error;
        reply = { transportFailed: true };
      }
      const entry = r.attempt === undefined ? undefined : records.get(r.attempt);
      if (entry && (r.stage === 'send' || r.stage === 'wait' || r.stage === 'settle')) entry.rec = await this.#bookkeep(entry.key, entry.rec, r.stage, r.attempt, reply, progress);
      if (entry && r.stage === 'reserve' && (r.method === 'askrene-unreserve' ? reply.answer !== undefined : reply.error !== undefined)) {
        // Let go, or refused by the node: nothing of it is held.
        entry.rec = await this.#update(entry.key, entry.rec, { reservation: undefined });
      }
      clock();
      s = step({ lane: r.lane, ...reply });
    }
    const out = s.done;
    if (out.status === 'complete') {
      progress({ stage: 'complete', attempt: out.attempts.length });
      const result = { status: 'complete', paymentPreimage: out.paymentPreimage, amountMsat: out.amountMsat, amountSentMsat: out.amountSentMsat, feeMsat: out.feeMsat, attempts: out.attempts };
      if (out.parts > 1) result.parts = out.parts;
      return result;
    }
    progress({ stage: 'failed', error: out.error });
    const e = out.error;
    if (e.error === 'TRANSPORT_ERROR' && lastTransport instanceof LnSendpayError) {
      // The transport's own error (TRANSPORT_NETWORK and its CORS hint, a timeout…), and
      // whether anything reached the node: nothing, or an attempt still to be settled.
      const fate = lastRec ? `attempt ${lastRec.attemptNumber}'s fate is unknown: it stays recorded, and the next pay or waitsendpay for this hash settles it` : 'nothing was sent';
      throw new LnSendpayError(`${lastTransport.message} (${fate})`, TRANSPORT_ERROR, { ...lastTransport.data, attempts: out.attempts });
    }
    const routing = e.routing ?? {};
    const name = e.error === 'ROUTING_FAILURE' || e.error === 'NODE_ERROR' ? (NAMES[e.code] ?? e.error) : e.error;
    const data = { ...routing, error: name, attempts: out.attempts };
    if (e.field !== undefined) data.field = e.field;
    // The field (and the message's path) as the caller spells it, as for the bindings' errors.
    throw convertError(new LnSendpayError(e.message, Number(e.code), data), opts.input, e.error === 'ROUTING_FAILURE' || e.error === 'NODE_ERROR');
  }

  /** Keep the store in step with what the node said (the Payer decides what to do next). */
  async #bookkeep(key, rec, stage, attempt, reply, progress) {
    try {
      if (reply.error !== undefined) {
        if (stage === 'settle') return rec;
        const err = await this.#failed(key, rec, reply.error);
        if (err.code !== PAY_IN_PROGRESS) progress({ stage: 'attempt_failed', attempt, failure: err.data });
        return (await this.#store.get(key)) ?? rec;
      }
      if (reply.answer !== undefined) {
        if (stage === 'settle') {
          const { payments } = lib(raw.rpcAnswer, { method: 'listsendpays', answer: reply.answer });
          return await this.#settleFrom(rec, payments);
        }
        const p = await this.#proven(key, rec, stage === 'send' ? 'sendonion' : 'waitsendpay', reply.answer, rec.paymentHash);
        return await this.#answered(key, rec, p);
      }
    } catch (e) {
      // A malformed (or unproven: recorded disputed) answer: the Payer reports it.
      if (!(e instanceof LnSendpayError)) throw e;
      return (await this.#store.get(key)) ?? rec;
    }
    return rec;
  }
}
