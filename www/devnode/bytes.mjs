// Byte helpers the dev node's messages share: big-endian integers and short channel ids.
export const u16 = (n) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
export const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
export const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
export const b64url = (b) => Buffer.from(b).toString('base64url');
/** `103x1x0` → its 8 bytes (3-byte block, 3-byte index, 2-byte output). */
export function scidBytes(scid) {
  const [block, tx, out] = scid.split('x').map(Number);
  const b = Buffer.alloc(8);
  b.writeUIntBE(block, 0, 3);
  b.writeUIntBE(tx, 3, 3);
  b.writeUInt16BE(out, 6);
  return b;
}

