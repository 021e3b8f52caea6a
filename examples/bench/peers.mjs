// `make bench`'s peers: the same Sphinx work as ln-sendpay's createOnion / buildOnion /
// decodeFailure, written in JS over another secp256k1 library, so the bench compares like
// with like. The symmetric parts (SHA-256, HMAC, ChaCha20) use node:crypto (OpenSSL, native)
// for every peer: they get the fastest hashing Node has, and the comparison is about the
// elliptic-curve work, which is most of an onion. Each peer is checked byte for byte against
// BOLT #4's vectors (and against ln-sendpay's own buildOnion) before it is timed.
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import * as tiny from 'tiny-secp256k1';
import { secp256k1 } from '@noble/curves/secp256k1.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ROUTING_INFO = 1300;
const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => Buffer.from(h, 'hex');
const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hmac = (key, ...parts) => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
const toBig = (b) => BigInt(`0x${hex(b)}`);
const fromBig = (x) => bytes(x.toString(16).padStart(64, '0'));

/** XOR `buf` in place with ChaCha20(key, zero nonce) from byte `offset` of its stream. */
function xorStream(key, buf, offset = 0) {
  const iv = Buffer.alloc(16); // 32-bit little-endian block counter ‖ 96-bit zero nonce
  iv.writeUInt32LE(Math.floor(offset / 64), 0);
  const skip = offset % 64;
  const c = createCipheriv('chacha20', key, iv);
  const ks = c.update(Buffer.alloc(skip + buf.length));
  for (let i = 0; i < buf.length; i++) buf[i] ^= ks[skip + i];
}

/** The two operations Sphinx needs from a curve library, and its name. */
export const CURVES = {
  'tiny-secp256k1 2.2.4': {
    base: (e) => tiny.pointFromScalar(e, true),
    ecdh: (point, e) => tiny.pointMultiply(point, e, true),
  },
  '@noble/curves 2.4.0': {
    base: (e) => secp256k1.getPublicKey(e, true),
    ecdh: (point, e) => secp256k1.getSharedSecret(e, point, true),
  },
};

/** createonion: `hops` of {pubkey, payload} (hex, payload with its length prefix). */
export function createOnion(curve, { sessionKey, associatedData, hops }) {
  let e = bytes(sessionKey);
  const keys = [];
  for (const { pubkey } of hops) {
    const epk = curve.base(e);
    const ss = sha256(curve.ecdh(bytes(pubkey), e));
    keys.push({ epk, ss, rho: hmac('rho', ss), mu: hmac('mu', ss) });
    const b = toBig(sha256(epk, ss)) % N;
    e = fromBig((toBig(e) * b) % N);
  }
  const frames = hops.map((h) => bytes(h.payload));
  const needed = frames.reduce((a, f) => a + f.length + 32, 0);
  if (needed > ROUTING_INFO) throw new Error('payloads too large');
  const n = frames.length;
  const fillerLen = needed - (frames[n - 1].length + 32);
  const filler = Buffer.alloc(fillerLen);
  let pos = 0;
  for (let i = 0; i < n - 1; i++) {
    const size = frames[i].length + 32;
    pos += size;
    xorStream(keys[i].rho, filler.subarray(0, pos), ROUTING_INFO + size - pos);
  }
  const mix = Buffer.alloc(ROUTING_INFO);
  xorStream(hmac('pad', bytes(sessionKey)), mix);
  let next = Buffer.alloc(32);
  const ad = bytes(associatedData);
  for (let i = n - 1; i >= 0; i--) {
    const size = frames[i].length + 32;
    mix.copyWithin(size, 0, ROUTING_INFO - size);
    frames[i].copy(mix, 0);
    next.copy(mix, frames[i].length);
    xorStream(keys[i].rho, mix);
    if (i === n - 1) filler.copy(mix, ROUTING_INFO - fillerLen);
    next = hmac(keys[i].mu, mix, ad);
  }
  return { onion: hex(Buffer.concat([Buffer.from([0]), keys[0].epk, mix, next])), sharedSecrets: keys.map((k) => hex(k.ss)) };
}

