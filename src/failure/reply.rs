//! Failure replies: `HMAC_um ‖ u16 len ‖ message ‖ u16 pad_len ‖ pad`, obfuscated by every
//! hop's `ammag` stream on the way back; and attribution data (BOLT #4 attributable
//! failures: 20 hold times and 210 truncated HMACs, obfuscated by `ammagext`).

use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

use crate::crypto::{HmacKey, ct_eq, hmac, named_key, xor_stream};
use crate::sphinx::SharedSecret;

/// `failure_len + pad_len` is at least this (and should be exactly this).
pub const MIN_MESSAGE_AND_PAD: usize = 256;
/// How many secrets the origin tries (BOLT 4), padding with a dummy secret.
const UNWRAP_ROUNDS: usize = 27;
/// Core Lightning's dummy secret for the rounds past the route.
const DUMMY_SECRET: [u8; 32] = [7; 32];
/// Size of `attribution_data`.
pub const ATTRIBUTION_LEN: usize = 920;
/// Hops `attribution_data` covers.
pub const ATTRIBUTION_MAX_HOPS: usize = 20;
const HOLDS_LEN: usize = 4 * ATTRIBUTION_MAX_HOPS;
const HMAC_LEN: usize = 4;

/// The plaintext failure packet an erring node builds (before its own `ammag` stream):
/// padded so `failure_len + pad_len` is at least 256 (exactly 256 for short messages).
pub fn failure_packet(ss: &SharedSecret, message: &[u8]) -> Vec<u8> {
    let pad_len = MIN_MESSAGE_AND_PAD.saturating_sub(message.len());
    let mut p = Vec::with_capacity(32 + 2 + message.len() + 2 + pad_len);
    p.extend_from_slice(&[0u8; 32]);
    p.extend_from_slice(&(message.len().min(0xffff) as u16).to_be_bytes());
    p.extend_from_slice(&message[..message.len().min(0xffff)]);
    p.extend_from_slice(&(pad_len as u16).to_be_bytes());
    p.resize(p.len() + pad_len, 0);
    let um = Zeroizing::new(named_key(b"um", ss.as_bytes()));
    let mac = hmac(&*um, &[&p[32..]]);
    p[..32].copy_from_slice(&mac);
    p
}

/// XOR a reply with this hop's `ammag` stream (what each hop does on the way back).
pub fn wrap_reply(ss: &SharedSecret, reply: &mut [u8]) {
    let ammag = Zeroizing::new(named_key(b"ammag", ss.as_bytes()));
    xor_stream(&ammag, reply);
}

/// The erring node's reply as it leaves that node: [`failure_packet`] then [`wrap_reply`].
pub fn create_reply(ss: &SharedSecret, message: &[u8]) -> Vec<u8> {
    let mut p = failure_packet(ss, message);
    wrap_reply(ss, &mut p);
    p
}

/// A reply the origin could attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptedReply {
    /// Position in the shared-secret list of the hop whose HMAC matched (0 = first hop).
    pub origin_index: usize,
    /// The failure message.
    pub message: Vec<u8>,
}

/// Why a reply could not be read (Core Lightning's 202).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnwrapError {
    /// Shorter than an HMAC and a length.
    TooShort,
    /// No hop's HMAC matches.
    NoMatch,
    /// A hop's HMAC matched but its length field runs past the end.
    BadLength {
        /// The hop.
        origin_index: usize,
    },
    /// A hop's HMAC matched but the message is empty.
    EmptyMessage {
        /// The hop.
        origin_index: usize,
    },
}

impl UnwrapError {
    /// A stable identifier.
    pub fn code(&self) -> &'static str {
        match self {
            UnwrapError::TooShort => "REPLY_TOO_SHORT",
            UnwrapError::NoMatch => "REPLY_NO_MATCH",
            UnwrapError::BadLength { .. } => "REPLY_BAD_LENGTH",
            UnwrapError::EmptyMessage { .. } => "REPLY_EMPTY_MESSAGE",
        }
    }
}

impl fmt::Display for UnwrapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnwrapError::TooShort => f.write_str("reply is shorter than an HMAC and a length"),
            UnwrapError::NoMatch => f.write_str("no hop's HMAC matches the reply"),
            UnwrapError::BadLength { origin_index } => {
                write!(f, "hop {origin_index} matched, but its failure length runs past the reply")
            }
            UnwrapError::EmptyMessage { origin_index } => {
                write!(f, "hop {origin_index} matched, but its failure message is empty")
            }
        }
    }
}

