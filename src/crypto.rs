//! The primitives BOLT #4 is built from: ECDH as SHA256 of the compressed point, named
//! HMAC keys, and the ChaCha20 stream with a zero nonce starting at block 0.

use k256::elliptic_curve::PrimeField;
use k256::elliptic_curve::group::Group;
use k256::elliptic_curve::ops::{LinearCombination, Reduce};
use k256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
#[cfg(feature = "wallet")]
use k256::elliptic_curve::scalar::IsHigh;
use k256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use subtle::ConstantTimeEq;

// The hashes and the stream cipher are generated in ln-sendpay-kernels (src/kernels), so
// they keep the dependencies' opt-level in the wasm build (docs/wasm.md).
pub(crate) use ln_sendpay_kernels::{HmacKey, hmac_sha256 as hmac, sha256};

/// `key(name, secret) = HMAC-SHA256(key = ASCII(name), message = secret)`.
pub(crate) fn named_key(name: &[u8], secret: &[u8; 32]) -> [u8; 32] {
    hmac(name, &[secret])
}

/// XOR `buf` with ChaCha20(key, zero nonce) starting at block 0.
pub(crate) fn xor_stream(key: &[u8; 32], buf: &mut [u8]) {
    ln_sendpay_kernels::chacha20_xor(key, 0, buf);
}

/// XOR `buf` with ChaCha20(key, zero nonce) starting `offset` bytes into the stream.
pub(crate) fn xor_stream_at(key: &[u8; 32], offset: u64, buf: &mut [u8]) {
    ln_sendpay_kernels::chacha20_xor(key, offset, buf);
}

/// `SHA256(compressed(point))`: the shared secret of BOLT #4 (libsecp256k1's default ECDH hash).
pub(crate) fn ecdh(point: &ProjectivePoint, scalar: &Scalar) -> [u8; 32] {
    let shared = (point * scalar).to_affine();
    sha256(&[&compress(&shared)])
}

/// The 33-byte compressed encoding (`02`/`03` ‖ x) of a point that is not the identity.
/// Written here rather than through the `sec1` crate's encoder, whose error type brings its
/// ASN.1 and OID formatting into every wasm module (docs/wasm.md).
pub(crate) fn compress(p: &AffinePoint) -> [u8; 33] {
    let mut out = [0u8; 33];
    out[0] = 2 | p.y_is_odd().unwrap_u8();
    out[1..].copy_from_slice(&p.x());
    out
}

/// A compressed point (`02`/`03` ‖ x, x below the field prime, on the curve), decoded.
pub(crate) fn decompress(b: &[u8; 33]) -> Option<AffinePoint> {
    if b[0] != 2 && b[0] != 3 {
        return None;
    }
    let x = FieldBytes::try_from(&b[1..]).ok()?;
    AffinePoint::decompress(&x, subtle::Choice::from(b[0] & 1)).into()
}

/// A 32-byte hash read as a big-endian scalar, reduced mod n.
pub(crate) fn scalar_from_hash(h: &[u8; 32]) -> Scalar {
    let fb: FieldBytes = (*h).into();
    <Scalar as Reduce<FieldBytes>>::reduce(&fb)
}

pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The scalars (r, s) of a compact ECDSA signature, each in 1..n; `None` otherwise.
pub(crate) fn signature_scalars(sig: &[u8; 64]) -> Option<(Scalar, Scalar)> {
    let scalar = |b: &[u8]| -> Option<Scalar> {
        let mut a = [0u8; 32];
        a.copy_from_slice(b);
        Option::<Scalar>::from(Scalar::from_repr(a.into())).filter(|s| !bool::from(s.is_zero()))
    };
    Some((scalar(&sig[..32])?, scalar(&sig[32..])?))
}

#[cfg(feature = "wallet")]
/// Whether `s` is in the upper half of the order (BOLT 11 refuses such signatures).
pub(crate) fn is_high_s(s: &Scalar) -> bool {
    s.is_high().into()
}

