//! The crate-wide error: every module's error, with a stable code, Core Lightning's
//! JSON-RPC number where one applies, and the field concerned.

use alloc::format;
use alloc::string::String;
use core::fmt;

use crate::amount::AmountError;
use crate::hex::HexError;
use crate::ids::IdError;
use crate::json::JsonError;
use crate::payload::PayloadError;
use crate::route::RouteError;
use crate::sphinx::OnionError;
use crate::wire::WireError;

/// Core Lightning's "invalid params" code.
pub const INVALID_PARAMS: i32 = -32602;
/// Core Lightning's generic failure code (`sendpay` uses it for "Could not create onion packet").
pub const LIGHTNINGD: i32 = -1;

/// Any error of the core.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An amount string.
    Amount(AmountError),
    /// An identifier or hex value.
    Id(IdError),
    /// JSON text.
    Json(JsonError),
    /// Wire bytes (TLV, BigSize).
    Wire(WireError),
    /// A route (boxed, as the two below: the largest errors keep every `Result` small).
    Route(alloc::boxed::Box<RouteError>),
    /// Hop payloads.
    Payload(PayloadError),
    /// Building or peeling an onion.
    Onion(OnionError),
    /// A BOLT 11 invoice, or a payment that does not match it.
    #[cfg(feature = "wallet")]
    Invoice(alloc::boxed::Box<crate::bolt11::Bolt11Error>),
    /// A payment string (`parsePaymentString`).
    #[cfg(feature = "wallet")]
    PayString(alloc::boxed::Box<crate::paystring::PayStringError>),
    /// A BOLT 12 string or message.
    #[cfg(feature = "wallet")]
    Bolt12(crate::bolt12::Bolt12Error),
    /// A parameter of a request: missing, or of the wrong type.
    Param {
        /// The parameter's name (a path such as `hops[2].pubkey`).
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// An answer from the node that does not have the promised shape.
    #[cfg(feature = "wallet")]
    BadAnswer(crate::rpc::AnswerError),
    /// The node said complete without proof (a preimage that does not hash to the hash).
    #[cfg(feature = "wallet")]
    Proof(crate::rpc::ProofError),
    /// A key the command does not know, in what a user passed (`paymentsecret`), with the
    /// known key it is closest to, if one is close.
    UnknownField {
        /// The key's path (`route[2].amountmsat`).
        field: String,
        /// The known key meant, most likely (`payment_secret`).
        suggestion: Option<&'static str>,
    },
    /// Another error, with the parameter it concerns.
    Field {
        /// The parameter's name.
        field: String,
        /// The underlying error.
        source: alloc::boxed::Box<Error>,
    },
}

impl Error {
    /// Attach (or prefix) the name of the parameter this error concerns.
    pub fn in_field(self, field: &str) -> Error {
        match self {
            Error::Field { field: inner, source } => {
                let joined =
                    if inner.starts_with('[') { format!("{field}{inner}") } else { format!("{field}.{inner}") };
                Error::Field { field: joined, source }
            }
            Error::Param { field: inner, expected } => {
                let joined =
                    if inner.starts_with('[') { format!("{field}{inner}") } else { format!("{field}.{inner}") };
                Error::Param { field: joined, expected }
            }
            Error::UnknownField { field: inner, suggestion } => {
                let joined =
                    if inner.starts_with('[') { format!("{field}{inner}") } else { format!("{field}.{inner}") };
                Error::UnknownField { field: joined, suggestion }
            }
            e => Error::Field { field: field.into(), source: alloc::boxed::Box::new(e) },
        }
    }

    /// The innermost error (past any field names).
    pub fn root(&self) -> &Error {
        match self {
            Error::Field { source, .. } => source.root(),
            e => e,
        }
    }

