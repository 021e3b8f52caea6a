// BOLT 11 invoices for the dev node's payees (dev-invoice), written independently of the
// package: bech32 with its checksum, the tagged fields, an ECDSA signature with recovery id.
import { sign } from 'node:crypto';
import { scidBytes, u16, u32 } from './bytes.mjs';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function polymod(values) {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GEN[i]) >>> 0;
  }
  return chk;
}
const hrpExpand = (hrp) => [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
/** Values of `from` bits → values of `to` bits, the last one zero-padded (bech32's regrouping). */
function regroup(values, from, to) {
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const v of values) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & ((1 << to) - 1));
    }
    acc &= (1 << bits) - 1;
  }
  if (bits) out.push((acc << (to - bits)) & ((1 << to) - 1));
  return out;
}
/** Bytes → 5-bit groups (zero-padded). */
const toGroups = (bytes) => regroup(bytes, 8, 5);
/** 5-bit groups → bytes (the last partial byte zero-padded). */
const toBytes = (groups) => Buffer.from(regroup(groups, 5, 8));
const intGroups = (n, min = 1) => {
  const g = [];
  for (let v = BigInt(n); v > 0n; v >>= 5n) g.unshift(Number(v & 31n));
  while (g.length < min) g.unshift(0);
  return g;
};
const field = (type, data) => [type, data.length >> 5, data.length & 31, ...data];

/**
 * A BOLT 11 invoice signed by `node` (its `n` field set, so readers verify rather than
 * recover): regtest prefix, the amount in pico-BTC, p, s, d, n, x, c and features 8 and 14.
 */
export function encodeInvoice({ node, hash, secret, amountMsat, description, timestamp, expiry = 3600, minFinalCltv = 18, hints = [] }) {
  // One `r` field per hint (a single-hop route from a public node): pubkey, scid, fees, cltv.
  const hintFields = hints.map((h) =>
    field(3, toGroups(Buffer.concat([Buffer.from(h.pubkey, 'hex'), scidBytes(h.scid), u32(h.fee_base_msat), u32(h.fee_proportional_millionths), u16(h.cltv_expiry_delta)]))),
  );
  const hrp = `lnbcrt${amountMsat === undefined ? '' : `${BigInt(amountMsat) * 10n}p`}`;
  const data = [
    ...intGroups(timestamp, 7),
    ...field(1, toGroups(Buffer.from(hash, 'hex'))),
    ...field(16, toGroups(Buffer.from(secret, 'hex'))),
    ...field(13, toGroups(Buffer.from(description, 'utf8'))),
    ...field(19, toGroups(Buffer.from(node.id, 'hex'))),
    ...field(6, intGroups(expiry)),
    ...field(24, intGroups(minFinalCltv)),
    ...field(5, intGroups(0x4100)), // features 8 and 14: the vector's groups are its value's
    ...hintFields.flat(),
  ];
  const message = Buffer.concat([Buffer.from(hrp), toBytes(data)]);
  const sig = sign('sha256', message, { key: node.key, dsaEncoding: 'ieee-p1363' });
  let s = BigInt('0x' + sig.subarray(32).toString('hex'));
  if (s > N / 2n) s = N - s;
  const sig65 = Buffer.concat([sig.subarray(0, 32), Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), Buffer.from([0])]);
  const all = [...data, ...toGroups(sig65)];
  const pm = polymod([...hrpExpand(hrp), ...all, 0, 0, 0, 0, 0, 0]) ^ 1;
  const check = [0, 1, 2, 3, 4, 5].map((i) => (pm >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...all, ...check].map((g) => CHARSET[g]).join('')}`;
}

