// The public API over the generated bindings: no protocol logic here, only error mapping
// and a clear error before the module is initialised (browser entry).
import * as raw from '../ln_sendpay.js';

/** Every error the library throws for a bad input or a failed operation. */
export class LnSendpayError extends Error {
  constructor(message, code, data) {
    super(message);
    this.name = 'LnSendpayError';
    /** Core Lightning's JSON-RPC code where one exists (-32602 invalid params, -1), else ours. */
    this.code = code;
    /** `{ error: stable string code, field?: the offending parameter }`. */
    this.data = data;
  }
}

let ready = false;

/** @internal called by the entry points once the wasm module is instantiated. */
export function markReady() {
  ready = true;
}

/** @internal throws unless the module is initialised. */
export function assertReady() {
  if (!ready) {
    throw new LnSendpayError('ln-sendpay is not initialised: `await init()` first', -1, { error: 'NOT_INITIALISED' });
  }
}

/** @internal an error thrown by the bindings, as the API throws it. */
export function convertError(e) {
  // TypeError/RangeError (a wrong JS type or range) keep their class and carry code/data.
  if (e instanceof Error && e.name === 'LnSendpayError' && !(e instanceof LnSendpayError)) {
    return new LnSendpayError(e.message, e.code, e.data);
  }
  return e;
}

function wrap(fn) {
  return (...args) => {
    assertReady();
    try {
      return fn(...args);
    } catch (e) {
      throw convertError(e);
    }
  };
}

export const parseAmount = wrap(raw.parseAmount);
export const formatAmount = wrap(raw.formatAmount);
export const buildOnion = wrap(raw.buildOnion);
export const createOnion = wrap(raw.createOnion);
export const routePayloads = wrap(raw.routePayloads);
export const peelOnion = wrap(raw.peelOnion);
export const decodeFailure = wrap(raw.decodeFailure);
export const wrapFailure = wrap(raw.wrapFailure);
export const createFailureReply = wrap(raw.createFailureReply);
export const forwardFailureReply = wrap(raw.forwardFailureReply);
export const decodeChannelUpdate = wrap(raw.decodeChannelUpdate);
export const parseShortChannelId = wrap(raw.parseShortChannelId);
export const rpcRequest = wrap(raw.rpcRequest);
export const rpcAnswer = wrap(raw.rpcAnswer);
export const rpcError = wrap(raw.rpcError);
export const paymentGuard = wrap(raw.paymentGuard);
export const version = wrap(raw.version);

const decodeInvoiceRaw = wrap(raw.decodeInvoice);
/**
 * Decode and verify a BOLT 11 invoice. `now` (seconds since 1970; default: this machine's
 * clock) decides `expired`.
 */
export function decodeInvoice(invoice, { now = Math.floor(Date.now() / 1000) } = {}) {
  if (typeof invoice !== 'string') {
    throw new LnSendpayError('invoice: pass the bolt11 string', -32602, { error: 'PARAM_TYPE', field: 'invoice' });
  }
  return decodeInvoiceRaw({ invoice, now });
}

export { clnrest, commando, TRANSPORT_ERROR } from './transport.js';
export { Client } from './client.js';
export { MemoryStore, KeyValueStore, IndexedDBStore, KeyedLock, attemptKey, exportAttempts, importAttempts } from './store.js';