    /// A stable identifier (`AMOUNT_BAD_UNIT`, `ROUTE_AMOUNT_INCREASING`, `ONION_TOO_LARGE`…).
    pub fn code(&self) -> &'static str {
        match self.root() {
            Error::Amount(e) => e.code(),
            Error::Id(e) => e.code(),
            Error::Json(_) => "JSON_SYNTAX",
            Error::Wire(e) => e.code(),
            Error::Route(e) => e.code(),
            Error::Payload(e) => e.code(),
            Error::Onion(e) => e.code(),
            #[cfg(feature = "wallet")]
            Error::Invoice(e) => e.code(),
            #[cfg(feature = "wallet")]
            Error::PayString(e) => e.code(),
            #[cfg(feature = "wallet")]
            Error::Bolt12(e) => e.code(),
            Error::Param { .. } => "PARAM_TYPE",
            Error::UnknownField { .. } => "UNKNOWN_FIELD",
            #[cfg(feature = "wallet")]
            Error::BadAnswer(e) => e.code(),
            #[cfg(feature = "wallet")]
            Error::Proof(e) => e.code(),
            Error::Field { .. } => "UNKNOWN",
        }
    }

    /// Core Lightning's JSON-RPC code for the same failure: `-1` when a route's payloads do
    /// not fit the onion (`sendpay`'s "Could not create onion packet"), but `-32602` when
    /// `createonion`'s `hops` do not ("Payloads exceed maximum onion packet size"); else `-32602`.
    pub fn rpc_code(&self) -> i32 {
        if let Error::Field { field, .. } = self
            && field == "hops"
        {
            return INVALID_PARAMS;
        }
        match self.root() {
            Error::Onion(OnionError::PayloadsTooLarge { .. }) => LIGHTNINGD,
            #[cfg(feature = "wallet")]
            Error::BadAnswer(_) => crate::rpc::BAD_ANSWER,
            #[cfg(feature = "wallet")]
            Error::Proof(_) => crate::rpc::PREIMAGE_MISMATCH,
            _ => INVALID_PARAMS,
        }
    }

    /// The parameter concerned, as a path (`route[2].amount_msat`, `session_key`…).
    pub fn field(&self) -> Option<String> {
        match self {
            Error::Field { field, source } => Some(match source.field() {
                Some(inner) if inner.is_empty() => field.clone(),
                Some(inner) if inner.starts_with('[') => format!("{field}{inner}"),
                Some(inner) => format!("{field}.{inner}"),
                None => field.clone(),
            }),
            Error::Param { field, .. } | Error::UnknownField { field, .. } => Some(field.clone()),
            Error::Route(r) => Some(match (r.hop, r.field) {
                (Some(i), f) => format!("[{i}].{f}"),
                // A whole-route error: the route itself is the field.
                (None, "route") => String::new(),
                (None, f) => String::from(f),
            }),
            Error::Payload(p) => Some(String::from(p.field())),
            #[cfg(feature = "wallet")]
            Error::Invoice(e) => e.field().map(String::from),
            #[cfg(feature = "wallet")]
            Error::PayString(e) => e.part().map(String::from),
            #[cfg(feature = "wallet")]
            Error::Bolt12(e) => e.field().map(String::from),
            #[cfg(feature = "wallet")]
            Error::BadAnswer(e) => Some(e.field.clone()),
            _ => None,
        }
    }
}

impl Error {
    /// The message with every field name (the path and a suggested key) written by `spell`:
    /// the bindings write them in camelCase, as JS passed them.
    pub fn message_spelled(&self, spell: &dyn Fn(&str) -> String) -> String {
        use core::fmt::Write;
        // "<field path>: <what is wrong>", the path written once.
        let path = match self.field() {
            Some(p) if p.is_empty() => Some(String::from("route")),
            Some(p) if p.starts_with('[') => Some(format!("route{p}")),
            p => p,
        };
        let mut s = String::new();
        if let Some(p) = path {
            s.push_str(&spell(&p));
            s.push_str(": ");
        }
        let _ = match self.root() {
            Error::UnknownField { suggestion: Some(k), .. } => write!(s, "unknown field; did you mean {}?", spell(k)),
            Error::UnknownField { suggestion: None, .. } => write!(s, "unknown field"),
            root => {
                let detail = format!("{}", Detail(root));
                s.push_str(&spell_named(&detail, spell));
                Ok(())
            }
        };
        s
    }
}

