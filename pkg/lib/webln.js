// A WebLN provider (https://webln.guide) over a `Client`: what a Lightning web app already
// speaks, served by the same payment path as `client.pay` (onions built and failures decoded
// here, the store, the guard). No protocol logic here either: WebLN's shapes in, the client's
// calls out, the client's errors as WebLN's.
import * as raw from '../ln_sendpay.js';
import { LnSendpayError, assertReady } from './error.js';
import { hexOf, options } from './input.js';

/** WebLN's error names (the `webln` package's classes), by what went wrong. */
const ROUTING_CODES = new Set([202, 203, 204, 205, 206, 210]);

/**
 * A WebLN error: `name` is WebLN's (`RejectionError`, `RoutingError`, `InvalidDataError`,
 * `UnsupportedMethodError`, `InternalError`); it is still an `LnSendpayError`, with the
 * client's `code` and `data` (a payment's routing failure object, `data.attempts`).
 */
export class WebLNError extends LnSendpayError {
  constructor(name, message, code, data, cause) {
    super(message, code, data);
    this.name = name;
    if (cause !== undefined) this.cause = cause;
  }
}

function webLNError(e) {
  if (e instanceof WebLNError) return e;
  if (e instanceof LnSendpayError) {
    const name = ROUTING_CODES.has(Number(e.code)) ? 'RoutingError' : e.code === -32602 ? 'InvalidDataError' : 'InternalError';
    return new WebLNError(name, e.message, e.code, e.data, e);
  }
  if (e instanceof TypeError) return new WebLNError('InvalidDataError', e.message, -32602, { error: 'PARAM_TYPE' }, e);
  return new WebLNError('InternalError', e && e.message ? e.message : String(e), -1, { error: 'INTERNAL' }, e);
}

const invalid = (message, field) => new WebLNError('InvalidDataError', message, -32602, { error: 'PARAM_TYPE', field });

/** WebLN's amounts are satoshis, a number or a decimal string: as msat, exactly. */
function satsToMsat(v, field) {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return BigInt(v) * 1000n;
  if (typeof v === 'string' && /^[1-9][0-9]{0,15}$/.test(v)) return BigInt(v) * 1000n;
  throw invalid(`${field}: a whole number of satoshis above 0 (a number or a decimal string)`, field);
}

const UTF8 = new TextEncoder();

/** What this provider serves; the rest of WebLN's methods reject with UnsupportedMethodError. */
const METHODS = ['enable', 'isEnabled', 'getInfo', 'sendPayment', 'keysend', 'makeInvoice', 'signMessage', 'verifyMessage', 'on', 'off'];

/**
 * `new WebLNProvider({client, confirm?, payOptions?, onProgress?})`; install it with
 * `window.webln = provider`.
 * - `confirm(request)`: asked before every payment, invoice and signature (`{method, ...}`;
 *   a payment's `request.invoice` is decoded and verified); `false` rejects with
 *   `RejectionError`. Without it, the app is the one that asked.
 * - `payOptions`: what every payment adds (`maxfeeMsat`, `maxAttempts`, `retryFor`…).
 * - `onProgress`: a payment's progress events, as `client.pay` gives them.
 */
export class WebLNProvider {
  #client;
  #confirm;
  #payOptions;
  #onProgress;
  #enabled = false;
  #pubkey;
  #listeners = new Map();

  constructor(opts) {
    const { client, confirm, payOptions = {}, onProgress } = options(opts, ['client', 'confirm', 'payOptions', 'onProgress'], 'WebLNProvider');
    if (!client || typeof client.pay !== 'function' || typeof client.keysend !== 'function') throw new TypeError('WebLNProvider: pass a client (new Client({transport}))');
    if (confirm !== undefined && typeof confirm !== 'function') throw new TypeError('WebLNProvider: confirm must be a function returning true or false');
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('WebLNProvider: onProgress must be a function');
    if (payOptions === null || typeof payOptions !== 'object') throw new TypeError('WebLNProvider: payOptions must be an object');
    this.#client = client;
    this.#confirm = confirm;
    this.#payOptions = payOptions;
    this.#onProgress = onProgress;
  }

