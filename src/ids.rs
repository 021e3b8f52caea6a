//! Node ids, short channel ids, channel directions and 32-byte hashes.

use alloc::string::String;
use core::fmt;

use k256::{AffinePoint, ProjectivePoint};

use crate::hex::{self, HexError};
use crate::json::push_u64;

/// Why an identifier was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdError {
    /// Not valid hex, or the wrong length.
    Hex(HexError),
    /// 33 bytes, but not a compressed secp256k1 point.
    NotOnCurve,
    /// A short channel id not of the form `BLOCKxTXxOUT`.
    ScidSyntax,
    /// A short channel id part out of range (block and tx < 2^24, output < 2^16).
    ScidRange,
    /// A direction other than 0 or 1.
    Direction,
}

impl IdError {
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Hex(_) => "BAD_HEX",
            IdError::NotOnCurve => "NOT_ON_CURVE",
            IdError::ScidSyntax => "SCID_SYNTAX",
            IdError::ScidRange => "SCID_RANGE",
            IdError::Direction => "BAD_DIRECTION",
        }
    }
}

impl From<HexError> for IdError {
    fn from(e: HexError) -> Self {
        IdError::Hex(e)
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Hex(e) => e.fmt(f),
            IdError::NotOnCurve => f.write_str("not a compressed secp256k1 public key"),
            IdError::ScidSyntax => f.write_str("a short channel id is BLOCKxTXxOUT, e.g. 103x1x0"),
            IdError::ScidRange => {
                f.write_str("short channel id out of range (block and tx below 16777216, output below 65536)")
            }
            IdError::Direction => f.write_str("a direction is 0 or 1"),
        }
    }
}

/// A node id: a 33-byte compressed secp256k1 public key, checked to be on the curve. The
/// decoded point is kept, so building an onion does not decompress it a second time.
///
/// A *label* ([`NodeId::label`]) only names a node (a route given to decode a failure, whose
/// ids are echoed, never used as keys): its form is checked (33 bytes, `02`/`03`) but it is not
/// decompressed, which costs a square root per hop.
#[derive(Clone, Copy)]
pub struct NodeId {
    bytes: [u8; 33],
    /// `None` for a label.
    point: Option<AffinePoint>,
}

impl PartialEq for NodeId {
    fn eq(&self, o: &Self) -> bool {
        self.bytes == o.bytes
    }
}
impl Eq for NodeId {}
impl PartialOrd for NodeId {
    fn partial_cmp(&self, o: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for NodeId {
    fn cmp(&self, o: &Self) -> core::cmp::Ordering {
        self.bytes.cmp(&o.bytes)
    }
}
impl core::hash::Hash for NodeId {
    fn hash<H: core::hash::Hasher>(&self, h: &mut H) {
        self.bytes.hash(h)
    }
}

impl NodeId {
    /// From 33 bytes; fails unless they are a compressed point on the curve.
    pub fn from_bytes(b: &[u8; 33]) -> Result<NodeId, IdError> {
        // `decompress` refuses any prefix but 02/03.
        let point = crate::crypto::decompress(b).ok_or(IdError::NotOnCurve)?;
        Ok(NodeId { bytes: *b, point: Some(point) })
    }
    /// From 66 hex digits.
    pub fn from_hex(s: &str) -> Result<NodeId, IdError> {
        NodeId::from_bytes(&hex::decode_array::<33>(s)?)
    }
    /// A label from 66 hex digits: the form of a compressed key (`02`/`03` and 32 bytes), not
    /// decompressed. For ids that are only named, never used as keys.
    pub fn label(s: &str) -> Result<NodeId, IdError> {
        let b = hex::decode_array::<33>(s)?;
        if b[0] != 2 && b[0] != 3 {
            return Err(IdError::NotOnCurve);
        }
        Ok(NodeId { bytes: b, point: None })
    }
    /// The compressed encoding.
    pub fn as_bytes(&self) -> &[u8; 33] {
        &self.bytes
    }
    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.bytes)
    }
    /// The curve point (decoded and checked on construction). A label is decompressed here;
    /// labels never reach a key schedule, and one that is not a point gives the identity,
    /// never a panic.
    pub(crate) fn point(&self) -> ProjectivePoint {
        match self.point {
            Some(p) => ProjectivePoint::from(p),
            None => crate::crypto::decompress(&self.bytes).map_or(ProjectivePoint::IDENTITY, ProjectivePoint::from),
        }
    }
    /// From an affine point already known valid (not the identity).
    pub(crate) fn from_point(p: &AffinePoint) -> NodeId {
        NodeId { bytes: crate::crypto::compress(p), point: Some(*p) }
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({})", self.to_hex())
    }
}

/// The BOLT 7 direction of traversing a channel from `from` to `to`: 0 when `from` is
/// `node_id_1` (the lesser of the two compressed keys), else 1. Core Lightning's
/// `erring_direction` and `short_channel_id_dir`'s `/D` use this meaning.
pub fn direction(from: &NodeId, to: &NodeId) -> u8 {
    if from.bytes < to.bytes { 0 } else { 1 }
}

