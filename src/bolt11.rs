//! BOLT #11 invoices: decode (bech32, the human-readable part, every tagged field), verify the
//! signature (against `n`, or by recovering the payee's key), and cross-check what a payment
//! is about to send against what the invoice asks for.
//!
//! Decisions where the spec is loose or disagrees with itself (docs/reference.md, "BOLT 11 invoices"):
//! - a `p`, `h`, `s` or `n` field of the wrong length fails the invoice (the reader
//!   requirement since BOLT PR #1243), though one of the spec's older "valid" examples still
//!   calls such fields ignored;
//! - without `n`, the payee is the key recovered with the signature's own recovery id, high-S
//!   or not (s is not normalised first); with `n`, a high-S signature is refused;
//! - the first of repeated single-valued fields wins ("SHOULD use the first `p` field");
//! - every invoice must have `p`, `s`, and a `d` or an `h`;
//! - a string longer than [`MAX_LENGTH`] is refused before any work.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use k256::elliptic_curve::group::Group;
use k256::elliptic_curve::ops::LinearCombination;
use k256::{ProjectivePoint, Scalar};

use crate::amount::Msat;
use crate::crypto::{ecdsa_verify, is_high_s, scalar_from_hash, sha256, signature_scalars};
use crate::hex;
use crate::ids::{NodeId, ShortChannelId};

/// The longest invoice accepted: the most characters one QR code holds (alphanumeric mode,
/// version 40-L). Real invoices are far shorter; this bounds the work an input can cause.
pub const MAX_LENGTH: usize = 4296;
/// Seconds an invoice is valid for when it has no `x` field.
pub const DEFAULT_EXPIRY: u64 = 3600;
/// The final CLTV delta when the invoice has no `c` field.
pub const DEFAULT_MIN_FINAL_CLTV: u64 = 18;

pub(crate) const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Whether `b` mixes upper- and lower-case letters (bech32 strings are one case).
pub(crate) fn mixed_case(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase)
}

/// A lower-case bech32 character's 5-bit value (`CHARSET` inverted), or `None`.
pub(crate) fn bech32_value(c: u8) -> Option<u8> {
    const REV: [u8; 128] = {
        let mut t = [0xff; 128];
        let mut i = 0;
        while i < 32 {
            t[CHARSET[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    REV.get(usize::from(c)).copied().filter(|&v| v != 0xff)
}
const SIGNATURE_GROUPS: usize = 104; // 520 bits: r, s, recovery id
const TIMESTAMP_GROUPS: usize = 7; // 35 bits
/// The curve order n, big-endian.
const CURVE_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc,
    0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];
/// Feature bits this library knows in an invoice's `9` field (BOLT 9): var_onion_optin,
/// payment_secret, basic_mpp, option_route_blinding, option_payment_metadata.
const KNOWN_FEATURES: [u32; 5] = [8, 14, 16, 24, 48];

/// The chain an invoice is for, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// `lnbc`
    Bitcoin,
    /// `lntb`
    Testnet,
    /// `lntbs`
    Signet,
    /// `lnbcrt`
    Regtest,
}

impl Network {
    /// The currency prefix (`bc`, `tb`, `tbs`, `bcrt`).
    pub fn prefix(self) -> &'static str {
        match self {
            Network::Bitcoin => "bc",
            Network::Testnet => "tb",
            Network::Signet => "tbs",
            Network::Regtest => "bcrt",
        }
    }
    /// Whether a node on `network` (`getinfo`'s name: `bitcoin`, `testnet`, `testnet4`,
    /// `signet`, `regtest`) pays invoices of this network.
    pub fn is_node_network(self, network: &str) -> bool {
        match self {
            Network::Testnet => network == "testnet" || network == "testnet4",
            n => network == n.name(),
        }
    }
    /// `bitcoin`, `testnet`, `signet`, `regtest`.
    pub fn name(self) -> &'static str {
        match self {
            Network::Bitcoin => "bitcoin",
            Network::Testnet => "testnet",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
}

/// One hop of an `r` field: a private channel towards the payee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHintHop {
    /// The node at the start of the channel.
    pub pubkey: NodeId,
    /// The channel.
    pub short_channel_id: ShortChannelId,
    /// Its fee policy and CLTV delta (BOLT 7).
    pub fee_base_msat: u32,
    /// Proportional fee, millionths.
    pub fee_proportional_millionths: u32,
    /// CLTV delta.
    pub cltv_expiry_delta: u16,
}

/// An `f` field: an on-chain fallback (17 = P2PKH, 18 = P2SH, 0–16 = witness version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The version.
    pub version: u8,
    /// The hash or witness program.
    pub program: Vec<u8>,
}

/// A field of a type this decoder does not know, kept as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// The 5-bit type.
    pub kind: u8,
    /// The 5-bit groups of its data.
    pub data: Vec<u8>,
}

