// Typed usage of the package, checked with `tsc --noEmit` (make test). The @ts-expect-error
// lines prove the types refuse what the library refuses.
import {
  init,
  parseAmount,
  formatAmount,
  buildOnion,
  createOnion,
  decodeFailure,
  decodeChannelUpdate,
  parseShortChannelId,
  decodeInvoice,
  LnSendpayError,
  clnrest,
  commando,
  MemoryStore,
  KeyValueStore,
  attemptKey,
  exportAttempts,
  Client,
  type PayAttempt,
  type PayProgress,
  type Transport,
  type AttemptStore,
  type BuildOnionResult,
  type RoutingFailure,
} from 'ln-sendpay';
import { peelOnion, wrapFailure } from 'ln-sendpay/hop';
import * as onion from 'ln-sendpay/onion';

export async function example(): Promise<void> {
  await init();
  const msat: bigint = parseAmount('1.500sat');
  const text: string = formatAmount(msat, 'btc');
  // @ts-expect-error: a JS number is not an amount
  parseAmount(1000);
  // @ts-expect-error: unknown unit
  formatAmount(1n, 'bits');

  const built: BuildOnionResult = buildOnion({
    route: [
      { id: '02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619', channel: '103x1x0', amount_msat: '2000msat', delay: 40 },
      { nodeIdOut: '0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c', shortChannelIdDir: '104x1x0/1', amountOutMsat: 1000n, cltvOut: 9 },
    ],
    paymentHash: '42'.repeat(32),
    paymentSecret: new Uint8Array(32),
    blockHeight: 900_000,
  });
  const first: bigint = built.firstHop.amountMsat;
  const secrets: string[] = built.sharedSecrets;
  // @ts-expect-error: blockHeight is required
  buildOnion({ route: [], paymentHash: '00' });

  const raw = createOnion({ hops: [{ pubkey: built.hops[0].nodeId, payload: '020000' }], associatedData: '42'.repeat(32) });
  const peeled = peelOnion({ onion: raw.onion, associatedData: '42'.repeat(32), privkey: '41'.repeat(32) });
  const next: string | null = peeled.nextOnion;
  const amt: bigint | undefined = peeled.fields?.amtToForward;

  const { reply } = wrapFailure({ sharedSecrets: secrets, erringIndex: 1, failureMessage: '1007' });
  const failure: RoutingFailure = decodeFailure({ reply, sharedSecrets: secrets, route: built.hops.map((h) => ({ id: h.nodeId, channel: '1x1x1', amount_msat: h.amountMsat, delay: 9 })) });
  if (failure.code === 204 && failure.erringChannel !== undefined) {
    const index: number | undefined = failure.erringIndex;
    const verified: boolean | undefined = failure.channelUpdateVerified;
    void index;
    void verified;
  }
  // @ts-expect-error: 205 is not a routing failure code
  const notACode: RoutingFailure['code'] = 205;

  const upd = decodeChannelUpdate({ channelUpdate: '0102' + '00'.repeat(136) });
  const fee: bigint = upd.fields.feeBaseMsat;
  const scid: bigint = parseShortChannelId('103x1x0').u64;

  try {
    parseAmount('1.5');
  } catch (e) {
    if (e instanceof LnSendpayError) {
      const code: number = e.code;
      const field: string | undefined = e.data.field;
      void code;
      void field;
    }
  }
  void [text, first, next, amt, notACode, fee, scid];
}

/** `data` is typed by `code`: narrowing gives the exact fields, no cast. */
export async function errorsByCode(client: Client, hash: string): Promise<string> {
  try {
    await client.waitsendpay({ paymentHash: hash });
    return 'paid';
  } catch (e) {
    if (!(e instanceof LnSendpayError)) throw e;
    if (e.code === 204 || e.code === 203) {
      const channel: string | undefined = e.data.erringChannel;
      const index: number | undefined = e.data.erringIndex;
      const name: 'PAY_UNPARSEABLE_ONION' | 'PAY_DESTINATION_PERM_FAIL' | 'PAY_TRY_OTHER_ROUTE' | string = e.data.error;
      return `${channel}${index}${name}`;
    }
    if (e.code === 206) {
      const limit: string | undefined = e.data.field; // 'maxfeeMsat' or 'maxDelay'
      return String(limit);
    }
    if (e.code === 210) {
      const tried: PayAttempt[] | undefined = e.data.attempts;
      return String(tried?.length);
    }
    if (e.code === -32602) {
      const field: string | undefined = e.data.field;
      return field ?? e.data.error;
    }
    if (e.code === -32000) {
      const status: number | undefined = e.data.status;
      return String(status);
    }
    return e.data.error;
  }
}

