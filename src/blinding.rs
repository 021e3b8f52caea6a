//! Route blinding (BOLT #4): the types a sender pays into, and the hop-side and
//! recipient-side maths that tests and the dev node use.
//!
//! Sender: route to the introduction node under its real node id, put `current_path_key`
//! and the first `encrypted_recipient_data` in its payload, then encrypt each later layer
//! to a `blinded_node_id` whose payload holds only its `encrypted_recipient_data` (the
//! final one adds amount, cltv and `total_amount_msat`). See [`crate::payload`].

use alloc::vec::Vec;

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use k256::ProjectivePoint;
use zeroize::Zeroizing;

use crate::crypto::{ecdh, named_key, scalar_from_hash, sha256};
use crate::ids::NodeId;
use crate::sphinx::{OnionError, PeeledOnion, SecretKey, SharedSecret, peel_onion};

/// One hop of a blinded path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindedHop {
    /// The blinded node id the onion layer is encrypted to.
    pub blinded_node_id: NodeId,
    /// Opaque data for that hop, copied into its payload (TLV type 10).
    pub encrypted_recipient_data: Vec<u8>,
}

/// A blinded path, as a recipient publishes it (e.g. in a BOLT 12 invoice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindedPath {
    /// The introduction node's real node id.
    pub introduction_node: NodeId,
    /// The path key `E_0` the introduction node finds in its payload.
    pub first_path_key: NodeId,
    /// The hops, introduction node first.
    pub hops: Vec<BlindedHop>,
}

/// What the whole blinded path costs (fees and cltv delta already summed by the recipient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlindedPayInfo {
    /// Base fee, msat.
    pub fee_base_msat: u32,
    /// Proportional fee, millionths.
    pub fee_proportional_millionths: u32,
    /// CLTV delta of the whole path.
    pub cltv_expiry_delta: u16,
}

impl BlindedPayInfo {
    /// The fee for delivering `amount` msat through the path (rounded down, as BOLT 4 does).
    pub fn fee(&self, amount: u64) -> Option<u64> {
        // ⌊amount·ppm / 10⁶⌋ without a 128-bit division (which brings compiler-builtins' u128
        // division into the module): with amount = q·10⁶ + r it is q·ppm + ⌊r·ppm / 10⁶⌋,
        // and r·ppm < 10⁶·2³² fits.
        let ppm = u64::from(self.fee_proportional_millionths);
        let (q, r) = (amount / 1_000_000, amount % 1_000_000);
        q.checked_mul(ppm)?.checked_add(r * ppm / 1_000_000)?.checked_add(u64::from(self.fee_base_msat))
    }
}

/// The hop's ECDH with the path key: `SHA256(compressed(node_key · path_key))`.
pub fn path_shared_secret(node_key: &SecretKey, path_key: &NodeId) -> SharedSecret {
    SharedSecret::from_bytes(ecdh(&path_key.point(), node_key.scalar()))
}

/// The private key a blinded hop peels with: `node_key · HMAC("blinded_node_id", ss)`.
pub fn blinded_node_key(node_key: &SecretKey, path_key: &NodeId) -> Result<SecretKey, OnionError> {
    let ss = path_shared_secret(node_key, path_key);
    let tweak = scalar_from_hash(&Zeroizing::new(named_key(b"blinded_node_id", ss.as_bytes())));
    SecretKey::from_scalar(*node_key.scalar() * tweak)
}

/// The blinded node id of `node` for shared secret `ss`: `HMAC("blinded_node_id", ss) · N`.
pub fn blinded_node_id(node: &NodeId, ss: &SharedSecret) -> NodeId {
    let tweak = scalar_from_hash(&named_key(b"blinded_node_id", ss.as_bytes()));
    NodeId::from_point(&(node.point() * tweak).to_affine())
}

/// The next hop's path key: `SHA256(E ‖ ss) · E` (unless the hop's data overrides it).
pub fn next_path_key(path_key: &NodeId, ss: &SharedSecret) -> NodeId {
    let f = scalar_from_hash(&sha256(&[path_key.as_bytes(), ss.as_bytes()]));
    NodeId::from_point(&(path_key.point() * f).to_affine())
}

