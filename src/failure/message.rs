//! Failure messages: `u16 failure_code ‖ data`, every BOLT #4 code with its fields.

use alloc::vec::Vec;

use crate::amount::Msat;
use crate::wire::read_bigsize;

/// The failure came from parsing the onion (blames the next node when relayed).
pub const BADONION: u16 = 0x8000;
/// Permanent failure.
pub const PERM: u16 = 0x4000;
/// A node failure (rather than a channel's).
pub const NODE: u16 = 0x2000;
/// A `channel_update` is enclosed.
pub const UPDATE: u16 = 0x1000;

/// Core Lightning's name for a failure code (`WIRE_TEMPORARY_CHANNEL_FAILURE`…), for every
/// BOLT #4 code, the historical ones, and the trampoline codes seen in the wild.
pub fn failcode_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x2002 => "WIRE_TEMPORARY_NODE_FAILURE",
        0x6002 => "WIRE_PERMANENT_NODE_FAILURE",
        0x6003 => "WIRE_REQUIRED_NODE_FEATURE_MISSING",
        0xC004 => "WIRE_INVALID_ONION_VERSION",
        0xC005 => "WIRE_INVALID_ONION_HMAC",
        0xC006 => "WIRE_INVALID_ONION_KEY",
        0x1007 => "WIRE_TEMPORARY_CHANNEL_FAILURE",
        0x4008 => "WIRE_PERMANENT_CHANNEL_FAILURE",
        0x4009 => "WIRE_REQUIRED_CHANNEL_FEATURE_MISSING",
        0x400A => "WIRE_UNKNOWN_NEXT_PEER",
        0x100B => "WIRE_AMOUNT_BELOW_MINIMUM",
        0x100C => "WIRE_FEE_INSUFFICIENT",
        0x100D => "WIRE_INCORRECT_CLTV_EXPIRY",
        0x100E => "WIRE_EXPIRY_TOO_SOON",
        0x400F => "WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS",
        0x0012 => "WIRE_FINAL_INCORRECT_CLTV_EXPIRY",
        0x0013 => "WIRE_FINAL_INCORRECT_HTLC_AMOUNT",
        0x1014 => "WIRE_CHANNEL_DISABLED",
        0x0015 => "WIRE_EXPIRY_TOO_FAR",
        0x4016 => "WIRE_INVALID_ONION_PAYLOAD",
        0x0017 => "WIRE_MPP_TIMEOUT",
        0xC018 => "WIRE_INVALID_ONION_BLINDING",
        // Historical codes, folded into 0x400F (2018-2019) or dropped with legacy payloads.
        0x4001 => "WIRE_INVALID_REALM",
        0x4010 => "WIRE_INCORRECT_PAYMENT_AMOUNT",
        0x0011 => "WIRE_FINAL_EXPIRY_TOO_SOON",
        // Not in the spec; eclair/Phoenix trampoline.
        0x2033 => "WIRE_TRAMPOLINE_FEE_INSUFFICIENT",
        0x2034 => "WIRE_TRAMPOLINE_EXPIRY_TOO_SOON",
        _ => return None,
    })
}

/// A decoded failure message. Fields a code does not carry are `None`; bytes after the
/// known fields (a TLV extension, or anything newer) are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureMessage {
    /// The failure code.
    pub code: u16,
    /// `htlc_msat` (amount_below_minimum, fee_insufficient, incorrect_or_unknown_payment_details).
    pub htlc_msat: Option<Msat>,
    /// `cltv_expiry` (incorrect_cltv_expiry, final_incorrect_cltv_expiry).
    pub cltv_expiry: Option<u32>,
    /// `height` (incorrect_or_unknown_payment_details: the recipient's block height).
    pub height: Option<u32>,
    /// `incoming_htlc_amt` (final_incorrect_htlc_amount).
    pub incoming_htlc_amt: Option<Msat>,
    /// `disabled_flags` (channel_disabled).
    pub flags: Option<u16>,
    /// `sha256_of_onion` (the BADONION codes).
    pub sha256_of_onion: Option<[u8; 32]>,
    /// The enclosed `channel_update` bytes as sent (UPDATE codes; `None` when `len` is 0).
    pub channel_update: Option<Vec<u8>>,
    /// The update followed a zero `len` rather than its own length (channeld's form,
    /// sendpay-contract §16.2); `encode` writes it back the same way.
    pub update_after_zero_len: bool,
    /// `type` of invalid_onion_payload.
    pub tlv_type: Option<u64>,
    /// `offset` of invalid_onion_payload.
    pub offset: Option<u16>,
    /// Bytes after the known fields.
    pub extra: Vec<u8>,
    /// The data is shorter than the code requires (fields read up to that point are kept).
    pub truncated: bool,
    /// The whole message as received.
    pub raw: Vec<u8>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|s| s.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    }
}

