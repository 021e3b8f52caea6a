// `ln-sendpay/onion`: the onion functions of the main entry, from the smallest module (no
// invoices, no client). Same names, same types, same behaviour.
export type {
  Hex, Bytes, NodeId, AmountInput, ShortChannelIdInput, RouteHop, Route, GetroutesRoute, PaymentRequest,
  BuildOnionRequest, FirstHop, BuildOnionResult, OnionHopInput, CreateOnionRequest, CreateOnionResult,
  RoutePayloadsResult, PayloadFields, FailureFlag, FailureMessage, ChannelUpdateFields, RoutingFailure,
  DecodeFailureRequest, ChannelUpdateResult, ShortChannelIdInfo, LnSendpayErrorOf, ErrorFields, ParamErrorData,
  WarmUpResult,
} from './index.js';
export {
  LnSendpayError, init, parseAmount, formatAmount, buildOnion, createOnion, routePayloads, decodeFailure,
  decodeChannelUpdate, parseShortChannelId, version, warmUp,
} from './index.js';
