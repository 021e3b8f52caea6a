//! `channel_update` (BOLT 7, type 258) as it arrives inside a failure message: with or
//! without its 2-byte type prefix, signature checked against the node that sent it.

use alloc::vec::Vec;

use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};

use crate::crypto::{ecdsa_verify, sha256};
use crate::ids::{NodeId, ShortChannelId};
use crate::sphinx::SecretKey;

const TYPE: [u8; 2] = [0x01, 0x02];
/// Bytes of a body up to `fee_proportional_millionths` (no `htlc_maximum_msat`).
const BODY_MIN: usize = 64 + 32 + 8 + 4 + 1 + 1 + 2 + 8 + 4 + 4;

/// A decoded `channel_update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUpdate {
    /// Compact `r ‖ s` signature.
    pub signature: [u8; 64],
    /// The chain (genesis block hash, as on the wire).
    pub chain_hash: [u8; 32],
    /// The channel.
    pub short_channel_id: ShortChannelId,
    /// Timestamp (normally UNIX seconds).
    pub timestamp: u32,
    /// `message_flags` (bit 0 `must_be_one`, bit 1 `dont_forward`).
    pub message_flags: u8,
    /// `channel_flags` (bit 0 direction, bit 1 disabled).
    pub channel_flags: u8,
    /// CLTV delta.
    pub cltv_expiry_delta: u16,
    /// Minimum HTLC.
    pub htlc_minimum_msat: u64,
    /// Base fee.
    pub fee_base_msat: u32,
    /// Proportional fee.
    pub fee_proportional_millionths: u32,
    /// Maximum HTLC (absent only in very old updates, `message_flags` bit 0 clear).
    pub htlc_maximum_msat: Option<u64>,
    /// Bytes after the known fields (signed too).
    pub extra: Vec<u8>,
    /// Whether the bytes carried the `0x0102` type prefix.
    pub has_type_prefix: bool,
    /// The signed bytes: from `chain_hash` to the end.
    signed: Vec<u8>,
}

impl ChannelUpdate {
    /// Decode one body (after any type prefix).
    fn decode_body(b: &[u8], has_type_prefix: bool) -> Option<ChannelUpdate> {
        if b.len() < BODY_MIN {
            return None;
        }
        let be = |r: core::ops::Range<usize>| b[r].iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&b[..64]);
        let mut chain_hash = [0u8; 32];
        chain_hash.copy_from_slice(&b[64..96]);
        let message_flags = b[108];
        let (htlc_maximum_msat, end) = if message_flags & 1 == 1 {
            if b.len() < BODY_MIN + 8 {
                return None;
            }
            (Some(be(BODY_MIN..BODY_MIN + 8)), BODY_MIN + 8)
        } else {
            (None, BODY_MIN)
        };
        Some(ChannelUpdate {
            signature,
            chain_hash,
            short_channel_id: ShortChannelId(be(96..104)),
            timestamp: be(104..108) as u32,
            message_flags,
            channel_flags: b[109],
            cltv_expiry_delta: be(110..112) as u16,
            htlc_minimum_msat: be(112..120),
            fee_base_msat: be(120..124) as u32,
            fee_proportional_millionths: be(124..128) as u32,
            htlc_maximum_msat,
            // end ≤ b.len(): BODY_MIN, or BODY_MIN + 8 once that length was checked.
            extra: b[end..].to_vec(),
            has_type_prefix,
            signed: b[64..].to_vec(),
        })
    }

    /// Decode bytes as found in a failure message. With `signer` known, the shape whose
    /// signature verifies wins (this settles the rare unprefixed signature that starts with
    /// `0102`); the second value says whether it verified (`None` without a signer).
    pub fn decode(bytes: &[u8], signer: Option<&NodeId>) -> Option<(ChannelUpdate, Option<bool>)> {
        let prefixed = bytes.starts_with(&TYPE).then(|| ChannelUpdate::decode_body(&bytes[2..], true)).flatten();
        let bare = ChannelUpdate::decode_body(bytes, false);
        let Some(signer) = signer else {
            return prefixed.or(bare).map(|u| (u, None));
        };
        let candidates = [prefixed, bare];
        if let Some(u) = candidates.iter().flatten().find(|u| u.verify(signer)) {
            return Some((u.clone(), Some(true)));
        }
        let [prefixed, bare] = candidates;
        prefixed.or(bare).map(|u| (u, Some(false)))
    }

    /// The same update, marked as having come with (or without) the type prefix.
    pub fn clone_with_prefix(&self, has_type_prefix: bool) -> ChannelUpdate {
        ChannelUpdate { has_type_prefix, ..self.clone() }
    }

    /// The direction bit: 0 when sent by `node_id_1` (the lesser key).
    pub fn direction(&self) -> u8 {
        self.channel_flags & 1
    }

    /// Whether the channel is disabled.
    pub fn disabled(&self) -> bool {
        self.channel_flags & 2 != 0
    }

    /// Verify the signature: ECDSA over SHA256d of the bytes after the signature, by
    /// `node` (high-S signatures are normalised first, as a lenient reader).
    pub fn verify(&self, node: &NodeId) -> bool {
        // A label (an id only named, never decompressed) is decompressed here, once.
        let Ok(key) = NodeId::from_bytes(node.as_bytes()) else { return false };
        let h = sha256(&[&sha256(&[&self.signed])]);
        ecdsa_verify(&key.point(), &h, &self.signature)
    }

    /// The body without type prefix: `signature ‖ signed bytes`.
    pub fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.signed.len());
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&self.signed);
        out
    }

    /// The body with the `0x0102` prefix, as Core Lightning sends it.
    pub fn to_bytes_with_type(&self) -> Vec<u8> {
        let mut out = Vec::from(TYPE);
        out.extend_from_slice(&self.body());
        out
    }
}

