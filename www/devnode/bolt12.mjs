// BOLT 12 for the dev node's payees, written independently of the package (which the tests
// check against it): TLV streams, the bech32 string without checksum, the Merkle root and
// BIP-340 signatures (BigInt), and route blinding (the recipient's side: blinded node ids,
// encrypted_recipient_data under ChaCha20-Poly1305).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { G, N, P, big, bytes32, compressed, mod, mul, pow } from './signmessage.mjs';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const tagged = (tag, ...msg) => {
  const t = sha256(Buffer.from(tag));
  return sha256(t, t, ...msg);
};

/** BigSize. */
export function bigsize(n) {
  n = BigInt(n);
  if (n < 0xfdn) return Buffer.from([Number(n)]);
  if (n <= 0xffffn) return Buffer.from([0xfd, Number(n >> 8n), Number(n & 0xffn)]);
  const b = Buffer.alloc(n <= 0xffffffffn ? 5 : 9);
  b[0] = n <= 0xffffffffn ? 0xfe : 0xff;
  if (b.length === 5) b.writeUInt32BE(Number(n), 1);
  else b.writeBigUInt64BE(n, 1);
  return b;
}
/** A truncated unsigned integer (no leading zero bytes). */
export function tu(n) {
  let h = BigInt(n).toString(16);
  if (h === '0') return Buffer.alloc(0);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, 'hex');
}
export const record = (type, value) => Buffer.concat([bigsize(type), bigsize(value.length), value]);
/** `[[type, value]…]` sorted → the stream. */
export const stream = (records) => Buffer.concat([...records].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1)).map(([t, v]) => record(t, v)));

/** The string form: `hrp` + `1` + the bytes as bech32 characters, no checksum. */
export function encode(hrp, bytes) {
  let bits = '';
  for (const x of bytes) bits += x.toString(2).padStart(8, '0');
  while (bits.length % 5) bits += '0';
  return `${hrp}1${bits.match(/.{5}/g).map((g) => CHARSET[parseInt(g, 2)]).join('')}`;
}

/** The Merkle root of `[[type, value]…]` (sorted; signature types 240–1000 left out). */
export function merkleRoot(records) {
  const rs = [...records].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1)).filter(([t]) => !(BigInt(t) >= 240n && BigInt(t) <= 1000n));
  const first = record(...rs[0]);
  const branch = (a, b) => (Buffer.compare(a, b) <= 0 ? tagged('LnBranch', a, b) : tagged('LnBranch', b, a));
  const nonceTag = Buffer.concat([Buffer.from('LnNonce'), first]);
  const nonce = (t) => {
    const h = sha256(nonceTag);
    return sha256(h, h, bigsize(t));
  };
  let level = rs.map(([t, v]) => branch(tagged('LnLeaf', record(t, v)), nonce(t)));
  for (let step = 1; step < level.length; step *= 2) {
    for (let i = 0; i + step < level.length; i += 2 * step) level[i] = branch(level[i], level[i + step]);
  }
  return level[0];
}

/** BIP-340: `secretHex` signs the 32-byte `msg`. */
export function schnorrSign(secretHex, msg) {
  const d0 = big(Buffer.from(secretHex, 'hex'));
  const Pt = mul(d0, G);
  const d = Pt[1] & 1n ? N - d0 : d0;
  const px = bytes32(Pt[0]);
  const aux = randomBytes(32);
  const t = bytes32(d ^ big(tagged('BIP0340/aux', aux)));
  const k0 = mod(big(tagged('BIP0340/nonce', t, px, msg)), N);
  const R = mul(k0, G);
  const k = R[1] & 1n ? N - k0 : k0;
  const rx = bytes32(R[0]);
  const e = mod(big(tagged('BIP0340/challenge', rx, px, msg)), N);
  return Buffer.concat([rx, bytes32(mod(k + e * d, N))]);
}