const tu = (x) => {
  const b = fromBig(BigInt(x)).subarray(24); // 8 bytes, big-endian
  let i = 0;
  while (i < 8 && b[i] === 0) i++;
  return b.subarray(i);
};
const tlv = (type, value) => Buffer.concat([Buffer.from([type, value.length]), value]);
const scid = (s) => {
  const [block, tx, out] = s.split('x').map(Number);
  const b = Buffer.alloc(8);
  b.writeUIntBE(block, 0, 3);
  b.writeUIntBE(tx, 3, 3);
  b.writeUInt16BE(out, 6);
  return b;
};
const framed = (payload) => {
  if (payload.length >= 253) throw new Error('payload too long for this bench');
  return Buffer.concat([Buffer.from([payload.length]), payload]);
};

/** buildOnion: a getroute-style route (`amount_msat` as a decimal string) → payloads → onion. */
export function buildOnion(curve, { route, paymentHash, paymentSecret, blockHeight, sessionKey }) {
  const hops = route.map((hop, i) => {
    const last = i === route.length - 1;
    const to = last ? hop : route[i + 1];
    const fields = [tlv(2, tu(to.amount_msat)), tlv(4, tu(blockHeight + 1 + to.delay))];
    fields.push(last ? tlv(8, Buffer.concat([bytes(paymentSecret), tu(hop.amount_msat)])) : tlv(6, scid(to.channel)));
    return { pubkey: hop.id, payload: hex(framed(Buffer.concat(fields))) };
  });
  return createOnion(curve, { sessionKey, associatedData: paymentHash, hops });
}

/** decodeFailure: which hop's keys authenticate the reply, and its failure code. Like
 *  ln-sendpay (and BOLT #4's SHOULD), 27 rounds whatever the route's length, the rounds past
 *  it with a dummy secret, so the time does not tell the position. */
export function decodeFailure({ reply, sharedSecrets }) {
  const r = bytes(reply);
  const dummy = Buffer.alloc(32, 7);
  let found = { code: 202 };
  for (let i = 0; i < Math.max(27, sharedSecrets.length); i++) {
    const ss = i < sharedSecrets.length ? bytes(sharedSecrets[i]) : dummy;
    xorStream(hmac('ammag', ss), r);
    const match = hmac(hmac('um', ss), r.subarray(32)).equals(r.subarray(0, 32));
    if (match && found.code === 202 && i < sharedSecrets.length) {
      const len = r.readUInt16BE(32);
      found = { originIndex: i, code: r.readUInt16BE(34), failureMessage: hex(r.subarray(34, 34 + len)) };
    }
  }
  return found;
}

/** Each peer against the vectors, and against ln-sendpay's buildOnion for `buildRequest`: throws on a difference. */
export function checkPeers(ln, onionVector, errorVector, buildRequest) {
  const g = onionVector.generate;
  const secrets = errorVector.generate.hops.map((h) => h.hop_shared_secret);
  for (const [name, curve] of Object.entries(CURVES)) {
    const r = createOnion(curve, { sessionKey: g.session_key, associatedData: g.associated_data, hops: g.hops });
    if (r.onion !== onionVector.onion) throw new Error(`${name}: createOnion differs from bolt04/onion-test.json`);
    if (r.sharedSecrets.join() !== secrets.join()) throw new Error(`${name}: shared secrets differ from bolt04/onion-error-test.json`);
    const ours = ln.buildOnion(buildRequest);
    if (buildOnion(curve, buildRequest).onion !== ours.onion) throw new Error(`${name}: buildOnion differs from ln-sendpay's`);
  }
  const f = decodeFailure({ reply: errorVector.errorpacket, sharedSecrets: secrets });
  if (f.originIndex !== 4 || f.failureMessage !== errorVector.generate.failure_message) throw new Error('peer decodeFailure differs from bolt04/onion-error-test.json');
}
