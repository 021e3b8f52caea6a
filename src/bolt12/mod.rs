//! BOLT 12: offers (`lno1…`), invoice requests (`lnr1…`) and invoices (`lni1…`), decoded
//! and checked as the spec's readers must, and their signatures verified (the Merkle root of
//! the TLV stream, BIP-340 over its tagged hash).
//!
//! What [`decode`] checks, for each message: the string form (one case, `+` continuations,
//! bech32 characters, no checksum, padding of at most 4 zero bits); the TLV stream (types
//! strictly increasing, minimal BigSize, lengths within the data, unknown even types refused,
//! odd ones kept; the types the message may hold); every known field's form (chains a
//! multiple of 32 bytes, UTF-8 text, minimal integers, points on the curve, blinded paths with
//! at least one hop); unknown even feature bits refused; and the reader requirements that need
//! nothing but the message itself (an offer's amount with a description, a currency with an
//! amount, an issuer id or paths; an invoice request's payer id and metadata; an invoice's
//! amount, creation time, payment hash, node id, paths with one payinfo each). What needs more
//! (the time, the chain, the offer an invoice answers) is reported (`expires_at`, `chains`)
//! or checked by [`check_invoice`].

mod merkle;
mod subtypes;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use merkle::{is_signature_type, merkle_root, signature_digest};
pub use subtypes::{BlindedPath, Fallback, FirstNode, Hop, PayInfo};

use crate::amount::Msat;
use crate::ids::NodeId;
use crate::wire::{self, Record, WireError};

/// The bitcoin chain's hash (genesis block, as BOLT 12 writes chains).
pub const BITCOIN_CHAIN: [u8; 32] = [
    0x6f, 0xe2, 0x8c, 0x0a, 0xb6, 0xf1, 0xb3, 0x72, 0xc1, 0xa6, 0xa2, 0x46, 0xae, 0x63, 0xf7, 0x4f, 0x93, 0x1e, 0x83,
    0x65, 0xe1, 0x5a, 0x08, 0x9c, 0x68, 0xd6, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00,
];
/// An invoice's default lifetime after `invoice_created_at`.
pub const DEFAULT_INVOICE_EXPIRY: u64 = 7200;
/// The longest string read.
pub const MAX_LENGTH: usize = 8192;

/// Which message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `lno`
    Offer,
    /// `lnr`
    InvoiceRequest,
    /// `lni`
    Invoice,
}

impl Kind {
    /// Its name in the spec (and in signature tags).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::InvoiceRequest => "invoice_request",
            Kind::Invoice => "invoice",
        }
    }
    fn hrp(self) -> &'static str {
        match self {
            Kind::Offer => "lno",
            Kind::InvoiceRequest => "lnr",
            Kind::Invoice => "lni",
        }
    }
    /// Whether a TLV type may appear in this message at all (BOLT 12's ranges).
    fn allows(self, t: u64) -> bool {
        match self {
            Kind::Offer => (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t),
            Kind::InvoiceRequest => t <= 159 || is_signature_type(t) || (1_000_000_000..=2_999_999_999).contains(&t),
            Kind::Invoice => t <= 1000 || (1_000_000_000..=3_999_999_999).contains(&t),
        }
    }
    fn known(self, t: u64) -> bool {
        let offer = matches!(t, 2 | 4 | 6 | 8 | 10 | 12 | 14 | 16 | 18 | 20 | 22);
        let invreq = offer || matches!(t, 0 | 80 | 82 | 84 | 86 | 88 | 89 | 90 | 91 | 240);
        match self {
            Kind::Offer => offer,
            Kind::InvoiceRequest => invreq,
            Kind::Invoice => invreq || matches!(t, 160 | 162 | 164 | 166 | 168 | 170 | 172 | 174 | 176),
        }
    }
}