fn aead(ss: &SharedSecret) -> ChaCha20Poly1305 {
    let rho = Zeroizing::new(named_key(b"rho", ss.as_bytes()));
    ChaCha20Poly1305::new((&*rho).into())
}

/// Decrypt `encrypted_recipient_data` (ChaCha20-Poly1305 under `rho(ss)`, zero nonce, no AAD).
pub fn decrypt_recipient_data(ss: &SharedSecret, data: &[u8]) -> Result<Vec<u8>, OnionError> {
    aead(ss).decrypt(&[0u8; 12].into(), data).map_err(|_| OnionError::BadRecipientData)
}

/// Encrypt a hop's `encrypted_data_tlv` (the recipient's side).
pub fn encrypt_recipient_data(ss: &SharedSecret, plaintext: &[u8]) -> Vec<u8> {
    // Encryption fails only past 2^38 bytes.
    aead(ss).encrypt(&[0u8; 12].into(), plaintext).unwrap_or_default()
}

/// Peel a layer at a blinded hop that received `path_key` with the HTLC: derive the
/// blinded node key, peel, and return the path shared secret alongside (it decrypts the
/// hop's `encrypted_recipient_data` and derives the next path key).
pub fn peel_blinded(
    node_key: &SecretKey,
    path_key: &NodeId,
    packet: &[u8],
    associated_data: &[u8],
) -> Result<(PeeledOnion, SharedSecret), OnionError> {
    let key = blinded_node_key(node_key, path_key)?;
    let peeled = peel_onion(&key, packet, associated_data)?;
    Ok((peeled, path_shared_secret(node_key, path_key)))
}

/// Build a blinded path to the last of `hops` (the recipient's side): each hop's node id
/// and its `encrypted_data_tlv` plaintext. `session_key` is `e_0`.
pub fn create_blinded_path(session_key: &SecretKey, hops: &[(NodeId, &[u8])]) -> Option<BlindedPath> {
    let (intro, _) = hops.first()?;
    let mut e = Zeroizing::new(*session_key.scalar());
    let first_path_key = NodeId::from_point(&ProjectivePoint::mul_by_generator(&e).to_affine());
    let mut out = Vec::with_capacity(hops.len());
    for (node, tlv) in hops {
        let big_e = NodeId::from_point(&ProjectivePoint::mul_by_generator(&e).to_affine());
        let ss = SharedSecret::from_bytes(ecdh(&node.point(), &e));
        out.push(BlindedHop {
            blinded_node_id: blinded_node_id(node, &ss),
            encrypted_recipient_data: encrypt_recipient_data(&ss, tlv),
        });
        *e *= scalar_from_hash(&sha256(&[big_e.as_bytes(), ss.as_bytes()]));
    }
    Some(BlindedPath { introduction_node: *intro, first_path_key, hops: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fee` equals the 128-bit formula ⌊amount·ppm / 10⁶⌋ + base, overflow included.
    #[test]
    fn fee_matches_the_128_bit_formula() {
        let wide = |amount: u64, ppm: u32, base: u32| {
            let prop = u128::from(amount) * u128::from(ppm) / 1_000_000;
            u64::try_from(prop).ok()?.checked_add(u64::from(base))
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let edges = [0, 1, 999_999, 1_000_000, 1_000_001, u64::MAX / 1_000_000, u64::MAX - 1, u64::MAX];
        for i in 0..20_000 {
            let amount = if i < 64 { edges[i % edges.len()] } else { next() >> (next() % 64) };
            let ppm = if i % 7 == 0 { u32::MAX } else { next() as u32 >> (next() % 32) };
            let base = if i % 5 == 0 { u32::MAX } else { next() as u32 };
            let info =
                BlindedPayInfo { fee_base_msat: base, fee_proportional_millionths: ppm, ..BlindedPayInfo::default() };
            assert_eq!(info.fee(amount), wide(amount, ppm, base), "{amount} {ppm} {base}");
        }
    }
}