/// ECDSA verification of a 32-byte digest over secp256k1 with k256's arithmetic: `R = u1·G +
/// u2·Q` (u1 = z/s, u2 = r/s, one variable-time linear combination: every input is public)
/// and `R.x mod n == r`. A high-S signature verifies as its low-S twin does (both give ±R).
/// Written here rather than through the `ecdsa` crate, whose verifier brings DER, OIDs and a
/// second decompression of the key into every wasm module (docs/wasm.md).
pub(crate) fn ecdsa_verify(key: &ProjectivePoint, digest: &[u8; 32], sig: &[u8; 64]) -> bool {
    let Some((r, s)) = signature_scalars(sig) else { return false };
    let Some(s_inv) = Option::<Scalar>::from(s.invert_vartime()) else { return false };
    let z = scalar_from_hash(digest);
    let big_r = <ProjectivePoint as LinearCombination<[(ProjectivePoint, Scalar); 2]>>::lincomb_vartime(&[
        (ProjectivePoint::GENERATOR, z * s_inv),
        (*key, r * s_inv),
    ]);
    if bool::from(big_r.is_identity()) {
        return false;
    }
    let x: FieldBytes = big_r.to_affine().x();
    <Scalar as Reduce<FieldBytes>>::reduce(&x) == r
}

/// BIP-340's tagged hash `SHA256(SHA256(tag) ‖ SHA256(tag) ‖ msg…)`, the tag (given in
/// parts) hashed once for many messages.
#[cfg(feature = "wallet")]
pub(crate) struct TaggedHash([u8; 32]);

#[cfg(feature = "wallet")]
impl TaggedHash {
    pub(crate) fn new(tag: &[&[u8]]) -> TaggedHash {
        TaggedHash(sha256(tag))
    }
    pub(crate) fn hash(&self, msg: &[&[u8]]) -> [u8; 32] {
        let mut parts: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::with_capacity(msg.len() + 2);
        parts.push(&self.0);
        parts.push(&self.0);
        parts.extend_from_slice(msg);
        sha256(&parts)
    }
}

/// A one-off [`TaggedHash`].
#[cfg(feature = "wallet")]
pub(crate) fn tagged_hash(tag: &[u8], msg: &[&[u8]]) -> [u8; 32] {
    TaggedHash::new(&[tag]).hash(msg)
}

