// The dev node's simulated Lightning network: a handful of nodes with keys, channels with
// balances and fee/cltv policies, and "our" node answering Core Lightning's sendpay family
// (getinfo, getroutes, getroute, askrene layers, sendpay, sendonion, waitsendpay,
// listsendpays, listnodes, and for WebLN invoice, signmessage, checkmessage) as the man page
// and CLN's schemas say; a payee takes keysend (its preimage checked); plus two dev-only helpers:
// dev-invoice (a preimage at a node) and dev-fail (inject a failure).
//
// Real where it counts: every simulated hop peels the onion with ln-sendpay's hop-side code
// (peelOnion), checks amount, cltv and channel against its own policy and balance, and a
// failure comes back as a real failure reply (createFailureReply at the erring hop,
// forwardFailureReply at every hop before it) carrying a signed channel_update where BOLT #4
// says so. Failures can be injected by configuration.
import { createECDH, createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import * as ln from '../../pkg/hop.node.js';
import { recoverSigner, signMessage } from './signmessage.mjs';
import * as b12 from './bolt12.mjs';
import { encodeInvoice } from './bolt11.mjs';
import { b64url, scidBytes, u16, u32, u64 } from './bytes.mjs';

export { encodeInvoice };

const REGTEST = '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f';
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const UPDATE = 0x1000;
const PERM = 0x4000;
const BADONION = 0x8000;

/** The failures `dev-fail` and `--fail` can inject. */
export const FAILURE_KINDS = ['temporary_channel_failure', 'fee_insufficient', 'incorrect_cltv_expiry', 'unknown_next_peer', 'garbage', 'incorrect_or_unknown_payment_details'];

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}
export { RpcError };