/// Every field BOLT 12 defines, as read (absent: `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// `invreq_metadata` (0).
    pub invreq_metadata: Option<Vec<u8>>,
    /// `offer_chains` (2).
    pub offer_chains: Option<Vec<[u8; 32]>>,
    /// `offer_metadata` (4).
    pub offer_metadata: Option<Vec<u8>>,
    /// `offer_currency` (6).
    pub offer_currency: Option<String>,
    /// `offer_amount` (8).
    pub offer_amount: Option<u64>,
    /// `offer_description` (10).
    pub offer_description: Option<String>,
    /// `offer_features` (12).
    pub offer_features: Option<Vec<u8>>,
    /// `offer_absolute_expiry` (14).
    pub offer_absolute_expiry: Option<u64>,
    /// `offer_paths` (16).
    pub offer_paths: Option<Vec<BlindedPath>>,
    /// `offer_issuer` (18).
    pub offer_issuer: Option<String>,
    /// `offer_quantity_max` (20).
    pub offer_quantity_max: Option<u64>,
    /// `offer_issuer_id` (22).
    pub offer_issuer_id: Option<NodeId>,
    /// `invreq_chain` (80).
    pub invreq_chain: Option<[u8; 32]>,
    /// `invreq_amount` (82).
    pub invreq_amount: Option<Msat>,
    /// `invreq_features` (84).
    pub invreq_features: Option<Vec<u8>>,
    /// `invreq_quantity` (86).
    pub invreq_quantity: Option<u64>,
    /// `invreq_payer_id` (88).
    pub invreq_payer_id: Option<NodeId>,
    /// `invreq_payer_note` (89).
    pub invreq_payer_note: Option<String>,
    /// `invreq_paths` (90).
    pub invreq_paths: Option<Vec<BlindedPath>>,
    /// `invreq_bip_353_name` (91): name and domain.
    pub invreq_bip_353_name: Option<(String, String)>,
    /// `invoice_paths` (160).
    pub invoice_paths: Option<Vec<BlindedPath>>,
    /// `invoice_blindedpay` (162).
    pub invoice_blindedpay: Option<Vec<PayInfo>>,
    /// `invoice_created_at` (164).
    pub invoice_created_at: Option<u64>,
    /// `invoice_relative_expiry` (166).
    pub invoice_relative_expiry: Option<u32>,
    /// `invoice_payment_hash` (168).
    pub invoice_payment_hash: Option<[u8; 32]>,
    /// `invoice_amount` (170).
    pub invoice_amount: Option<Msat>,
    /// `invoice_fallbacks` (172).
    pub invoice_fallbacks: Option<Vec<Fallback>>,
    /// `invoice_features` (174).
    pub invoice_features: Option<Vec<u8>>,
    /// `invoice_node_id` (176).
    pub invoice_node_id: Option<NodeId>,
    /// `signature` (240).
    pub signature: Option<[u8; 64]>,
}

/// A decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bolt12 {
    /// Which message.
    pub kind: Kind,
    /// Every record, in order (unknown odd ones included).
    pub records: Vec<Record>,
    /// The fields.
    pub fields: Fields,
    /// The Merkle root of the non-signature records (signed messages: invoice requests,
    /// invoices).
    pub merkle_root: Option<[u8; 32]>,
    /// Whether `signature` verifies: by `invreq_payer_id` (invoice request) or
    /// `invoice_node_id` (invoice); `None` for an offer, which is not signed.
    pub signature_verified: Option<bool>,
}

