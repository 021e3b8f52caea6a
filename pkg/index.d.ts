// ln-sendpay — hand-owned type declarations (checked with `tsc --noEmit` against
// tests/js/usage.ts). Amounts in msat are `bigint` out; in, a `bigint` or an amount string
// in the man page's grammar ("1000", "1000msat", "1sat", "1.500sat", "0.00000001btc").
// A JS `number` where an amount belongs throws a TypeError.

/** Lowercase hex. Inputs also accept upper case; byte inputs also accept a Uint8Array. */
export type Hex = string;
/** Hex, or the bytes themselves. */
export type Bytes = Hex | Uint8Array;
/** A compressed secp256k1 public key, 66 hex digits. */
export type NodeId = string;
/** An amount in msat: a bigint, or a string in the man page's amount grammar. */
export type AmountInput = bigint | string;
/** A short channel id: `"BLOCKxTXxOUT"` (optionally `"/D"`), or its u64 form as a bigint. */
export type ShortChannelIdInput = string | bigint;

/**
 * A hop of a route, as `getroute` returns it and `sendpay` takes it, or a `getroutes`
 * path element. Names: new first (`nodeIdOut`/`node_id_out`, `shortChannelIdDir`,
 * `amountOutMsat`, `cltvOut`), then the classic ones (`id`, `channel`, `amount_msat`,
 * `delay`). camelCase and snake_case are both accepted.
 */
export interface RouteHop {
  id?: NodeId;
  node_id_out?: NodeId;
  nodeIdOut?: NodeId;
  next_node_id?: NodeId;
  nextNodeId?: NodeId;
  channel?: ShortChannelIdInput;
  short_channel_id_dir?: string;
  shortChannelIdDir?: string;
  direction?: 0 | 1;
  amount_msat?: AmountInput;
  amountMsat?: AmountInput;
  amount_out_msat?: AmountInput;
  amountOutMsat?: AmountInput;
  msatoshi?: AmountInput;
  delay?: number;
  cltv_out?: number;
  cltvOut?: number;
  /** getroutes path elements: the near end. */
  node_id_in?: NodeId;
  nodeIdIn?: NodeId;
  amount_in_msat?: AmountInput;
  amountInMsat?: AmountInput;
  cltv_in?: number;
  cltvIn?: number;
  style?: 'tlv';
}

/**
 * A route: hops; a `getroute` answer; a `getroutes` route (`{amount_msat, final_cltv,
 * path}`) or answer with one route; or any of these as JSON text (parsed exactly).
 */
export type Route =
  | RouteHop[]
  | { route: RouteHop[] }
  | GetroutesRoute
  | { routes: [GetroutesRoute | { route: RouteHop[]; probabilityPpm?: number; probability_ppm?: number }] }
  | string;

/** A `getroutes` route: its path, the amount delivered and the final CLTV. */
export interface GetroutesRoute {
  path: RouteHop[];
  amount_msat?: AmountInput;
  amountMsat?: AmountInput;
  final_cltv?: number;
  finalCltv?: number;
  probability_ppm?: number;
  probabilityPpm?: number;
}

/** What `buildOnion` and `routePayloads` take. */
export interface PaymentRequest {
  route: Route;
  /** The payment hash: the onion's associated data. */
  paymentHash: Bytes;
  /** The invoice's payment secret (every current invoice has one). */
  paymentSecret?: Bytes;
  /** The total of all parts (MPP); defaults to the final hop's amount. */
  totalMsat?: AmountInput;
  /** The invoice's payment_metadata, copied verbatim. */
  paymentMetadata?: Bytes;
  /** Custom records: TLV type (≥ 65536, decimal) → value. Keysend's 5482373484 included. */
  customRecords?: Record<string, Bytes>;
  /** The man page's msatoshi: the final amount must lie in [msatoshi, 2×msatoshi]. */
  msatoshi?: AmountInput;
  /** Same as `msatoshi` (today's name). */
  amountMsat?: AmountInput;
  /** The current block height (`getinfo.blockheight`); absolute CLTVs are height + 1 + delay. */
  blockHeight: number;
}

export interface BuildOnionRequest extends PaymentRequest {
  /** Tests only: a fixed session key. Without it a fresh one comes from crypto.getRandomValues. */
  sessionKey?: Bytes;
}

/** The `first_hop` of `sendonion`. */
export interface FirstHop {
  id: NodeId;
  channel: string;
  amountMsat: bigint;
  delay: number;
}

export interface BuildOnionResult {
  /** The 1366-byte onion. */
  onion: Hex;
  /** One per hop: keep them to decode a failure reply. */
  sharedSecrets: Hex[];
  firstHop: FirstHop;
  /** Per hop: what it forwards (or, at the destination, receives). */
  hops: { nodeId: NodeId; amountMsat: bigint; cltv: number; payloadLength: number }[];
}

export interface OnionHopInput {
  pubkey: NodeId;
  /** The payload with its BigSize length prefix (as `createonion` takes it). */
  payload: Bytes;
}

export interface CreateOnionRequest {
  hops: OnionHopInput[];
  associatedData: Bytes;
  sessionKey?: Bytes;
}

export interface CreateOnionResult {
  onion: Hex;
  sharedSecrets: Hex[];
}

export interface RoutePayloadsResult {
  hops: { pubkey: NodeId; payload: Hex }[];
  associatedData: Hex;
  firstHop: FirstHop;
}

export interface PayloadFields {
  amtToForward?: bigint;
  outgoingCltvValue?: number;
  shortChannelId?: string;
  paymentSecret?: Hex;
  totalMsat?: bigint;
  encryptedRecipientData?: Hex;
  currentPathKey?: NodeId;
  paymentMetadata?: Hex;
  totalAmountMsat?: bigint;
  /** Keysend's preimage (type 5482373484): a payee checks that it hashes to the HTLC's hash. */
  keysendPreimage?: Hex;
  /** Unknown odd records (custom records), type (decimal) → value. */
  unknownRecords?: Record<string, Hex>;
}

