//! Per-hop payloads (BOLT #4 `payload` TLV streams) built from a route, and read back.
//!
//! Hop `i`'s payload describes the HTLC **leaving** hop `i`, i.e. the one hop `i+1`
//! receives: `amt_to_forward = route[i+1].amount_msat`, `outgoing_cltv_value =
//! block_height + 1 + route[i+1].delay` and `short_channel_id = route[i+1].channel`. The
//! final hop's payload mirrors its own HTLC and adds `payment_data`, `payment_metadata`
//! and custom records. `block_height + 1` is what Core Lightning's `sendpay` uses as the
//! base for relative delays, so an onion built here matches the one `sendpay` would build.

use alloc::vec::Vec;
use core::fmt;

use crate::amount::Msat;
use crate::blinding::{BlindedPath, BlindedPayInfo};
use crate::ids::{NodeId, ShortChannelId};
use crate::route::Route;
use crate::wire::{self, WireError, read_stream, read_tu64, write_bigsize, write_record, write_tu64};

/// TLV types of the onion payload.
pub mod tlv {
    /// `amt_to_forward` (tu64).
    pub const AMT_TO_FORWARD: u64 = 2;
    /// `outgoing_cltv_value` (tu32).
    pub const OUTGOING_CLTV_VALUE: u64 = 4;
    /// `short_channel_id` (8 bytes).
    pub const SHORT_CHANNEL_ID: u64 = 6;
    /// `payment_data` (payment_secret ‖ tu64 total_msat).
    pub const PAYMENT_DATA: u64 = 8;
    /// `encrypted_recipient_data`.
    pub const ENCRYPTED_RECIPIENT_DATA: u64 = 10;
    /// `current_path_key` (point).
    pub const CURRENT_PATH_KEY: u64 = 12;
    /// `payment_metadata`.
    pub const PAYMENT_METADATA: u64 = 16;
    /// `total_amount_msat` (tu64, blinded payments).
    pub const TOTAL_AMOUNT_MSAT: u64 = 18;
    /// The first custom record type.
    pub const CUSTOM_MIN: u64 = 65536;
    /// Keysend's preimage record.
    pub const KEYSEND_PREIMAGE: u64 = 5_482_373_484;
}

/// Absolute CLTV values must stay below this (above it they would be timestamps).
pub const MAX_CLTV: u32 = 500_000_000;

/// What the final hop is told beyond amount and cltv.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FinalHopData {
    /// The invoice's payment secret (every current invoice has one).
    pub payment_secret: Option<[u8; 32]>,
    /// The total of all parts (MPP); defaults to the final hop's amount.
    pub total_msat: Option<Msat>,
    /// The invoice's `payment_metadata`, copied verbatim.
    pub payment_metadata: Option<Vec<u8>>,
    /// Custom records: types ≥ 65536 (keysend's 5482373484 included), any order.
    pub custom_records: Vec<(u64, Vec<u8>)>,
}

/// Why payloads could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// A custom record type below 65536.
    CustomRecordType {
        /// The type given.
        tlv_type: u64,
    },
    /// The same custom record type twice.
    DuplicateCustomRecord {
        /// The type given.
        tlv_type: u64,
    },
    /// `total_msat` without a `payment_secret` (it travels in `payment_data`).
    TotalWithoutSecret,
    /// `total_msat` smaller than the final amount.
    TotalBelowAmount,
    /// An absolute CLTV that overflows or reaches 500000000.
    CltvOverflow {
        /// The hop whose value overflowed.
        hop: usize,
    },
    /// A blinded payment whose route does not end at the introduction node.
    NotIntroductionNode,
    /// A blinded path with no hops.
    EmptyBlindedPath,
    /// The route delivers less to the introduction node than the path needs.
    IntroductionAmount,
    /// The route gives the introduction node less CLTV than the path needs.
    IntroductionCltv,
    /// The route is empty.
    EmptyRoute,
}