/// A decoded, signature-checked invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// The chain.
    pub network: Network,
    /// The amount asked for, if any.
    pub amount: Option<Msat>,
    /// Creation time, seconds since 1970.
    pub timestamp: u64,
    /// `p`.
    pub payment_hash: [u8; 32],
    /// `s`.
    pub payment_secret: [u8; 32],
    /// `d`.
    pub description: Option<String>,
    /// `h`.
    pub description_hash: Option<[u8; 32]>,
    /// `x`, as written (see [`Invoice::expiry`]).
    pub expiry_field: Option<u64>,
    /// `c`, as written (see [`Invoice::min_final_cltv_expiry`]).
    pub min_final_cltv_field: Option<u64>,
    /// `f` fields of known versions, in order.
    pub fallbacks: Vec<Fallback>,
    /// One entry per `r` field.
    pub route_hints: Vec<Vec<RouteHintHop>>,
    /// `9`, as minimal big-endian bytes (BOLT 9).
    pub features: Vec<u8>,
    /// `m`.
    pub payment_metadata: Option<Vec<u8>>,
    /// The payee: `n`, or the key the signature recovers to.
    pub payee: NodeId,
    /// Whether `payee` came from an `n` field.
    pub payee_from_n: bool,
    /// r ‖ s.
    pub signature: [u8; 64],
    /// The recovery id (0–3).
    pub recovery_id: u8,
    /// SHA256 of the signed data (the human-readable part, then the data part).
    pub signed_hash: [u8; 32],
    /// Fields of unknown types.
    pub unknown_fields: Vec<UnknownField>,
}

impl Invoice {
    /// Seconds the invoice is valid for (3600 without `x`).
    pub fn expiry(&self) -> u64 {
        self.expiry_field.unwrap_or(DEFAULT_EXPIRY)
    }
    /// When it expires, seconds since 1970.
    pub fn expires_at(&self) -> u64 {
        self.timestamp.saturating_add(self.expiry())
    }
    /// The payee's final CLTV delta (18 without `c`).
    pub fn min_final_cltv_expiry(&self) -> u64 {
        self.min_final_cltv_field.unwrap_or(DEFAULT_MIN_FINAL_CLTV)
    }
    /// Set feature bits, ascending.
    pub fn feature_bits(&self) -> Vec<u32> {
        feature_bits(&self.features)
    }
}

/// Why an invoice is refused, or does not match a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bolt11Error {
    /// Longer than [`MAX_LENGTH`].
    TooLong {
        /// Its length.
        len: usize,
    },
    /// Upper and lower case mixed (bech32 forbids it).
    MixedCase,
    /// No `1` between the human-readable and the data part.
    NoSeparator,
    /// A character outside bech32's alphabet (or a non-ASCII one).
    BadChar {
        /// Its position.
        pos: usize,
    },
    /// The checksum does not verify.
    BadChecksum,
    /// Too few characters for a timestamp and a signature.
    TooShort,
    /// The prefix does not start with `ln`.
    NotLightning,
    /// A currency prefix other than `bc`, `tb`, `tbs`, `bcrt`.
    UnknownNetwork(String),
    /// The amount has a character that is neither a digit nor the last letter.
    AmountNotDigits,
    /// A multiplier letter other than m, u, n, p.
    UnknownMultiplier(char),
    /// `p` with a last digit other than 0: not a whole number of millisatoshi.
    SubMillisatoshi,
    /// Zero, or more than 2^64 − 1 msat.
    AmountRange,
    /// A field's `data_length` runs past the signature.
    FieldTruncated {
        /// The field's letter.
        tag: char,
    },
    /// A `p`, `h`, `s` or `n` field of the wrong length.
    FieldLength {
        /// The field's letter.
        tag: char,
        /// Its `data_length`.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
    /// `d` is not UTF-8.
    DescriptionNotUtf8,
    /// `x` or `c` does not fit 64 bits.
    IntegerTooLarge {
        /// The field's letter.
        tag: char,
    },
    /// An `r` field that is not a whole number of 51-byte hops, or holds a bad key.
    BadRouteHint,
    /// `n` is not a public key.
    BadPayeeKey,
    /// A required (even) feature bit this library does not know.
    UnknownRequiredFeature(u32),
    /// A feature set without the one it depends on (BOLT 9).
    MissingFeatureDependency {
        /// The feature set.
        feature: u32,
        /// The one it needs.
        needs: u32,
    },
    /// No `p` field.
    MissingPaymentHash,
    /// No `s` field.
    MissingPaymentSecret,
    /// Neither `d` nor `h`.
    MissingDescription,
    /// Recovery id above 3.
    BadRecoveryId(u8),
    /// No public key can be recovered from the signature.
    Unrecoverable,
    /// With `n`: an s above n/2.
    HighS,
    /// With `n`: the signature is not `n`'s.
    SignatureMismatch,
    /// A payment's field differs from the invoice's.
    Mismatch {
        /// Which (`payment_hash`, `payment_secret`, `amount_msat`, `destination`, `description`).
        field: &'static str,
        /// The invoice's value.
        invoice: String,
        /// The payment's.
        given: String,
    },
    /// The route delivers outside [amount, 2×amount] of the invoice's amount.
    AmountOutOfRange {
        /// The invoice's amount.
        invoice: Msat,
        /// What the route delivers.
        given: Msat,
    },
    /// The route's (or pay's `final_cltv`) final CLTV delta is below the invoice's `c`.
    FinalCltvTooSmall {
        /// `route` or `final_cltv`.
        field: &'static str,
        /// The invoice's.
        invoice: u64,
        /// The route's.
        given: u32,
    },
    /// The invoice has expired.
    Expired {
        /// When.
        expires_at: u64,
        /// Now.
        now: u64,
    },
    /// No amount in the invoice and none given.
    NoAmount,
    /// Not a BOLT 11 invoice but another payment string users paste.
    NotBolt11(OtherFormat),
    /// The invoice is for another network than the node's (`getinfo`'s `network`).
    WrongNetwork {
        /// The invoice's.
        invoice: Network,
        /// The node's, as it named it.
        node: String,
    },
}

