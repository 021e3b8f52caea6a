//! BOLT #4 Sphinx payment onions: build (the sender's side) and peel (a hop's side).
//!
//! The key schedule derives each hop's ephemeral public key as `G × e_i`, where `e_i` is
//! the accumulated scalar `session_key · bf_0 · … · bf_{i-1}`, instead of re-blinding the
//! previous point: N hops cost N fixed-base (table) and N variable-base multiplications.
//! Secrets (session keys, node keys, shared secrets, derived stream keys) are zeroized
//! when dropped; HMACs are compared in constant time.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use k256::elliptic_curve::{BatchNormalize, PrimeField};
use k256::{ProjectivePoint, Scalar};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::{
    HmacKey, compress, ct_eq, ecdh, hmac, named_key, scalar_from_hash, sha256, xor_stream, xor_stream_at,
};
use crate::hex;
use crate::ids::NodeId;
use crate::wire::{bigsize_len, read_bigsize};

/// Size of the routing information in a payment onion.
pub const ROUTING_INFO_SIZE: usize = 1300;
/// Size of an HMAC.
pub const HMAC_SIZE: usize = 32;
/// Size of a payment onion packet: version, ephemeral key, routing info, HMAC.
pub const PACKET_SIZE: usize = 1 + 33 + ROUTING_INFO_SIZE + HMAC_SIZE;

/// BOLT #4 failure codes for onions a hop cannot read.
const INVALID_ONION_VERSION: u16 = 0xC004;
const INVALID_ONION_HMAC: u16 = 0xC005;
const INVALID_ONION_KEY: u16 = 0xC006;
const INVALID_ONION_PAYLOAD: u16 = 0x4016;

/// Why an onion could not be built or peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnionError {
    /// No hops were given.
    NoHops,
    /// A secret key that is zero or not below the group order.
    InvalidSecretKey,
    /// The hop frames need more room than the routing info has.
    PayloadsTooLarge {
        /// Bytes the frames (each with its 32-byte HMAC) need.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// A hop's frame is empty.
    EmptyFrame {
        /// The hop index.
        hop: usize,
    },
    /// A hop's payload does not start with a BigSize length that covers exactly the rest.
    BadLengthPrefix {
        /// The hop index.
        hop: usize,
    },
    /// A packet of the wrong size.
    PacketLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// An onion version other than 0.
    BadVersion(u8),
    /// The ephemeral key is not a point on the curve.
    BadEphemeralKey,
    /// The HMAC does not match: not for this node, or tampered with.
    BadHmac,
    /// The decrypted frame is unreadable (length below 2, or running past the end).
    BadFrame,
    /// Encrypted recipient data that does not decrypt with this key.
    BadRecipientData,
}

impl OnionError {
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self {
            OnionError::NoHops => "ONION_NO_HOPS",
            OnionError::InvalidSecretKey => "INVALID_SECRET_KEY",
            OnionError::PayloadsTooLarge { .. } => "ONION_TOO_LARGE",
            OnionError::EmptyFrame { .. } => "ONION_EMPTY_FRAME",
            OnionError::BadLengthPrefix { .. } => "ONION_BAD_LENGTH_PREFIX",
            OnionError::PacketLength { .. } => "ONION_PACKET_LENGTH",
            OnionError::BadVersion(_) => "ONION_BAD_VERSION",
            OnionError::BadEphemeralKey => "ONION_BAD_KEY",
            OnionError::BadHmac => "ONION_BAD_HMAC",
            OnionError::BadFrame => "ONION_BAD_FRAME",
            OnionError::BadRecipientData => "ONION_BAD_RECIPIENT_DATA",
        }
    }
    /// The BOLT #4 failure code a forwarding node would answer with, where one applies.
    pub fn failcode(&self) -> Option<u16> {
        match self {
            OnionError::BadVersion(_) => Some(INVALID_ONION_VERSION),
            OnionError::BadEphemeralKey => Some(INVALID_ONION_KEY),
            OnionError::BadHmac => Some(INVALID_ONION_HMAC),
            OnionError::BadFrame => Some(INVALID_ONION_PAYLOAD),
            _ => None,
        }
    }
}