/// The fields of an update to sign (the hop side: tests and the dev node).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsignedChannelUpdate {
    /// Chain hash.
    pub chain_hash: [u8; 32],
    /// Channel.
    pub short_channel_id: ShortChannelId,
    /// Timestamp.
    pub timestamp: u32,
    /// `channel_flags` (direction, disabled).
    pub channel_flags: u8,
    /// CLTV delta.
    pub cltv_expiry_delta: u16,
    /// Minimum HTLC.
    pub htlc_minimum_msat: u64,
    /// Base fee.
    pub fee_base_msat: u32,
    /// Proportional fee.
    pub fee_proportional_millionths: u32,
    /// Maximum HTLC.
    pub htlc_maximum_msat: u64,
}

impl UnsignedChannelUpdate {
    /// Sign with the node's key; returns the decoded update (`to_bytes_with_type` for the wire).
    pub fn sign(&self, key: &SecretKey) -> Option<ChannelUpdate> {
        let mut signed = Vec::with_capacity(136 - 64);
        signed.extend_from_slice(&self.chain_hash);
        signed.extend_from_slice(&self.short_channel_id.to_bytes());
        signed.extend_from_slice(&self.timestamp.to_be_bytes());
        signed.push(1); // must_be_one: htlc_maximum_msat present
        signed.push(self.channel_flags);
        signed.extend_from_slice(&self.cltv_expiry_delta.to_be_bytes());
        signed.extend_from_slice(&self.htlc_minimum_msat.to_be_bytes());
        signed.extend_from_slice(&self.fee_base_msat.to_be_bytes());
        signed.extend_from_slice(&self.fee_proportional_millionths.to_be_bytes());
        signed.extend_from_slice(&self.htlc_maximum_msat.to_be_bytes());
        let sk = SigningKey::from_bytes(&(*key.to_bytes()).into()).ok()?;
        let h = sha256(&[&sha256(&[&signed])]);
        let sig: Signature = sk.sign_prehash(&h).ok()?;
        let mut body = Vec::from(sig.normalize_s().to_bytes().as_slice());
        body.extend_from_slice(&signed);
        ChannelUpdate::decode_body(&body, false)
    }
}
