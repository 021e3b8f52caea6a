// What tests/js/types-runtime.mjs checks values produced at runtime against: each member
// names a declared type of pkg/index.d.ts.
import type * as L from '../../pkg/index.js';

export interface Shapes {
  buildOnion: L.BuildOnionResult;
  createOnion: L.CreateOnionResult;
  routePayloads: L.RoutePayloadsResult;
  peelOnion: L.PeelResult;
  wrapFailure: ReturnType<typeof L.wrapFailure>;
  decodeFailure: L.RoutingFailure;
  parseShortChannelId: L.ShortChannelIdInfo;
  invoice: L.Invoice;
  getinfo: Awaited<ReturnType<L.Client['getinfo']>>;
  getroutes: Awaited<ReturnType<L.Client['getroutes']>>;
  getroute: Awaited<ReturnType<L.Client['getroute']>>;
  sendonion: L.Payment;
  listsendpays: Awaited<ReturnType<L.Client['listsendpays']>>;
  pay: Awaited<ReturnType<L.Client['pay']>>;
  progress: L.PayProgress;
  record: L.AttemptRecord;
  error: L.LnSendpayError;
}