/// `text` with every parameter it names — in backticks, snake_case (`` `amount_msat` ``) —
/// written by `spell`; other backticked text (`` `+` ``) as it is.
fn spell_named(text: &str, spell: &dyn Fn(&str) -> String) -> String {
    let is_name = |w: &str| {
        w.contains('_')
            && w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    // By `split`, not by slicing at found offsets: no `str` index (and its panic path, which
    // brings core's Unicode tables into the onion module: +3.9 KB gzip, measured).
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split('`').peekable();
    out.push_str(pieces.next().unwrap_or(""));
    while let Some(p) = pieces.next() {
        // A backtick came before `p`; a name needs one after it too.
        out.push('`');
        if is_name(p) && pieces.peek().is_some() {
            out.push_str(&spell(p));
            out.push('`');
            out.push_str(pieces.next().unwrap_or(""));
        } else {
            out.push_str(p);
        }
    }
    out
}

/// What is wrong, without the field's name.
struct Detail<'a>(&'a Error);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Amount(e) => e.fmt(f),
            Error::Id(e) => e.fmt(f),
            Error::Json(e) => e.fmt(f),
            Error::Wire(e) => e.fmt(f),
            Error::Route(e) => e.kind_message(f),
            Error::Payload(e) => e.fmt(f),
            Error::Onion(e) => e.fmt(f),
            #[cfg(feature = "wallet")]
            Error::Invoice(e) => e.fmt(f),
            #[cfg(feature = "wallet")]
            Error::PayString(e) => e.fmt(f),
            #[cfg(feature = "wallet")]
            Error::Bolt12(e) => e.fmt(f),
            Error::Param { expected: "present", .. } => f.write_str("missing"),
            #[cfg(feature = "wallet")]
            Error::BadAnswer(e) => write!(f, "the node's answer is malformed: expected {}", e.expected),
            #[cfg(feature = "wallet")]
            Error::Proof(e) => e.fmt(f),
            Error::Param { expected, .. } => write!(f, "should be {expected}"),
            Error::UnknownField { .. } | Error::Field { .. } => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_spelled(&|s: &str| String::from(s)))
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

macro_rules! from_err {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::$v(e) }
        }
    )*};
}
from_err!(AmountError => Amount, IdError => Id, JsonError => Json, WireError => Wire,
          PayloadError => Payload, OnionError => Onion);
#[cfg(feature = "wallet")]
from_err!(crate::bolt12::Bolt12Error => Bolt12);

macro_rules! from_boxed_err {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::$v(alloc::boxed::Box::new(e)) }
        }
    )*};
}
from_boxed_err!(RouteError => Route);
#[cfg(feature = "wallet")]
from_boxed_err!(crate::bolt11::Bolt11Error => Invoice, crate::paystring::PayStringError => PayString);

impl From<HexError> for Error {
    fn from(e: HexError) -> Self {
        Error::Id(IdError::Hex(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names in backticks are spelled; other backticked text and bare words are left alone.
    #[test]
    fn spell_named_spells_backticked_names_only() {
        let camel = |s: &str| {
            let mut out = String::new();
            let mut up = false;
            for c in s.chars() {
                if c == '_' {
                    up = true;
                } else {
                    out.push(if up { c.to_ascii_uppercase() } else { c });
                    up = false;
                }
            }
            out
        };
        let cases = [
            ("give `amount_msat`", "give `amountMsat`"),
            (
                "`total_msat` needs a `payment_secret` (in payment_data)",
                "`totalMsat` needs a `paymentSecret` (in payment_data)",
            ),
            ("a `+` must join `a` and `block_height`", "a `+` must join `a` and `blockHeight`"),
            ("`:port` after the host", "`:port` after the host"),
            ("one ` alone, then `max_delay`", "one ` alone, then `maxDelay`"),
            ("trailing `", "trailing `"),
            ("`Upper_case` and `x_1`", "`Upper_case` and `x1`"),
        ];
        for (text, want) in cases {
            assert_eq!(spell_named(text, &camel), want, "{text}");
            assert_eq!(spell_named(text, &|s: &str| String::from(s)), text);
        }
        // Through an error's message, as the bindings spell it.
        let e = Error::from(PayloadError::TotalWithoutSecret);
        assert_eq!(
            e.message_spelled(&camel),
            "totalMsat: `totalMsat` needs a `paymentSecret` (both travel in payment_data)"
        );
    }
}
