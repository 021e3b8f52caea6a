// `ln-sendpay/hop`: the hop side (peel a layer, create and forward failure replies) for
// tests and simulated nodes (the dev node), with the onion functions every module has, from
// the full module (which `npx ln-sendpay` runs too). Apps never need it.
import * as raw from '../full/ln_sendpay_full.js';
import { binder, onionApi } from './bind.js';

const wrap = binder('full');

export { LnSendpayError } from './error.js';
export const { parseAmount, formatAmount, buildOnion, createOnion, routePayloads, decodeFailure, decodeChannelUpdate, parseShortChannelId, version, warmUp } = onionApi(raw, wrap);
export const peelOnion = wrap(raw.peelOnion);
export const wrapFailure = wrap(raw.wrapFailure);
export const createFailureReply = wrap(raw.createFailureReply);
export const forwardFailureReply = wrap(raw.forwardFailureReply);