/// A payment string that is not a BOLT 11 invoice, recognised by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherFormat {
    /// `lno1…`: a BOLT 12 offer.
    Bolt12Offer,
    /// `lni1…`: a BOLT 12 invoice.
    Bolt12Invoice,
    /// `lnr1…`: a BOLT 12 invoice request.
    Bolt12InvoiceRequest,
    /// `lnurl…`: an LNURL (bech32-encoded URL).
    Lnurl,
}

/// What users paste, as an invoice: surrounding whitespace and a `lightning:` URI scheme (any
/// case) removed.
pub fn normalize(s: &str) -> &str {
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    strip_prefix_ci(t, "lightning:").map_or(t, |r| r.trim_matches(|c: char| c.is_ascii_whitespace()))
}

/// `s` after `prefix`, matched in any ASCII case. Through `str::get`, never an index: a
/// `str` index's panic path brings core's Unicode tables into the module (~4 KB gzip,
/// measured), for a panic that cannot happen here anyway.
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len()).filter(|p| p.eq_ignore_ascii_case(prefix)).and_then(|_| s.get(prefix.len()..))
}

/// Whether `s` starts with `prefix` in any ASCII case.
pub(crate) fn starts_ci(s: &str, prefix: &str) -> bool {
    strip_prefix_ci(s, prefix).is_some()
}

fn other_format(s: &str) -> Option<OtherFormat> {
    let starts = |p: &str| starts_ci(s, p);
    Some(if starts("lno1") {
        OtherFormat::Bolt12Offer
    } else if starts("lni1") {
        OtherFormat::Bolt12Invoice
    } else if starts("lnr1") {
        OtherFormat::Bolt12InvoiceRequest
    } else if starts("lnurl") {
        OtherFormat::Lnurl
    } else {
        return None;
    })
}

impl Bolt11Error {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        use Bolt11Error::*;
        match self {
            TooLong { .. } => "BOLT11_TOO_LONG",
            MixedCase => "BOLT11_MIXED_CASE",
            NoSeparator => "BOLT11_NO_SEPARATOR",
            BadChar { .. } => "BOLT11_BAD_CHAR",
            BadChecksum => "BOLT11_BAD_CHECKSUM",
            TooShort => "BOLT11_TOO_SHORT",
            NotLightning => "BOLT11_NOT_LIGHTNING",
            NotBolt11(OtherFormat::Bolt12Offer) => "INVOICE_IS_BOLT12_OFFER",
            NotBolt11(OtherFormat::Bolt12Invoice) => "INVOICE_IS_BOLT12_INVOICE",
            NotBolt11(OtherFormat::Bolt12InvoiceRequest) => "INVOICE_IS_BOLT12_INVOICE_REQUEST",
            NotBolt11(OtherFormat::Lnurl) => "INVOICE_IS_LNURL",
            WrongNetwork { .. } => "INVOICE_WRONG_NETWORK",
            UnknownNetwork(_) => "BOLT11_UNKNOWN_NETWORK",
            AmountNotDigits => "BOLT11_AMOUNT_NOT_DIGITS",
            UnknownMultiplier(_) => "BOLT11_UNKNOWN_MULTIPLIER",
            SubMillisatoshi => "BOLT11_SUB_MSAT",
            AmountRange => "BOLT11_AMOUNT_RANGE",
            FieldTruncated { .. } => "BOLT11_FIELD_TRUNCATED",
            FieldLength { .. } => "BOLT11_FIELD_LENGTH",
            DescriptionNotUtf8 => "BOLT11_DESCRIPTION_NOT_UTF8",
            IntegerTooLarge { .. } => "BOLT11_INTEGER_TOO_LARGE",
            BadRouteHint => "BOLT11_BAD_ROUTE_HINT",
            BadPayeeKey => "BOLT11_BAD_PAYEE_KEY",
            UnknownRequiredFeature(_) => "BOLT11_UNKNOWN_REQUIRED_FEATURE",
            MissingFeatureDependency { .. } => "BOLT11_FEATURE_DEPENDENCY",
            MissingPaymentHash => "BOLT11_MISSING_PAYMENT_HASH",
            MissingPaymentSecret => "BOLT11_MISSING_PAYMENT_SECRET",
            MissingDescription => "BOLT11_MISSING_DESCRIPTION",
            BadRecoveryId(_) => "BOLT11_BAD_RECOVERY_ID",
            Unrecoverable => "BOLT11_UNRECOVERABLE_SIGNATURE",
            HighS => "BOLT11_HIGH_S",
            SignatureMismatch => "BOLT11_SIGNATURE_MISMATCH",
            Mismatch { field: "payment_hash", .. } => "INVOICE_PAYMENT_HASH_MISMATCH",
            Mismatch { field: "payment_secret", .. } => "INVOICE_PAYMENT_SECRET_MISMATCH",
            Mismatch { field: "destination", .. } => "INVOICE_PAYEE_MISMATCH",
            Mismatch { field: "description", .. } => "INVOICE_DESCRIPTION_MISMATCH",
            Mismatch { field: "amount_msat", .. } => "INVOICE_AMOUNT_MISMATCH",
            Mismatch { .. } => "INVOICE_MISMATCH",
            AmountOutOfRange { .. } => "INVOICE_AMOUNT_OUT_OF_RANGE",
            FinalCltvTooSmall { .. } => "INVOICE_FINAL_CLTV_TOO_SMALL",
            Expired { .. } => "INVOICE_EXPIRED",
            NoAmount => "INVOICE_NO_AMOUNT",
        }
    }

    /// For a mismatch, the payment's field concerned; `None` for what is wrong with the
    /// invoice itself (the caller names the parameter that held it).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Bolt11Error::Mismatch { field, .. } => Some(field),
            Bolt11Error::AmountOutOfRange { .. } | Bolt11Error::NoAmount => Some("amount_msat"),
            Bolt11Error::FinalCltvTooSmall { field, .. } => Some(field),
            Bolt11Error::Expired { .. } => Some("bolt11"),
            _ => None,
        }
    }
}

