//! The primitives BOLT #4 is built from: ECDH as SHA256 of the compressed point, named
//! HMAC keys, and the ChaCha20 stream with a zero nonce starting at block 0.

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::sec1::ToSec1Point;
use k256::{FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 with `key` as the key, over the concatenation of `parts`.
pub(crate) fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// `key(name, secret) = HMAC-SHA256(key = ASCII(name), message = secret)`.
pub(crate) fn named_key(name: &[u8], secret: &[u8; 32]) -> [u8; 32] {
    hmac(name, &[secret])
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// XOR `buf` with ChaCha20(key, zero nonce) starting at block 0.
pub(crate) fn xor_stream(key: &[u8; 32], buf: &mut [u8]) {
    let mut c = ChaCha20::new(key.into(), &[0u8; 12].into());
    c.apply_keystream(buf);
}

/// `SHA256(compressed(point))`: the shared secret of BOLT #4 (libsecp256k1's default ECDH hash).
pub(crate) fn ecdh(point: &ProjectivePoint, scalar: &Scalar) -> [u8; 32] {
    let shared = (point * scalar).to_affine();
    sha256(&[&shared.to_compressed_point()])
}

/// A 32-byte hash read as a big-endian scalar, reduced mod n.
pub(crate) fn scalar_from_hash(h: &[u8; 32]) -> Scalar {
    let fb: FieldBytes = (*h).into();
    <Scalar as Reduce<FieldBytes>>::reduce(&fb)
}

pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
