// What tests/js/types-runtime.mjs checks values produced at runtime against: each member
// names a declared type of pkg/index.d.ts (the hop side's: pkg/hop.d.ts).
import type * as L from '../../pkg/index.js';
import type * as H from '../../pkg/hop.js';

export interface Shapes {
  buildOnion: L.BuildOnionResult;
  createOnion: L.CreateOnionResult;
  routePayloads: L.RoutePayloadsResult;
  peelOnion: H.PeelResult;
  wrapFailure: ReturnType<typeof H.wrapFailure>;
  decodeFailure: L.RoutingFailure;
  parseShortChannelId: L.ShortChannelIdInfo;
  warmUp: L.WarmUpResult;
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