impl fmt::Display for Bolt11Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Bolt11Error::*;
        match self {
            TooLong { len } => write!(f, "the invoice is {len} characters long, over the {MAX_LENGTH} accepted"),
            MixedCase => f.write_str("mixes upper and lower case"),
            NoSeparator => f.write_str("has no '1' separating the prefix from the data"),
            BadChar { pos } => write!(f, "character {pos} is not in bech32's alphabet"),
            BadChecksum => f.write_str("the bech32 checksum does not verify"),
            TooShort => f.write_str("too short for a timestamp and a signature"),
            NotLightning => f.write_str("the prefix does not start with \"ln\""),
            WrongNetwork { invoice, node } => write!(
                f,
                "is for {} (ln{}…) but the node is on {node}: nothing was sent",
                invoice.name(),
                invoice.prefix()
            ),
            NotBolt11(k) => f.write_str(match k {
                OtherFormat::Bolt12Offer => {
                    "is a BOLT 12 offer (lno1…), not a BOLT 11 invoice (lnbc1…): this call takes a BOLT 11 invoice; pay an offer with pay({ offer }), read it with decodeBolt12"
                }
                OtherFormat::Bolt12Invoice => {
                    "is a BOLT 12 invoice (lni1…), not a BOLT 11 invoice (lnbc1…): this call takes a BOLT 11 invoice; pay a BOLT 12 one with pay({ bolt12 }), read it with decodeBolt12"
                }
                OtherFormat::Bolt12InvoiceRequest => {
                    "is a BOLT 12 invoice request (lnr1…), not a BOLT 11 invoice (lnbc1…): this call takes a BOLT 11 invoice; read it with decodeBolt12"
                }
                OtherFormat::Lnurl => {
                    "is an LNURL, not a BOLT 11 invoice (lnbc1…): this call takes a BOLT 11 invoice; resolve the LNURL to one first"
                }
            }),
            UnknownNetwork(p) => write!(f, "unknown currency prefix \"{p}\" (bc, tb, tbs, bcrt)"),
            AmountNotDigits => f.write_str("the amount in the prefix is not a number"),
            UnknownMultiplier(c) => write!(f, "unknown amount multiplier '{c}' (m, u, n, p)"),
            SubMillisatoshi => f.write_str("the amount is not a whole number of millisatoshi"),
            AmountRange => f.write_str("the amount is zero or does not fit 64 bits of msat"),
            FieldTruncated { tag } => write!(f, "field '{tag}' is longer than what remains of the invoice"),
            FieldLength { tag, len, expected } => {
                write!(f, "field '{tag}' has data_length {len}, not {expected}")
            }
            DescriptionNotUtf8 => f.write_str("the description is not UTF-8"),
            IntegerTooLarge { tag } => write!(f, "field '{tag}' does not fit 64 bits"),
            BadRouteHint => f.write_str("a route hint ('r') is not a whole number of valid 51-byte hops"),
            BadPayeeKey => f.write_str("the payee ('n') is not a public key"),
            UnknownRequiredFeature(b) => write!(f, "requires feature bit {b}, which this library does not know"),
            MissingFeatureDependency { feature, needs } => {
                write!(f, "sets feature bit {feature} without bit {needs}, which it depends on")
            }
            MissingPaymentHash => f.write_str("has no payment hash ('p')"),
            MissingPaymentSecret => f.write_str("has no payment secret ('s')"),
            MissingDescription => f.write_str("has neither a description ('d') nor its hash ('h')"),
            BadRecoveryId(r) => write!(f, "recovery id {r} is not 0 to 3"),
            Unrecoverable => f.write_str("no public key can be recovered from the signature"),
            HighS => f.write_str("the signature is not in low-S form"),
            SignatureMismatch => f.write_str("the signature is not the payee's ('n')"),
            Mismatch { field, invoice, given } => write!(f, "{given} does not match the invoice's {field} {invoice}"),
            AmountOutOfRange { invoice, given } => write!(
                f,
                "the route delivers {}msat; the invoice asks for {}msat (and accepts up to twice that)",
                given.0, invoice.0
            ),
            FinalCltvTooSmall { invoice, given, .. } => {
                write!(f, "the final CLTV delta is {given}; the invoice needs at least {invoice}")
            }
            Expired { expires_at, now } => write!(f, "the invoice expired at {expires_at} (now {now})"),
            NoAmount => f.write_str("the invoice has no amount: give `amount_msat`"),
        }
    }
}