fn um_matches(um_key: &HmacKey, ss: &[u8; 32], pkt: &[u8]) -> bool {
    let um = Zeroizing::new(um_key.mac(&[ss]));
    pkt.len() >= 32 && ct_eq(&hmac(&*um, &[&pkt[32..]]), &pkt[..32])
}

fn read_message(origin_index: usize, pkt: &[u8]) -> Result<DecryptedReply, UnwrapError> {
    let len = usize::from(u16::from_be_bytes([pkt[32], pkt[33]]));
    let message = pkt.get(34..34 + len).ok_or(UnwrapError::BadLength { origin_index })?.to_vec();
    if message.is_empty() {
        return Err(UnwrapError::EmptyMessage { origin_index });
    }
    Ok(DecryptedReply { origin_index, message })
}

/// Unwrap a reply with the route's shared secrets (first hop first). Always runs at least
/// 27 rounds (dummy secrets past the route) so the time taken does not tell the position.
pub fn unwrap_reply(secrets: &[SharedSecret], reply: &[u8]) -> Result<DecryptedReply, UnwrapError> {
    if reply.len() < 34 {
        return Err(UnwrapError::TooShort);
    }
    let mut pkt = reply.to_vec();
    let mut found: Option<Result<DecryptedReply, UnwrapError>> = None;
    // The two named keys are keyed once, not in each of the 27 rounds.
    let (ammag_key, um_key) = (HmacKey::new(b"ammag"), HmacKey::new(b"um"));
    for i in 0..UNWRAP_ROUNDS.max(secrets.len()) {
        let ss = secrets.get(i).map_or(&DUMMY_SECRET, SharedSecret::as_bytes);
        let ammag = Zeroizing::new(ammag_key.mac(&[ss]));
        xor_stream(&ammag, &mut pkt);
        if um_matches(&um_key, ss, &pkt) && found.is_none() && i < secrets.len() {
            found = Some(read_message(i, &pkt));
        }
    }
    found.unwrap_or(Err(UnwrapError::NoMatch))
}

/// `attribution_data`: 20 hold times (u32, 100 ms units) then 210 truncated HMACs.
#[derive(Clone, PartialEq, Eq)]
pub struct AttributionData(pub [u8; ATTRIBUTION_LEN]);

impl fmt::Debug for AttributionData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AttributionData(920 bytes)")
    }
}

impl AttributionData {
    /// From exactly 920 bytes.
    pub fn from_slice(b: &[u8]) -> Option<AttributionData> {
        Some(AttributionData(b.try_into().ok()?))
    }
}

/// Index of HMAC `(x, y)`: block `x` (0 = the node writing) holds `20 − x` entries for the
/// assumed distances `y = 19 − x, …, 0`.
fn idx(x: usize, y: usize) -> usize {
    HOLDS_LEN + HMAC_LEN * (20 * x - x * x.saturating_sub(1) / 2 + (19 - x - y))
}

/// `hmac(0, y)` over `received ‖ holds[0..=y] ‖ hmac(1, y−1) ‖ … ‖ hmac(y, 0)`.
fn attribution_hmac(um: &[u8; 32], received: &[u8], data: &[u8; ATTRIBUTION_LEN], y: usize) -> [u8; HMAC_LEN] {
    let mut msg = Vec::with_capacity(HOLDS_LEN + HMAC_LEN * y);
    msg.extend_from_slice(&data[..4 * (y + 1)]);
    for j in 1..=y {
        msg.extend_from_slice(&data[idx(j, y - j)..idx(j, y - j) + HMAC_LEN]);
    }
    let full = hmac(um, &[received, &msg]);
    [full[0], full[1], full[2], full[3]]
}