/// Why a string or a message is not valid BOLT 12.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bolt12Error {
    /// Longer than [`MAX_LENGTH`].
    TooLong,
    /// Not `lno1`, `lnr1` or `lni1`.
    UnknownPrefix,
    /// Upper and lower case mixed.
    MixedCase,
    /// A `+` that does not join two parts.
    BadContinuation,
    /// A character outside bech32's alphabet.
    BadChar,
    /// More than 4 bits of padding, or padding that is not zero.
    BadPadding,
    /// No records.
    Empty,
    /// The TLV stream.
    Tlv(WireError),
    /// A type this message may not hold (outside its ranges).
    TypeOutOfRange {
        /// The type.
        tlv_type: u64,
    },
    /// A field runs short.
    Truncated {
        /// The field.
        field: &'static str,
    },
    /// A field of the wrong length or form.
    BadField {
        /// The field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A point that is not on the curve.
    BadPoint {
        /// The field.
        field: &'static str,
    },
    /// A blinded path without hops.
    EmptyPath {
        /// The field.
        field: &'static str,
    },
    /// A required (even) feature bit this reader does not know.
    UnknownFeature {
        /// The field.
        field: &'static str,
        /// The bit.
        bit: u32,
    },
    /// A field the message needs, missing.
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field the message must not have with the others it has.
    Unexpected {
        /// The field.
        field: &'static str,
        /// Why.
        because: &'static str,
    },
}

impl Bolt12Error {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        use Bolt12Error::*;
        match self {
            TooLong => "BOLT12_TOO_LONG",
            UnknownPrefix => "BOLT12_UNKNOWN_PREFIX",
            MixedCase => "BOLT12_MIXED_CASE",
            BadContinuation => "BOLT12_BAD_CONTINUATION",
            BadChar => "BOLT12_BAD_CHAR",
            BadPadding => "BOLT12_BAD_PADDING",
            Empty => "BOLT12_EMPTY",
            Tlv(e) => e.code(),
            TypeOutOfRange { .. } => "BOLT12_TYPE_OUT_OF_RANGE",
            Truncated { .. } => "BOLT12_FIELD_TRUNCATED",
            BadField { .. } => "BOLT12_BAD_FIELD",
            BadPoint { .. } => "BOLT12_BAD_POINT",
            EmptyPath { .. } => "BOLT12_EMPTY_PATH",
            UnknownFeature { .. } => "BOLT12_UNKNOWN_FEATURE",
            Missing { .. } => "BOLT12_MISSING_FIELD",
            Unexpected { .. } => "BOLT12_UNEXPECTED_FIELD",
        }
    }

    /// The field concerned, in the spec's name.
    pub fn field(&self) -> Option<&'static str> {
        use Bolt12Error::*;
        match self {
            Truncated { field }
            | BadField { field, .. }
            | BadPoint { field }
            | EmptyPath { field }
            | UnknownFeature { field, .. }
            | Missing { field }
            | Unexpected { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for Bolt12Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Bolt12Error::*;
        match self {
            TooLong => write!(f, "longer than {MAX_LENGTH} characters"),
            UnknownPrefix => f.write_str("not a BOLT 12 string: expected lno1, lnr1 or lni1"),
            MixedCase => f.write_str("upper and lower case mixed"),
            BadContinuation => f.write_str("a `+` must join two parts"),
            BadChar => f.write_str("a character outside bech32's alphabet"),
            BadPadding => f.write_str("bech32 padding of more than 4 bits, or not zero"),
            Empty => f.write_str("no fields"),
            Tlv(e) => e.fmt(f),
            TypeOutOfRange { tlv_type } => write!(f, "TLV type {tlv_type} is outside the ranges this message may hold"),
            Truncated { .. } => f.write_str("truncated"),
            BadField { expected, .. } => write!(f, "should be {expected}"),
            BadPoint { .. } => f.write_str("not a point on the curve"),
            EmptyPath { .. } => f.write_str("a blinded path with no hops"),
            UnknownFeature { bit, .. } => write!(f, "unknown required feature bit {bit}"),
            Missing { .. } => f.write_str("missing"),
            Unexpected { because, .. } => write!(f, "not allowed: {because}"),
        }
    }
}

impl From<WireError> for Bolt12Error {
    fn from(e: WireError) -> Self {
        Bolt12Error::Tlv(e)
    }
}