// ─── bech32 ──────────────────────────────────────────────────────────────────────────────

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn hrp_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter().map(|c| c >> 5).chain(core::iter::once(0)).chain(hrp.iter().map(|c| c & 31))
}

/// The checksum (6 groups) for `hrp` and `data` (bech32, constant 1).
pub fn bech32_checksum(hrp: &[u8], data: &[u8]) -> [u8; 6] {
    let pm = polymod(hrp_expand(hrp).chain(data.iter().copied()).chain([0u8; 6])) ^ 1;
    let mut out = [0u8; 6];
    for (i, o) in out.iter_mut().enumerate() {
        *o = ((pm >> (5 * (5 - i))) & 31) as u8;
    }
    out
}

/// `hrp` + `1` + the groups + their checksum, lower case.
pub fn bech32_encode(hrp: &str, data: &[u8]) -> String {
    let mut s = String::with_capacity(hrp.len() + 1 + data.len() + 6);
    s.push_str(hrp);
    s.push('1');
    for g in data.iter().chain(bech32_checksum(hrp.as_bytes(), data).iter()) {
        s.push(char::from(CHARSET[usize::from(*g & 31)]));
    }
    s
}

/// Lower-cased human-readable part and the data groups (checksum checked and removed).
/// Works on bytes: every accepted character is ASCII.
pub(crate) fn bech32_decode(s: &str) -> Result<(Vec<u8>, Vec<u8>), Bolt11Error> {
    let b = s.as_bytes();
    if b.len() > MAX_LENGTH {
        return Err(Bolt11Error::TooLong { len: b.len() });
    }
    if let Some(pos) = b.iter().position(|c| !(33..=126).contains(c)) {
        return Err(Bolt11Error::BadChar { pos });
    }
    if mixed_case(b) {
        return Err(Bolt11Error::MixedCase);
    }
    let lower = b.to_ascii_lowercase();
    let sep = match lower.iter().rposition(|c| *c == b'1') {
        Some(0) | None => return Err(Bolt11Error::NoSeparator),
        Some(i) => i,
    };
    let (hrp, rest) = lower.split_at(sep);
    let mut data = Vec::with_capacity(rest.len());
    for (i, c) in rest.iter().enumerate().skip(1) {
        data.push(bech32_value(*c).ok_or(Bolt11Error::BadChar { pos: sep + i })?);
    }
    if data.len() < 6 {
        return Err(Bolt11Error::TooShort);
    }
    if polymod(hrp_expand(hrp).chain(data.iter().copied())) != 1 {
        return Err(Bolt11Error::BadChecksum);
    }
    data.truncate(data.len() - 6);
    Ok((hrp.to_vec(), data))
}

/// 5-bit groups → bytes, the last partial byte dropped (field data) or zero-padded (`pad`).
pub(crate) fn groups_to_bytes(groups: &[u8], pad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(groups.len() * 5 / 8 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for g in groups {
        acc = (acc << 5) | u32::from(*g);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if pad && bits > 0 {
        out.push((acc << (8 - bits)) as u8);
    }
    out
}

/// Bytes → 5-bit groups, zero-padded.
pub fn bytes_to_groups(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 31) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 31) as u8);
    }
    out
}

/// The letter of a 5-bit field type.
pub fn tag_letter(kind: u8) -> char {
    char::from(CHARSET[usize::from(kind & 31)])
}

// ─── the human-readable part ─────────────────────────────────────────────────────────────

fn parse_hrp(hrp: &[u8]) -> Result<(Network, Option<Msat>), Bolt11Error> {
    let rest = hrp.strip_prefix(b"ln").ok_or(Bolt11Error::NotLightning)?;
    let digits_at = rest.iter().position(u8::is_ascii_digit).unwrap_or(rest.len());
    let (currency, amount) = rest.split_at(digits_at);
    let network = match currency {
        b"bc" => Network::Bitcoin,
        b"tb" => Network::Testnet,
        b"tbs" => Network::Signet,
        b"bcrt" => Network::Regtest,
        other => return Err(Bolt11Error::UnknownNetwork(other.iter().map(|c| char::from(*c)).collect())),
    };
    let Some((&last, init)) = amount.split_last() else { return Ok((network, None)) };
    let (number, multiplier) = if last.is_ascii_digit() { (amount, None) } else { (init, Some(last)) };
    if number.is_empty() || !number.iter().all(u8::is_ascii_digit) {
        return Err(Bolt11Error::AmountNotDigits);
    }
    // Pico-BTC are tenths of a msat: the last digit must be 0, and the rest is the msat.
    let (digits, scale) = match multiplier {
        None => (number, 100_000_000_000),
        Some(b'm') => (number, 100_000_000),
        Some(b'u') => (number, 100_000),
        Some(b'n') => (number, 100),
        Some(b'p') => match number.split_last() {
            Some((b'0', rest)) => (rest, 1),
            _ => return Err(Bolt11Error::SubMillisatoshi),
        },
        Some(c) => return Err(Bolt11Error::UnknownMultiplier(char::from(c))),
    };
    let mut n: u64 = 0;
    for d in digits {
        n = n.checked_mul(10).and_then(|x| x.checked_add(u64::from(d - b'0'))).ok_or(Bolt11Error::AmountRange)?;
    }
    let msat = n.checked_mul(scale);
    match msat {
        Some(m) if m > 0 => Ok((network, Some(Msat(m)))),
        _ => Err(Bolt11Error::AmountRange),
    }
}