impl PayloadError {
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self {
            PayloadError::CustomRecordType { .. } => "CUSTOM_RECORD_TYPE",
            PayloadError::DuplicateCustomRecord { .. } => "CUSTOM_RECORD_DUPLICATE",
            PayloadError::TotalWithoutSecret => "TOTAL_WITHOUT_SECRET",
            PayloadError::TotalBelowAmount => "TOTAL_BELOW_AMOUNT",
            PayloadError::CltvOverflow { .. } => "CLTV_OVERFLOW",
            PayloadError::NotIntroductionNode => "BLINDED_NOT_INTRODUCTION",
            PayloadError::EmptyBlindedPath => "BLINDED_EMPTY_PATH",
            PayloadError::IntroductionAmount => "BLINDED_INTRO_AMOUNT",
            PayloadError::IntroductionCltv => "BLINDED_INTRO_CLTV",
            PayloadError::EmptyRoute => "ROUTE_EMPTY",
        }
    }
    /// The input field concerned.
    pub fn field(&self) -> &'static str {
        match self {
            PayloadError::CustomRecordType { .. } | PayloadError::DuplicateCustomRecord { .. } => "custom_records",
            PayloadError::TotalWithoutSecret | PayloadError::TotalBelowAmount => "total_msat",
            PayloadError::CltvOverflow { .. } => "block_height",
            PayloadError::EmptyBlindedPath => "blinded_path",
            PayloadError::NotIntroductionNode
            | PayloadError::IntroductionAmount
            | PayloadError::IntroductionCltv
            | PayloadError::EmptyRoute => "route",
        }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::CustomRecordType { tlv_type } => {
                write!(f, "custom record type {tlv_type} is below 65536")
            }
            PayloadError::DuplicateCustomRecord { tlv_type } => write!(f, "custom record type {tlv_type} given twice"),
            PayloadError::TotalWithoutSecret => {
                f.write_str("`total_msat` needs a `payment_secret` (both travel in payment_data)")
            }
            PayloadError::TotalBelowAmount => f.write_str("`total_msat` is below the final hop's amount"),
            PayloadError::CltvOverflow { hop } => {
                write!(f, "hop {hop}: `block_height` + 1 + delay must stay below 500000000")
            }
            PayloadError::NotIntroductionNode => {
                f.write_str("the route must end at the blinded path's introduction node")
            }
            PayloadError::EmptyBlindedPath => f.write_str("the blinded path has no hops"),
            PayloadError::IntroductionAmount => {
                f.write_str("the route delivers less to the introduction node than amount + the path's fee")
            }
            PayloadError::IntroductionCltv => {
                f.write_str("the route's cltv at the introduction node is below final_cltv + the path's delta")
            }
            PayloadError::EmptyRoute => f.write_str("a route needs at least one hop"),
        }
    }
}

/// One hop's frame, ready for the onion: the key to encrypt to and `BigSize(len) ‖ payload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopFrame {
    /// The node id (or blinded node id) of the hop.
    pub pubkey: NodeId,
    /// `BigSize(len) ‖ payload`.
    pub frame: Vec<u8>,
    /// The amount this hop forwards (or receives, at the final hop).
    pub amt_to_forward: Option<Msat>,
    /// The absolute CLTV this hop forwards (or receives).
    pub outgoing_cltv_value: Option<u32>,
}

fn tu64_record(out: &mut Vec<u8>, t: u64, v: u64) {
    let mut val = Vec::with_capacity(8);
    write_tu64(&mut val, v);
    write_record(out, t, &val);
}

/// `BigSize(len) ‖ payload`; the payload's buffer is wiped (a final payload may hold a
/// keysend preimage or a payment secret, and the frame is the one copy kept).
fn with_prefix(mut payload: Vec<u8>) -> Vec<u8> {
    let mut f = Vec::with_capacity(payload.len() + 9);
    write_bigsize(&mut f, payload.len() as u64);
    f.extend_from_slice(&payload);
    zeroize::Zeroize::zeroize(&mut payload);
    f
}

fn abs_cltv(block_height: u32, delay: u32, hop: usize) -> Result<u32, PayloadError> {
    block_height
        .checked_add(1)
        .and_then(|b| b.checked_add(delay))
        .filter(|&c| c < MAX_CLTV)
        .ok_or(PayloadError::CltvOverflow { hop })
}