/// The hop side: add this hop's layer. `received` is the failure packet as this hop got it
/// from downstream (for the erring node: its plaintext [`failure_packet`]); `downstream`
/// the attribution data that came with it (`None` at the erring node); `hold_time` in
/// units of 100 ms.
pub fn add_attribution(
    ss: &SharedSecret,
    received: &[u8],
    downstream: Option<&AttributionData>,
    hold_time: u32,
) -> AttributionData {
    let old = downstream.map_or([0u8; ATTRIBUTION_LEN], |d| d.0);
    let mut new = [0u8; ATTRIBUTION_LEN];
    // Hold times shift right one slot; block x moves to block x+1 without its first entry.
    new[4..HOLDS_LEN].copy_from_slice(&old[..HOLDS_LEN - 4]);
    new[..4].copy_from_slice(&hold_time.to_be_bytes());
    for x in 0..ATTRIBUTION_MAX_HOPS - 1 {
        for y in 0..=(18 - x) {
            new[idx(x + 1, y)..idx(x + 1, y) + HMAC_LEN].copy_from_slice(&old[idx(x, y)..idx(x, y) + HMAC_LEN]);
        }
    }
    let um = Zeroizing::new(named_key(b"um", ss.as_bytes()));
    for y in 0..ATTRIBUTION_MAX_HOPS {
        let h = attribution_hmac(&um, received, &new, y);
        new[idx(0, y)..idx(0, y) + HMAC_LEN].copy_from_slice(&h);
    }
    let ext = Zeroizing::new(named_key(b"ammagext", ss.as_bytes()));
    xor_stream(&ext, &mut new);
    AttributionData(new)
}

/// What the origin learned from attribution data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributionReport {
    /// Hold times (100 ms units) reported by each hop whose HMAC verified, first hop first.
    pub hold_times: Vec<u32>,
    /// The first hop whose HMAC did not verify: it, or the hop before it, is to blame.
    pub failing_hop: Option<usize>,
}

/// A reply decoded at the origin, with its attribution data when it came with any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedReply {
    /// The failure, or why none could be read.
    pub result: Result<DecryptedReply, UnwrapError>,
    /// What the attribution data says (`None` without it, or for routes over 20 hops).
    pub attribution: Option<AttributionReport>,
}

/// Decode a reply at the origin: find the erring hop by HMAC and, with attribution data,
/// verify each hop's layer and read its hold time. When no failure HMAC matches, the
/// attribution data still names the first hop whose layer does not verify.
pub fn decode_reply(secrets: &[SharedSecret], reply: &[u8], attribution: Option<&AttributionData>) -> DecodedReply {
    let result = unwrap_reply(secrets, reply);
    let n = secrets.len();
    let attribution = attribution.filter(|_| n <= ATTRIBUTION_MAX_HOPS).map(|a| {
        let stop = result.as_ref().ok().map(|r| r.origin_index);
        let mut data = a.0;
        let mut pkt = reply.to_vec();
        let mut report = AttributionReport { hold_times: Vec::new(), failing_hop: None };
        for (i, ss) in secrets.iter().enumerate() {
            if i > 0 {
                // Undo the shift of hop i-1: hold times left, block x+1 back to block x.
                let old = data;
                data = [0u8; ATTRIBUTION_LEN];
                data[..HOLDS_LEN - 4].copy_from_slice(&old[4..HOLDS_LEN]);
                for x in 0..ATTRIBUTION_MAX_HOPS - 1 {
                    for y in 0..=(18 - x) {
                        data[idx(x, y)..idx(x, y) + HMAC_LEN]
                            .copy_from_slice(&old[idx(x + 1, y)..idx(x + 1, y) + HMAC_LEN]);
                    }
                }
            }
            let ext = Zeroizing::new(named_key(b"ammagext", ss.as_bytes()));
            xor_stream(&ext, &mut data);
            wrap_reply(ss, &mut pkt);
            let um = Zeroizing::new(named_key(b"um", ss.as_bytes()));
            let y = n - 1 - i;
            if !ct_eq(&attribution_hmac(&um, &pkt, &data, y), &data[idx(0, y)..idx(0, y) + HMAC_LEN]) {
                report.failing_hop = Some(i);
                break;
            }
            report.hold_times.push(u32::from_be_bytes([data[0], data[1], data[2], data[3]]));
            if stop == Some(i) {
                break;
            }
        }
        report
    });
    DecodedReply { result, attribution }
}

/// The reply as it reaches the origin when hop `erring` (0-based) fails with `message`:
/// built by that hop, then wrapped by every hop before it (tests and the dev node).
pub fn reply_from_hop(secrets: &[SharedSecret], erring: usize, message: &[u8]) -> Option<Vec<u8>> {
    let mut reply = create_reply(secrets.get(erring)?, message);
    for ss in secrets[..erring].iter().rev() {
        wrap_reply(ss, &mut reply);
    }
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_layout_covers_210_entries_exactly() {
        assert_eq!(idx(0, 19), HOLDS_LEN);
        assert_eq!(idx(0, 0), HOLDS_LEN + 4 * 19);
        assert_eq!(idx(1, 18), HOLDS_LEN + 4 * 20);
        assert_eq!(idx(19, 0), ATTRIBUTION_LEN - 4);
    }
}