/// BIP-340 verification of `sig` over the 32-byte `msg` by the x-only key `x` (a point's x
/// coordinate; its y is taken even, as BIP-340's `lift_x`): `R = s·G − e·P` with `e =
/// H("BIP0340/challenge", r ‖ x ‖ msg)`, `R` not the identity, its y even and its x equal to
/// `r`. One variable-time linear combination, as [`ecdsa_verify`]: every input is public.
#[cfg(feature = "wallet")]
pub(crate) fn schnorr_verify(x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool {
    let Ok(xb) = FieldBytes::try_from(&x[..]) else { return false };
    let Some(p) = Option::<AffinePoint>::from(AffinePoint::decompress(&xb, subtle::Choice::from(0))) else {
        return false;
    };
    let mut rb = [0u8; 32];
    rb.copy_from_slice(&sig[..32]);
    // r must be a field element (below p): decompressing it as an x checks that too, but an
    // r with no point is simply a failed verification either way.
    let mut sb = [0u8; 32];
    sb.copy_from_slice(&sig[32..]);
    let Some(s) = Option::<Scalar>::from(Scalar::from_repr(sb.into())) else { return false };
    let e = scalar_from_hash(&tagged_hash(b"BIP0340/challenge", &[&rb, x, msg]));
    let big_r = <ProjectivePoint as LinearCombination<[(ProjectivePoint, Scalar); 2]>>::lincomb_vartime(&[
        (ProjectivePoint::GENERATOR, s),
        (ProjectivePoint::from(p), -e),
    ]);
    if bool::from(big_r.is_identity()) {
        return false;
    }
    let r = big_r.to_affine();
    !bool::from(r.y_is_odd()) && r.x().as_slice() == rb.as_slice()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
    use k256::ecdsa::{Signature, SigningKey, VerifyingKey};

    /// `schnorr_verify` agrees with k256's BIP-340 verifier on good, tampered, wrong-key and
    /// out-of-range signatures.
    #[cfg(feature = "wallet")]
    #[test]
    fn schnorr_verify_agrees_with_k256() {
        use k256::schnorr::signature::hazmat::PrehashVerifier;
        use k256::schnorr::{Signature as SchnorrSig, SigningKey as SchnorrKey};
        let mut agreed = [0usize; 2];
        for i in 0u32..120 {
            let seed = sha256(&[b"schnorr key", &i.to_be_bytes()]);
            let Ok(sk) = SchnorrKey::from_bytes(&seed.into()) else { continue };
            let msg = sha256(&[b"schnorr msg", &i.to_be_bytes()]);
            let sig = sk.sign_raw(&msg, &sha256(&[b"aux", &i.to_be_bytes()])).unwrap();
            let mut bytes: [u8; 64] = sig.to_bytes();
            match i % 4 {
                0 => {}
                1 => bytes[(i as usize * 11) % 64] ^= 1 << (i % 8),
                2 => bytes[32..].copy_from_slice(&[0xff; 32]), // s ≥ n
                _ => {}
            }
            let signer = if i % 6 == 5 { SchnorrKey::from_bytes(&sha256(&[b"other"]).into()).unwrap() } else { sk };
            let vk = signer.verifying_key();
            let x: [u8; 32] = vk.to_bytes().into();
            let theirs = SchnorrSig::try_from(&bytes[..]).is_ok_and(|s| vk.verify_prehash(&msg, &s).is_ok());
            let ours = schnorr_verify(&x, &msg, &bytes);
            assert_eq!(ours, theirs, "case {i}");
            agreed[usize::from(ours)] += 1;
        }
        assert!(agreed[0] > 20 && agreed[1] > 20, "{agreed:?}");
    }

    /// `compress`/`decompress` agree with the `sec1` encoding; an x at or above the field
    /// prime, or off the curve, or a wrong prefix, does not decode.
    #[test]
    fn compressed_points_agree_with_sec1() {
        use k256::elliptic_curve::sec1::{FromSec1Point, ToSec1Point};
        for i in 1u64..60 {
            let p = (ProjectivePoint::GENERATOR * Scalar::from(i.wrapping_mul(0x9e37_79b9_7f4a_7c15))).to_affine();
            let c = compress(&p);
            assert_eq!(&c[..], &p.to_compressed_point()[..], "{i}");
            assert_eq!(decompress(&c), Some(p));
            assert_eq!(decompress(&c).is_some(), AffinePoint::from_sec1_bytes(&c).is_ok());
        }
        let mut p_bytes = [0xffu8; 33]; // x = 2^256 - 1 > p
        p_bytes[0] = 2;
        assert_eq!(decompress(&p_bytes), None);
        let mut five = [0u8; 33]; // x = 5: not on the curve
        five[0] = 3;
        five[32] = 5;
        assert_eq!(decompress(&five), None);
        let g = compress(&ProjectivePoint::GENERATOR.to_affine());
        let mut wrong = g;
        wrong[0] = 4;
        assert_eq!(decompress(&wrong), None);
    }

    /// `ecdsa_verify` agrees with the `ecdsa` crate's verifier (high-S normalised, as the
    /// callers did before) on good, high-S, tampered and wrong-key signatures.
    #[test]
    fn ecdsa_verify_agrees_with_the_ecdsa_crate() {
        let mut agreed = [0usize; 2];
        for i in 0u32..150 {
            let seed = sha256(&[b"key", &i.to_be_bytes()]);
            let Ok(sk) = SigningKey::from_bytes(&seed.into()) else { continue };
            let digest = sha256(&[b"msg", &i.to_be_bytes()]);
            let sig: Signature = sk.sign_prehash(&digest).unwrap();
            let mut bytes: [u8; 64] = sig.to_bytes().into();
            match i % 5 {
                0 => {}
                1 => {
                    // the high-S twin
                    let (r, s) = sig.split_scalars();
                    bytes = Signature::from_scalars(r, -*s).unwrap().to_bytes().into();
                }
                2 => bytes[(i as usize * 7) % 64] ^= 1 << (i % 8),
                3 => bytes[..32].copy_from_slice(&[0xff; 32]), // r ≥ n
                _ => bytes[32..].copy_from_slice(&[0; 32]),    // s = 0
            }
            let signer = if i % 7 == 6 { SigningKey::from_bytes(&sha256(&[b"other"]).into()).unwrap() } else { sk };
            let vk = VerifyingKey::from(&signer);
            let theirs =
                Signature::from_slice(&bytes).is_ok_and(|s| vk.verify_prehash(&digest, &s.normalize_s()).is_ok());
            let ours = ecdsa_verify(&ProjectivePoint::from(*vk.as_affine()), &digest, &bytes);
            assert_eq!(ours, theirs, "case {i}");
            agreed[usize::from(ours)] += 1;
        }
        // Both outcomes were exercised.
        assert!(agreed[0] > 30 && agreed[1] > 30, "{agreed:?}");
    }
}