impl fmt::Display for OnionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnionError::NoHops => f.write_str("an onion needs at least one hop"),
            OnionError::InvalidSecretKey => f.write_str("secret key is zero or not below the curve order"),
            OnionError::PayloadsTooLarge { needed, available } => write!(
                f,
                "hop payloads need {needed} bytes but the onion holds {available}: {} bytes too many",
                needed - available
            ),
            OnionError::EmptyFrame { hop } => write!(f, "hop {hop}: empty payload"),
            OnionError::BadLengthPrefix { hop } => {
                write!(f, "hop {hop}: payload is not prefixed with a BigSize length covering exactly the rest")
            }
            OnionError::PacketLength { expected, got } => write!(f, "onion must be {expected} bytes, got {got}"),
            OnionError::BadVersion(v) => write!(f, "unknown onion version {v}"),
            OnionError::BadEphemeralKey => f.write_str("onion ephemeral key is not a valid point"),
            OnionError::BadHmac => {
                f.write_str("onion HMAC does not match (wrong node key or associated data, or tampered)")
            }
            OnionError::BadFrame => f.write_str("decrypted hop payload is malformed"),
            OnionError::BadRecipientData => f.write_str("encrypted_recipient_data does not decrypt"),
        }
    }
}

/// A secp256k1 secret key (a session key or a node key): non-zero, below the group order,
/// zeroized on drop.
pub struct SecretKey(Scalar);

impl SecretKey {
    /// From 32 big-endian bytes.
    pub fn from_bytes(b: &[u8; 32]) -> Result<SecretKey, OnionError> {
        let s: Option<Scalar> = Scalar::from_repr((*b).into()).into();
        match s {
            Some(s) if !bool::from(s.is_zero()) => Ok(SecretKey(s)),
            _ => Err(OnionError::InvalidSecretKey),
        }
    }
    /// From 64 hex digits.
    pub fn from_hex(s: &str) -> Result<SecretKey, crate::Error> {
        let b = Zeroizing::new(hex::decode_array::<32>(s).map_err(crate::ids::IdError::from)?);
        Ok(SecretKey::from_bytes(&b)?)
    }
    pub(crate) fn from_scalar(s: Scalar) -> Result<SecretKey, OnionError> {
        if bool::from(s.is_zero()) { Err(OnionError::InvalidSecretKey) } else { Ok(SecretKey(s)) }
    }
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.0
    }
    /// The public key (node id) of this secret.
    pub fn public_key(&self) -> NodeId {
        NodeId::from_point(&ProjectivePoint::mul_by_generator(&self.0).to_affine())
    }
    /// The 32 big-endian bytes (handle with care).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_repr().into())
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// A 32-byte shared secret (one per hop), zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret([u8; 32]);

impl SharedSecret {
    /// Wrap 32 bytes.
    pub fn from_bytes(b: [u8; 32]) -> SharedSecret {
        SharedSecret(b)
    }
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// Lowercase hex.
    pub fn to_hex(&self) -> alloc::string::String {
        hex::encode(&self.0)
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(..)")
    }
}

/// An onion packet: `version ‖ ephemeral key ‖ routing info ‖ hmac`.
#[derive(Clone, PartialEq, Eq)]
pub struct OnionPacket(Vec<u8>);

impl OnionPacket {
    /// The packet bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// Into the packet bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    /// Lowercase hex.
    pub fn to_hex(&self) -> alloc::string::String {
        hex::encode(&self.0)
    }
}

impl fmt::Debug for OnionPacket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OnionPacket({} bytes)", self.0.len())
    }
}

/// One hop of an onion to build: its public key (the node id, or a blinded node id) and
/// its frame, i.e. the payload **with** its BigSize length prefix, without the HMAC.
#[derive(Debug, Clone, Copy)]
pub struct OnionHop<'a> {
    /// The key the layer is encrypted to.
    pub pubkey: &'a NodeId,
    /// BigSize(len) ‖ payload.
    pub frame: &'a [u8],
}

/// Per-hop keys derived from a session key.
pub struct HopKeys {
    /// The ephemeral public key that hop sees in its packet.
    pub ephemeral_key: NodeId,
    /// The shared secret with that hop.
    pub shared_secret: SharedSecret,
}