const sha256 = (b) => createHash('sha256').update(b).digest();
const hexOf = (b) => Buffer.from(b).toString('hex');
/** A node's keys from its 32-byte secret. */
function keys(privHex) {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(Buffer.from(privHex, 'hex'));
  const pub = ecdh.getPublicKey();
  const jwk = { kty: 'EC', crv: 'secp256k1', d: b64url(Buffer.from(privHex, 'hex')), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) };
  return { priv: privHex, id: hexOf(ecdh.getPublicKey(null, 'compressed')), key: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

/** ECDSA over sha256d(data), compact and low-S (as BOLT #7 signatures are). */
function signSha256d(key, data) {
  const sig = sign('sha256', sha256(data), { key, dsaEncoding: 'ieee-p1363' });
  let s = BigInt('0x' + sig.subarray(32).toString('hex'));
  if (s > N / 2n) s = N - s;
  return Buffer.concat([sig.subarray(0, 32), Buffer.from(s.toString(16).padStart(64, '0'), 'hex')]);
}

/** The default network: us (alice) with two ways to dave; the cheap one (via bob) fails. */
export function defaultNetwork() {
  return {
    blockheight: 800_000,
    us: 'alice',
    nodes: {
      alice: '11'.repeat(32),
      bob: '22'.repeat(32),
      carol: '33'.repeat(32),
      dave: '44'.repeat(32),
      erin: '55'.repeat(32),
      frank: '66'.repeat(32),
      grace: '77'.repeat(32),
    },
    // Balances in msat on each side; policy per direction (by the forwarding node).
    channels: [
      { scid: '103x1x0', a: 'alice', b: 'bob', balance: { alice: 500_000_000, bob: 500_000_000 }, policy: { alice: pol(0, 0, 6), bob: pol(1000, 100, 40) } },
      { scid: '104x1x0', a: 'alice', b: 'carol', balance: { alice: 2_000_000_000, carol: 500_000_000 }, policy: { alice: pol(0, 0, 6), carol: pol(1000, 100, 40) } },
      // Bob's side to dave is nearly empty: a route through it fails at bob.
      { scid: '105x1x0', a: 'bob', b: 'dave', balance: { bob: 20_000, dave: 900_000_000 }, policy: { bob: pol(500, 10, 40), dave: pol(1000, 100, 40) } },
      { scid: '106x1x0', a: 'carol', b: 'dave', balance: { carol: 900_000_000, dave: 900_000_000 }, policy: { carol: pol(2000, 500, 40), dave: pol(1000, 100, 40) } },
      { scid: '107x1x0', a: 'carol', b: 'erin', balance: { carol: 900_000_000, erin: 900_000_000 }, policy: { carol: pol(1000, 100, 40), erin: pol(1000, 100, 40) } },
      { scid: '108x1x0', a: 'erin', b: 'dave', balance: { erin: 900_000_000, dave: 900_000_000 }, policy: { erin: pol(1000, 100, 40), dave: pol(1000, 100, 40) } },
      // Private: not in the gossip; frank's invoices carry it as a route hint.
      { scid: '109x1x0', a: 'dave', b: 'frank', private: true, balance: { dave: 500_000_000, frank: 0 }, policy: { dave: pol(2000, 200, 30), frank: pol(1000, 100, 40) } },
      // Grace is reached by three small channels (300,000 sat each): an invoice over that is
      // paid in parts (MPP). Bob's side holds less than the gossip's capacity suggests.
      { scid: '110x1x0', a: 'bob', b: 'grace', balance: { bob: 100_000_000, grace: 200_000_000 }, policy: { bob: pol(1000, 100, 40), grace: pol(1000, 100, 40) } },
      { scid: '111x1x0', a: 'carol', b: 'grace', balance: { carol: 300_000_000, grace: 0 }, policy: { carol: pol(1000, 200, 40), grace: pol(1000, 100, 40) } },
      { scid: '112x1x0', a: 'erin', b: 'grace', balance: { erin: 300_000_000, grace: 0 }, policy: { erin: pol(1000, 100, 40), grace: pol(1000, 100, 40) } },
    ],
    // How long the payee holds the parts of an MPP payment before failing them all (ms).
    mppTimeoutMs: 60_000,
    // Injected failures: {node, channel?, kind, times?}; kinds: temporary_channel_failure,
    // fee_insufficient, incorrect_cltv_expiry, unknown_next_peer, garbage,
    // incorrect_or_unknown_payment_details.
    failures: [],
    // How long a payment takes to resolve (ms).
    delayMs: 0,
  };
}

function pol(base, ppm, delta) {
  return { fee_base_msat: base, fee_proportional_millionths: ppm, cltv_expiry_delta: delta, htlc_minimum_msat: 1, htlc_maximum_msat: 1_000_000_000 };
}

const fee = (p, amount) => BigInt(p.fee_base_msat) + (BigInt(amount) * BigInt(p.fee_proportional_millionths)) / 1_000_000n;

/**
 * The network and our node. Every hop peels and answers with ln-sendpay's hop side
 * (`ln-sendpay/hop`, the full module: apps never load it).
 */
export function createNetwork(config = defaultNetwork()) {
  const nodes = Object.fromEntries(Object.entries(config.nodes).map(([name, priv]) => [name, { name, ...keys(priv) }]));
  const byId = Object.fromEntries(Object.values(nodes).map((n) => [n.id, n]));
  const channels = config.channels.map((c) => ({ ...c, capacity: Object.values(c.balance).reduce((a, b) => a + BigInt(b), 0n), balance: { ...c.balance }, policy: structuredClone(c.policy), advertised: structuredClone(c.advertised ?? c.policy), timestamp: 1_700_000_000 }));
  const byScid = Object.fromEntries(channels.map((c) => [c.scid, c]));
  const us = nodes[config.us];
  const failures = (config.failures ?? []).map((f) => ({ ...f, left: f.times ?? Infinity }));
  const state = { blockheight: config.blockheight, delayMs: config.delayMs ?? 0, mppTimeoutMs: config.mppTimeoutMs ?? 60_000, mpp: new Map(), reserved: new Map(), payments: [], index: 0, invoices: new Map(), layers: new Map(), log: [], keysends: [], labels: new Set(), offers: new Map(), pathIds: new Map() };

  const other = (c, name) => (c.a === name ? c.b : c.a);
  const direction = (fromId, toId) => (Buffer.compare(Buffer.from(fromId, 'hex'), Buffer.from(toId, 'hex')) > 0 ? 1 : 0);
  const log = (line) => state.log.push(line);

  /** A channel_update from `from` for channel c, signed by `from` (with its 0x0102 type). */
  function channelUpdate(c, from) {
    const to = other(c, from);
    const p = c.policy[from];
    c.timestamp += 1;
    const body = Buffer.concat([
      Buffer.from(REGTEST, 'hex'), scidBytes(c.scid), u32(c.timestamp),
      Buffer.from([1, direction(nodes[from].id, nodes[to].id)]),
      u16(p.cltv_expiry_delta), u64(p.htlc_minimum_msat), u32(p.fee_base_msat), u32(p.fee_proportional_millionths), u64(p.htlc_maximum_msat),
    ]);
    return Buffer.concat([u16(0x0102), signSha256d(nodes[from].key, body), body]);
  }
  const withUpdate = (code, fields, c, from) => {
    const cu = channelUpdate(c, from);
    return Buffer.concat([u16(code), ...fields, u16(cu.length), cu]);
  };

  const armed = () => ({
    kinds: FAILURE_KINDS,
    failures: failures.filter((f) => f.left > 0).map(({ node, kind, channel, left }) => ({ node, kind, ...(channel ? { channel } : {}), left: Number.isFinite(left) ? left : 'always' })),
  });

  function takeInjected(node, scid) {
    const f = failures.find((x) => x.left > 0 && x.node === node && (!x.channel || x.channel === scid));
    if (f) f.left -= 1;
    return f?.kind;
  }

  // ─── routing ───────────────────────────────────────────────────────────────────────────

  /** Every simple path (≤ 6 hops) from `src` to `dst` through channels the layers allow. */
  function paths(src, dst, disabled, created) {
    const out = [];
    const walk = (at, path, seen) => {
      if (path.length > 6) return;
      if (at === dst && path.length) return void out.push(path);
      for (const c of channels) {
        if (c.a !== at && c.b !== at) continue;
        // A private channel is known only through a layer that created it (a route hint).
        if (c.private && !created.has(c.scid)) continue;
        const to = other(c, at);
        if (seen.has(to)) continue;
        if (disabled.has(`${c.scid}/${direction(nodes[at].id, nodes[to].id)}`) || disabled.has(nodes[to].id)) continue;
        walk(to, [...path, { c, from: at, to }], new Set([...seen, to]));
      }
    };
    walk(src, [], new Set([src]));
    return out;
  }

  /** A path priced for `amount` at the destination: hops with amounts and delays, or undefined
   *  when a hop's HTLC would be over what `room` leaves on that channel direction. */
  function priced(path, amount, finalCltv, overrides, room) {
    const hops = [];
    let amt = BigInt(amount);
    let delay = finalCltv;
    for (let i = path.length - 1; i >= 0; i--) {
      const { c, from, to } = path[i];
      const dir = `${c.scid}/${direction(nodes[from].id, nodes[to].id)}`;
      hops.unshift({ c, from, to, amount: amt, delay });
      const o = overrides.get(dir);
      // A layer's largest HTLC (a channel that refused an amount for want of balance).
      if (o?.htlc_maximum_msat !== undefined && amt > o.htlc_maximum_msat) return undefined;
      if (amt > room(dir, c, from)) return undefined;
      if (i > 0) {
        const p = o ?? c.advertised[from];
        amt += fee(p, amt);
        delay += p.cltv_expiry_delta;
      }
    }
    return hops;
  }

  // What the router knows of a channel direction: its capacity (the gossip's, both sides'
  // balances together: not how they are split), its advertised largest HTLC, less what
  // askrene-reserve holds for parts in flight.
  const capacity = (c) => BigInt(c.capacity);
  // With the `auto.localchans` layer, our own channels are known as they are: our balance.
  const gossipRoom = (dir, c, from, localchans = false) => {
    const max = BigInt(c.advertised[from].htlc_maximum_msat ?? c.capacity);
    const cap = (localchans && from === us.name ? BigInt(c.balance[from]) : capacity(c)) - (state.reserved.get(dir) ?? 0n);
    return cap < max ? cap : max;
  };

  const feeOf = (hops, amount) => hops[0].amount - BigInt(amount);
  const cheapest = (options, amount) =>
    options.reduce((best, h) => (!best || feeOf(h, amount) < feeOf(best, amount) || (feeOf(h, amount) === feeOf(best, amount) && h.length < best.length) ? h : best), undefined);

  function findRoute({ source, destination, amount, finalCltv, disabled, overrides, created = new Set(), maxfee, room = gossipRoom }) {
    const src = byId[source];
    const dst = byId[destination];
    if (!src) throw new RpcError(-32602, `Unknown source node ${source}`);
    if (!dst) throw new RpcError(205, `Unknown destination node ${destination}`);
    const fits = paths(src.name, dst.name, disabled, created)
      .map((path) => priced(path, amount, finalCltv, overrides, room))
      .filter((h) => h && (maxfee === undefined || feeOf(h, amount) <= BigInt(maxfee)));
    const best = cheapest(fits, amount);
    if (!best) throw new RpcError(205, 'Could not find a route');
    return best;
  }

  /**
   * As askrene when one route cannot carry it: several routes (at most `maxparts`) whose
   * amounts add up to `amount`, each within what the others leave on shared channels, the
   * fees of all within `maxfee`. Greedy, cheapest paths first: each carries what is left, or
   * as much as it can.
   */
  function splitRoutes({ source, destination, amount, finalCltv, disabled, overrides, created, maxfee, maxparts, room: base = gossipRoom }) {
    const used = new Map();
    const room = (dir, c, from) => base(dir, c, from) - (used.get(dir) ?? 0n);
    const unlimited = () => BigInt(Number.MAX_SAFE_INTEGER);
    const all = paths(byId[source].name, byId[destination].name, disabled, created)
      .map((path) => ({ path, hops: priced(path, amount, finalCltv, overrides, unlimited) }))
      .filter((x) => x.hops)
      .sort((x, y) => (feeOf(x.hops, amount) < feeOf(y.hops, amount) ? -1 : feeOf(x.hops, amount) > feeOf(y.hops, amount) ? 1 : x.path.length - y.path.length));
    const parts = [];
    let left = BigInt(amount);
    for (const { path } of all) {
      if (left === 0n || parts.length >= maxparts) break;
      // The most this path carries now (a binary search: amounts grow with fees).
      let lo = 0n;
      let hi = left;
      while (lo < hi) {
        const mid = (lo + hi + 1n) / 2n;
        if (priced(path, mid, finalCltv, overrides, room)) lo = mid;
        else hi = mid - 1n;
      }
      if (lo === 0n) continue;
      const hops = priced(path, lo, finalCltv, overrides, room);
      for (const h of hops) {
        const dir = `${h.c.scid}/${direction(nodes[h.from].id, nodes[h.to].id)}`;
        used.set(dir, (used.get(dir) ?? 0n) + h.amount);
      }
      parts.push({ hops, amount: lo });
      left -= lo;
    }
    if (left > 0n) throw new RpcError(205, `Could not find a route: ${parts.length} part(s) carry ${BigInt(amount) - left} of ${amount}msat${parts.length >= maxparts ? ` (maxparts ${maxparts})` : ''}`);
    const fees = parts.reduce((a, p) => a + feeOf(p.hops, p.amount), 0n);
    if (maxfee !== undefined && fees > BigInt(maxfee)) throw new RpcError(205, `Could not find a route: ${parts.length} parts cost ${fees}msat in fees, over maxfee ${maxfee}msat`);
    return parts;
  }

  const layerState = (names) => {
    const disabled = new Set();
    const overrides = new Map();
    const created = new Set();
    for (const n of names ?? []) {
      const l = state.layers.get(n);
      if (!l) continue;
      for (const d of l.disabled) disabled.add(d);
      for (const [k, v] of l.overrides) overrides.set(k, v);
      for (const c of l.created) created.add(c);
    }
    return { disabled, overrides, created };
  };

  function getroutes(p) {
    // As a node with deprecated APIs off (every --developer node, every node from v27.03):
    // the layer is refused; `maxparts` (v25.09) says "one part" instead.
    if ((p.layers ?? []).includes('auto.no_mpp_support')) throw new RpcError(-32602, `layers: unknown layer: invalid token '"auto.no_mpp_support"'`);
    if (p.maxparts !== undefined && !(Number.isInteger(Number(p.maxparts)) && Number(p.maxparts) >= 1)) throw new RpcError(-32602, 'maxparts: should be a positive integer');
    for (const n of p.layers ?? []) {
      if (!n.startsWith('auto.') && !state.layers.has(n)) throw new RpcError(-32602, `Unknown layer ${n}`);
    }
    const { disabled, overrides, created } = layerState(p.layers);
    const amount = msat(p.amount_msat, 'amount_msat');
    const finalCltv = Number(p.final_cltv ?? 18);
    const maxfee = p.maxfee_msat === undefined ? undefined : msat(p.maxfee_msat, 'maxfee_msat');
    const localchans = (p.layers ?? []).includes('auto.localchans');
    const room = (dir, c, from) => gossipRoom(dir, c, from, localchans);
    const args = { source: p.source, destination: p.destination, amount, finalCltv, disabled, overrides, created, maxfee, room };
    // One route when one carries it; else, without `maxparts: 1`, a split (default 100 parts, as askrene).
    const maxparts = p.maxparts === undefined ? 100 : Number(p.maxparts);
    let parts;
    try {
      parts = [{ hops: findRoute(args), amount }];
    } catch (e) {
      if (maxparts <= 1 || !(e instanceof RpcError) || e.code !== 205 || !byId[p.destination]) throw e;
      parts = splitRoutes({ ...args, maxparts });
    }
    const routes = parts.map(({ hops, amount: part }) => ({
      probability_ppm: 950000,
      amount_msat: Number(part),
      final_cltv: finalCltv,
      path: hops.map((h, i) => {
        const dir = direction(nodes[h.from].id, nodes[h.to].id);
        const amountIn = i === 0 ? h.amount : hops[i - 1].amount;
        const cltvIn = i === 0 ? h.delay : hops[i - 1].delay;
        return {
          short_channel_id_dir: `${h.c.scid}/${dir}`,
          node_id_in: nodes[h.from].id,
          node_id_out: nodes[h.to].id,
          amount_in_msat: Number(amountIn),
          amount_out_msat: Number(h.amount),
          cltv_in: cltvIn,
          cltv_out: h.delay,
          next_node_id: nodes[h.to].id,
          amount_msat: Number(amountIn),
          delay: cltvIn,
        };
      }),
    }));
    return { probability_ppm: Math.round(1e6 * 0.95 ** routes.length), routes };
  }

  /** askrene-reserve / askrene-unreserve: amounts held on channel directions by parts in flight. */
  function reservation(p, sign) {
    if (!Array.isArray(p.path)) throw new RpcError(-32602, 'path: should be an array');
    const steps = p.path.map((x, i) => {
      if (!/^\d+x\d+x\d+\/[01]$/.test(String(x?.short_channel_id_dir))) throw new RpcError(-32602, `path[${i}].short_channel_id_dir: should be a short_channel_id_dir`);
      return [x.short_channel_id_dir, msat(x.amount_msat, `path[${i}].amount_msat`)];
    });
    // All or nothing: an unreserve of more than is held changes nothing.
    const after = new Map(state.reserved);
    for (const [dir, amount] of steps) {
      const now = (after.get(dir) ?? 0n) + sign * amount;
      if (now < 0n) throw new RpcError(-32602, `${dir}: unreserving ${amount}msat, more than is reserved`);
      if (now === 0n) after.delete(dir);
      else after.set(dir, now);
    }
    state.reserved = after;
    return {};
  }

  function getroute(p) {
    const disabled = new Set(p.exclude ?? []);
    const hops = findRoute({ source: us.id, destination: p.id, amount: msat(p.amount_msat, 'amount_msat'), finalCltv: Number(p.cltv ?? 9), disabled, overrides: new Map() });
    return {
      route: hops.map((h) => ({ id: nodes[h.to].id, channel: h.c.scid, direction: direction(nodes[h.from].id, nodes[h.to].id), amount_msat: Number(h.amount), delay: h.delay, style: 'tlv' })),
    };
  }

  // ─── payments ──────────────────────────────────────────────────────────────────────────

  function msat(v, field) {
    const s = String(v);
    const m = /^(\d+)(msat)?$/.exec(s);
    if (!m) throw new RpcError(-32602, `${field}: should be a millisatoshi amount: invalid token '${s}'`);
    return BigInt(m[1]);
  }

  function row(p) {
    const out = { created_index: p.created_index, id: p.created_index, payment_hash: p.payment_hash, groupid: p.groupid, status: p.status, amount_sent_msat: Number(p.amount_sent_msat), created_at: p.created_at };
    if (p.partid) out.partid = p.partid;
    if (p.destination) out.destination = p.destination;
    if (p.amount_msat !== undefined) out.amount_msat = Number(p.amount_msat);
    if (p.completed_at) out.completed_at = p.completed_at;
    if (p.payment_preimage) out.payment_preimage = p.payment_preimage;
    if (p.label !== undefined) out.label = p.label;
    if (p.bolt11 !== undefined) out.bolt11 = p.bolt11;
    if (p.erroronion) out.erroronion = p.erroronion;
    return out;
  }

  /** A dev-only helper: an invoice at `node` (a name), i.e. a preimage it knows. */
  function invoice({ node = 'dave', amount_msat: amount, description }) {
    const n = nodes[node];
    if (!n) throw new RpcError(-32602, `no node named ${node}`);
    const preimage = randomBytes(32);
    const hash = hexOf(sha256(preimage));
    const secret = hexOf(randomBytes(32));
    const amountMsat = amount === undefined ? undefined : msat(amount, 'amount_msat');
    state.invoices.set(hash, { node: n.name, preimage: hexOf(preimage), secret, amount: amountMsat });
    // Every channel of the payee as a route hint, public ones too (as a live Core Lightning
    // does, sendpay-contract §16.4): from its other end, with that end's policy.
    const mine = channels.filter((c) => c.a === n.name || c.b === n.name);
    const hints = mine.map((c) => {
      const from = other(c, n.name);
      return { pubkey: nodes[from].id, scid: c.scid, ...c.policy[from] };
    });
    const bolt11 = encodeInvoice({ node: n, hash, secret, amountMsat, hints, description: description ?? `dev node invoice #${state.invoices.size}`, timestamp: Math.floor(Date.now() / 1000) });
    return { bolt11, payment_hash: hash, payment_secret: secret, destination: n.id, amount_msat: amountMsat === undefined ? undefined : Number(amountMsat) };
  }

  // ─── BOLT 12 ───────────────────────────────────────────────────────────────────────────

  /** A dev-only helper: an offer by `node` (its issuer id set), kept so fetchinvoice can answer it. */
  function offer({ node = 'dave', amount_msat: amount, description, issuer, quantity_max: qmax }) {
    const n = nodes[node];
    if (!n) throw new RpcError(-32602, `no node named ${node}`);
    // Not solely bitcoin: the offer names its chain (regtest).
    const records = [[2, Buffer.from(REGTEST, 'hex')], [22, Buffer.from(n.id, 'hex')]];
    if (amount !== undefined) records.push([8, b12.tu(msat(amount, 'amount_msat'))]);
    if (description !== undefined || amount !== undefined) records.push([10, Buffer.from(description ?? `dev node offer #${state.offers.size + 1}`)]);
    if (issuer !== undefined) records.push([18, Buffer.from(String(issuer))]);
    if (qmax !== undefined) records.push([20, b12.tu(qmax)]);
    const bolt12 = b12.encode('lno', b12.stream(records));
    state.offers.set(bolt12, { node: n.name, records, amount: amount === undefined ? undefined : msat(amount, 'amount_msat'), qmax: qmax === undefined ? undefined : BigInt(qmax) });
    return { bolt12, offer_id: createHash('sha256').update(b12.stream(records)).digest('hex'), active: true, single_use: false, used: false };
  }

  /**
   * The payee's blinded paths: one through each public peer (the introduction node), then
   * the payee; the peer's hop data names the channel and its relay policy, the payee's a
   * path_id that ties a payment to the invoice. `{paths, payinfos}` as BOLT 12 writes them.
   */
  function payeePaths(n, pathId) {
    const mine = channels.filter((c) => !c.private && (c.a === n.name || c.b === n.name) && other(c, n.name) !== us.name);
    const paths = [];
    const payinfos = [];
    for (const c of mine) {
      const intro = other(c, n.name);
      const p = c.policy[intro];
      const relay = Buffer.concat([u16(p.cltv_expiry_delta), u32(p.fee_proportional_millionths), b12.tu(p.fee_base_msat)]);
      const constraints = Buffer.concat([u32(state.blockheight + 2016), b12.tu(p.htlc_minimum_msat)]);
      const introTlv = b12.stream([[2, scidBytes(c.scid)], [10, relay], [12, constraints]]);
      const finalTlv = b12.stream([[6, pathId], [12, constraints]]);
      const { bytes } = b12.blindedPath([{ id: nodes[intro].id, tlv: introTlv }, { id: n.id, tlv: finalTlv }]);
      paths.push(bytes);
      payinfos.push(Buffer.concat([u32(p.fee_base_msat), u32(p.fee_proportional_millionths), u16(p.cltv_expiry_delta + 18), u64(p.htlc_minimum_msat), u64(p.htlc_maximum_msat), u16(0)]));
    }
    return { paths: Buffer.concat(paths), payinfos: Buffer.concat(payinfos) };
  }

  /**
   * Core Lightning's fetchinvoice, for offers the dev node's payees made: an invoice request
   * (its fields mirrored), then the payee's invoice with blinded paths through its peers,
   * signed by the payee (BIP-340 over the Merkle root).
   */
  function fetchinvoice(p) {
    const o = state.offers.get(String(p.offer ?? '').trim().toLowerCase());
    if (!o) throw new RpcError(1002, 'Unknown offer (the dev node answers only its own)');
    const n = nodes[o.node];
    const asked = p.amount_msat === undefined ? undefined : msat(p.amount_msat, 'amount_msat');
    if (o.amount === undefined && asked === undefined) throw new RpcError(-32602, 'amount_msat required');
    const qty = p.quantity === undefined ? undefined : BigInt(p.quantity);
    if (o.qmax !== undefined && qty === undefined) throw new RpcError(-32602, 'quantity is required');
    if (o.qmax === undefined && qty !== undefined) throw new RpcError(-32602, 'quantity parameter unnecessary');
    if (qty !== undefined && (qty === 0n || (o.qmax !== 0n && qty > o.qmax))) throw new RpcError(-32602, `quantity must be 1 to ${o.qmax}`);
    const amount = asked ?? o.amount * (qty ?? 1n);
    const req = [...o.records, [0, randomBytes(16)], [88, Buffer.from(keys(randomBytes(32).toString('hex')).id, 'hex')]];
    if (asked !== undefined) req.push([82, b12.tu(asked)]);
    if (qty !== undefined) req.push([86, b12.tu(qty)]);
    if (p.payer_note !== undefined) req.push([89, Buffer.from(String(p.payer_note))]);
    const preimage = randomBytes(32);
    const hash = sha256(preimage);
    const pathId = randomBytes(32);
    const { paths, payinfos } = payeePaths(n, pathId);
    // invoice_features: basic MPP, optional (bit 17): parts over several paths are taken.
    const inv = [...req, [160, paths], [162, payinfos], [164, b12.tu(Math.floor(Date.now() / 1000))], [168, hash], [170, b12.tu(amount)], [174, Buffer.from([0x02, 0x00, 0x00])], [176, Buffer.from(n.id, 'hex')]];
    state.invoices.set(hexOf(hash), { node: n.name, preimage: hexOf(preimage), amount, bolt12: true });
    state.pathIds.set(hexOf(pathId), hexOf(hash));
    const invoice = b12.encode('lni', b12.stream(b12.sign('invoice', inv, n.priv)));
    log(`${n.name}: invoice for ${amount} msat through ${paths.length ? 'its peers' : 'nothing'} (fetchinvoice)`);
    return { invoice, changes: {} };
  }

  /** The 201 rule (man page) and check_progress's part rules (sendpay-contract §5), in order. */
  function checkDuplicate(hash, partid, amount, destination, groupid, total = 0n) {
    let otherComplete = false;
    let pending = 0n;
    for (const p of state.payments) {
      if (p.payment_hash !== hash) continue;
      const samePart = (p.partid ?? 0) === partid;
      if (p.status === 'complete') {
        if (!samePart) {
          otherComplete = true;
          continue;
        }
        if (p.amount_msat !== amount || p.destination !== destination) throw new RpcError(201, `Already succeeded with amount ${p.amount_msat}msat (not ${amount}msat)`);
        return p;
      }
      if (p.status === 'pending') {
        if (p.groupid !== groupid) throw new RpcError(200, `Payment with groupid=${p.groupid} still in progress, cannot retry before that completes.`);
        if ((p.partid ?? 0) === 0 && partid !== 0) throw new RpcError(200, 'Already have non-parallel payment in progress');
        if ((p.partid ?? 0) !== 0 && partid === 0) throw new RpcError(200, 'Already have parallel payment in progress');
        if (samePart) {
          if (p.amount_msat !== amount || p.destination !== destination) throw new RpcError(201, `Already pending with amount ${p.amount_msat}msat (not ${amount}msat)`);
          return p;
        }
        if ((p.total ?? 0n) !== total) throw new RpcError(-32602, `msatoshi was previously ${p.total ?? 0n}msat, now ${total}msat`);
        pending += p.amount_msat ?? 0n;
      }
      if (p.status === 'failed' && samePart && p.groupid === groupid) throw new RpcError(201, `There already is a payment with payment_hash=${hash}, groupid=${groupid}, partid=${partid}. Either change the partid, or wait for the payment to complete and start a new group.`);
    }
    if (otherComplete) throw new RpcError(201, 'Already succeeded other parts');
    if (total !== 0n && pending >= total) throw new RpcError(200, `Already have ${pending}msat of ${total}msat payments in progress`);
    return null;
  }

  function start({ hash, partid, amount, total = 0n, destination, sent, label, bolt11, firstHop, onion, secrets, route, groupid: explicit }) {
    // Without an explicit groupid, a new group (max + 1), as lightningd assigns it before its check.
    const groupid = explicit ?? 1 + state.payments.filter((p) => p.payment_hash === hash).reduce((m, p) => Math.max(m, Number(p.groupid)), 0);
    const existing = checkDuplicate(hash, partid, amount, destination, groupid, total);
    if (existing) return { ...row(existing), message: 'Already pending or complete' };
    const p = { created_index: ++state.index, payment_hash: hash, groupid, partid, status: 'pending', amount_msat: amount, total, destination, amount_sent_msat: sent, created_at: Math.floor(Date.now() / 1000), label, bolt11, secrets, route };
    state.payments.push(p);
    const first = byId[firstHop.id];
    // first_hop.channel is optional (sendonion's schema: "any available channel to this
    // peer"): without it, our channel to that peer with the most on our side.
    const c = firstHop.channel !== undefined ? byScid[firstHop.channel] : first && channels.filter((x) => [x.a, x.b].includes(us.name) && other(x, us.name) === first.name).sort((x, y) => Number(BigInt(y.balance[us.name]) - BigInt(x.balance[us.name])))[0];
    if (!first || !c || (c.a !== us.name && c.b !== us.name) || other(c, us.name) !== first.name) {
      p.status = 'failed';
      throw new RpcError(204, 'No connection to first peer found', { erring_index: 0, failcode: 16394, failcodename: 'WIRE_UNKNOWN_NEXT_PEER', erring_node: us.id });
    }
    p.done = new Promise((resolve) => {
      const run = () => resolve(forward(p, { node: first, channel: c, amount: msat(firstHop.amount_msat, 'first_hop.amount_msat'), cltv: state.blockheight + 1 + Number(firstHop.delay), onion }));
      if (state.delayMs > 0) setTimeout(run, state.delayMs);
      else queueMicrotask(run);
    });
    return { ...row(p), message: 'Monitor status with listpays or waitsendpay' };
  }

  /** The HTLC travels: each hop peels, checks, forwards; a failure is wrapped back. */
  function forward(p, first) {
    const secrets = []; // the hops' shared secrets, to wrap a failure back
    const held = []; // [channel, from, amount] reserved along the way
    let { node, channel, amount, cltv, onion } = first;
    let reply;
    let erring;
    const fail = (msg, at) => {
      reply = ln.createFailureReply({ sharedSecret: secrets[secrets.length - 1], failureMessage: hexOf(msg) }).reply;
      erring = at;
    };
    // Back through every hop before the erring one (the last to peel, or `from`).
    const wrapped = (r, from = secrets.length - 2) => {
      for (let i = from; i >= 0; i--) r = ln.forwardFailureReply({ sharedSecret: secrets[i], reply: r }).reply;
      return r;
    };
    // Inside a blinded path: the path key the next hop peels with, and where the path began.
    let pathKey;
    let intro; // {index, name, onion}
    let prewrapped = false; // the reply is already wrapped back to us
    // Anything failing at or after the introduction node: it answers, and only with
    // invalid_onion_blinding (BOLT 4), the hash of the onion it got.
    const blindedReply = () => {
      const msg = Buffer.concat([u16(BADONION | PERM | 24), sha256(Buffer.from(intro.onion, 'hex'))]);
      return wrapped(ln.createFailureReply({ sharedSecret: secrets[intro.index], failureMessage: hexOf(msg) }).reply, intro.index - 1);
    };
    const failBlinded = (why) => {
      reply = blindedReply();
      prewrapped = true;
      erring = intro.name;
      log(`${intro.name}: invalid_onion_blinding (inside the path: ${why})`);
    };
    if (BigInt(channel.balance[us.name]) < amount) {
      // Our own channel: a local failure.
      return finish(p, held, { local: true });
    }
    held.push([channel, us.name, amount]);
    for (let hop = 0; hop < 30; hop++) {
      let peeled;
      try {
        peeled = ln.peelOnion({ onion, associatedData: p.payment_hash, privkey: node.priv, ...(pathKey ? { pathKey } : {}) });
      } catch {
        if (intro) {
          secrets.push('00'.repeat(32));
          failBlinded('an onion it cannot peel');
          break;
        }
        // Cannot parse the onion: the previous hop reports it (update_fail_malformed_htlc).
        return finish(p, held, { malformed: true, at: hop });
      }
      secrets.push(peeled.sharedSecret);
      const f = peeled.fields;
      if (f?.encryptedRecipientData !== undefined) {
        // A blinded hop: its orders are in the data only it can decrypt.
        if (f.currentPathKey) {
          pathKey = f.currentPathKey;
          intro = { index: secrets.length - 1, name: node.name, onion };
        }
        const injectedHere = takeInjected(node.name);
        const u = pathKey && intro ? b12.unblind(node.priv, pathKey, f.encryptedRecipientData) : null;
        if (!u || injectedHere) {
          failBlinded(u ? `${node.name} injected ${injectedHere}` : `${node.name} cannot decrypt its data`);
          break;
        }
        if (u.tlv['6']) {
          // The recipient: the path_id names the invoice; the amount and cltv as it asked.
          const hash = state.pathIds.get(u.tlv['6'].toString('hex'));
          const inv = hash && state.invoices.get(hash);
          const total = f.totalAmountMsat === undefined ? amount : BigInt(f.totalAmountMsat);
          const set = state.mpp.get(p.payment_hash);
          if (!inv || hash !== p.payment_hash || inv.node !== node.name || total < inv.amount || BigInt(f.amtToForward) > amount || Number(f.outgoingCltvValue) > cltv || (set && set.total !== total)) {
            failBlinded(`${node.name} refuses the payment`);
            break;
          }
          if (total > amount || set) {
            // A part (the invoice allows them): held until they add up; a timeout is answered
            // by each part's introduction node, as any failure inside a path.
            const introName = intro.name;
            return hold(p, held, { node, amount, total, preimage: inv.preimage, timeout: () => (log(`${introName}: invalid_onion_blinding (inside the path: MPP timeout)`), blindedReply()) });
          }
          log(`${node.name}: paid through its blinded path, preimage released`);
          return finish(p, held, { preimage: inv.preimage });
        }
        const next = u.tlv['2'] && byScid[[u.tlv['2'].readUIntBE(0, 3), u.tlv['2'].readUIntBE(3, 3), u.tlv['2'].readUInt16BE(6)].join('x')];
        const relay = u.tlv['10'];
        const nextName = next && (next.a === node.name || next.b === node.name) ? other(next, node.name) : undefined;
        if (!nextName || !relay) {
          failBlinded(`${node.name}: no next hop in its data`);
          break;
        }
        const delta = relay.readUInt16BE(0);
        const ppm = BigInt(relay.readUInt32BE(2));
        const base = relay.length > 6 ? BigInt(`0x${relay.subarray(6).toString('hex')}`) : 0n;
        // BOLT 4: amt_to_forward = ceil((amount - base) · 1e6 / (1e6 + ppm)).
        const out = ((amount - base) * 1_000_000n + 1_000_000n + ppm - 1n) / (1_000_000n + ppm);
        if (amount <= base || BigInt(next.balance[node.name]) < out) {
          failBlinded(`${node.name}: cannot forward ${out} msat over ${next.scid}`);
          break;
        }
        held.push([next, node.name, out]);
        log(`${node.name}: forwards ${out} msat over ${next.scid} to ${nextName} (blinded)`);
        node = nodes[nextName];
        channel = next;
        amount = out;
        cltv -= delta;
        onion = peeled.nextOnion;
        pathKey = u.nextPathKey;
        continue;
      }
      const injected = takeInjected(node.name, f?.shortChannelId);
      if (injected === 'garbage') {
        reply = hexOf(randomBytes(292));
        erring = node.name;
        log(`${node.name}: answers with garbage`);
        break;
      }
      if (!f || f.amtToForward === undefined || f.outgoingCltvValue === undefined) {
        fail(u16(PERM | 22), node.name); // invalid_onion_payload
        break;
      }
      if (!peeled.nextOnion && f.keysendPreimage !== undefined) {
        // A keysend: the preimage is in the payload and must hash to the HTLC's hash; no
        // invoice, no payment secret; one part.
        if (injected === 'incorrect_or_unknown_payment_details' || hexOf(sha256(Buffer.from(f.keysendPreimage, 'hex'))) !== p.payment_hash) {
          fail(Buffer.concat([u16(PERM | 15), u64(amount), u32(state.blockheight)]), node.name);
          log(`${node.name}: keysend preimage does not hash to the payment hash`);
        } else if (BigInt(f.amtToForward) > amount) {
          fail(Buffer.concat([u16(19), u64(amount)]), node.name);
        } else if (Number(f.outgoingCltvValue) > cltv) {
          fail(Buffer.concat([u16(18), u32(cltv)]), node.name);
        } else {
          state.keysends.push({ node: node.name, amountMsat: amount, paymentHash: p.payment_hash, customRecords: f.unknownRecords ?? {} });
          log(`${node.name}: keysend of ${amount} msat received, preimage checked`);
          return finish(p, held, { preimage: f.keysendPreimage });
        }
        break;
      }
      if (!peeled.nextOnion) {
        // The destination.
        const inv = state.invoices.get(p.payment_hash);
        const details = () => fail(Buffer.concat([u16(PERM | 15), u64(amount), u32(state.blockheight)]), node.name);
        // Basic MPP (BOLT 4): the payment's total is the payload's total_msat; a part below it is held.
        const total = f.totalMsat === undefined ? amount : BigInt(f.totalMsat);
        const set = state.mpp.get(p.payment_hash);
        if (injected === 'incorrect_or_unknown_payment_details' || !inv || inv.node !== node.name) {
          details();
          log(`${node.name}: unknown payment hash`);
        } else if ((inv.amount !== undefined && (total < inv.amount || total > 2n * inv.amount)) || f.paymentSecret !== inv.secret || amount > total || (set && set.total !== total)) {
          details();
          log(`${node.name}: wrong amount, total or payment secret`);
        } else if (BigInt(f.amtToForward) > amount) {
          fail(Buffer.concat([u16(19), u64(amount)]), node.name); // final_incorrect_htlc_amount
        } else if (Number(f.outgoingCltvValue) > cltv) {
          fail(Buffer.concat([u16(18), u32(cltv)]), node.name); // final_incorrect_cltv_expiry
        } else if (total > amount || set) {
          return hold(p, held, { node, amount, total, preimage: inv.preimage, timeout: () => wrapped(ln.createFailureReply({ sharedSecret: secrets[secrets.length - 1], failureMessage: hexOf(u16(23)) }).reply) });
        } else {
          log(`${node.name}: paid, preimage released`);
          return finish(p, held, { preimage: inv.preimage });
        }
        break;
      }
      const next = byScid[f.shortChannelId];
      const nextName = next && (next.a === node.name || next.b === node.name) ? other(next, node.name) : undefined;
      if (!nextName || injected === 'unknown_next_peer') {
        fail(u16(PERM | 10), node.name);
        log(`${node.name}: unknown next peer ${f.shortChannelId}`);
        break;
      }
      const pol = next.policy[node.name];
      const out = BigInt(f.amtToForward);
      if (injected === 'fee_insufficient' || amount < out + fee(pol, out)) {
        fail(withUpdate(UPDATE | 12, [u64(amount)], next, node.name), node.name);
        log(`${node.name}: fee insufficient on ${next.scid}`);
        break;
      }
      if (injected === 'incorrect_cltv_expiry' || cltv < Number(f.outgoingCltvValue) + pol.cltv_expiry_delta) {
        fail(withUpdate(UPDATE | 13, [u32(cltv)], next, node.name), node.name);
        log(`${node.name}: incorrect cltv expiry on ${next.scid}`);
        break;
      }
      if (injected === 'temporary_channel_failure' || BigInt(next.balance[node.name]) < out) {
        // As channeld writes it (sendpay-contract §16.2): len = 0, then the whole update.
        fail(Buffer.concat([u16(UPDATE | 7), u16(0), channelUpdate(next, node.name)]), node.name);
        log(`${node.name}: not enough balance on ${next.scid}`);
        break;
      }
      held.push([next, node.name, out]);
      log(`${node.name}: forwards ${out} msat over ${next.scid} to ${nextName}`);
      node = nodes[nextName];
      channel = next;
      amount = out;
      cltv = Number(f.outgoingCltvValue);
      onion = peeled.nextOnion;
    }
    return finish(p, held, { reply: prewrapped ? reply : wrapped(reply), erring });
  }

  /**
   * A part held at the payee until the parts' sum reaches the total (then all settle, with the
   * same preimage) or `mppTimeoutMs` passes (then every held part fails with
   * WIRE_MPP_TIMEOUT). While held, its amounts are taken from the channels it crossed, so
   * other HTLCs cannot use them.
   */
  function hold(p, held, { node, amount, total, preimage, timeout }) {
    let set = state.mpp.get(p.payment_hash);
    if (!set) {
      set = { total, parts: [], timer: undefined };
      state.mpp.set(p.payment_hash, set);
      set.timer = setTimeout(() => {
        state.mpp.delete(p.payment_hash);
        log(`${node.name}: MPP timeout: ${set.parts.length} part(s) held, ${set.parts.reduce((a, x) => a + x.amount, 0n)} of ${total} msat; all failed`);
        for (const x of set.parts) x.fail();
      }, state.mppTimeoutMs);
      set.timer.unref?.();
    }
    for (const [c, from, a] of held) c.balance[from] = Number(BigInt(c.balance[from]) - a);
    return new Promise((resolve) => {
      set.parts.push({
        amount,
        settle: () => resolve(finish(p, held, { preimage, reserved: true })),
        fail: () => resolve(finish(p, held, { reply: timeout(), erring: node.name, reserved: true })),
      });
      const sum = set.parts.reduce((a, x) => a + x.amount, 0n);
      log(`${node.name}: holds part ${p.partid} (${amount} msat): ${sum} of ${total} msat`);
      if (sum >= total) {
        clearTimeout(set.timer);
        state.mpp.delete(p.payment_hash);
        log(`${node.name}: all ${set.parts.length} parts in: paid, preimage released`);
        for (const x of set.parts) x.settle();
      }
    });
  }

  function finish(p, held, outcome) {
    p.completed_at = Math.floor(Date.now() / 1000);
    if (outcome.preimage) {
      for (const [c, from, amount] of held) {
        if (!outcome.reserved) c.balance[from] = Number(BigInt(c.balance[from]) - amount);
        c.balance[other(c, from)] = Number(BigInt(c.balance[other(c, from)]) + amount);
      }
      p.status = 'complete';
      p.payment_preimage = outcome.preimage;
      return { ok: true };
    }
    p.status = 'failed';
    if (outcome.reserved) for (const [c, from, amount] of held) c.balance[from] = Number(BigInt(c.balance[from]) + amount);
    if (outcome.local) {
      p.failure = { code: 204, message: 'failed: WIRE_TEMPORARY_CHANNEL_FAILURE (local failure)', data: { erring_index: 0, failcode: UPDATE | 7, failcodename: 'WIRE_TEMPORARY_CHANNEL_FAILURE', erring_node: us.id } };
      return { ok: false };
    }
    if (outcome.malformed) {
      // update_fail_malformed_htlc, turned into a failure message by our node (§8.3).
      p.failure = { code: 204, message: 'failed: WIRE_INVALID_ONION_HMAC (reply from remote)', data: { erring_index: 1, failcode: BADONION | PERM | 5, failcodename: 'WIRE_INVALID_ONION_HMAC' } };
      return { ok: false };
    }
    if (p.secrets) {
      // sendpay: the node knows the secrets and decodes the reply itself.
      let f;
      try {
        f = ln.decodeFailure({ reply: outcome.reply, sharedSecrets: p.secrets, route: p.route });
      } catch {
        f = undefined;
      }
      if (!f) {
        p.erroronion = outcome.reply;
        p.failure = { code: 202, message: 'Malformed error reply', data: { onionreply: outcome.reply } };
      } else {
        const data = { erring_index: f.erringIndex, failcode: f.failcode, failcodename: f.failcodename, erring_node: f.erringNode };
        if (f.erringChannel) {
          data.erring_channel = f.erringChannel === '0:0:0' ? p.route[p.route.length - 1].channel : f.erringChannel;
          data.erring_direction = f.erringDirection;
        }
        if (f.rawMessage) data.raw_message = f.rawMessage;
        p.failure = { code: f.code, message: `failed: ${f.failcodename} (reply from remote)`, data };
      }
    } else {
      // sendonion without shared secrets: every remote failure is 202 + onionreply.
      p.erroronion = outcome.reply;
      p.failure = { code: 202, message: 'Malformed error reply', data: { onionreply: outcome.reply } };
    }
    return { ok: false };
  }

  function sendonion(p) {
    const hash = String(p.payment_hash ?? '');
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new RpcError(-32602, "payment_hash: should be a 32 byte hex value: invalid token");
    if (!p.first_hop || !p.onion) throw new RpcError(-32602, 'missing required parameter: ' + (p.onion ? 'first_hop' : 'onion'));
    const amount = p.amount_msat === undefined ? undefined : msat(p.amount_msat, 'amount_msat');
    if (p.shared_secrets) throw new RpcError(-32602, 'the dev node does not take shared_secrets: keep them in the client');
    const groupid = p.groupid === undefined ? undefined : Number(p.groupid);
    const total = p.total_amount_msat === undefined ? 0n : msat(p.total_amount_msat, 'total_amount_msat');
    return start({ hash, partid: Number(p.partid ?? 0), amount, total, destination: p.destination, sent: msat(p.first_hop.amount_msat, 'first_hop.amount_msat'), label: p.label, bolt11: p.bolt11, firstHop: p.first_hop, onion: p.onion, groupid });
  }

  function sendpay(p) {
    if (!Array.isArray(p.route) || p.route.length === 0) throw new RpcError(-32602, 'route: should be a non-empty array');
    if ('msatoshi' in p) throw new RpcError(-32602, "'msatoshi' is deprecated: use amount_msat");
    const route = p.route.map((h) => ({ ...h, amount_msat: String(msat(h.amount_msat, 'route.amount_msat')) }));
    const last = route[route.length - 1];
    const amount = p.amount_msat === undefined ? BigInt(last.amount_msat) : msat(p.amount_msat, 'amount_msat');
    if (amount !== BigInt(last.amount_msat) && !p.partid) throw new RpcError(-32602, `Do not specify msatoshi (${amount}msat) without nonzero partid if you want route amount (${last.amount_msat}msat)`);
    // A part (partid ≠ 0): amount_msat is the whole payment's (sendpay-contract §3.1), in the onion as total_msat.
    const part = Number(p.partid ?? 0) !== 0;
    const built = ln.buildOnion({ route, paymentHash: p.payment_hash, paymentSecret: p.payment_secret, ...(part && p.payment_secret ? { totalMsat: amount } : {}), blockHeight: state.blockheight });
    const first = route[0];
    return start({ hash: p.payment_hash, partid: Number(p.partid ?? 0), amount: BigInt(last.amount_msat), total: part ? amount : 0n, groupid: p.groupid === undefined ? undefined : Number(p.groupid), destination: last.id, sent: BigInt(first.amount_msat), label: p.label, bolt11: p.bolt11, firstHop: { id: first.id, channel: first.channel, amount_msat: first.amount_msat, delay: first.delay }, onion: built.onion, secrets: built.sharedSecrets, route });
  }

  async function waitsendpay(p) {
    const hash = p.payment_hash;
    const partid = Number(p.partid ?? 0);
    const mine = state.payments.filter((x) => x.payment_hash === hash && (x.partid ?? 0) === partid && (p.groupid === undefined || x.groupid === Number(p.groupid)));
    if (mine.length === 0) throw new RpcError(208, `Never attempted payment part ${partid} for '${hash}'`);
    const pay = mine.reduce((a, b) => (b.groupid > a.groupid ? b : a));
    if (pay.status === 'pending') {
      const timeout = p.timeout === undefined ? undefined : Number(p.timeout) * 1000;
      let timer;
      const timedOut = await Promise.race([pay.done.then(() => false), ...(timeout === undefined ? [] : [new Promise((r) => (timer = setTimeout(() => r(true), timeout)))])]);
      clearTimeout(timer);
      if (timedOut) throw new RpcError(200, 'Timed out while waiting');
    }
    if (pay.status === 'complete') return row(pay);
    const f = pay.failure;
    throw new RpcError(f.code, f.message, { ...row(pay), ...f.data });
  }

  const methods = {
    getinfo: () => ({ id: us.id, alias: us.name.toUpperCase(), color: '02bf81', num_peers: 2, num_pending_channels: 0, num_active_channels: 2, num_inactive_channels: 0, address: [], binding: [], version: 'ln-sendpay-devnode', blockheight: state.blockheight, network: 'regtest', fees_collected_msat: 0, 'lightning-dir': '/tmp/devnode/regtest', our_features: { init: '08a0000a8a59a1', node: '88a0000a8a59a1', channel: '', invoice: '02000002024100' } }),
    getroutes,
    getroute,
    'askrene-create-layer': (p) => {
      if (state.layers.has(p.layer)) throw new RpcError(-32602, `Layer ${p.layer} already exists`);
      state.layers.set(p.layer, { disabled: new Set(), overrides: new Map(), created: new Set() });
      return { layers: [{ layer: p.layer, persistent: false, disabled_nodes: [], created_channels: [], channel_updates: [], constraints: [], biases: [], node_biases: [] }] };
    },
    'askrene-create-channel': (p) => {
      const l = state.layers.get(p.layer);
      if (!l) throw new RpcError(-32602, `Unknown layer ${p.layer}`);
      const c = byScid[p.short_channel_id];
      const ends = c ? [nodes[c.a].id, nodes[c.b].id] : [];
      // A layer's channel may shadow one the gossip knows (a public channel's hint).
      if (c && !(ends.includes(p.source) && ends.includes(p.destination))) throw new RpcError(-32602, `channel ${p.short_channel_id} does not join ${p.source} and ${p.destination}`);
      l.created.add(p.short_channel_id);
      return {};
    },
    'askrene-update-channel': (p) => {
      const l = state.layers.get(p.layer);
      if (!l) throw new RpcError(-32602, `Unknown layer ${p.layer}`);
      const [scid] = p.short_channel_id_dir.split('/');
      const c = byScid[scid];
      if (p.enabled === false) l.disabled.add(p.short_channel_id_dir);
      if (c && (p.fee_base_msat !== undefined || p.fee_proportional_millionths !== undefined || p.cltv_expiry_delta !== undefined || p.htlc_maximum_msat !== undefined)) {
        const dir = Number(p.short_channel_id_dir.split('/')[1]);
        const from = direction(nodes[c.a].id, nodes[c.b].id) === dir ? c.a : c.b;
        const base = c.advertised[from];
        l.overrides.set(p.short_channel_id_dir, { ...base, fee_base_msat: p.fee_base_msat === undefined ? base.fee_base_msat : Number(msat(p.fee_base_msat, 'fee_base_msat')), fee_proportional_millionths: Number(p.fee_proportional_millionths ?? base.fee_proportional_millionths), cltv_expiry_delta: Number(p.cltv_expiry_delta ?? base.cltv_expiry_delta), ...(p.htlc_maximum_msat === undefined ? {} : { htlc_maximum_msat: msat(p.htlc_maximum_msat, 'htlc_maximum_msat') }) });
      }
      return {};
    },
    'askrene-reserve': (p) => reservation(p, 1n),
    'askrene-unreserve': (p) => reservation(p, -1n),
    'askrene-listreservations': () => ({ reservations: [...state.reserved].map(([dir, amount]) => ({ short_channel_id_dir: dir, amount_msat: Number(amount), age_in_seconds: 0, command_id: 'dev' })) }),
    sendonion,
    sendpay,
    waitsendpay,
    listsendpays: (p) => ({ payments: state.payments.filter((x) => p.payment_hash === undefined || x.payment_hash === p.payment_hash).map(row) }),
    listnodes: (p) => ({
      nodes: Object.values(nodes)
        .filter((n) => p.id === undefined || n.id === p.id)
        .map((n) => ({ nodeid: n.id, alias: n.name.toUpperCase(), color: '02bf81', last_timestamp: 1_700_000_000, features: '88a0000a8a59a1' })),
    }),
    /** An invoice at our node (Core Lightning's `invoice`): a unique label, "any" amount allowed. */
    invoice: (p) => {
      if (typeof p.label !== 'string' && typeof p.label !== 'number') throw new RpcError(-32602, 'label: should be a string or number');
      if (typeof p.description !== 'string') throw new RpcError(-32602, 'description: should be a string');
      if (state.labels.has(String(p.label))) throw new RpcError(900, `Duplicate label '${p.label}'`);
      state.labels.add(String(p.label));
      const amount = p.amount_msat === 'any' ? undefined : msat(p.amount_msat, 'amount_msat');
      const made = invoice({ node: us.name, amount_msat: amount, description: p.description });
      const expiry = Number(p.expiry ?? 604800);
      return { bolt11: made.bolt11, payment_hash: made.payment_hash, payment_secret: made.payment_secret, created_index: state.invoices.size, expires_at: Math.floor(Date.now() / 1000) + expiry };
    },
    signmessage: (p) => {
      if (typeof p.message !== 'string') throw new RpcError(-32602, 'message: should be a string');
      if (p.message.length > 65535) throw new RpcError(-32602, 'Message must be < 65536 bytes');
      return signMessage(us.priv, p.message);
    },
    checkmessage: (p) => {
      const signer = recoverSigner(String(p.message), String(p.zbase));
      if (!signer) throw new RpcError(-32602, 'zbase: Signature too short / malformed');
      if (p.pubkey !== undefined) return { pubkey: p.pubkey, verified: p.pubkey === signer };
      // Without a key, as lightningd: verified only for a node it knows.
      if (!byId[signer]) throw new RpcError(1301, 'pubkey not found in the graph');
      return { pubkey: signer, verified: true };
    },
    fetchinvoice,
    'dev-offer': offer,
    'dev-invoice': invoice,
    /** Dev only: make `node` fail the next `times` (default 1) HTLCs it handles with `kind`. */
    'dev-fail': (p) => {
      if (!nodes[p.node]) throw new RpcError(-32602, `node: no node named ${p.node}`);
      if (!FAILURE_KINDS.includes(p.kind)) throw new RpcError(-32602, `kind: one of ${FAILURE_KINDS.join(', ')}`);
      if (p.channel !== undefined && !byScid[p.channel]) throw new RpcError(-32602, `channel: no channel ${p.channel}`);
      const times = p.times === undefined ? 1 : Number(p.times);
      if (!Number.isInteger(times) || times < 1) throw new RpcError(-32602, 'times: a positive integer');
      failures.push({ node: p.node, kind: p.kind, channel: p.channel, times, left: times });
      return armed();
    },
    /** Dev only: the failures that can be injected, and those armed. */
    'dev-failures': () => armed(),
  };

  return {
    nodes: Object.fromEntries(Object.values(nodes).map((n) => [n.name, n.id])),
    channels,
    state,
    log: state.log,
    /** Run one method: resolves with the result, rejects with an RpcError. */
    async call(method, params = {}) {
      const fn = methods[method];
      if (!fn) throw new RpcError(-32601, `Unknown command '${method}'`);
      if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new RpcError(-32602, 'params must be an object');
      return fn(params);
    },
    invoice,
    offer,
    /** A transport for the ln-sendpay client, without HTTP (for tests). */
    transport() {
      return async (request) => {
        try {
          return JSON.stringify(await this.call(request.method, request.paramsJson ? JSON.parse(request.paramsJson) : request.params));
        } catch (e) {
          if (e instanceof RpcError) throw { code: e.code, message: e.message, data: e.data };
          throw e;
        }
      };
    },
  };
}