fn intermediate(amount: Msat, cltv: u32, scid: ShortChannelId) -> Vec<u8> {
    let mut p = Vec::with_capacity(26);
    tu64_record(&mut p, tlv::AMT_TO_FORWARD, amount.0);
    tu64_record(&mut p, tlv::OUTGOING_CLTV_VALUE, u64::from(cltv));
    write_record(&mut p, tlv::SHORT_CHANNEL_ID, &scid.to_bytes());
    p
}

fn sorted_custom(records: &[(u64, Vec<u8>)]) -> Result<Vec<&(u64, Vec<u8>)>, PayloadError> {
    let mut rs: Vec<&(u64, Vec<u8>)> = records.iter().collect();
    heapsort_by_type(&mut rs);
    for (i, r) in rs.iter().enumerate() {
        if r.0 < tlv::CUSTOM_MIN {
            return Err(PayloadError::CustomRecordType { tlv_type: r.0 });
        }
        if i > 0 && rs[i - 1].0 == r.0 {
            return Err(PayloadError::DuplicateCustomRecord { tlv_type: r.0 });
        }
    }
    Ok(rs)
}

/// Records in ascending type order: a heapsort (O(n log n) for any input, no allocation), the
/// module's only sort, written out because the standard library's sorts bring ~4 KB of
/// generated code into the wasm module for a handful of records (measured: docs/wasm.md).
fn heapsort_by_type(v: &mut [&(u64, Vec<u8>)]) {
    fn sift_down(v: &mut [&(u64, Vec<u8>)], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child].0 < v[child + 1].0 {
                child += 1;
            }
            if v[root].0 >= v[child].0 {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Custom records as a payload takes them: every type ≥ 65536, each once.
pub fn check_custom_records(records: &[(u64, Vec<u8>)]) -> Result<(), PayloadError> {
    sorted_custom(records).map(|_| ())
}

/// Frames of every hop but the last: each forwards to the next hop of the route.
fn forwarding_frames(route: &Route, block_height: u32, capacity: usize) -> Result<Vec<HopFrame>, PayloadError> {
    let mut out = Vec::with_capacity(capacity);
    for (i, pair) in route.hops.windows(2).enumerate() {
        let next = &pair[1];
        let cltv = abs_cltv(block_height, next.delay, i)?;
        out.push(HopFrame {
            pubkey: pair[0].node_id,
            frame: with_prefix(intermediate(next.amount, cltv, next.channel)),
            amt_to_forward: Some(next.amount),
            outgoing_cltv_value: Some(cltv),
        });
    }
    Ok(out)
}

/// Build every hop's frame for an unblinded route. `block_height` is the current chain
/// tip (`getinfo.blockheight`); absolute CLTVs are `block_height + 1 + delay`.
pub fn route_payloads(route: &Route, block_height: u32, fin: &FinalHopData) -> Result<Vec<HopFrame>, PayloadError> {
    let n = route.hops.len();
    let last = route.hops.last().ok_or(PayloadError::EmptyRoute)?;
    let mut out = forwarding_frames(route, block_height, n)?;
    let cltv = abs_cltv(block_height, last.delay, n - 1)?;
    // Sized once, so no reallocation leaves a copy of a secret behind.
    let records: usize = fin.custom_records.iter().map(|(_, v)| v.len() + 18).sum();
    let mut p = Vec::with_capacity(64 + fin.payment_metadata.as_ref().map_or(0, |m| m.len() + 9) + records);
    tu64_record(&mut p, tlv::AMT_TO_FORWARD, last.amount.0);
    tu64_record(&mut p, tlv::OUTGOING_CLTV_VALUE, u64::from(cltv));
    match (&fin.payment_secret, fin.total_msat) {
        (Some(secret), total) => {
            let total = total.unwrap_or(last.amount);
            if total < last.amount {
                return Err(PayloadError::TotalBelowAmount);
            }
            let mut v = Vec::with_capacity(40);
            v.extend_from_slice(secret);
            write_tu64(&mut v, total.0);
            write_record(&mut p, tlv::PAYMENT_DATA, &v);
        }
        (None, Some(_)) => return Err(PayloadError::TotalWithoutSecret),
        (None, None) => {}
    }
    if let Some(m) = &fin.payment_metadata {
        write_record(&mut p, tlv::PAYMENT_METADATA, m);
    }
    for (t, v) in sorted_custom(&fin.custom_records)? {
        write_record(&mut p, *t, v);
    }
    out.push(HopFrame {
        pubkey: last.node_id,
        frame: with_prefix(p),
        amt_to_forward: Some(last.amount),
        outgoing_cltv_value: Some(cltv),
    });
    Ok(out)
}

/// What a payment into a blinded path needs beyond the route to the introduction node.
#[derive(Debug, Clone)]
pub struct BlindedPayment<'a> {
    /// The path.
    pub path: &'a BlindedPath,
    /// Its fees and delta.
    pub payinfo: BlindedPayInfo,
    /// What this part delivers to the recipient.
    pub amount: Msat,
    /// The total of all parts (`total_amount_msat`).
    pub total: Msat,
    /// The final CLTV (absolute: current height plus any shadow offset).
    pub final_cltv: u32,
    /// Custom records for the recipient.
    pub custom_records: &'a [(u64, Vec<u8>)],
}

/// Frames for a payment into a blinded path. `route` reaches the introduction node under
/// its real id (its last hop is the introduction node, with the amount and delay it must
/// receive, at least `amount + fee` and `final_cltv + cltv_expiry_delta`).
pub fn blinded_route_payloads(
    route: &Route,
    block_height: u32,
    pay: &BlindedPayment<'_>,
) -> Result<Vec<HopFrame>, PayloadError> {
    let n = route.hops.len();
    let intro = route.hops.last().ok_or(PayloadError::EmptyRoute)?;
    if intro.node_id != pay.path.introduction_node {
        return Err(PayloadError::NotIntroductionNode);
    }
    if pay.path.hops.is_empty() {
        return Err(PayloadError::EmptyBlindedPath);
    }
    let need_amt = pay.payinfo.fee(pay.amount.0).and_then(|f| f.checked_add(pay.amount.0));
    if need_amt.is_none_or(|a| intro.amount.0 < a) {
        return Err(PayloadError::IntroductionAmount);
    }
    let intro_cltv = abs_cltv(block_height, intro.delay, n - 1)?;
    if u64::from(intro_cltv) < u64::from(pay.final_cltv) + u64::from(pay.payinfo.cltv_expiry_delta) {
        return Err(PayloadError::IntroductionCltv);
    }
    if pay.total < pay.amount {
        return Err(PayloadError::TotalBelowAmount);
    }
    let custom = sorted_custom(pay.custom_records)?;
    let mut out = forwarding_frames(route, block_height, n + pay.path.hops.len() - 1)?;
    let m = pay.path.hops.len();
    for (j, bh) in pay.path.hops.iter().enumerate() {
        let last = j == m - 1;
        let mut p = Vec::with_capacity(bh.encrypted_recipient_data.len() + 64);
        if last {
            tu64_record(&mut p, tlv::AMT_TO_FORWARD, pay.amount.0);
            tu64_record(&mut p, tlv::OUTGOING_CLTV_VALUE, u64::from(pay.final_cltv));
        }
        write_record(&mut p, tlv::ENCRYPTED_RECIPIENT_DATA, &bh.encrypted_recipient_data);
        if j == 0 {
            write_record(&mut p, tlv::CURRENT_PATH_KEY, pay.path.first_path_key.as_bytes());
        }
        if last {
            tu64_record(&mut p, tlv::TOTAL_AMOUNT_MSAT, pay.total.0);
            for (t, v) in &custom {
                write_record(&mut p, *t, v);
            }
        }
        out.push(HopFrame {
            pubkey: if j == 0 { pay.path.introduction_node } else { bh.blinded_node_id },
            frame: with_prefix(p),
            amt_to_forward: last.then_some(pay.amount),
            outgoing_cltv_value: last.then_some(pay.final_cltv),
        });
    }
    Ok(out)
}

/// A payload as a hop reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HopPayload {
    /// `amt_to_forward`.
    pub amt_to_forward: Option<Msat>,
    /// `outgoing_cltv_value`.
    pub outgoing_cltv_value: Option<u32>,
    /// `short_channel_id`.
    pub short_channel_id: Option<ShortChannelId>,
    /// `payment_data`: secret and total.
    pub payment_data: Option<([u8; 32], Msat)>,
    /// `encrypted_recipient_data`.
    pub encrypted_recipient_data: Option<Vec<u8>>,
    /// `current_path_key`.
    pub current_path_key: Option<NodeId>,
    /// `payment_metadata`.
    pub payment_metadata: Option<Vec<u8>>,
    /// `total_amount_msat`.
    pub total_amount_msat: Option<Msat>,
    /// Keysend's preimage (type 5482373484, 32 bytes): a spontaneous payment's proof, which
    /// the payee checks against the HTLC's payment hash.
    pub keysend_preimage: Option<[u8; 32]>,
    /// Unknown odd records (custom records included), in order.
    pub unknown: Vec<wire::Record>,
}