/// Derive each hop's ephemeral key and shared secret (the elliptic-curve part of building).
pub fn key_schedule(session_key: &SecretKey, pubkeys: &[&NodeId]) -> Vec<HopKeys> {
    let mut out = Vec::with_capacity(pubkeys.len());
    let mut e = Zeroizing::new(session_key.0);
    for pk in pubkeys {
        // The ephemeral point and the ECDH point are normalised together: one field
        // inversion a hop instead of two.
        let [epk, shared] = <ProjectivePoint as BatchNormalize<_>>::batch_normalize(&[
            ProjectivePoint::mul_by_generator(&e),
            pk.point() * *e,
        ]);
        let epk = NodeId::from_point(&epk);
        let ss = sha256(&[&compress(&shared)]);
        let bf = scalar_from_hash(&sha256(&[epk.as_bytes(), &ss]));
        *e *= bf;
        out.push(HopKeys { ephemeral_key: epk, shared_secret: SharedSecret(ss) });
    }
    out
}

/// Check that a createonion-style payload starts with a BigSize length covering exactly
/// the rest (Core Lightning's "hops[i] payload is not prefixed with length!").
pub fn check_length_prefix(hop: usize, frame: &[u8]) -> Result<(), OnionError> {
    let mut pos = 0;
    let len = read_bigsize(frame, &mut pos).map_err(|_| OnionError::BadLengthPrefix { hop })?;
    if (frame.len() - pos) as u64 != len {
        return Err(OnionError::BadLengthPrefix { hop });
    }
    Ok(())
}