// ─── decoding ────────────────────────────────────────────────────────────────────────────

fn int_field(tag: char, groups: &[u8]) -> Result<u64, Bolt11Error> {
    let mut v: u64 = 0;
    for g in groups {
        if v >> 59 != 0 {
            return Err(Bolt11Error::IntegerTooLarge { tag });
        }
        v = (v << 5) | u64::from(*g);
    }
    Ok(v)
}

fn fixed<const N: usize>(tag: char, groups: &[u8], expected: usize) -> Result<[u8; N], Bolt11Error> {
    if groups.len() != expected {
        return Err(Bolt11Error::FieldLength { tag, len: groups.len(), expected });
    }
    let bytes = groups_to_bytes(groups, false);
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    Ok(out)
}

/// Set bits of a big-endian feature vector, ascending (BOLT 9; BOLT 12 writes them alike).
pub fn feature_bits(bytes: &[u8]) -> Vec<u32> {
    let mut bits = Vec::new();
    for (i, b) in bytes.iter().rev().enumerate() {
        for j in 0..8 {
            if b >> j & 1 == 1 {
                bits.push(i as u32 * 8 + j);
            }
        }
    }
    bits
}

/// The `9` field's 5-bit groups → minimal big-endian bytes.
fn features_from_groups(groups: &[u8]) -> Vec<u8> {
    // Bit k of the vector is bit (k mod 5) of group (len-1 - k/5).
    let nbits = groups.len() * 5;
    let mut bytes = alloc::vec![0u8; nbits.div_ceil(8)];
    let len = bytes.len();
    for (gi, g) in groups.iter().enumerate() {
        for j in 0..5 {
            if g >> j & 1 == 1 {
                let k = (groups.len() - 1 - gi) * 5 + j;
                bytes[len - 1 - k / 8] |= 1 << (k % 8);
            }
        }
    }
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.split_off(first)
}

fn check_features(bits: &[u32]) -> Result<(), Bolt11Error> {
    if let Some(b) = bits.iter().find(|b| *b % 2 == 0 && !KNOWN_FEATURES.contains(b)) {
        return Err(Bolt11Error::UnknownRequiredFeature(*b));
    }
    let has = |pair: u32| bits.contains(&pair) || bits.contains(&(pair + 1));
    // BOLT 9: payment_secret needs var_onion_optin; basic_mpp needs payment_secret.
    for (feature, needs) in [(14, 8), (16, 14)] {
        if has(feature) && !has(needs) {
            return Err(Bolt11Error::MissingFeatureDependency { feature, needs });
        }
    }
    Ok(())
}

fn route_hint(groups: &[u8]) -> Result<Vec<RouteHintHop>, Bolt11Error> {
    let bytes = groups_to_bytes(groups, false);
    if bytes.is_empty() || !bytes.len().is_multiple_of(51) {
        return Err(Bolt11Error::BadRouteHint);
    }
    bytes
        .chunks(51)
        .map(|c| {
            let mut key = [0u8; 33];
            key.copy_from_slice(&c[..33]);
            let be = |r: core::ops::Range<usize>| c[r].iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
            Ok(RouteHintHop {
                pubkey: NodeId::from_bytes(&key).map_err(|_| Bolt11Error::BadRouteHint)?,
                short_channel_id: ShortChannelId::from_u64(be(33..41)),
                fee_base_msat: be(41..45) as u32,
                fee_proportional_millionths: be(45..49) as u32,
                cltv_expiry_delta: be(49..51) as u16,
            })
        })
        .collect()
}

fn fallback(groups: &[u8]) -> Option<Fallback> {
    let (&version, rest) = groups.split_first()?;
    let program = groups_to_bytes(rest, false);
    let ok = match version {
        0 => program.len() == 20 || program.len() == 32,
        1..=16 => (2..=40).contains(&program.len()),
        17 | 18 => program.len() == 20,
        _ => false, // unknown versions are skipped (BOLT 11)
    };
    ok.then_some(Fallback { version, program })
}

