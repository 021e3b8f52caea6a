// Words for what the library returns: failcodes, routing failure objects, routes, the onion's
// layout. Shared by the demo page (www/index.html) and the Node demo (www/demo.mjs); no
// dependencies, no I/O.

/** BOLT #4's failure messages, in a sentence each (what happened, what a sender does). */
export const FAILCODES = {
  WIRE_INVALID_REALM: 'the hop could not read the onion realm byte',
  WIRE_TEMPORARY_NODE_FAILURE: 'the node is having a temporary problem; try a route around it',
  WIRE_PERMANENT_NODE_FAILURE: 'the node will not forward anything; avoid it',
  WIRE_REQUIRED_NODE_FEATURE_MISSING: 'the node needs a feature our onion did not use',
  WIRE_INVALID_ONION_VERSION: 'the next hop did not understand the onion version',
  WIRE_INVALID_ONION_HMAC: 'the next hop found the onion corrupted (HMAC mismatch)',
  WIRE_INVALID_ONION_KEY: 'the next hop could not use the onion’s ephemeral key',
  WIRE_TEMPORARY_CHANNEL_FAILURE: 'the channel could not carry the HTLC right now (usually not enough balance on that side); try another channel',
  WIRE_PERMANENT_CHANNEL_FAILURE: 'the channel is closed or unusable for good',
  WIRE_REQUIRED_CHANNEL_FEATURE_MISSING: 'the channel needs a feature our onion did not use',
  WIRE_UNKNOWN_NEXT_PEER: 'the hop has no channel with that short channel id: the route is out of date',
  WIRE_AMOUNT_BELOW_MINIMUM: 'the amount is below the channel’s htlc_minimum_msat',
  WIRE_FEE_INSUFFICIENT: 'the fee we paid the hop is below its current policy; its channel_update carries the new fees',
  WIRE_INCORRECT_CLTV_EXPIRY: 'the CLTV delta we gave the hop is below its current policy; its channel_update carries the new delta',
  WIRE_EXPIRY_TOO_SOON: 'the HTLC expires too close to the current block height',
  WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS: 'the destination does not know this payment hash, or the amount or payment secret is wrong: a permanent failure',
  WIRE_FINAL_INCORRECT_CLTV_EXPIRY: 'the destination saw a CLTV expiry different from the onion’s',
  WIRE_FINAL_INCORRECT_HTLC_AMOUNT: 'the destination received less than the onion said it should',
  WIRE_CHANNEL_DISABLED: 'the channel is disabled',
  WIRE_EXPIRY_TOO_FAR: 'the HTLC’s expiry is too far in the future',
  WIRE_INVALID_ONION_PAYLOAD: 'the hop could not parse its payload',
  WIRE_MPP_TIMEOUT: 'the destination did not receive every part of a multi-part payment in time',
  WIRE_INVALID_ONION_BLINDING: 'a hop inside a blinded path failed',
};

/** The man page's codes. */
export const CODES = {
  201: 'already paid with this hash (another amount or destination)',
  202: 'the failure reply could not be read',
  203: 'permanent failure at the destination',
  204: 'failure along the route',
  205: 'no route found',
  210: 'stopped retrying',
};

const FLAG_BITS = [
  [0x8000, 'BADONION'],
  [0x4000, 'PERM'],
  [0x2000, 'NODE'],
  [0x1000, 'UPDATE'],
];

/** `0x1007 UPDATE`. */
export function failcodeBits(code) {
  const flags = FLAG_BITS.filter(([b]) => code & b).map(([, n]) => n);
  return `0x${code.toString(16).padStart(4, '0')}${flags.length ? ' ' + flags.join('|') : ''}`;
}

/** `12345678` → `12,345,678` (a bigint or a decimal string; never a JS number). */
export function groupDigits(v) {
  return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `abcdef…7890`. */
export function shortHex(h, keep = 6) {
  const s = String(h ?? '');
  return s.length <= 2 * keep + 1 ? s : `${s.slice(0, keep)}…${s.slice(-keep)}`;
}

/**
 * What a routing failure means, in words: `{headline, detail, where}`. `nameOf(nodeId)`
 * gives a display name. `f` is the library's routing failure object (camelCase).
 */
export function explainFailure(f, nameOf = shortHex) {
  const code = Number(f.code);
  if (code === 202 || f.failcode === undefined) {
    return {
      headline: code === 202 ? `an unreadable failure reply${f.unparseable ? ` (${f.unparseable})` : ''}` : `${code} ${CODES[code] ?? f.message ?? ''}`.trim(),
      detail: f.unparseable
        ? `No hop's HMAC matched the reply (${f.unparseable}): some hop sent garbage. Core Lightning cannot tell which; the reply is kept as data.onionreply.`
        : f.message ?? 'unreadable failure',
      where: null,
    };
  }
  const who = f.erringNode ? nameOf(f.erringNode) : `hop ${f.erringIndex}`;
  const name = f.failcodename ?? `failcode ${f.failcode}`;
  const what = FAILCODES[name] ?? 'an unknown failure code';
  const atDestination = f.erringChannel === '0:0:0';
  const where = atDestination ? `at the destination (${who})` : f.erringChannel ? `at ${who}, channel ${f.erringChannel}` : `at ${who}`;
  let detail = `${what}.`;
  if (f.channelUpdate) {
    const u = f.channelUpdateFields;
    const sig = f.channelUpdateVerified ? `signed by ${who} ✓` : 'signature NOT verified ✗';
    detail += u
      ? ` channel_update for ${u.shortChannelId}: fee ${groupDigits(u.feeBaseMsat)} msat + ${u.feeProportionalMillionths} ppm, cltv delta ${u.cltvExpiryDelta}; ${sig}.`
      : ` It came with a channel_update (${sig}).`;
  }
  return { headline: `${name} (${failcodeBits(f.failcode)}) ${where}`, detail, where: { index: f.erringIndex, node: f.erringNode, channel: atDestination ? null : f.erringChannel, destination: atDestination } };
}

/** `ALICE ─103x1x0→ BOB ─105x1x0→ DAVE`. */
export function routeText(route, nameOf, from) {
  return [from, ...route.map((h) => `─${h.channel}→ ${nameOf(h.id)}`)].join(' ');
}

/**
 * The onion's 1300-byte routing info, as each hop sees it: its frame first, the frames of
 * the hops after it, the padding (random bytes the sender drew), then what the hops before
 * it shifted in — at the last hop, exactly the filler the sender computed so that HMAC
 * checks out. `frames[i]` = hop i's payload with its length prefix, plus its 32-byte HMAC.
 */
export function onionLayout(payloadLengths, size = 1300) {
  const frames = payloadLengths.map((n) => Number(n) + 32);
  const used = frames.reduce((a, b) => a + b, 0);
  const padding = size - used;
  const views = frames.map((_, k) => ({
    hop: k,
    frames: frames.slice(k).map((bytes, j) => ({ hop: k + j, bytes })),
    padding,
    shiftedIn: frames.slice(0, k).reduce((a, b) => a + b, 0),
  }));
  return { size, frames, used, padding, filler: used - frames[frames.length - 1], views };
}