export type FailureFlag = 'BADONION' | 'PERM' | 'NODE' | 'UPDATE';

export interface FailureMessage {
  code: number;
  /** `WIRE_…`, when known. */
  name?: string;
  flags: FailureFlag[];
  htlcMsat?: bigint;
  cltvExpiry?: number;
  height?: number;
  incomingHtlcAmt?: bigint;
  disabledFlags?: number;
  sha256OfOnion?: Hex;
  /** invalid_onion_payload's TLV type (decimal). */
  type?: string;
  offset?: number;
  /** Bytes after the known fields (a TLV extension). */
  extra?: Hex;
  /** The data was shorter than the code requires. */
  truncated?: true;
}

export interface ChannelUpdateFields {
  shortChannelId: string;
  chainHash: Hex;
  timestamp: number;
  messageFlags: number;
  channelFlags: number;
  direction: 0 | 1;
  disabled: boolean;
  cltvExpiryDelta: number;
  htlcMinimumMsat: bigint;
  feeBaseMsat: bigint;
  feeProportionalMillionths: number;
  htlcMaximumMsat?: bigint;
  hasTypePrefix: boolean;
}

/**
 * The man page's routing failure object (camelCase), plus today's Core Lightning fields and
 * what the library checked. A value, not an exception.
 */
export interface RoutingFailure {
  /** 202 unparseable, 203 permanent failure at the destination, 204 failure along the route. */
  code: 202 | 203 | 204;
  message: string;
  /** Present when a hop's HMAC matched: its position in the shared secrets. */
  originIndex?: number;
  /** The decrypted failure message. */
  failureMessage?: Hex;
  /** The node that reported: 0 = us, 1 = first hop, … n = destination. */
  erringIndex?: number;
  failcode?: number;
  failcodename?: string;
  /** The node blamed (a BADONION code relayed by hop k blames hop k+1). */
  erringNode?: NodeId;
  /** The channel blamed; `"0:0:0"` when the destination erred. */
  erringChannel?: string;
  erringDirection?: 0 | 1;
  /** The enclosed channel_update (UPDATE codes), as sent. */
  channelUpdate?: Hex;
  channelUpdateVerified?: boolean;
  channelUpdateMatchesRoute?: boolean;
  channelUpdateFields?: ChannelUpdateFields;
  rawMessage?: Hex;
  failure?: FailureMessage;
  /** The reply as received (202). */
  onionreply?: Hex;
  /** Why a 202 could not be read: REPLY_TOO_SHORT, REPLY_NO_MATCH, REPLY_BAD_LENGTH, REPLY_EMPTY_MESSAGE. */
  unparseable?: string;
  attribution?: { holdTimes: number[]; failingHop: number | null };
}

export interface DecodeFailureRequest {
  reply: Bytes;
  sharedSecrets: Bytes[];
  /** The route the onion was built for, to name nodes and channels. */
  route?: Route;
  /** 920 bytes of attribution data, when the reply came with some. */
  attributionData?: Bytes;
}

export interface ChannelUpdateResult {
  fields: ChannelUpdateFields;
  /** Present when a signer was given. */
  verified?: boolean;
}

export interface ShortChannelIdInfo {
  shortChannelId: string;
  block: number;
  txIndex: number;
  output: number;
  u64: bigint;
  direction?: 0 | 1;
}

/**
 * Every library error: `code` is Core Lightning's number where one exists, `data.error` a
 * stable name. `data` is typed by `code`: narrow on it (`if (e.code === 204)`) to read the
 * routing failure object, `attempts`, `field`… A node's own error codes share the number
 * space: their `data` is the node's, with `error: 'NODE_ERROR'` — but a rune the node refused
 * (clnrest's 401/403) is 1501 `RUNE_REFUSED`, and a rune that does not permit the method 1502
 * `RUNE_NOT_PERMITTED`; the message starts with the method.
 */
