// `ln-sendpay/hop`: the hop side, for tests and simulated nodes (the dev node), with the
// onion functions every module has; from the full module. Apps never need it.
import type { Bytes, Hex, NodeId, PayloadFields } from './index.js';
// Everything the onion entry has, with the same types.
export * from './onion.js';

export interface PeelRequest {
  onion: Bytes;
  associatedData: Bytes;
  /** The hop's node private key. */
  privkey: Bytes;
  /** For a hop inside a blinded path: the path key that came with the HTLC. */
  pathKey?: NodeId;
}

export interface PeelResult {
  /** The payload with its length prefix. */
  payload: Hex;
  /** The packet for the next hop; null at the destination. */
  nextOnion: Hex | null;
  sharedSecret: Hex;
  /** The payload's TLVs, or null if they are not a valid payload. */
  fields: PayloadFields | null;
}

export interface WrapFailureRequest {
  sharedSecrets: Bytes[];
  /** The erring hop: 0-based position in sharedSecrets. */
  erringIndex: number;
  failureMessage: Bytes;
  /** One hold time per hop up to the erring one (100 ms units): adds attribution data. */
  holdTimes?: number[];
}

/** Peel one layer. */
export declare function peelOnion(request: PeelRequest): PeelResult;
/** The reply from hop `erringIndex` as it reaches the sender. */
export declare function wrapFailure(request: WrapFailureRequest): { reply: Hex; attributionData?: Hex };
/** The erring hop: its reply. */
export declare function createFailureReply(request: { sharedSecret: Bytes; failureMessage: Bytes }): { reply: Hex };
/** A hop on the way back: add its layer. */
export declare function forwardFailureReply(request: { sharedSecret: Bytes; reply: Bytes }): { reply: Hex };