/// BOLT 12's string form read back: `+` continuations (whitespace after a `+`) joined, one
/// case, lower-cased. Checks the joins and the case only.
pub fn join(s: &str) -> Result<String, Bolt12Error> {
    let s = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if s.len() > MAX_LENGTH {
        return Err(Bolt12Error::TooLong);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '+' {
            while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
            if out.is_empty() || chars.peek().is_none_or(|c| *c == '+') {
                return Err(Bolt12Error::BadContinuation);
            }
        } else {
            out.push(c);
        }
    }
    if crate::bolt11::mixed_case(out.as_bytes()) {
        return Err(Bolt12Error::MixedCase);
    }
    Ok(out.to_ascii_lowercase())
}

/// The kind and the bytes of a BOLT 12 string.
pub fn string_bytes(s: &str) -> Result<(Kind, Vec<u8>), Bolt12Error> {
    let text = join(s)?;
    let kind = [Kind::Offer, Kind::InvoiceRequest, Kind::Invoice]
        .into_iter()
        .find(|k| text.strip_prefix(k.hrp()).is_some_and(|r| r.starts_with('1')))
        .ok_or(Bolt12Error::UnknownPrefix)?;
    let groups = text.as_bytes()[4..]
        .iter()
        .map(|c| crate::bolt11::bech32_value(*c).ok_or(Bolt12Error::BadChar))
        .collect::<Result<Vec<u8>, _>>()?;
    let out = crate::bolt11::groups_to_bytes(&groups, false);
    // BIP-173's rule: at most 4 bits of padding, all zero.
    let pad = groups.len() * 5 % 8;
    if pad > 4 || groups.last().is_some_and(|g| g & ((1 << pad) - 1) != 0) {
        return Err(Bolt12Error::BadPadding);
    }
    Ok((kind, out))
}

/// The string form of a message's records (lower case, no `+`): records must be in
/// strictly increasing type order.
pub fn encode(kind: Kind, records: &[Record]) -> Result<String, WireError> {
    let bytes = wire::write_stream(records)?;
    let groups = crate::bolt11::bytes_to_groups(&bytes);
    let mut out = String::with_capacity(4 + groups.len());
    out.push_str(kind.hrp());
    out.push('1');
    out.extend(groups.iter().map(|g| char::from(crate::bolt11::CHARSET[usize::from(*g & 31)])));
    Ok(out)
}

/// Decode and check a BOLT 12 string (see the module's documentation).
pub fn decode(s: &str) -> Result<Bolt12, Bolt12Error> {
    let (kind, bytes) = string_bytes(s)?;
    decode_bytes(kind, &bytes)
}

fn utf8(v: &[u8], field: &'static str) -> Result<String, Bolt12Error> {
    String::from_utf8(v.to_vec()).map_err(|_| Bolt12Error::BadField { field, expected: "UTF-8 text" })
}

fn tu64(v: &[u8], t: u64) -> Result<u64, Bolt12Error> {
    Ok(wire::read_tu64(v, 8, t)?)
}

fn array<const N: usize>(v: &[u8], field: &'static str, expected: &'static str) -> Result<[u8; N], Bolt12Error> {
    v.try_into().map_err(|_| Bolt12Error::BadField { field, expected })
}

fn point(v: &[u8], field: &'static str) -> Result<NodeId, Bolt12Error> {
    let b: [u8; 33] = array(v, field, "a 33-byte point")?;
    NodeId::from_bytes(&b).map_err(|_| Bolt12Error::BadPoint { field })
}

/// Refuse an unknown even bit.
fn check_features(bytes: &[u8], field: &'static str, known: &[u32]) -> Result<(), Bolt12Error> {
    match crate::bolt11::feature_bits(bytes)
        .into_iter()
        .find(|b| b % 2 == 0 && !known.contains(b) && !known.contains(&(b + 1)))
    {
        Some(bit) => Err(Bolt12Error::UnknownFeature { field, bit }),
        None => Ok(()),
    }
}

