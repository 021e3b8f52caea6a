// The public API over the generated bindings: no protocol logic here, only error mapping
// and a clear error before the module is initialised (browser entry).
import * as raw from '../ln_sendpay.js';
import { LnSendpayError, assertReady, convertError } from './error.js';
import { snapshot, options } from './input.js';

export { LnSendpayError } from './error.js';
/** An export over a binding: initialised first; every argument a safe copy (input.js). */
function wrap(fn) {
  return (...args) => {
    assertReady();
    const safe = args.map(snapshot);
    try {
      return fn(...safe);
    } catch (e) {
      throw convertError(e, safe[0]);
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
export function decodeInvoice(invoice, opts) {
  const { now = Math.floor(Date.now() / 1000) } = options(opts, ['now'], 'options');
  if (typeof invoice !== 'string') {
    throw new LnSendpayError('invoice: pass the bolt11 string', -32602, { error: 'PARAM_TYPE', field: 'invoice' });
  }
  return decodeInvoiceRaw({ invoice, now });
}

export { clnrest, commando, TRANSPORT_ERROR } from './transport.js';
export { Client } from './client.js';
export { MemoryStore, KeyValueStore, IndexedDBStore, KeyedLock, attemptKey, exportAttempts, importAttempts } from './store.js';