/// The key that signed `hash`, from r ‖ s and the recovery id: Q = r⁻¹(s·R − z·G), with R
/// the point whose x is r (+ n for ids 2 and 3) and whose y has the id's parity. s is used
/// as it is (a high-S signature recovers the key its own id names).
pub fn recover(hash: &[u8; 32], sig: &[u8; 64], recovery_id: u8) -> Result<NodeId, Bolt11Error> {
    if recovery_id > 3 {
        return Err(Bolt11Error::BadRecoveryId(recovery_id));
    }
    let (r, s) = signature_scalars(sig).ok_or(Bolt11Error::Unrecoverable)?;
    let mut x = [0u8; 33];
    x[0] = 2 | (recovery_id & 1);
    x[1..].copy_from_slice(&sig[..32]);
    if recovery_id & 2 != 0 {
        // x = r + n, which must stay below the field prime (checked by the decompression).
        let mut carry = 0u16;
        for i in (0..32).rev() {
            let v = u16::from(x[1 + i]) + u16::from(CURVE_N[i]) + carry;
            x[1 + i] = v as u8;
            carry = v >> 8;
        }
        if carry != 0 {
            return Err(Bolt11Error::Unrecoverable);
        }
    }
    let big_r = NodeId::from_bytes(&x).map_err(|_| Bolt11Error::Unrecoverable)?.point();
    // Everything here is public (the invoice and its signature): variable-time arithmetic,
    // one linear combination (Shamir's trick with GLV) instead of two multiplications.
    let r_inv = Option::<Scalar>::from(r.invert_vartime()).ok_or(Bolt11Error::Unrecoverable)?;
    let z = scalar_from_hash(hash);
    let q = <ProjectivePoint as LinearCombination<[(ProjectivePoint, Scalar); 2]>>::lincomb_vartime(&[
        (ProjectivePoint::GENERATOR, -(z * r_inv)),
        (big_r, s * r_inv),
    ]);
    if bool::from(q.is_identity()) {
        return Err(Bolt11Error::Unrecoverable);
    }
    Ok(NodeId::from_point(&q.to_affine()))
}

/// Decode an invoice and check its signature (against `n`, or by recovery).
pub fn decode(s: &str) -> Result<Invoice, Bolt11Error> {
    let s = normalize(s);
    if let Some(k) = other_format(s) {
        return Err(Bolt11Error::NotBolt11(k));
    }
    let (hrp, data) = bech32_decode(s)?;
    let (network, amount) = parse_hrp(&hrp)?;
    if data.len() < TIMESTAMP_GROUPS + SIGNATURE_GROUPS {
        return Err(Bolt11Error::TooShort);
    }
    let end = data.len() - SIGNATURE_GROUPS;
    let timestamp = int_field('t', &data[..TIMESTAMP_GROUPS])?;

    let mut payment_hash = None;
    let mut payment_secret = None;
    let mut description = None;
    let mut description_hash = None;
    let mut expiry_field = None;
    let mut min_final_cltv_field = None;
    let mut n_field = None;
    let mut features = None;
    let mut payment_metadata = None;
    let mut fallbacks = Vec::new();
    let mut route_hints = Vec::new();
    let mut unknown_fields = Vec::new();

    let mut pos = TIMESTAMP_GROUPS;
    while pos < end {
        let kind = data[pos];
        let tag = tag_letter(kind);
        if end - pos < 3 {
            return Err(Bolt11Error::FieldTruncated { tag });
        }
        let len = (usize::from(data[pos + 1]) << 5) | usize::from(data[pos + 2]);
        let body = data.get(pos + 3..pos + 3 + len).filter(|_| pos + 3 + len <= end);
        let body = body.ok_or(Bolt11Error::FieldTruncated { tag })?;
        pos += 3 + len;
        // The first of a repeated single-valued field wins; later ones are still checked.
        match kind {
            1 => {
                let v = fixed::<32>(tag, body, 52)?;
                payment_hash.get_or_insert(v);
            }
            16 => {
                let v = fixed::<32>(tag, body, 52)?;
                payment_secret.get_or_insert(v);
            }
            23 => {
                let v = fixed::<32>(tag, body, 52)?;
                description_hash.get_or_insert(v);
            }
            19 => {
                let v = fixed::<33>(tag, body, 53)?;
                let key = NodeId::from_bytes(&v).map_err(|_| Bolt11Error::BadPayeeKey)?;
                n_field.get_or_insert(key);
            }
            13 => {
                let text =
                    String::from_utf8(groups_to_bytes(body, false)).map_err(|_| Bolt11Error::DescriptionNotUtf8)?;
                description.get_or_insert(text);
            }
            6 => {
                let v = int_field(tag, body)?;
                expiry_field.get_or_insert(v);
            }
            24 => {
                let v = int_field(tag, body)?;
                min_final_cltv_field.get_or_insert(v);
            }
            5 => {
                let v = features_from_groups(body);
                features.get_or_insert(v);
            }
            27 => {
                let v = groups_to_bytes(body, false);
                payment_metadata.get_or_insert(v);
            }
            9 => fallbacks.extend(fallback(body)),
            3 => route_hints.push(route_hint(body)?),
            _ => unknown_fields.push(UnknownField { kind, data: body.to_vec() }),
        }
    }
    let features = features.unwrap_or_default();
    check_features(&feature_bits(&features))?;
    let payment_hash = payment_hash.ok_or(Bolt11Error::MissingPaymentHash)?;
    let payment_secret = payment_secret.ok_or(Bolt11Error::MissingPaymentSecret)?;
    if description.is_none() && description_hash.is_none() {
        return Err(Bolt11Error::MissingDescription);
    }

    // The signature: over the prefix and the data part before it. `end` is len - 104 (the
    // length was checked above), so these 104 groups are 520 bits: exactly 65 bytes.
    let sig_bytes = groups_to_bytes(&data[end..], false);
    let mut signature = [0u8; 64];
    signature.copy_from_slice(&sig_bytes[..64]);
    let recovery_id = sig_bytes[64];
    if recovery_id > 3 {
        return Err(Bolt11Error::BadRecoveryId(recovery_id));
    }
    let signed_hash = sha256(&[&hrp, &groups_to_bytes(&data[..end], true)]);
    let payee = match n_field {
        Some(n) => {
            let (_, s) = signature_scalars(&signature).ok_or(Bolt11Error::SignatureMismatch)?;
            if is_high_s(&s) {
                return Err(Bolt11Error::HighS);
            }
            // `n` was decompressed when it was read: its point is used as it is.
            if !ecdsa_verify(&n.point(), &signed_hash, &signature) {
                return Err(Bolt11Error::SignatureMismatch);
            }
            n
        }
        None => recover(&signed_hash, &signature, recovery_id)?,
    };
    Ok(Invoice {
        network,
        amount,
        timestamp,
        payment_hash,
        payment_secret,
        description,
        description_hash,
        expiry_field,
        min_final_cltv_field,
        fallbacks,
        route_hints,
        features,
        payment_metadata,
        payee,
        payee_from_n: n_field.is_some(),
        signature,
        recovery_id,
        signed_hash,
        unknown_fields,
    })
}