/// Invoice features this reader knows: basic MPP (16/17).
const INVOICE_FEATURES: [u32; 2] = [16, 17];

/// Decode and check the TLV stream of a message of `kind`.
pub fn decode_bytes(kind: Kind, bytes: &[u8]) -> Result<Bolt12, Bolt12Error> {
    if bytes.is_empty() {
        return Err(Bolt12Error::Empty);
    }
    // A type outside the message's ranges is refused as such, odd or even.
    let records = wire::read_stream(bytes, |t| kind.known(t) || !kind.allows(t))?;
    if let Some(r) = records.iter().find(|r| !kind.allows(r.tlv_type)) {
        return Err(Bolt12Error::TypeOutOfRange { tlv_type: r.tlv_type });
    }
    let mut f = Fields::default();
    for r in &records {
        let v = &r.value[..];
        let t = r.tlv_type;
        match t {
            0 => f.invreq_metadata = Some(v.to_vec()),
            2 => {
                if v.is_empty() || v.len() % 32 != 0 {
                    return Err(Bolt12Error::BadField {
                        field: "offer_chains",
                        expected: "one or more 32-byte chain hashes",
                    });
                }
                f.offer_chains = Some(v.chunks(32).map(|c| c.try_into().unwrap_or([0; 32])).collect());
            }
            4 => f.offer_metadata = Some(v.to_vec()),
            6 => f.offer_currency = Some(utf8(v, "offer_currency")?),
            8 => f.offer_amount = Some(tu64(v, t)?),
            10 => f.offer_description = Some(utf8(v, "offer_description")?),
            12 => f.offer_features = Some(v.to_vec()),
            14 => f.offer_absolute_expiry = Some(tu64(v, t)?),
            16 => f.offer_paths = Some(subtypes::blinded_paths(v, "offer_paths")?),
            18 => f.offer_issuer = Some(utf8(v, "offer_issuer")?),
            20 => f.offer_quantity_max = Some(tu64(v, t)?),
            22 => f.offer_issuer_id = Some(point(v, "offer_issuer_id")?),
            80 => f.invreq_chain = Some(array(v, "invreq_chain", "a 32-byte chain hash")?),
            82 => f.invreq_amount = Some(Msat(tu64(v, t)?)),
            84 => f.invreq_features = Some(v.to_vec()),
            86 => f.invreq_quantity = Some(tu64(v, t)?),
            88 => f.invreq_payer_id = Some(point(v, "invreq_payer_id")?),
            89 => f.invreq_payer_note = Some(utf8(v, "invreq_payer_note")?),
            90 => f.invreq_paths = Some(subtypes::blinded_paths(v, "invreq_paths")?),
            91 => f.invreq_bip_353_name = Some(bip353(v)?),
            160 => f.invoice_paths = Some(subtypes::blinded_paths(v, "invoice_paths")?),
            162 => f.invoice_blindedpay = Some(subtypes::payinfos(v)?),
            164 => f.invoice_created_at = Some(tu64(v, t)?),
            166 => f.invoice_relative_expiry = Some(wire::read_tu64(v, 4, t)? as u32),
            168 => f.invoice_payment_hash = Some(array(v, "invoice_payment_hash", "32 bytes")?),
            170 => f.invoice_amount = Some(Msat(tu64(v, t)?)),
            172 => f.invoice_fallbacks = Some(subtypes::fallbacks(v)?),
            174 => f.invoice_features = Some(v.to_vec()),
            176 => f.invoice_node_id = Some(point(v, "invoice_node_id")?),
            240 => f.signature = Some(array(v, "signature", "a 64-byte BIP-340 signature")?),
            _ => {}
        }
    }
    check_offer_fields(kind, &f)?;
    match kind {
        Kind::Offer => {}
        Kind::InvoiceRequest => check_invreq(&f)?,
        Kind::Invoice => {
            check_invreq_fields(&f)?;
            check_invoice_fields(&f)?;
        }
    }
    let (merkle_root, signature_verified) = match kind {
        Kind::Offer => (None, None),
        Kind::InvoiceRequest | Kind::Invoice => {
            let root = merkle_root(&records);
            let key = if kind == Kind::Invoice { f.invoice_node_id } else { f.invreq_payer_id };
            let ok = match (root, key, f.signature) {
                (Some(root), Some(key), Some(sig)) => merkle::verify(kind.name(), &root, &key, &sig),
                _ => false,
            };
            (root, Some(ok))
        }
    };
    Ok(Bolt12 { kind, records, fields: f, merkle_root, signature_verified })
}