  /** Reaches the node (`getinfo`); every other method needs it first. */
  async enable() {
    try {
      await this.#info();
      this.#enabled = true;
    } catch (e) {
      throw webLNError(e);
    }
  }

  async isEnabled() {
    return this.#enabled;
  }

  /** `{node: {pubkey, alias, color?}, network?, version, supports, methods}`. */
  async getInfo() {
    return this.#serve('getInfo', async () => {
      const i = await this.#info();
      const node = { pubkey: i.id, alias: i.alias ?? '' };
      if (i.color) node.color = `#${i.color}`;
      const out = { node, version: `ln-sendpay ${raw.version()}`, supports: ['lightning'], methods: [...METHODS] };
      if (i.network) out.network = i.network;
      return out;
    });
  }

  /** Pay a BOLT 11 invoice through `client.pay`: `{preimage}`. */
  async sendPayment(paymentRequest) {
    return this.#serve('sendPayment', async () => {
      if (typeof paymentRequest !== 'string') throw invalid('paymentRequest: a BOLT 11 invoice (string)', 'paymentRequest');
      assertReady('main');
      let invoice;
      try {
        invoice = raw.decodeInvoice({ invoice: paymentRequest, now: Math.floor(Date.now() / 1000) });
      } catch (e) {
        throw new WebLNError('InvalidDataError', `paymentRequest: ${e.message}`, -32602, { error: e.data?.error ?? 'BOLT11', field: 'paymentRequest' }, e);
      }
      await this.#ask({ method: 'sendPayment', paymentRequest, invoice });
      const paid = await this.#client.pay({ ...this.#payOptions, bolt11: paymentRequest }, this.#progress());
      return { preimage: paid.paymentPreimage };
    });
  }

  /**
   * Keysend through `client.keysend`: `{destination, amount (sats), customRecords?}`;
   * `customRecords` values are text, sent as their UTF-8 bytes (as WebLN wallets do:
   * podcasting's 7629169 is JSON text). `{preimage}`.
   */
  async keysend(args) {
    return this.#serve('keysend', async () => {
      const { destination, amount, customRecords } = options(args, ['destination', 'amount', 'customRecords'], 'keysend');
      if (typeof destination !== 'string') throw invalid('destination: a node id (hex)', 'destination');
      const amountMsat = satsToMsat(amount, 'amount');
      let records;
      if (customRecords !== undefined) {
        if (customRecords === null || typeof customRecords !== 'object' || Array.isArray(customRecords)) throw invalid('customRecords: an object of type → text', 'customRecords');
        records = {};
        for (const [type, value] of Object.entries(customRecords)) {
          if (typeof value !== 'string') throw invalid(`customRecords.${type}: text`, `customRecords.${type}`);
          records[type] = hexOf(UTF8.encode(value));
        }
      }
      await this.#ask({ method: 'keysend', destination, amountMsat, customRecords: customRecords ?? {} });
      const paid = await this.#client.keysend({ ...this.#payOptions, destination, amountMsat, ...(records ? { customRecords: records } : {}) }, this.#progress());
      return { preimage: paid.paymentPreimage };
    });
  }

  /**
   * An invoice at our node (`invoice`): `amount` (sats) as a number or string, or
   * `{amount?, defaultAmount?, minimumAmount?, maximumAmount?, defaultMemo?}`; no amount:
   * any. The node's invoice is checked: it verifies, is ours, and asks what was asked.
   */
  async makeInvoice(args) {
    return this.#serve('makeInvoice', async () => {
      const a = typeof args === 'string' || typeof args === 'number' ? { amount: args } : options(args ?? {}, ['amount', 'defaultAmount', 'minimumAmount', 'maximumAmount', 'defaultMemo'], 'makeInvoice');
      const given = a.amount ?? a.defaultAmount;
      const amountMsat = given === undefined ? undefined : satsToMsat(given, a.amount !== undefined ? 'amount' : 'defaultAmount');
      const min = a.minimumAmount === undefined ? undefined : satsToMsat(a.minimumAmount, 'minimumAmount');
      const max = a.maximumAmount === undefined ? undefined : satsToMsat(a.maximumAmount, 'maximumAmount');
      if (amountMsat !== undefined && ((min !== undefined && amountMsat < min) || (max !== undefined && amountMsat > max))) throw invalid('amount: outside minimumAmount…maximumAmount', 'amount');
      if (a.defaultMemo !== undefined && typeof a.defaultMemo !== 'string') throw invalid('defaultMemo: text', 'defaultMemo');
      const description = a.defaultMemo ?? '';
      await this.#ask({ method: 'makeInvoice', amountMsat, description });
      const label = `webln-${hexOf(globalThis.crypto.getRandomValues(new Uint8Array(16)))}`;
      const made = await this.#client.invoice({ ...(amountMsat === undefined ? {} : { amountMsat }), label, description });
      const { id } = await this.#info();
      if (made.payee !== id) throw new WebLNError('InternalError', `the node's invoice is payable to ${made.payee}, not to the node (${id})`, -32001, { error: 'NODE_BAD_ANSWER', field: 'bolt11' });
      if ((made.amountMsat ?? undefined) !== amountMsat) throw new WebLNError('InternalError', `the node's invoice asks ${made.amountMsat ?? 'any amount'}, not ${amountMsat ?? 'any amount'}`, -32001, { error: 'NODE_BAD_ANSWER', field: 'bolt11' });
      return { paymentRequest: made.bolt11 };
    });
  }

  /** Our node signs `message` (`signmessage`): `{message, signature}` (zbase32). */
  async signMessage(message) {
    return this.#serve('signMessage', async () => {
      if (typeof message !== 'string') throw invalid('message: text', 'message');
      await this.#ask({ method: 'signMessage', message });
      const { zbase } = await this.#client.signmessage({ message });
      return { message, signature: zbase };
    });
  }

  /** Resolves if `signature` (zbase32) signs `message` (`checkmessage`); else InvalidDataError. */
  async verifyMessage(signature, message) {
    return this.#serve('verifyMessage', async () => {
      if (typeof signature !== 'string') throw invalid('signature: a zbase32 signature', 'signature');
      if (typeof message !== 'string') throw invalid('message: text', 'message');
      const r = await this.#client.checkmessage({ message, zbase: signature });
      if (!r.verified) throw new WebLNError('InvalidDataError', 'the signature does not verify for this message', -32602, { error: 'SIGNATURE_INVALID', pubkey: r.pubkey });
    });
  }

  /** Not served: the node's balance is not read here. */
  async getBalance() {
    throw this.#unsupported('getBalance');
  }

  /** Not served. */
  async lookupInvoice() {
    throw this.#unsupported('lookupInvoice');
  }

  /** Not served: LNURL is the app's (parsePaymentString recognises it). */
  async lnurl() {
    throw this.#unsupported('lnurl');
  }

  /** Not served: no raw node access through WebLN. */
  async request() {
    throw this.#unsupported('request');
  }

  /** `accountChanged`: the node behind the client is another one than before. */
  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('on: pass a listener function');
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  #emit(event) {
    for (const l of this.#listeners.get(event) ?? []) {
      try {
        l();
      } catch {
        // a listener cannot break the provider
      }
    }
  }

  async #info() {
    const i = await this.#client.getinfo();
    if (this.#pubkey !== undefined && this.#pubkey !== i.id) queueMicrotask(() => this.#emit('accountChanged'));
    this.#pubkey = i.id;
    return i;
  }

  /** A WebLN method: enabled first; whatever fails, a WebLNError. */
  async #serve(method, fn) {
    this.#need(method);
    try {
      return await fn();
    } catch (e) {
      throw webLNError(e);
    }
  }

  #need(method) {
    if (!this.#enabled) throw new WebLNError('RejectionError', `${method}: call enable() first`, -1, { error: 'WEBLN_NOT_ENABLED' });
  }

  async #ask(request) {
    if (this.#confirm && (await this.#confirm(request)) !== true) throw new WebLNError('RejectionError', `${request.method}: rejected`, -1, { error: 'WEBLN_REJECTED' });
  }

  #progress() {
    return this.#onProgress ? { onProgress: this.#onProgress } : {};
  }

  #unsupported(method) {
    return new WebLNError('UnsupportedMethodError', `${method} is not supported by this provider (see getInfo().methods)`, -32601, { error: 'WEBLN_UNSUPPORTED', method });
  }
}