/** `records` signed by `secretHex` as `message` (`invoice`…): the records with `signature` (240). */
export function sign(message, records, secretHex) {
  const root = merkleRoot(records);
  const digest = tagged(`lightning${message}signature`, root);
  return [...records, [240, schnorrSign(secretHex, digest)]];
}

export const point = (hex) => {
  const b = Buffer.from(hex, 'hex');
  const x = big(b.subarray(1));
  let y = pow(mod(x * x * x + 7n), (P + 1n) / 4n, P);
  if (Number(y & 1n) !== (b[0] & 1)) y = P - y;
  return [x, y];
};

/**
 * A blinded path to the last of `hops` (`[{id (hex), tlv (Buffer)}]`, the introduction node
 * first): `{firstNodeId, firstPathKey, hops: [{blindedNodeId, encryptedRecipientData}]}`,
 * and its bytes as BOLT 12 writes a `blinded_path`.
 */
export function blindedPath(hops) {
  let e = mod(big(randomBytes(32)), N);
  const firstPathKey = compressed(mul(e, G));
  const out = [];
  for (const { id, tlv } of hops) {
    const E = compressed(mul(e, G));
    const ss = sha256(Buffer.from(compressed(mul(e, point(id))), 'hex'));
    const tweak = mod(big(createHmac('sha256', 'blinded_node_id').update(ss).digest()), N);
    const rho = createHmac('sha256', 'rho').update(ss).digest();
    const c = createCipheriv('chacha20-poly1305', rho, Buffer.alloc(12), { authTagLength: 16 });
    const data = Buffer.concat([c.update(tlv), c.final(), c.getAuthTag()]);
    out.push({ blindedNodeId: compressed(mul(tweak, point(id))), encryptedRecipientData: data.toString('hex') });
    e = mod(e * big(sha256(Buffer.from(E, 'hex'), ss)), N);
  }
  const path = { firstNodeId: hops[0].id, firstPathKey, hops: out };
  const bytes = Buffer.concat([
    Buffer.from(path.firstNodeId, 'hex'),
    Buffer.from(firstPathKey, 'hex'),
    Buffer.from([out.length]),
    ...out.flatMap((h) => {
      const d = Buffer.from(h.encryptedRecipientData, 'hex');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(d.length);
      return [Buffer.from(h.blindedNodeId, 'hex'), len, d];
    }),
  ]);
  return { path, bytes };
}

/** Read a TLV stream: `{type: Buffer}` (types as decimal strings). */
export function readTlv(b) {
  const out = {};
  let i = 0;
  const bs = () => {
    const x = b[i++];
    if (x < 0xfd) return BigInt(x);
    const n = x === 0xfd ? 2 : x === 0xfe ? 4 : 8;
    const v = BigInt(`0x${b.subarray(i, i + n).toString('hex')}`);
    i += n;
    return v;
  };
  while (i < b.length) {
    const t = bs();
    const len = Number(bs());
    out[String(t)] = b.subarray(i, i + len);
    i += len;
  }
  return out;
}

/**
 * A blinded hop's side (BOLT 4 route blinding): with its secret and the path key it got,
 * decrypt its `encrypted_recipient_data` (ChaCha20-Poly1305 under rho(ss)) and derive the next
 * path key. `null` when the data does not decrypt.
 */
export function unblind(privHex, pathKeyHex, dataHex) {
  const E = point(pathKeyHex);
  const ss = sha256(Buffer.from(compressed(mul(big(Buffer.from(privHex, 'hex')), E)), 'hex'));
  const rho = createHmac('sha256', 'rho').update(ss).digest();
  const data = Buffer.from(dataHex, 'hex');
  try {
    const d = createDecipheriv('chacha20-poly1305', rho, Buffer.alloc(12), { authTagLength: 16 });
    d.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
    const next = compressed(mul(mod(big(sha256(Buffer.from(pathKeyHex, 'hex'), ss)), N), E));
    return { tlv: readTlv(plain), nextPathKey: next };
  } catch {
    return null;
  }
}
