// `ln-sendpay/onion`: onions built for a route and failure replies decoded, from the
// smallest module (no invoices, no client) — for an app that signs for a remote node, e.g.
// a Worker. The same names and behaviour as the main entry's.
import * as raw from '../onion/ln_sendpay_onion.js';
import { binder, onionApi } from './bind.js';

const wrap = binder('onion');

export { LnSendpayError } from './error.js';
export const { parseAmount, formatAmount, buildOnion, createOnion, routePayloads, decodeFailure, decodeChannelUpdate, parseShortChannelId, version, warmUp } = onionApi(raw, wrap);