/// Build a payment onion (1366 bytes). Returns the packet and one shared secret per hop,
/// which the sender keeps to decode a failure reply.
pub fn build_onion(
    session_key: &SecretKey,
    hops: &[OnionHop<'_>],
    associated_data: &[u8],
) -> Result<(OnionPacket, Vec<SharedSecret>), OnionError> {
    build_onion_sized(session_key, hops, associated_data, ROUTING_INFO_SIZE)
}

/// [`build_onion`] with another routing-info size (onion messages use larger ones).
pub fn build_onion_sized(
    session_key: &SecretKey,
    hops: &[OnionHop<'_>],
    associated_data: &[u8],
    size: usize,
) -> Result<(OnionPacket, Vec<SharedSecret>), OnionError> {
    if hops.is_empty() {
        return Err(OnionError::NoHops);
    }
    if let Some(hop) = hops.iter().position(|h| h.frame.is_empty()) {
        return Err(OnionError::EmptyFrame { hop });
    }
    let needed: usize = hops.iter().map(|h| h.frame.len() + HMAC_SIZE).sum();
    if needed > size {
        return Err(OnionError::PayloadsTooLarge { needed, available: size });
    }
    let pubkeys: Vec<&NodeId> = hops.iter().map(|h| h.pubkey).collect();
    let keys = key_schedule(session_key, &pubkeys);
    let (rho_key, mu_key) = (HmacKey::new(b"rho"), HmacKey::new(b"mu"));
    let rho: Vec<Zeroizing<[u8; 32]>> =
        keys.iter().map(|k| Zeroizing::new(rho_key.mac(&[&k.shared_secret.0]))).collect();

    // Filler: what hops 0..n-2 shift in, so the last hop's HMAC covers the right bytes.
    let n = hops.len();
    let filler_len = needed - (hops[n - 1].frame.len() + HMAC_SIZE);
    let mut filler = vec![0u8; filler_len];
    let mut pos = 0;
    for (hop, rho) in hops.iter().zip(&rho).take(n - 1) {
        let frame_size = hop.frame.len() + HMAC_SIZE;
        pos += frame_size;
        xor_stream_at(rho, (size + frame_size - pos) as u64, &mut filler[..pos]);
    }

    let mut mix = vec![0u8; size];
    let pad = Zeroizing::new(named_key(b"pad", &session_key.0.to_repr().into()));
    xor_stream(&pad, &mut mix);
    let mut next_hmac = [0u8; HMAC_SIZE];
    for i in (0..n).rev() {
        let frame = hops[i].frame;
        let frame_size = frame.len() + HMAC_SIZE;
        mix.copy_within(0..size - frame_size, frame_size);
        mix[..frame.len()].copy_from_slice(frame);
        mix[frame.len()..frame_size].copy_from_slice(&next_hmac);
        xor_stream(&rho[i], &mut mix);
        if i == n - 1 {
            mix[size - filler_len..].copy_from_slice(&filler);
        }
        let mu = Zeroizing::new(mu_key.mac(&[&keys[i].shared_secret.0]));
        next_hmac = hmac(&*mu, &[&mix, associated_data]);
    }

    let mut packet = Vec::with_capacity(1 + 33 + size + HMAC_SIZE);
    packet.push(0);
    packet.extend_from_slice(keys[0].ephemeral_key.as_bytes());
    packet.extend_from_slice(&mix);
    packet.extend_from_slice(&next_hmac);
    Ok((OnionPacket(packet), keys.into_iter().map(|k| k.shared_secret).collect()))
}

/// What a hop finds when it peels its layer.
#[derive(Debug)]
pub struct PeeledOnion {
    /// The payload, without its length prefix.
    pub payload: Vec<u8>,
    /// The length prefix as it was encoded (to reproduce `BigSize(len) ‖ payload`).
    pub prefix_len: usize,
    /// The shared secret of this hop (to wrap a failure reply).
    pub shared_secret: SharedSecret,
    /// The packet for the next hop; `None` at the final hop (all-zero HMAC).
    pub next: Option<OnionPacket>,
}

impl PeeledOnion {
    /// `BigSize(len) ‖ payload`, as the sender gave it.
    pub fn frame(&self) -> Vec<u8> {
        let mut f = Vec::with_capacity(self.prefix_len + self.payload.len());
        crate::wire::write_bigsize(&mut f, self.payload.len() as u64);
        f.extend_from_slice(&self.payload);
        f
    }
}

/// Peel a payment onion (1366 bytes) with this node's secret key.
pub fn peel_onion(node_key: &SecretKey, packet: &[u8], associated_data: &[u8]) -> Result<PeeledOnion, OnionError> {
    if packet.len() != PACKET_SIZE {
        return Err(OnionError::PacketLength { expected: PACKET_SIZE, got: packet.len() });
    }
    peel_onion_sized(node_key, packet, associated_data)
}

/// [`peel_onion`] for a packet of any routing-info size (taken from the packet length).
pub fn peel_onion_sized(
    node_key: &SecretKey,
    packet: &[u8],
    associated_data: &[u8],
) -> Result<PeeledOnion, OnionError> {
    let min = 1 + 33 + HMAC_SIZE + 1;
    if packet.len() < min {
        return Err(OnionError::PacketLength { expected: PACKET_SIZE, got: packet.len() });
    }
    let size = packet.len() - (1 + 33 + HMAC_SIZE);
    if packet[0] != 0 {
        return Err(OnionError::BadVersion(packet[0]));
    }
    let mut epk_bytes = [0u8; 33];
    epk_bytes.copy_from_slice(&packet[1..34]);
    let epk = NodeId::from_bytes(&epk_bytes).map_err(|_| OnionError::BadEphemeralKey)?;
    let routing = &packet[34..34 + size];
    let their_hmac = &packet[34 + size..];

    let ss = SharedSecret(ecdh(&epk.point(), &node_key.0));
    let mu = Zeroizing::new(named_key(b"mu", &ss.0));
    let ours = hmac(&*mu, &[routing, associated_data]);
    if !ct_eq(&ours, their_hmac) {
        return Err(OnionError::BadHmac);
    }

    let mut buf = vec![0u8; 2 * size];
    buf[..size].copy_from_slice(routing);
    let rho = Zeroizing::new(named_key(b"rho", &ss.0));
    xor_stream(&rho, &mut buf);

    let mut pos = 0;
    let len = read_bigsize(&buf, &mut pos).map_err(|_| OnionError::BadFrame)?;
    let prefix_len = pos;
    let frame_end = usize::try_from(len)
        .ok()
        .filter(|&l| l >= 2)
        .and_then(|l| pos.checked_add(l))
        .and_then(|e| e.checked_add(HMAC_SIZE))
        .filter(|&e| e <= size)
        .ok_or(OnionError::BadFrame)?;
    let payload_end = frame_end - HMAC_SIZE;
    let payload = buf[pos..payload_end].to_vec();
    let next_hmac = &buf[payload_end..frame_end];

    let next = if next_hmac.iter().all(|&b| b == 0) {
        None
    } else {
        let bf = scalar_from_hash(&sha256(&[epk.as_bytes(), &ss.0]));
        let next_epk = (epk.point() * bf).to_affine();
        let mut p = Vec::with_capacity(packet.len());
        p.push(0);
        p.extend_from_slice(&compress(&next_epk));
        p.extend_from_slice(&buf[frame_end..frame_end + size]);
        p.extend_from_slice(next_hmac);
        Some(OnionPacket(p))
    };
    debug_assert_eq!(prefix_len, bigsize_len(len));
    Ok(PeeledOnion { payload, prefix_len, shared_secret: ss, next })
}