fn bip353(v: &[u8]) -> Result<(String, String), Bolt12Error> {
    let mut r = subtypes::Reader::new(v, "invreq_bip_353_name");
    let n = r.u8()?;
    let name = r.take(usize::from(n))?;
    let d = r.u8()?;
    let domain = r.take(usize::from(d))?;
    let ok = |b: &[u8]| b.iter().all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c));
    if !r.done() || !ok(name) || !ok(domain) {
        return Err(Bolt12Error::BadField {
            field: "invreq_bip_353_name",
            expected: "a name and a domain of 0-9, a-z, A-Z, -, _, .",
        });
    }
    Ok((String::from_utf8(name.to_vec()).unwrap_or_default(), String::from_utf8(domain.to_vec()).unwrap_or_default()))
}

/// The offer's fields, as an offer's reader checks them (in an invoice request or an
/// invoice too, where they mirror an offer: a request without an offer has none of them).
fn check_offer_fields(kind: Kind, f: &Fields) -> Result<(), Bolt12Error> {
    if let Some(b) = &f.offer_features {
        check_features(b, "offer_features", &[])?;
    }
    if f.offer_amount == Some(0) {
        return Err(Bolt12Error::BadField { field: "offer_amount", expected: "above 0" });
    }
    if f.offer_currency.is_some() && f.offer_amount.is_none() {
        return Err(Bolt12Error::Missing { field: "offer_amount" });
    }
    if f.offer_amount.is_some() && f.offer_description.is_none() {
        return Err(Bolt12Error::Missing { field: "offer_description" });
    }
    // An offer names where to request from; a request without an offer names its payer.
    if kind == Kind::Offer && f.offer_issuer_id.is_none() && f.offer_paths.is_none() {
        return Err(Bolt12Error::Missing { field: "offer_issuer_id" });
    }
    Ok(())
}

fn check_invreq_fields(f: &Fields) -> Result<(), Bolt12Error> {
    if f.invreq_payer_id.is_none() {
        return Err(Bolt12Error::Missing { field: "invreq_payer_id" });
    }
    if f.invreq_metadata.is_none() {
        return Err(Bolt12Error::Missing { field: "invreq_metadata" });
    }
    if let Some(b) = &f.invreq_features {
        check_features(b, "invreq_features", &[])?;
    }
    Ok(())
}

fn check_invreq(f: &Fields) -> Result<(), Bolt12Error> {
    check_invreq_fields(f)?;
    let for_offer = f.offer_issuer_id.is_some() || f.offer_paths.is_some();
    if for_offer {
        match (f.offer_quantity_max, f.invreq_quantity) {
            (Some(_), None) => return Err(Bolt12Error::Missing { field: "invreq_quantity" }),
            (Some(max), Some(q)) if q == 0 || (max != 0 && q > max) => {
                return Err(Bolt12Error::BadField {
                    field: "invreq_quantity",
                    expected: "from 1 to offer_quantity_max",
                });
            }
            (None, Some(_)) => {
                return Err(Bolt12Error::Unexpected {
                    field: "invreq_quantity",
                    because: "the offer has no offer_quantity_max",
                });
            }
            _ => {}
        }
        if f.offer_amount.is_none() && f.invreq_amount.is_none() {
            return Err(Bolt12Error::Missing { field: "invreq_amount" });
        }
    } else {
        for (present, field) in [
            (f.offer_chains.is_some(), "offer_chains"),
            (f.offer_features.is_some(), "offer_features"),
            (f.offer_quantity_max.is_some(), "offer_quantity_max"),
        ] {
            if present {
                return Err(Bolt12Error::Unexpected { field, because: "an invoice request without an offer" });
            }
        }
        if f.invreq_amount.is_none() {
            return Err(Bolt12Error::Missing { field: "invreq_amount" });
        }
    }
    Ok(())
}

