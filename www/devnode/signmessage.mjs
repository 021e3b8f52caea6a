// Core Lightning's signmessage/checkmessage for the dev node: ECDSA over secp256k1 with a
// recovery id, in plain BigInt arithmetic (independent of the package, which it tests), over
// sha256d("Lightning Signed Message:" ‖ message), zbase32 of (31 + recid) ‖ r ‖ s, as
// lightningd/signmessage.c and lnd write it.
import { createHash, randomBytes } from 'node:crypto';

export const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const G = [0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n, 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n];
const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export const mod = (a, m = P) => ((a % m) + m) % m;
export function pow(b, e, m) {
  let r = 1n;
  b = mod(b, m);
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}
/** Modular inverse (extended Euclid). */
export function inv(a, m = P) {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}
/** Affine points as `[x, y]`, the identity as `null`. */
export function add(a, b) {
  if (!a) return b;
  if (!b) return a;
  if (a[0] === b[0] && mod(a[1] + b[1]) === 0n) return null;
  const l = a[0] === b[0] ? mod(3n * a[0] * a[0] * inv(2n * a[1])) : mod((b[1] - a[1]) * inv(b[0] - a[0]));
  const x = mod(l * l - a[0] - b[0]);
  return [x, mod(l * (a[0] - x) - a[1])];
}
// Jacobian coordinates for the ladder: no inversion until the end.
function jdouble([X, Y, Z]) {
  if (Y === 0n || Z === 0n) return [0n, 1n, 0n];
  const Y2 = (Y * Y) % P;
  const S = (4n * X * Y2) % P;
  const M = (3n * X * X) % P;
  const X3 = mod(M * M - 2n * S);
  return [X3, mod(M * (S - X3) - 8n * Y2 * Y2), (2n * Y * Z) % P];
}
function jadd(p, q) {
  if (p[2] === 0n) return q;
  if (q[2] === 0n) return p;
  const Z1Z1 = (p[2] * p[2]) % P;
  const Z2Z2 = (q[2] * q[2]) % P;
  const U1 = (p[0] * Z2Z2) % P;
  const U2 = (q[0] * Z1Z1) % P;
  const S1 = (p[1] * q[2] * Z2Z2) % P;
  const S2 = (q[1] * p[2] * Z1Z1) % P;
  if (U1 === U2) return S1 === S2 ? jdouble(p) : [0n, 1n, 0n];
  const H = mod(U2 - U1);
  const R = mod(S2 - S1);
  const H2 = (H * H) % P;
  const H3 = (H2 * H) % P;
  const X3 = mod(R * R - H3 - 2n * U1 * H2);
  return [X3, mod(R * (U1 * H2 - X3) - S1 * H3), (H * p[2] * q[2]) % P];
}
/** `k·pt` (affine in and out). */
export function mul(k, pt) {
  k = mod(k, N);
  if (!pt || k === 0n) return null;
  let r = [0n, 1n, 0n];
  let q = [pt[0], pt[1], 1n];
  for (; k > 0n; k >>= 1n, q = jdouble(q)) if (k & 1n) r = jadd(r, q);
  if (r[2] === 0n) return null;
  const zi = inv(r[2]);
  const zi2 = (zi * zi) % P;
  return [(r[0] * zi2) % P, (r[1] * zi2 * zi) % P];
}
export const big = (b) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
export const bytes32 = (n) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
export const compressed = (pt) => Buffer.concat([Buffer.from([pt[1] & 1n ? 3 : 2]), bytes32(pt[0])]).toString('hex');
const digest = (message) => {
  const once = createHash('sha256').update(Buffer.concat([Buffer.from('Lightning Signed Message:'), Buffer.from(message, 'utf8')])).digest();
  return big(createHash('sha256').update(once).digest());
};

function zbaseEncode(b) {
  let bits = '';
  for (const x of b) bits += x.toString(2).padStart(8, '0');
  while (bits.length % 5) bits += '0';
  return bits.match(/.{5}/g).map((g) => ZBASE32[parseInt(g, 2)]).join('');
}
function zbaseDecode(s) {
  let bits = '';
  for (const c of s) {
    const i = ZBASE32.indexOf(c);
    if (i < 0) return null;
    bits += i.toString(2).padStart(5, '0');
  }
  return Buffer.from((bits.slice(0, Math.floor(bits.length / 8) * 8).match(/.{8}/g) ?? []).map((x) => parseInt(x, 2)));
}

/** `signmessage`: `{signature, recid, zbase}` by the node whose secret is `privHex`. */
export function signMessage(privHex, message) {
  const d = big(Buffer.from(privHex, 'hex'));
  const z = digest(message);
  for (;;) {
    const k = mod(big(randomBytes(32)), N);
    if (k === 0n) continue;
    const R = mul(k, G);
    const r = mod(R[0], N);
    let s = mod(inv(k, N) * (z + r * d), N);
    if (r === 0n || s === 0n) continue;
    let recid = Number(R[1] & 1n) | (R[0] >= N ? 2 : 0);
    if (s > N / 2n) {
      s = N - s;
      recid ^= 1;
    }
    const sig = Buffer.concat([bytes32(r), bytes32(s)]);
    return { signature: sig.toString('hex'), recid: `0${recid}`, zbase: zbaseEncode(Buffer.concat([Buffer.from([31 + recid]), sig])) };
  }
}

/** The key that signed `message` with `zbase`, compressed hex, or null. */
export function recoverSigner(message, zbase) {
  const b = zbaseDecode(String(zbase));
  if (!b || b.length !== 65 || b[0] < 31 || b[0] > 34) return null;
  const recid = b[0] - 31;
  const r = big(b.subarray(1, 33));
  const s = big(b.subarray(33));
  if (r === 0n || r >= N || s === 0n || s >= N) return null;
  const x = r + (recid & 2 ? N : 0n);
  if (x >= P) return null;
  let y = pow(mod(x * x * x + 7n), (P + 1n) / 4n, P);
  if (mod(y * y) !== mod(x * x * x + 7n)) return null;
  if (Number(y & 1n) !== (recid & 1)) y = P - y;
  const z = digest(message);
  const ri = inv(r, N);
  const Q = add(mul(mod(s * ri, N), [x, y]), mul(mod(-z * ri, N), G));
  return Q ? compressed(Q) : null;
}