// ─── cross-checks ────────────────────────────────────────────────────────────────────────

/// A 32-byte value given for a payment equals the invoice's (`field` names it).
pub fn check_same(field: &'static str, invoice: &[u8], given: &[u8]) -> Result<(), Bolt11Error> {
    if invoice == given {
        return Ok(());
    }
    Err(Bolt11Error::Mismatch { field, invoice: hex::encode(invoice), given: hex::encode(given) })
}

impl Invoice {
    /// Not expired at `now` (seconds since 1970).
    pub fn check_expiry(&self, now: u64) -> Result<(), Bolt11Error> {
        if now >= self.expires_at() {
            return Err(Bolt11Error::Expired { expires_at: self.expires_at(), now });
        }
        Ok(())
    }

    /// What the payee must receive: the invoice's amount, or `given` when it has none; both
    /// given and different is a mismatch.
    pub fn amount_to_pay(&self, given: Option<Msat>) -> Result<Msat, Bolt11Error> {
        match (self.amount, given) {
            (Some(a), Some(g)) if a != g => Err(Bolt11Error::Mismatch {
                field: "amount_msat",
                invoice: alloc::format!("{}msat", a.0),
                given: alloc::format!("{}msat", g.0),
            }),
            (Some(a), _) => Ok(a),
            (None, Some(g)) => Ok(g),
            (None, None) => Err(Bolt11Error::NoAmount),
        }
    }

    /// A route may pay this invoice: it ends at the payee, delivers [amount, 2×amount] (the
    /// man page's rule; `total` for a part of a multi-part payment) and gives the final hop
    /// at least the invoice's CLTV delta.
    pub fn check_route(&self, route: &crate::route::Route, total: Option<Msat>) -> Result<(), Bolt11Error> {
        let Some(last) = route.hops.last() else { return Ok(()) };
        if last.node_id != self.payee {
            return Err(Bolt11Error::Mismatch {
                field: "destination",
                invoice: self.payee.to_hex(),
                given: last.node_id.to_hex(),
            });
        }
        if let Some(a) = self.amount {
            let delivered = total.unwrap_or(last.amount);
            if delivered < a || delivered.0 > a.0.saturating_mul(2) {
                return Err(Bolt11Error::AmountOutOfRange { invoice: a, given: delivered });
            }
        }
        if u64::from(last.delay) < self.min_final_cltv_expiry() {
            return Err(Bolt11Error::FinalCltvTooSmall {
                field: "route",
                invoice: self.min_final_cltv_expiry(),
                given: last.delay,
            });
        }
        Ok(())
    }

    /// `h` commits to `description` (when the invoice has an `h`).
    pub fn check_description(&self, description: &str) -> Result<(), Bolt11Error> {
        match self.description_hash {
            Some(h) => check_same("description", &h, &sha256(&[description.as_bytes()])),
            None => Ok(()),
        }
    }
}

// ─── writing (tests, tools) ──────────────────────────────────────────────────────────────

/// Sign and encode an invoice from its prefix (`lnbc2500u`) and data groups (timestamp and
/// tagged fields, as 5-bit values): the signature (with its recovery id) and the checksum
/// are appended. For tests and tools; wallets only read invoices.
pub fn encode_signed(hrp: &str, data: &[u8], secret_key: &[u8; 32]) -> Option<String> {
    let key = k256::ecdsa::SigningKey::from_bytes(&(*secret_key).into()).ok()?;
    let hash = sha256(&[hrp.as_bytes(), &groups_to_bytes(data, true)]);
    let (sig, id) = key.sign_prehash_recoverable(&hash);
    let mut sig65 = [0u8; 65];
    sig65[..64].copy_from_slice(&sig.to_bytes());
    sig65[64] = id.to_byte();
    let mut groups = data.to_vec();
    groups.extend(bytes_to_groups(&sig65));
    Some(bech32_encode(hrp, &groups))
}

/// A tagged field's groups: type, 10-bit length, data.
pub fn field_groups(kind: u8, data: &[u8]) -> Vec<u8> {
    let mut out = alloc::vec![kind & 31, ((data.len() >> 5) & 31) as u8, (data.len() & 31) as u8];
    out.extend_from_slice(data);
    out
}