export function typosDoNotCompile(): void {
  const hop = { id: '02' + '00'.repeat(32), channel: '1x1x1', amountMsat: 1000n, delay: 9 };
  // @ts-expect-error: a typo in a hop key
  buildOnion({ route: [{ id: hop.id, channel: hop.channel, amountmsat: 1000n, delay: 9 }], paymentHash: '00'.repeat(32), blockHeight: 1 });
  // @ts-expect-error: paymentsecret is not paymentSecret
  buildOnion({ route: [hop], paymentHash: '00'.repeat(32), blockHeight: 1, paymentsecret: '11'.repeat(32) });
  // @ts-expect-error: a short channel id is a string or a bigint, never a number
  parseShortChannelId(123);
  // @ts-expect-error: a delay is a number
  buildOnion({ route: [{ ...hop, delay: '40' }], paymentHash: '00'.repeat(32), blockHeight: 1 });
  const inv = decodeInvoice('lnbc1');
  const expired: boolean = inv.expired;
  void expired;
}

export async function transports(): Promise<void> {
  const rest: Transport = clnrest({ url: 'https://node.example:3010', rune: 'r' });
  const answer: string | object = await rest({ method: 'getinfo', params: {} }, { signal: new AbortController().signal });
  // @ts-expect-error: the rune is required
  clnrest({ url: 'https://node.example:3010' });
  const viaCommando: Transport = commando({ commando: async () => ({}) }, { rune: 'r', timeoutMs: 5000 });
  const store: AttemptStore = Math.random() > 0.5 ? new MemoryStore() : new KeyValueStore({ get: async () => null, put: async () => undefined });
  await store.put(attemptKey('00'.repeat(32)), { paymentHash: '00'.repeat(32), partid: 0, amountMsat: '1000', status: 'unknown', createdAt: 0, updatedAt: 0 });
  // @ts-expect-error: amounts are kept as decimal strings
  await store.put('k', { paymentHash: '00', partid: 0, amountMsat: 1000n, status: 'unknown', createdAt: 0, updatedAt: 0 });
  const exported: string = await exportAttempts(store);
  void [answer, viaCommando, exported];
}

export async function payExample(transport: Transport): Promise<string> {
  const client = new Client({ transport, store: new MemoryStore(), timeoutMs: 30_000 });
  const inTabs = new Client({ transport, locks: navigator.locks });
  void inTabs;
  const info = await client.getinfo();
  const { route } = await client.getroute({ destination: info.id, amountMsat: 1000n });
  const sent = await client.sendonion({ route, paymentHash: '00'.repeat(32), msatoshi: '1sat' });
  const status: 'pending' | 'complete' | 'failed' = sent.status;
  void status;
  // Parts driven by hand: a split from getroutes, one groupid, the whole amount as totalMsat.
  const { routes } = await client.getroutes({ source: info.id, destination: info.id, amountMsat: 2000n, maxfeeMsat: 10n, layers: ['auto.localchans'], maxparts: 2 });
  const parts = await Promise.all(routes.map((r, i) => client.sendonion({ route: r.route, paymentHash: '00'.repeat(32), paymentSecret: '11'.repeat(32), totalMsat: 2000n, partid: i + 1, groupid: 2n ** 60n })));
  const partid: number | bigint | undefined = parts[0]?.partid;
  void partid;
  // @ts-expect-error totalMsat is an amount (bigint or string), never a JS number
  void client.sendonion({ route, paymentHash: '00'.repeat(32), totalMsat: 2000, partid: 1 });
  const events: PayProgress[] = [];
  const ctrl = new AbortController();
  const paid = await client.pay(
    { destination: info.id, amountMsat: 1000n, paymentHash: '00'.repeat(32), paymentSecret: '11'.repeat(32), maxAttempts: 3 },
    { signal: ctrl.signal, onProgress: (e) => events.push(e) },
  );
  const firstSend = events.find((e) => e.stage === 'send');
  const via: string[] = firstSend?.route?.map((h) => h.channel) ?? [];
  const fees: bigint | undefined = firstSend?.route?.[0].amountMsat;
  void via;
  void fees;
  // @ts-expect-error amounts are never JS numbers
  await client.pay({ destination: info.id, amountMsat: 1000, paymentHash: '00'.repeat(32) });
  return paid.paymentPreimage;
}