fn check_invoice_fields(f: &Fields) -> Result<(), Bolt12Error> {
    for (present, field) in [
        (f.invoice_amount.is_some(), "invoice_amount"),
        (f.invoice_created_at.is_some(), "invoice_created_at"),
        (f.invoice_payment_hash.is_some(), "invoice_payment_hash"),
        (f.invoice_node_id.is_some(), "invoice_node_id"),
        (f.invoice_paths.as_ref().is_some_and(|p| !p.is_empty()), "invoice_paths"),
        (f.invoice_blindedpay.is_some(), "invoice_blindedpay"),
    ] {
        if !present {
            return Err(Bolt12Error::Missing { field });
        }
    }
    if let Some(b) = &f.invoice_features {
        check_features(b, "invoice_features", &INVOICE_FEATURES)?;
    }
    let paths = f.invoice_paths.as_deref().unwrap_or_default();
    let pay = f.invoice_blindedpay.as_deref().unwrap_or_default();
    if paths.len() != pay.len() {
        return Err(Bolt12Error::BadField {
            field: "invoice_blindedpay",
            expected: "one payinfo per path in invoice_paths",
        });
    }
    if usable_paths(f).is_empty() {
        return Err(Bolt12Error::BadField {
            field: "invoice_blindedpay",
            expected: "at least one path without unknown required features",
        });
    }
    if let (Some(req), Some(amt)) = (f.invreq_amount, f.invoice_amount)
        && req != amt
    {
        return Err(Bolt12Error::BadField { field: "invoice_amount", expected: "invreq_amount" });
    }
    Ok(())
}

/// The indices of an invoice's paths a payer may use: those whose payinfo has no unknown
/// even feature bit.
pub fn usable_paths(f: &Fields) -> Vec<usize> {
    let pay = f.invoice_blindedpay.as_deref().unwrap_or_default();
    (0..pay.len()).filter(|&i| check_features(&pay[i].features, "invoice_blindedpay", &[]).is_ok()).collect()
}

impl Bolt12 {
    /// When it expires (seconds since 1970): an offer's `offer_absolute_expiry`; an invoice's
    /// `invoice_created_at` plus `invoice_relative_expiry` (7200 when absent).
    pub fn expires_at(&self) -> Option<u64> {
        let f = &self.fields;
        match self.kind {
            Kind::Offer | Kind::InvoiceRequest => f.offer_absolute_expiry,
            Kind::Invoice => f
                .invoice_created_at
                .map(|c| c.saturating_add(f.invoice_relative_expiry.map_or(DEFAULT_INVOICE_EXPIRY, u64::from))),
        }
    }

    /// The chains it is for (bitcoin when none is named).
    pub fn chains(&self) -> Vec<[u8; 32]> {
        let f = &self.fields;
        match (f.invreq_chain, &f.offer_chains) {
            (Some(c), _) if self.kind != Kind::Offer => alloc::vec![c],
            (_, Some(c)) => c.clone(),
            _ => alloc::vec![BITCOIN_CHAIN],
        }
    }
}