fn is_known(t: u64) -> bool {
    matches!(t, 2 | 4 | 6 | 8 | 10 | 12 | 16 | 18 | tlv::KEYSEND_PREIMAGE)
}

/// Read a payload (without its length prefix) strictly: BOLT 1 TLV rules, known types with
/// the right lengths and minimal integers.
pub fn decode_payload(payload: &[u8]) -> Result<HopPayload, WireError> {
    let mut out = HopPayload::default();
    for r in read_stream(payload, is_known)? {
        let t = r.tlv_type;
        let v = &r.value;
        match t {
            tlv::AMT_TO_FORWARD => out.amt_to_forward = Some(Msat(read_tu64(v, 8, t)?)),
            tlv::OUTGOING_CLTV_VALUE => out.outgoing_cltv_value = Some(read_tu64(v, 4, t)? as u32),
            tlv::SHORT_CHANNEL_ID => {
                let b: [u8; 8] = v.as_slice().try_into().map_err(|_| WireError::BadLength { tlv_type: t })?;
                out.short_channel_id = Some(ShortChannelId(u64::from_be_bytes(b)));
            }
            tlv::PAYMENT_DATA => {
                if v.len() < 32 {
                    return Err(WireError::BadLength { tlv_type: t });
                }
                let mut s = [0u8; 32];
                s.copy_from_slice(&v[..32]);
                out.payment_data = Some((s, Msat(read_tu64(&v[32..], 8, t)?)));
            }
            tlv::ENCRYPTED_RECIPIENT_DATA => out.encrypted_recipient_data = Some(v.clone()),
            tlv::CURRENT_PATH_KEY => {
                let b: [u8; 33] = v.as_slice().try_into().map_err(|_| WireError::BadLength { tlv_type: t })?;
                out.current_path_key = Some(NodeId::from_bytes(&b).map_err(|_| WireError::BadValue { tlv_type: t })?);
            }
            tlv::PAYMENT_METADATA => out.payment_metadata = Some(v.clone()),
            tlv::TOTAL_AMOUNT_MSAT => out.total_amount_msat = Some(Msat(read_tu64(v, 8, t)?)),
            tlv::KEYSEND_PREIMAGE => {
                out.keysend_preimage = Some(v.as_slice().try_into().map_err(|_| WireError::BadLength { tlv_type: t })?);
            }
            _ => out.unknown.push(r),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The heapsort orders records by type as the standard library's sort does, for every
    /// length up to 40 and any mix of repeated types.
    #[test]
    fn heapsort_orders_by_type() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40usize {
            for round in 0..50 {
                let records: Vec<(u64, Vec<u8>)> = (0..len)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Few distinct types in some rounds, so repeats are common.
                        let t = if round % 2 == 0 { x % 5 } else { x };
                        (t, alloc::vec![i as u8])
                    })
                    .collect();
                let mut ours: Vec<&(u64, Vec<u8>)> = records.iter().collect();
                heapsort_by_type(&mut ours);
                let mut want: Vec<u64> = records.iter().map(|r| r.0).collect();
                want.sort_unstable();
                assert_eq!(ours.iter().map(|r| r.0).collect::<Vec<_>>(), want);
                assert_eq!(ours.len(), records.len());
            }
        }
    }
}