export type LnSendpayError =
  | LnSendpayErrorOf<-32602, ParamErrorData>
  | LnSendpayErrorOf<202 | 203 | 204, RoutingErrorData>
  | LnSendpayErrorOf<200, { error: 'PAY_IN_PROGRESS'; payment?: Payment; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<201, { error: 'PAY_RHASH_ALREADY_USED'; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<205, { error: 'PAY_ROUTE_NOT_FOUND'; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<206, { error: 'PAY_ROUTE_TOO_EXPENSIVE'; field: 'maxfeeMsat' | 'maxDelay'; attempts: PayAttempt[] }>
  | LnSendpayErrorOf<210, Partial<RoutingFailure> & { error: 'PAY_STOPPED_RETRYING'; attempts: PayAttempt[] }>
  | LnSendpayErrorOf<1501 | 1502, { error: 'RUNE_REFUSED' | 'RUNE_NOT_PERMITTED'; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<-32000, TransportErrorData>
  | LnSendpayErrorOf<-32001, { error: 'NODE_BAD_ANSWER'; field?: string; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<-32002, { error: 'PAYMENT_PREIMAGE_MISMATCH' | 'PAYMENT_HASH_MISMATCH' | string; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<-1, { error: 'NOT_INITIALISED' | 'WASM_LOAD_FAILED' | 'NO_RANDOMNESS' | 'ONION_PAYLOADS_TOO_LARGE' | string; field?: string; attempts?: PayAttempt[] }>
  | LnSendpayErrorOf<number, NodeErrorData>;

/** The class: `e instanceof LnSendpayError`, then narrow on `e.code`. */
export declare const LnSendpayError: {
  new (message: string, code: number, data: { error: string }): LnSendpayError;
  readonly prototype: LnSendpayError;
};

/** One kind of library error. */
export interface LnSendpayErrorOf<C extends number, D> extends Error {
  readonly name: 'LnSendpayError';
  readonly code: C;
  readonly data: D & ErrorFields;
}

/** What any error's `data` may carry. */
export interface ErrorFields {
  /** The stable name of the error. */
  error: string;
  /** The offending parameter, as a path in the caller's spelling. */
  field?: string;
}

/** -32602: a parameter (or an invoice it carries) is wrong. `field` is its path in the
 *  caller's spelling (`paymentHash`, `route[2].amountMsat`); `error` e.g. `UNKNOWN_FIELD`,
 *  `AMOUNT_BAD_UNIT`, `ROUTE_AMOUNT_INCREASING`, `INVOICE_WRONG_NETWORK`, `INPUT_CYCLE`. */
export interface ParamErrorData {
  error: string;
  field?: string;
  /** pay: the attempts made before the error (a route the node gave that breaks the rules). */
  attempts?: PayAttempt[];
}

/** 202/203/204: the routing failure object (`waitsendpay`, `pay`), and `pay`'s log. */
export type RoutingErrorData = RoutingFailure & {
  error: 'PAY_UNPARSEABLE_ONION' | 'PAY_DESTINATION_PERM_FAIL' | 'PAY_TRY_OTHER_ROUTE';
  /** pay: every attempt. */
  attempts?: PayAttempt[];
};

/** -32000: the request's fate is unknown (network, timeout, abort, a non-JSON-RPC answer). */
export interface TransportErrorData {
  error: 'TRANSPORT_FAILED' | 'TRANSPORT_NETWORK' | 'TRANSPORT_TIMEOUT' | 'TRANSPORT_ABORTED' | 'TRANSPORT_HTTP_STATUS' | 'TRANSPORT_ERROR' | string;
  /** TRANSPORT_HTTP_STATUS: the HTTP status and the start of the body. */
  status?: number;
  body?: string;
  attempts?: PayAttempt[];
}

/** Any other code: the node's own error; `data` is what the node sent (an object's members
 *  here; anything else as `value`). Fields other errors carry are typed here too, so that
 *  narrowing on a code keeps them readable. */
export type NodeErrorData = Partial<RoutingFailure> & {
  error: 'NODE_ERROR' | string;
  field?: string;
  value?: unknown;
  payment?: Payment;
  status?: number;
  body?: string;
  attempts?: PayAttempt[];
};

/** Browsers: fetch and instantiate the .wasm once (idempotent). Node and Workers: resolves at once. */
export declare function init(input?: URL | string | Response | Promise<Response> | BufferSource | WebAssembly.Module): Promise<void>;

/** Parse an amount string (or check a bigint's range) → msat. */
export declare function parseAmount(amount: AmountInput): bigint;
/** Format msat as "123msat", "123.456sat" or "0.00000123btc". */
export declare function formatAmount(msat: AmountInput, unit?: 'msat' | 'sat' | 'btc'): string;
/** Build a payment onion from a route. */
export declare function buildOnion(request: BuildOnionRequest): BuildOnionResult;
/** `createonion`: hops with length-prefixed payloads → onion and shared secrets. */
export declare function createOnion(request: CreateOnionRequest): CreateOnionResult;
/** Every hop's payload for a route (the input of `createOnion`). */
export declare function routePayloads(request: PaymentRequest): RoutePayloadsResult;
/** Decode a failure reply into the routing failure object. */
export declare function decodeFailure(request: DecodeFailureRequest): RoutingFailure;
/** Decode a channel_update (with or without its 0102 type); with a signer, verify it. */
export declare function decodeChannelUpdate(request: { channelUpdate: Bytes; signer?: NodeId }): ChannelUpdateResult;
/** Parse a short channel id. */
export declare function parseShortChannelId(scid: ShortChannelIdInput): ShortChannelIdInfo;

/** A decoded BOLT 11 invoice (its signature checked: against `n`, or by key recovery). */
export interface Invoice {
  /** The currency prefix: `bc`, `tb`, `tbs` or `bcrt`. */
  network: 'bc' | 'tb' | 'tbs' | 'bcrt';
  chain: 'bitcoin' | 'testnet' | 'signet' | 'regtest';
  /** null when the invoice leaves the amount to the payer. */
  amountMsat: bigint | null;
  /** Seconds since 1970. */
  timestamp: number;
  /** Seconds it is valid for (3600 when the invoice has no `x`). */
  expiry: number;
  expiresAt: number;
  /** Whether it had expired at `now` (default: this machine's clock). */
  expired: boolean;
  paymentHash: Hex;
  paymentSecret: Hex;
  description: string | null;
  descriptionHash: Hex | null;
  /** 18 when the invoice has no `c`. */
  minFinalCltvExpiry: number;
  /** `x` and `c` as written (null when absent). */
  expiryField: number | null;
  minFinalCltvExpiryField: number | null;
  /** One list per `r` field: private channels towards the payee. */
  routeHints: Array<Array<{ pubkey: NodeId; shortChannelId: string; feeBaseMsat: bigint; feeProportionalMillionths: number; cltvExpiryDelta: number }>>;
  /** The `9` field as minimal big-endian hex, and its set bits. */
  features: Hex;
  featureBits: number[];
  paymentMetadata: Hex | null;
  payee: NodeId;
  payeeSource: 'n' | 'recovered';
  /** Always true: an invoice whose signature does not check is an error. */
  signatureVerified: true;
  signature: Hex;
  recoveryId: number;
  signedHash: Hex;
  /** On-chain fallbacks of known versions (17 P2PKH, 18 P2SH, 0–16 witness). */
  fallbacks: Array<{ version: number; program: Hex }>;
  /** Fields of unknown types, as they were. */
  unknownFields: Array<{ type: number; letter: string; dataLength: number; dataBech32: string }>;
}

/**
 * Decode and verify a BOLT 11 invoice. Errors: `LnSendpayError` -32602 with `data.error`
 * `BOLT11_…` and `data.field` `"invoice"`. `now` (seconds; default this machine's clock)
 * sets `expired`.
 */
export declare function decodeInvoice(invoice: string, options?: { now?: number }): Invoice;
/** The library version. */
export declare function version(): string;

/** What `warmUp` did: its rounds and their time; `already` when an earlier call (or, in
 *  Workers, the entry at start-up) had done the work and this call did none. */
export interface WarmUpResult {
  rounds: number;
  ms: number;
  already: boolean;
}
/**
 * Run the onion path (createOnion, buildOnion, decodeFailure) `rounds` times (1–100, default
 * 3) on BOLT #4's public test vectors, so a latency-sensitive first call runs warm: V8 has
 * compiled and tiered up the code, k256 has built its tables. Once per module unless
 * `again: true`. The workerd entries call it at module scope (10 rounds); the Node entries
 * (`ln-sendpay`, `ln-sendpay/onion`) prime at import with one 2-hop onion (compiled code and
 * k256's table, ~10 ms), which takes the first onion from ~12x a warm one to ~2-4x, and the
 * browser entries do the same in a task of their own once init() has resolved; warmUp() at
 * start-up (e.g. before a server listens) takes it to ~1x. See docs/bench.md, "Cold start".
 */
export declare function warmUp(options?: { rounds?: number; again?: boolean }): WarmUpResult;

// ─── Transports and attempt stores (the sendpay client builds on these) ───────────────────

/** A request for the node: CLN's method and params (snake_case; JSON-safe). */
export interface RpcRequest {
  method: string;
  params: Record<string, unknown>;
  /** The exact JSON text of `params`, when the library built it (preferred by clnrest). */
  paramsJson?: string;
}

/** The node's JSON-RPC error, as a transport rejects with it. */
export interface NodeRpcError {
  code: number;
  message: string;
  data?: unknown;
  /** The error's raw JSON text, when the transport had it (read exactly by the library). */
  raw?: string;
}

/**
 * How requests reach a node: resolve with the result (its raw JSON text where available, so
 * 64-bit values stay exact), reject with a `NodeRpcError`; anything else thrown is a transport
 * error.
 */
export type Transport = (request: RpcRequest, options: { signal?: AbortSignal; timeoutMs?: number }) => Promise<string | object>;

/** Our code for a transport failure (`data.error`: TRANSPORT_TIMEOUT, TRANSPORT_ABORTED, TRANSPORT_NETWORK, TRANSPORT_HTTP_STATUS, TRANSPORT_FAILED). */
export declare const TRANSPORT_ERROR: -32000;

/** Core Lightning's REST plugin: `POST {url}/v1/{method}` with a `Rune` header. */
export declare function clnrest(options: { url: string; rune: string; fetch?: typeof fetch; timeoutMs?: number }): Transport;

/** lnmessage's `commando` (params must survive JSON.stringify). */
export declare function commando(ln: { commando(args: { method: string; params: unknown; rune: string }): Promise<unknown> }, options: { rune: string; timeoutMs?: number }): Transport;

/** What the client records of one attempt (plain JSON: amounts as decimal strings). */
export interface AttemptRecord {
  paymentHash: Hex;
  partid: number;
  groupid?: string;
  destination?: NodeId;
  amountMsat: string;
  /** The route as JSON text. */
  route?: string;
  sharedSecrets?: Hex[];
  /** `disputed`: the node said complete, but its preimage does not hash to the payment hash
   *  (or it gave none). Never complete; nothing more is sent for the hash (-32002). */
  status: 'pending' | 'complete' | 'failed' | 'unknown' | 'disputed';
  /** The man page's msatoshi (what the payment is for; the same-hash rules compare it). */
  msatoshi?: string;
  /** What the node said of the attempt, once it answered. */
  createdIndex?: string;
  amountSentMsat?: string;
  nodeCreatedAt?: number;
  createdAt: number;
  updatedAt: number;
  /** A failed attempt's failure reply as the node kept it (hex): the next `pay` of this hash
   *  decodes it again and starts from what it taught (the failing channel left out). */
  failureReply?: Hex;
  [other: string]: unknown;
}

/** Where attempts are kept. */
export interface AttemptStore {
  get(key: string): Promise<AttemptRecord | undefined>;
  put(key: string, record: AttemptRecord): Promise<void>;
  list(): Promise<AttemptRecord[]>;
}

export declare class MemoryStore implements AttemptStore {
  get(key: string): Promise<AttemptRecord | undefined>;
  put(key: string, record: AttemptRecord): Promise<void>;
  list(): Promise<AttemptRecord[]>;
}

/**
 * Over any namespace with get/put of strings (Workers KV…): one key per record. With `list`
 * (a prefix listing, as Workers KV has) concurrent writers are safe; without it a shared index
 * is kept, safe for one writer only.
 */
export declare class KeyValueStore implements AttemptStore {
  constructor(
    kv: {
      get(key: string): Promise<string | null>;
      put(key: string, value: string): Promise<unknown>;
      list?(options: { prefix: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
    },
    options?: { prefix?: string },
  );
  get(key: string): Promise<AttemptRecord | undefined>;
  put(key: string, record: AttemptRecord): Promise<void>;
  list(): Promise<AttemptRecord[]>;
}

/** IndexedDB (browsers). */
export declare class IndexedDBStore implements AttemptStore {
  constructor(options?: { name?: string; indexedDB?: IDBFactory });
  get(key: string): Promise<AttemptRecord | undefined>;
  put(key: string, record: AttemptRecord): Promise<void>;
  list(): Promise<AttemptRecord[]>;
}

/** `"<payment_hash>/<partid>"`. */
export declare function attemptKey(paymentHash: Hex, partid?: number): string;
export declare function exportAttempts(store: AttemptStore): Promise<string>;
export declare function importAttempts(store: AttemptStore, json: string): Promise<number>;

/** One operation per key at a time: same fingerprint joins, another is refused. */
export declare class KeyedLock {
  run<T>(key: string, fingerprint: string, fn: () => Promise<T>, conflict: (current: string) => unknown): Promise<T>;
}

// ─── The sendpay client ─────────────────────────────────────────────────────────────────

/**
 * A payment as the node reports it (sendpay, sendonion, waitsendpay, listsendpays). A
 * `complete` one has a `paymentPreimage` checked here to hash to `paymentHash`: an answer
 * without that proof is an error (-32002 `PAYMENT_PREIMAGE_MISMATCH`), and `listsendpays`
 * reports such a payment as `disputed`. One answered from the store (`fromStore`) has the
 * node's `createdIndex`, `amountSentMsat` and `createdAt` only if the node ever answered it.
 */
export interface Payment {
  createdIndex?: number | bigint;
  paymentHash: Hex;
  groupid: number | bigint;
  partid: number | bigint;
  status: 'pending' | 'complete' | 'failed';
  amountSentMsat?: bigint;
  createdAt?: number;
  /** Whether a complete payment's preimage hashes to its payment hash (checked here). */
  preimageValid?: boolean;
  destination?: NodeId;
  amountMsat?: bigint;
  completedAt?: number;
  paymentPreimage?: Hex;
  label?: string;
  bolt11?: string;
  erroronion?: Hex;
  /** Set when the client answered from its store (the man page's "already complete"). */
  fromStore?: true;
}

/** A route as the client returns it: getroute's hops (`amountMsat` as bigint). */
export type HopsRoute = Array<{ id: NodeId; channel: string; direction?: 0 | 1; amountMsat: bigint; delay: number; style?: 'tlv' }>;

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What `onProgress` receives while `pay` runs. */
export interface PayProgress {
  stage: 'invoice' | 'getinfo' | 'layer' | 'reserve' | 'find_route' | 'send' | 'wait' | 'settle' | 'attempt_failed' | 'transport_failed' | 'complete' | 'failed';
  /** send: the onion's layers as built, first hop first: who peels each (a blinded hop by
   *  its blinded id), its payload's length, and whether it is inside a blinded path. */
  onionLayers?: Array<{ nodeId: NodeId; payloadLength: number; blinded: boolean }>;
  /** invoice (`pay({ offer })`): the invoice fetched for the offer, checked here. */
  invoice?: Bolt12 & { invoice: string };
  /** 1-based attempt number: a route tried, one part (at `complete`: the attempts made). */
  attempt?: number;
  /** send, wait, settle, reserve: the part it is about — 0 when it alone carries the payment,
   *  else 1, 2, … — its group (decimal string) and what it delivers. */
  partid?: number;
  groupid?: string;
  amountMsat?: bigint;
  /** The method being sent, and its params (as sent: snake_case, u64s past 2^53 as strings). */
  method?: string;
  params?: Record<string, unknown>;
  /** send: the route this attempt takes. */
  route?: HopsRoute;
  /** attempt_failed: the error's `data` — the routing failure object, or a node error's. */
  failure?: RoutingErrorData | NodeErrorData;
  error?: unknown;
  fromStore?: boolean;
}

export interface PayAttempt {
  number: number;
  status: 'pending' | 'complete' | 'failed' | 'unknown' | 'disputed';
  /** 0 when it alone carried the payment; else a part: 1, 2, … (never reused). */
  partid: number;
  /** Its group id (decimal string): fresh for each single-part attempt, one for all the parts
   *  of a payment. A second client's send for the same hash then meets Core Lightning's own
   *  duplicate check. */
  groupid: string;
  /** What it delivers to the payee, and what it cost in fees. */
  amountMsat: bigint;
  feeMsat: bigint;
  route: HopsRoute;
  failure?: RoutingFailure;
}

/**
 * What `pay` takes. With `bolt11`, the invoice supplies `destination`, `amountMsat` (unless it
 * has none), `paymentHash`, `paymentSecret`, `paymentMetadata` and `finalCltv`; any of them
 * given as well must match it (-32602 `INVOICE_…_MISMATCH`, naming both values), and an
 * expired invoice is refused (`INVOICE_EXPIRED`) before anything is sent. Its route hints
 * become channels in the payment's askrene layer (`askrene-create-channel`).
 */
export type PayRequest = PayFields & (
  | { bolt11: string; destination?: NodeId; amountMsat?: AmountInput; paymentHash?: Bytes }
  | { bolt11?: undefined; bolt12?: undefined; offer?: undefined; destination: NodeId; amountMsat: AmountInput; paymentHash: Bytes }
  /** A BOLT 12 invoice (lni1…): verified here, paid through its blinded paths (one part). */
  | { bolt12: string; amountMsat?: AmountInput; bolt11?: undefined; destination?: undefined; paymentHash?: undefined }
  /** A BOLT 12 offer (lno1…): its invoice fetched (`fetchInvoice`), then paid as `bolt12`. */
  | { offer: string; amountMsat?: AmountInput; quantity?: number; payerNote?: string; bolt11?: undefined; destination?: undefined; paymentHash?: undefined }
);

export interface PayFields {
  paymentSecret?: Bytes;
  paymentMetadata?: Bytes;
  /** The payee's final CLTV delta (default 18). */
  finalCltv?: number;
  /** How many routes to try, every part counted (default 5). */
  maxAttempts?: number;
  /** The most parts the payment may be split into (getroutes' `maxparts`); default: as many
   *  as the node's router uses. 1, an invoice without a payment secret, or `getroute`: one
   *  part. */
  maxParts?: number;
  /** Default 0.5% of the amount, at least 5000 msat (Core Lightning's pay), for the whole
   *  payment: every part and retry. The fee is what the first hops are sent less what the
   *  parts deliver (an overpayment counts); routes over it are refused before any onion
   *  (206 `PAY_ROUTE_TOO_EXPENSIVE`, `data.field: 'maxfeeMsat'`). */
  maxfeeMsat?: AmountInput;
  /** The most blocks the payment may be locked up (the route's total CLTV); default 2016.
   *  Over it: 206, `data.field: 'maxDelay'`. */
  maxDelay?: number;
  /** Seconds the whole payment may take, every wait and retry included (default 60, as
   *  Core Lightning's pay). Out of time with an attempt in flight: 200 `PAY_IN_PROGRESS`
   *  (the attempt stays recorded; `waitsendpay` or `listsendpays` settles it); else 210. */
  retryFor?: number;
  /** Default "getroutes" (falls back to getroute when the node does not know it). */
  router?: 'getroutes' | 'getroute';
  label?: string;
  /** Build onions at this height instead of the node's. */
  blockHeight?: number;
}

/**
 * What `sendpay`/`sendonion` take. With `bolt11`, `paymentHash`, `paymentSecret`,
 * `paymentMetadata` and the amount come from the invoice when not given (and must match it
 * when given); the route must end at the payee, deliver [amount, 2×amount] and give the final
 * hop at least the invoice's CLTV delta; `description` must match an `h`; an expired invoice
 * is refused.
 */
export interface SendRequest {
  route: Route;
  /** Required unless `bolt11` is given. */
  paymentHash?: Bytes;
  paymentSecret?: Bytes;
  paymentMetadata?: Bytes;
  label?: string;
  /** The man page's msatoshi: the route's final amount may be up to twice it. */
  msatoshi?: AmountInput;
  amountMsat?: AmountInput;
  bolt11?: string;
  /** A part of a multi-part payment: `partid` ≠ 0, one `groupid` for all the parts, and
   *  `totalMsat` the whole payment's amount (the onion's total_msat; sendonion's
   *  total_amount_msat; sendpay's amount_msat). */
  partid?: number;
  groupid?: number | bigint;
  totalMsat?: AmountInput;
  description?: string;
}

/** Core Lightning's sendpay family over a transport, with the man page's rules and a store. */
export declare class Client {
  /**
   * `locks`: the cross-tab lock per payment hash (default `navigator.locks` where the runtime
   * has the Web Locks API; `null` for none: then only this instance's own calls are kept apart).
   */
  constructor(options: { transport: Transport; store?: AttemptStore; timeoutMs?: number; now?: () => number; locks?: { request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown>): Promise<unknown> } | null });
  readonly store: AttemptStore;
  getinfo(options?: CallOptions): Promise<{ id: NodeId; blockheight: number; network?: string; alias?: string; color?: string }>;
  getroutes(request: { source: NodeId; destination: NodeId; amountMsat: AmountInput; layers?: string[]; maxfeeMsat: AmountInput; finalCltv?: number; maxdelay?: number; maxparts?: number }, options?: CallOptions): Promise<{ routes: Array<{ probabilityPpm?: number; route: HopsRoute }> }>;
  /** Deprecated in Core Lightning since v26.06. */
  getroute(request: { destination: NodeId; amountMsat: AmountInput; riskfactor?: number; cltv?: number; exclude?: string[] }, options?: CallOptions): Promise<{ route: HopsRoute }>;
  createonion(request: Parameters<typeof createOnion>[0]): ReturnType<typeof createOnion>;
  sendpay(request: SendRequest, options?: CallOptions): Promise<Payment>;
  /** The onion is built here; `blockHeight` defaults to the node's (getinfo). */
  sendonion(request: SendRequest & { blockHeight?: number; customRecords?: Record<string, Hex> }, options?: CallOptions): Promise<Payment>;
  /** Rejects with the routing failure object as `data` (decoded here from stored secrets). */
  waitsendpay(request: { paymentHash: Bytes; timeout?: number; partid?: number; groupid?: number | bigint }, options?: CallOptions): Promise<Payment>;
  /** A complete payment whose preimage does not hash to its hash is reported `disputed`. */
  listsendpays(request?: { paymentHash?: Bytes }, options?: CallOptions): Promise<{ payments: Array<Omit<Payment, 'status'> & { status: Payment['status'] | 'disputed' }> }>;
  /** Rejects with an LnSendpayError whose `data.attempts` is the log. */
  /** Resolves only with proof: `paymentPreimage` hashes to the payment hash. `feeMsat` is
   *  `amountSentMsat - amountMsat` of the paid attempt (absent when answered from the store). */
  /** With `offer`, also `bolt12`: the invoice that was paid. */
  pay(request: PayRequest, options?: CallOptions & { onProgress?: (event: PayProgress) => void }): Promise<PayResult & { bolt12?: string }>;
  /**
   * `fetchinvoice` for a BOLT 12 offer; the invoice is checked here (signed by the offer's
   * issuer or a path's final blinded node, every offer field mirrored, the amount, quantity
   * and note asked for, not expired): a wrong one is -32001 `NODE_BAD_ANSWER` naming the field.
   */
  fetchInvoice(request: { offer: string; amountMsat?: AmountInput; quantity?: number; payerNote?: string; timeout?: number }, options?: CallOptions): Promise<Bolt12 & { invoice: string }>;
  /**
   * Keysend: a fresh preimage from `crypto.getRandomValues` (zeroized after use), its SHA-256
   * the payment hash, sent to the payee in its final payload (type 5482373484) with
   * `customRecords` (types ≥ 65536, hex values); no payment secret, one part. Routed,
   * retried, guarded and recorded as `pay`. Core Lightning's names (`extratlvs`, `maxfee`,
   * `maxdelay`) are taken too.
   */
  keysend(request: KeysendRequest, options?: CallOptions & { onProgress?: (event: PayProgress) => void }): Promise<PayResult & { paymentHash: Hex }>;
  /** `invoice` at our node (no amount: "any"); the answer's bolt11 is decoded, verified and
   *  matched against its hash and secret here. */
  invoice(request: { amountMsat?: AmountInput | 'any'; label: string; description: string; expiry?: number }, options?: CallOptions): Promise<{ bolt11: string; paymentHash: Hex; paymentSecret: Hex; payee: NodeId; amountMsat?: bigint; expiresAt?: number }>;
  /** `signmessage`: our node's zbase32 signature of `message`. */
  signmessage(request: { message: string }, options?: CallOptions): Promise<{ zbase: string }>;
  /** `checkmessage`: who signed, and whether it verifies (for `pubkey`, or a node the node knows). */
  checkmessage(request: { message: string; zbase: string; pubkey?: NodeId }, options?: CallOptions): Promise<{ pubkey: NodeId; verified: boolean }>;
}

/** What `pay` (and `keysend`) resolve with: only with proof (the preimage hashes to the hash). */
export interface PayResult {
  status: 'complete';
  paymentPreimage: Hex;
  amountMsat?: bigint;
  amountSentMsat?: bigint;
  feeMsat?: bigint;
  parts?: number;
  attempts: PayAttempt[];
  fromStore?: true;
}

/** What `keysend` takes. */
export interface KeysendRequest {
  destination: NodeId;
  amountMsat: AmountInput;
  /** `{"<type ≥ 65536>": hex}`; 5482373484 is keysend's own and refused here. */
  customRecords?: Record<string, Hex>;
  /** Core Lightning's name for `customRecords`. */
  extratlvs?: Record<string, Hex>;
  maxfeeMsat?: AmountInput;
  /** Core Lightning's name for `maxfeeMsat`. */
  maxfee?: AmountInput;
  maxAttempts?: number;
  maxDelay?: number;
  /** Core Lightning's name for `maxDelay`. */
  maxdelay?: number;
  /** Private channels towards the payee, in Core Lightning's keysend form. */
  routehints?: Array<Array<{ id: NodeId; scid: string; feebase: AmountInput; feeprop: number; expirydelta: number }>>;
  label?: string;
  /** Seconds for the whole payment (default 60). */
  retryFor?: number;
  router?: 'getroutes' | 'getroute';
  blockHeight?: number;
}

/** A blinded path in a BOLT 12 message. */
export interface Bolt12Path {
  /** The introduction node, or (`firstScid`, `firstScidDir`) the channel end it is. */
  firstNodeId?: NodeId;
  firstScid?: string;
  firstScidDir?: 0 | 1;
  firstPathKey: NodeId;
  hops: Array<{ blindedNodeId: NodeId; encryptedRecipientData: Hex }>;
}

/** A decoded BOLT 12 message: every record, the fields by the spec's names (camelCased). */
export interface Bolt12 {
  type: 'offer' | 'invoice_request' | 'invoice';
  /** Every TLV record, in order (unknown odd ones included). */
  tlvs: Array<{ type: number | bigint; length: number; hex: Hex }>;
  invreqMetadata?: Hex;
  offerChains?: Hex[];
  offerMetadata?: Hex;
  offerCurrency?: string;
  /** In `offerCurrency`'s minor unit (cents), else msat. */
  offerAmount?: bigint;
  offerDescription?: string;
  offerFeatures?: Hex;
  offerAbsoluteExpiry?: number;
  offerPaths?: Bolt12Path[];
  offerIssuer?: string;
  offerQuantityMax?: number;
  offerIssuerId?: NodeId;
  invreqChain?: Hex;
  invreqAmount?: bigint;
  invreqFeatures?: Hex;
  invreqQuantity?: number;
  invreqPayerId?: NodeId;
  invreqPayerNote?: string;
  invreqPaths?: Bolt12Path[];
  invreqBip353Name?: { name: string; domain: string };
  invoicePaths?: Bolt12Path[];
  invoiceBlindedpay?: Array<{ feeBaseMsat: bigint; feeProportionalMillionths: number; cltvExpiryDelta: number; htlcMinimumMsat: bigint; htlcMaximumMsat: bigint; features: Hex }>;
  invoiceCreatedAt?: number;
  invoiceRelativeExpiry?: number;
  invoicePaymentHash?: Hex;
  invoiceAmount?: bigint;
  invoiceFallbacks?: Array<{ version: number; address: Hex }>;
  invoiceFeatures?: Hex;
  invoiceNodeId?: NodeId;
  signature?: Hex;
  /** Signed messages (invoice requests, invoices): the Merkle root of the non-signature records. */
  merkleRoot?: Hex;
  /** Signed messages: whether `signature` verifies by `invreqPayerId` / `invoiceNodeId`. */
  signatureVerified?: boolean;
  /** An offer's `offerAbsoluteExpiry`; an invoice's creation time plus its relative expiry (7200 s by default). */
  expiresAt?: number;
  expired?: boolean;
}

/**
 * Decode and check a BOLT 12 offer, invoice request or invoice: the string form (`+`
 * continuations, one case), the TLV stream (unknown even types refused, odd kept, each
 * message's ranges), every field's form, and the spec's reader requirements; for signed
 * messages the Merkle root and the BIP-340 signature. A malformed string is an
 * `LnSendpayError` -32602 whose `data.error` says why (`BOLT12_MISSING_FIELD`,
 * `TLV_UNKNOWN_EVEN`…) and `data.field` names the field (`string.offerDescription`).
 */
export declare function decodeBolt12(string: string, options?: { now?: number }): Bolt12;

/** What `parsePaymentString` found. */
export type PaymentString = (
  | { kind: 'bolt11'; payable: true; bolt11: string; invoice: Invoice }
  | { kind: 'node'; payable: true; nodeId: NodeId; host?: string; port?: number }
  /** An offer: `client.pay({ offer })`; a BOLT 12 invoice: `client.pay({ bolt12 })`. */
  | { kind: 'offer' | 'bolt12_invoice'; payable: true; bolt12: string }
  | { kind: 'invoice_request'; payable: false; bolt12: string }
  | { kind: 'lnurl'; payable: false; url: string; lnurl?: string }
  | { kind: 'lightning_address'; payable: false; address: string; url: string }
  | { kind: 'bitcoin'; payable: false }
) & {
  /** The URI scheme it came in (`lightning`, `bitcoin`, `lnurlp`…), lower case. */
  scheme?: string;
  /** A BIP 21 URI's on-chain part. */
  onChain?: { address: string; amountMsat?: bigint; label?: string; message?: string };
};

/**
 * What a pasted string is: a BOLT 11 invoice (bare, any case, whitespace trimmed, or in a
 * `lightning:` or BIP 21 `bitcoin:` URI), a node id (`02…@host:port`, for keysend), or a form
 * paid elsewhere (BOLT 12 `lno1…`/`lni1…`/`lnr1…`, LNURL, a lightning address, on-chain), each
 * with its `kind`. A malformed string is an `LnSendpayError` (-32602) whose `data.field` names
 * the part (`paymentString.lightning`, `paymentString.port`…) and `data.error` what is wrong
 * (`PAYMENT_STRING_UNRECOGNIZED`, `PAYMENT_STRING_BAD_PART`, `BOLT11_BAD_CHECKSUM`…).
 */
export declare function parsePaymentString(paymentString: string, options?: { now?: number }): PaymentString;

/** A WebLN error: WebLN's `name`, the client's `code` and `data` (a payment's routing
 *  failure object and `attempts`); at run time also `instanceof LnSendpayError`. */
export interface WebLNError extends Error {
  readonly name: 'RejectionError' | 'RoutingError' | 'InvalidDataError' | 'UnsupportedMethodError' | 'InternalError';
  readonly code: number;
  readonly data: ErrorFields & Partial<RoutingFailure> & { attempts?: PayAttempt[] };
  /** The client's error it stands for. */
  readonly cause?: unknown;
}
export declare const WebLNError: {
  new (name: WebLNError['name'], message: string, code: number, data: { error: string }, cause?: unknown): WebLNError;
  readonly prototype: WebLNError;
};

/** A WebLN request as `confirm` sees it. */
export type WebLNConfirmRequest =
  | { method: 'sendPayment'; paymentRequest: string; invoice: Invoice }
  | { method: 'keysend'; destination: NodeId; amountMsat: bigint; customRecords: Record<string, string> }
  | { method: 'makeInvoice'; amountMsat?: bigint; description: string }
  | { method: 'signMessage'; message: string };

/**
 * A WebLN provider (the interface `@webbtc/webln-types` declares) over a `Client`:
 * `window.webln = new WebLNProvider({ client })`. Payments go through `client.pay` and
 * `client.keysend`; errors are `WebLNError`s. `getBalance`, `lookupInvoice`, `lnurl` and
 * `request` reject with `UnsupportedMethodError` and are not in `getInfo().methods`.
 */
export declare class WebLNProvider {
  constructor(options: {
    client: Client;
    /** Asked before every payment, invoice and signature; anything but `true` rejects (RejectionError). */
    confirm?: (request: WebLNConfirmRequest) => boolean | Promise<boolean>;
    /** Added to every payment: `maxfeeMsat`, `maxAttempts`, `retryFor`… */
    payOptions?: Pick<PayFields, 'maxfeeMsat' | 'maxAttempts' | 'maxDelay' | 'router'> & { retryFor?: number };
    onProgress?: (event: PayProgress) => void;
  });
  enable(): Promise<void>;
  isEnabled(): Promise<boolean>;
  getInfo(): Promise<{ node: { alias: string; pubkey: string; color?: string }; network?: string; version: string; supports: string[]; methods: string[] }>;
  makeInvoice(args?: string | number | { amount?: string | number; defaultAmount?: string | number; minimumAmount?: string | number; maximumAmount?: string | number; defaultMemo?: string }): Promise<{ paymentRequest: string }>;
  sendPayment(paymentRequest: string): Promise<{ preimage: string }>;
  /** `amount` in satoshis; `customRecords` values are text, sent as UTF-8. */
  keysend(args: { destination: string; amount: string | number; customRecords?: Record<string, string> }): Promise<{ preimage: string }>;
  signMessage(message: string): Promise<{ message: string; signature: string }>;
  verifyMessage(signature: string, message: string): Promise<void>;
  getBalance(): Promise<never>;
  lookupInvoice(args?: unknown): Promise<never>;
  lnurl(lnurl?: string): Promise<never>;
  request(method?: string, args?: unknown): Promise<never>;
  /** `accountChanged`: the node behind the client is another one. */
  on(eventName: string, listener: () => void): void;
  off(eventName: string, listener: () => void): void;
}

/** Low level (what the client uses): a request in the form Core Lightning accepts. */
export declare function rpcRequest(request: { method: string; [field: string]: unknown }): RpcRequest & { attempt?: AttemptRecord; sharedSecrets?: Hex[] };
/** Low level: a node's answer (its JSON text, for exact u64s) → the typed result. */
export declare function rpcAnswer(request: { method: string; answer: string | object }): unknown;
/** Low level: a node's error → `{routing}` (the routing failure object) or `{rpc}`. */
export declare function rpcError(request: { error: string | object; route?: Route; sharedSecrets?: Bytes[] }): { routing?: RoutingFailure; rpc?: { code: number; message: string; data: unknown } };
/** Low level: the man page's same-hash rules. */
export declare function paymentGuard(request: { attempt: { partid?: number; destination: NodeId; amountMsat: AmountInput }; records: Array<{ partid?: number; destination?: NodeId; amountMsat: AmountInput; status: AttemptRecord['status'] }> }): { decision: 'proceed' | 'complete' | 'in_flight' | 'refuse'; index?: number; code?: number; message?: string };