/// The network a chain hash names (BOLT 12 writes the genesis block hash, internal byte
/// order): bitcoin, testnet (3), signet, regtest; `None` for another chain.
pub fn chain_network(chain: &[u8; 32]) -> Option<crate::bolt11::Network> {
    use crate::bolt11::Network;
    let hex = crate::hex::encode(chain);
    Some(match hex.as_str() {
        "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000" => Network::Bitcoin,
        "43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000" => Network::Testnet,
        "f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000" => Network::Signet,
        "06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f" => Network::Regtest,
        _ => return None,
    })
}

/// Why an invoice does not answer the offer (or the request) it should.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MismatchError {
    /// The first field (by the spec's name, or `tlv <type>`) that differs or is missing.
    pub field: String,
    /// What was wrong.
    pub reason: &'static str,
}

impl fmt::Display for MismatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// The spec's checks of an invoice against what it answers: `request` (the invoice request
/// sent: every record in 0–159 and 1000000000–2999999999 must be the invoice's, exactly), or
/// only the `offer` (every offer record mirrored); signed by `offer_issuer_id`, or, without
/// one, by the final blinded node of one of the offer's paths; its signature verified.
pub fn check_invoice(invoice: &Bolt12, offer: &Bolt12, request: Option<&Bolt12>) -> Result<(), MismatchError> {
    let bad = |field: String, reason| Err(MismatchError { field, reason });
    if invoice.kind != Kind::Invoice {
        return bad("type".into(), "not an invoice");
    }
    if invoice.signature_verified != Some(true) {
        return bad("signature".into(), "does not verify by invoice_node_id");
    }
    let mirrored = |t: u64| t <= 159 || (1_000_000_000..=2_999_999_999).contains(&t);
    let (source, what) = match request {
        Some(r) => (&r.records, "differs from the invoice request"),
        None => (&offer.records, "differs from the offer"),
    };
    let theirs: Vec<&Record> = invoice.records.iter().filter(|r| mirrored(r.tlv_type)).collect();
    let ours: Vec<&Record> = source.iter().filter(|r| mirrored(r.tlv_type)).collect();
    if request.is_some() && theirs.len() != ours.len() {
        return bad("invoice_request".into(), "the invoice does not mirror its fields exactly");
    }
    for r in ours {
        match invoice.records.iter().find(|x| x.tlv_type == r.tlv_type) {
            Some(x) if x.value == r.value => {}
            Some(_) => return bad(field_name(r.tlv_type), what),
            None => return bad(field_name(r.tlv_type), "missing from the invoice"),
        }
    }
    let node = invoice.fields.invoice_node_id;
    match (&offer.fields.offer_issuer_id, &offer.fields.offer_paths) {
        (Some(id), _) if node.as_ref() != Some(id) => {
            bad("invoice_node_id".into(), "is not the offer's offer_issuer_id")
        }
        (None, Some(paths)) if !paths.iter().any(|p| p.final_node() == node.as_ref()) => {
            bad("invoice_node_id".into(), "is not the final blinded node of any of the offer's paths")
        }
        _ => Ok(()),
    }
}

/// A field's name in the spec, or `tlv <type>`.
pub fn field_name(t: u64) -> String {
    let known = match t {
        0 => "invreq_metadata",
        2 => "offer_chains",
        4 => "offer_metadata",
        6 => "offer_currency",
        8 => "offer_amount",
        10 => "offer_description",
        12 => "offer_features",
        14 => "offer_absolute_expiry",
        16 => "offer_paths",
        18 => "offer_issuer",
        20 => "offer_quantity_max",
        22 => "offer_issuer_id",
        80 => "invreq_chain",
        82 => "invreq_amount",
        84 => "invreq_features",
        86 => "invreq_quantity",
        88 => "invreq_payer_id",
        89 => "invreq_payer_note",
        90 => "invreq_paths",
        91 => "invreq_bip_353_name",
        _ => return alloc::format!("tlv {t}"),
    };
    String::from(known)
}