/// A short channel id: 3-byte block height, 3-byte transaction index, 2-byte output index.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ShortChannelId(pub u64);

impl ShortChannelId {
    /// From its parts, range-checked.
    pub fn new(block: u32, tx: u32, out: u32) -> Result<Self, IdError> {
        if block >= 1 << 24 || tx >= 1 << 24 || out >= 1 << 16 {
            return Err(IdError::ScidRange);
        }
        Ok(ShortChannelId((u64::from(block) << 40) | (u64::from(tx) << 16) | u64::from(out)))
    }
    /// Parse `BLOCKxTXxOUT` (decimal parts, no signs or spaces).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let mut parts = s.split('x');
        let mut next = || -> Result<u32, IdError> {
            let p = parts.next().ok_or(IdError::ScidSyntax)?;
            if p.is_empty() || p.len() > 10 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdError::ScidSyntax);
            }
            p.parse::<u32>().map_err(|_| IdError::ScidRange)
        };
        let (b, t, o) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(IdError::ScidSyntax);
        }
        ShortChannelId::new(b, t, o)
    }
    /// Parse `BLOCKxTXxOUT` or `BLOCKxTXxOUT/D` (the `short_channel_id_dir` form).
    pub fn parse_with_direction(s: &str) -> Result<(Self, Option<u8>), IdError> {
        match s.split_once('/') {
            None => Ok((ShortChannelId::parse(s)?, None)),
            Some((scid, "0")) => Ok((ShortChannelId::parse(scid)?, Some(0))),
            Some((scid, "1")) => Ok((ShortChannelId::parse(scid)?, Some(1))),
            Some(_) => Err(IdError::Direction),
        }
    }
    /// From the u64 form (every u64 splits into valid 24/24/16-bit parts).
    pub fn from_u64(v: u64) -> Self {
        ShortChannelId(v)
    }
    /// Block height.
    pub fn block(&self) -> u32 {
        (self.0 >> 40) as u32
    }
    /// Transaction index.
    pub fn tx_index(&self) -> u32 {
        ((self.0 >> 16) & 0xff_ffff) as u32
    }
    /// Output index.
    pub fn output(&self) -> u16 {
        (self.0 & 0xffff) as u16
    }
    /// The 8-byte wire encoding.
    pub fn to_bytes(&self) -> [u8; 8] {
        self.0.to_be_bytes()
    }
    /// `BLOCKxTXxOUT`.
    pub fn to_string_form(&self) -> String {
        let mut s = String::new();
        push_u64(&mut s, u64::from(self.block()));
        s.push('x');
        push_u64(&mut s, u64::from(self.tx_index()));
        s.push('x');
        push_u64(&mut s, u64::from(self.output()));
        s
    }
}

impl fmt::Display for ShortChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}x{}", self.block(), self.tx_index(), self.output())
    }
}

impl fmt::Debug for ShortChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShortChannelId({self})")
    }
}

/// A 32-byte value given as 64 hex digits (payment hash, payment secret).
pub fn hash32_from_hex(s: &str) -> Result<[u8; 32], IdError> {
    Ok(hex::decode_array::<32>(s)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scid() {
        let s = ShortChannelId::parse("103x1x0").unwrap();
        assert_eq!(s.0, (103u64 << 40) | (1 << 16));
        assert_eq!(s.to_string_form(), "103x1x0");
        assert_eq!(ShortChannelId::parse("16777216x0x0"), Err(IdError::ScidRange));
        assert_eq!(ShortChannelId::parse("1x0x65536"), Err(IdError::ScidRange));
        assert_eq!(ShortChannelId::parse("1x0"), Err(IdError::ScidSyntax));
        assert_eq!(ShortChannelId::parse("1x0x0x0"), Err(IdError::ScidSyntax));
        assert_eq!(ShortChannelId::parse("+1x0x0"), Err(IdError::ScidSyntax));
        assert_eq!(ShortChannelId::parse("99999999999x0x0"), Err(IdError::ScidSyntax));
        assert_eq!(
            ShortChannelId::parse_with_direction("1x2x3/1"),
            Ok((ShortChannelId::new(1, 2, 3).unwrap(), Some(1)))
        );
        assert_eq!(ShortChannelId::parse_with_direction("1x2x3/2"), Err(IdError::Direction));
        let m = ShortChannelId(u64::MAX);
        assert_eq!(ShortChannelId::parse(&m.to_string_form()), Ok(m));
    }

    #[test]
    fn node_ids() {
        let g = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
        assert!(NodeId::from_hex(g).is_ok());
        // x = 5 is not on secp256k1 (5^3 + 7 = 132 is a non-residue).
        let bad = "020000000000000000000000000000000000000000000000000000000000000005";
        assert_eq!(NodeId::from_hex(bad), Err(IdError::NotOnCurve));
        let mut four = [0u8; 33];
        four[0] = 4;
        assert_eq!(NodeId::from_bytes(&four), Err(IdError::NotOnCurve));
        let a = NodeId::from_hex("02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619").unwrap();
        let b = NodeId::from_hex("0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c").unwrap();
        assert_eq!(direction(&a, &b), 0);
        assert_eq!(direction(&b, &a), 1);
    }
}
