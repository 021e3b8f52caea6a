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

/**
 * A binding that reads one string (the request's `field`) at a time `now` (seconds since
 * 1970; default: this machine's clock): `(string, {now?})`.
 */
function stringAt(fn, field, what) {
  const call = wrap(fn);
  return (value, opts) => {
    const { now = Math.floor(Date.now() / 1000) } = options(opts, ['now'], 'options');
    if (typeof value !== 'string') {
      throw new LnSendpayError(`${field}: pass ${what}`, -32602, { error: 'PARAM_TYPE', field });
    }
    return call({ [field]: value, now });
  };
}

/** Decode and verify a BOLT 11 invoice; `now` decides `expired`. */
export const decodeInvoice = stringAt(raw.decodeInvoice, 'invoice', 'the bolt11 string');

/**
 * What a pasted string is: a BOLT 11 invoice (bare, any case, or in a `lightning:` or BIP 21
 * `bitcoin:` URI), a BOLT 12 offer or invoice, a node id (`02…@host:port`), or a form paid
 * elsewhere (LNURL, a lightning address, on-chain): `{kind, payable, …}`. `now` decides an
 * invoice's `expired`. A malformed string is an `LnSendpayError` naming the part that is wrong.
 */
export const parsePaymentString = stringAt(raw.parsePaymentString, 'paymentString', 'a string');

/**
 * Decode and check a BOLT 12 offer (`lno1…`), invoice request (`lnr1…`) or invoice (`lni1…`):
 * `{type, tlvs, …fields, merkleRoot?, signatureVerified?, expiresAt?, expired?}`; `now`
 * decides `expired`.
 */
export const decodeBolt12 = stringAt(raw.decodeBolt12, 'string', 'the BOLT 12 string');

export { clnrest, commando, TRANSPORT_ERROR } from './transport.js';
export { WebLNProvider, WebLNError } from './webln.js';
export { Client } from './client.js';
export { MemoryStore, KeyValueStore, IndexedDBStore, KeyedLock, attemptKey, exportAttempts, importAttempts } from './store.js';
