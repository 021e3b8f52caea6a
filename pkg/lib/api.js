// The main entry's API (a paying wallet): the onion functions every module has, plus
// invoices, the node's requests and answers, the guard, and the client over them.
import * as raw from '../ln_sendpay.js';
import { LnSendpayError } from './error.js';
import { options } from './input.js';
import { binder, onionApi } from './bind.js';

const wrap = binder('main');

export { LnSendpayError } from './error.js';
export const { parseAmount, formatAmount, buildOnion, createOnion, routePayloads, decodeFailure, decodeChannelUpdate, parseShortChannelId, version, warmUp } = onionApi(raw, wrap);
export const rpcRequest = wrap(raw.rpcRequest);
export const rpcAnswer = wrap(raw.rpcAnswer);
export const rpcError = wrap(raw.rpcError);
export const paymentGuard = wrap(raw.paymentGuard);

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

const parsePaymentStringRaw = wrap(raw.parsePaymentString);
/**
 * What a pasted string is: a BOLT 11 invoice (bare, any case, or in a `lightning:` or BIP 21
 * `bitcoin:` URI), a node id (`02…@host:port`), or a form paid elsewhere (BOLT 12, LNURL, a
 * lightning address, on-chain): `{kind, payable, …}`. `now` (seconds) decides an invoice's
 * `expired`. A malformed string is an `LnSendpayError` naming the part that is wrong.
 */
export function parsePaymentString(paymentString, opts) {
  const { now = Math.floor(Date.now() / 1000) } = options(opts, ['now'], 'options');
  if (typeof paymentString !== 'string') {
    throw new LnSendpayError('paymentString: pass a string', -32602, { error: 'PARAM_TYPE', field: 'paymentString' });
  }
  return parsePaymentStringRaw({ paymentString, now });
}

const decodeBolt12Raw = wrap(raw.decodeBolt12);
/**
 * Decode and check a BOLT 12 offer (`lno1…`), invoice request (`lnr1…`) or invoice (`lni1…`):
 * `{type, tlvs, …fields, merkleRoot?, signatureVerified?, expiresAt?, expired?}`. `now`
 * (seconds; default: this machine's clock) decides `expired`.
 */
export function decodeBolt12(string, opts) {
  const { now = Math.floor(Date.now() / 1000) } = options(opts, ['now'], 'options');
  if (typeof string !== 'string') {
    throw new LnSendpayError('string: pass the BOLT 12 string', -32602, { error: 'PARAM_TYPE', field: 'string' });
  }
  return decodeBolt12Raw({ string, now });
}

export { clnrest, commando, TRANSPORT_ERROR } from './transport.js';
export { WebLNProvider, WebLNError } from './webln.js';
export { Client } from './client.js';
export { MemoryStore, KeyValueStore, IndexedDBStore, KeyedLock, attemptKey, exportAttempts, importAttempts } from './store.js';