export async function invoiceExample(client: Client, bolt11: string): Promise<string> {
  const inv = decodeInvoice(bolt11, { now: 1_700_000_000 });
  const amount: bigint | null = inv.amountMsat;
  const hints: bigint[] = inv.routeHints.flat().map((h) => h.feeBaseMsat);
  void amount;
  void hints;
  const paid = await client.pay({ bolt11, maxAttempts: 3 });
  await client.sendpay({ route: [], bolt11 });
  // @ts-expect-error without bolt11, the payment's fields are required
  await client.pay({ destination: inv.payee, amountMsat: 1000n });
  return paid.paymentPreimage + inv.payee;
}

// The onion entry: the same names and types as the main entry's, and nothing of the client.
export function onionEntry(): void {
  const r: BuildOnionResult = onion.buildOnion({ route: [], paymentHash: '42'.repeat(32), blockHeight: 1 });
  const f: RoutingFailure = onion.decodeFailure({ reply: '00', sharedSecrets: r.sharedSecrets });
  void f;
  // @ts-expect-error: invoices are the main entry's
  onion.decodeInvoice('lnbc1');
  const w: onion.WarmUpResult = onion.warmUp({ rounds: 5 });
  void w.already;
  // @ts-expect-error: the option is `rounds`
  onion.warmUp({ round: 5 });
}

// The wallet's surface: keysend, parsePaymentString, and a WebLN provider that is a WebLN
// provider as @webbtc/webln-types declares it.
import { parsePaymentString, decodeBolt12, WebLNProvider, WebLNError, type PaymentString } from 'ln-sendpay';
import type { WebLNProvider as WebLNInterface, GetInfoResponse, SendPaymentResponse } from '@webbtc/webln-types';
async function wallet(client: Client) {
  const ks = await client.keysend({ destination: '02'.padEnd(66, '0'), amountMsat: 1000n, customRecords: { '65537': '00' } });
  const hash: string = ks.paymentHash;
  // @ts-expect-error amounts are never JS numbers
  await client.keysend({ destination: '02', amountMsat: 1000 });
  const p: PaymentString = parsePaymentString('lightning:lnbc1...');
  if (p.kind === 'bolt11') p.invoice.paymentHash.toString();
  if (p.kind === 'node') p.nodeId.toString();
  const webln: WebLNInterface = new WebLNProvider({ client, confirm: async (r) => r.method !== 'signMessage' });
  const info: GetInfoResponse = await webln.getInfo();
  const paid: SendPaymentResponse = await webln.sendPayment('lnbc1...');
  try {
    await webln.keysend!({ destination: info.node.pubkey, amount: 21, customRecords: { '7629169': '{}' } });
  } catch (e) {
    if (e instanceof WebLNError && e.name === 'RoutingError') e.data.toString();
  }
  // BOLT 12: an offer decoded, its invoice fetched (checked here) and paid.
  const offer = decodeBolt12('lno1…');
  if (offer.type === 'offer' && offer.offerAmount !== undefined) offer.offerAmount.toString(16);
  const inv = await client.fetchInvoice({ offer: 'lno1…', payerNote: 'hi' });
  const viaInvoice = await client.pay({ bolt12: inv.invoice });
  const viaOffer = await client.pay({ offer: 'lno1…', quantity: 2 });
  // @ts-expect-error an offer is not paid with a payment hash of one's own
  await client.pay({ offer: 'lno1…', paymentHash: '00' });
  return [hash, paid.preimage, viaInvoice.paymentPreimage, viaOffer.bolt12];
}
void wallet;