impl FailureMessage {
    /// The name Core Lightning gives this code, if known.
    pub fn name(&self) -> Option<&'static str> {
        failcode_name(self.code)
    }
    /// Whether a flag (`BADONION`, `PERM`, `NODE`, `UPDATE`) is set.
    pub fn has(&self, flag: u16) -> bool {
        self.code & flag != 0
    }

    /// Decode a failure message. Only a message shorter than its 2-byte code is refused;
    /// unknown codes keep their data in `extra`, short data sets `truncated`.
    pub fn decode(msg: &[u8]) -> Option<FailureMessage> {
        let mut r = Reader { b: msg, pos: 0 };
        let code = r.u16()?;
        let mut m = FailureMessage { code, raw: msg.to_vec(), ..Default::default() };
        let complete = m.read_fields(&mut r).is_some();
        m.truncated = !complete;
        m.extra = msg.get(r.pos..).unwrap_or_default().to_vec();
        Some(m)
    }

    fn read_update(&mut self, r: &mut Reader<'_>) -> Option<()> {
        let len = r.u16()?;
        let upd = r.take(usize::from(len))?;
        self.channel_update = (len > 0).then(|| upd.to_vec());
        // Core Lightning's channeld writes `len = 0` and then the whole type-prefixed update
        // (sendpay-contract §16.2): the trailing `0102…` bytes are the update.
        let rest = r.b.get(r.pos..).unwrap_or_default();
        if len == 0 && rest.len() > 2 && rest[..2] == [0x01, 0x02] {
            self.channel_update = Some(rest.to_vec());
            self.update_after_zero_len = true;
            r.pos = r.b.len();
        }
        Some(())
    }

    fn read_fields(&mut self, r: &mut Reader<'_>) -> Option<()> {
        match self.code {
            0xC004 | 0xC005 | 0xC006 | 0xC018 => {
                let mut h = [0u8; 32];
                h.copy_from_slice(r.take(32)?);
                self.sha256_of_onion = Some(h);
            }
            0x1007 | 0x100E => self.read_update(r)?,
            0x100B | 0x100C => {
                self.htlc_msat = Some(Msat(r.u64()?));
                self.read_update(r)?;
            }
            0x100D => {
                self.cltv_expiry = Some(r.u32()?);
                self.read_update(r)?;
            }
            0x1014 => {
                self.flags = Some(r.u16()?);
                self.read_update(r)?;
            }
            // Old replies may lack both fields: read leniently, but a half field is truncation.
            0x400F if r.pos < r.b.len() => {
                self.htlc_msat = Some(Msat(r.u64()?));
                if r.pos < r.b.len() {
                    self.height = Some(r.u32()?);
                }
            }
            0x0012 => self.cltv_expiry = Some(r.u32()?),
            0x0013 => self.incoming_htlc_amt = Some(Msat(r.u64()?)),
            0x4016 => {
                let mut pos = r.pos;
                self.tlv_type = Some(read_bigsize(r.b, &mut pos).ok()?);
                r.pos = pos;
                self.offset = Some(r.u16()?);
            }
            _ => {}
        }
        Some(())
    }
}

/// Encode helpers for the hop side (tests, dev node): a message with an update.
impl FailureMessage {
    /// `code ‖ [prefix fields] ‖ u16 len ‖ update` for the UPDATE codes, `code ‖ fields` otherwise.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + 16 + self.channel_update.as_ref().map_or(0, Vec::len));
        out.extend_from_slice(&self.code.to_be_bytes());
        let upd = |out: &mut Vec<u8>| {
            let u = self.channel_update.as_deref().unwrap_or_default();
            let len = if self.update_after_zero_len { 0 } else { u.len() as u16 };
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(u);
        };
        match self.code {
            0xC004 | 0xC005 | 0xC006 | 0xC018 => out.extend_from_slice(&self.sha256_of_onion.unwrap_or_default()),
            0x1007 | 0x100E => upd(&mut out),
            0x100B | 0x100C => {
                out.extend_from_slice(&self.htlc_msat.unwrap_or_default().0.to_be_bytes());
                upd(&mut out);
            }
            0x100D => {
                out.extend_from_slice(&self.cltv_expiry.unwrap_or_default().to_be_bytes());
                upd(&mut out);
            }
            0x1014 => {
                out.extend_from_slice(&self.flags.unwrap_or_default().to_be_bytes());
                upd(&mut out);
            }
            // Old replies carry neither field, or only htlc_msat: write what is there.
            0x400F => {
                if let Some(a) = self.htlc_msat {
                    out.extend_from_slice(&a.0.to_be_bytes());
                    if let Some(h) = self.height {
                        out.extend_from_slice(&h.to_be_bytes());
                    }
                }
            }
            0x0012 => out.extend_from_slice(&self.cltv_expiry.unwrap_or_default().to_be_bytes()),
            0x0013 => out.extend_from_slice(&self.incoming_htlc_amt.unwrap_or_default().0.to_be_bytes()),
            0x4016 => {
                crate::wire::write_bigsize(&mut out, self.tlv_type.unwrap_or_default());
                out.extend_from_slice(&self.offset.unwrap_or_default().to_be_bytes());
            }
            _ => {}
        }
        out.extend_from_slice(&self.extra);
        out
    }
}
