//! What people paste into a wallet: `lightning:` URIs, BIP 21 `bitcoin:` URIs with a
//! `lightning=` (or `lno=`) parameter, bare BOLT 11 invoices, BOLT 12 offers and invoices,
//! node ids (`02…@host:port`, for keysend), and the forms this library recognises but does
//! not pay (LNURL, lightning addresses, plain on-chain URIs), each with its kind.
//!
//! Strict: surrounding whitespace is trimmed and a scheme's case ignored, nothing else is
//! dropped or guessed; every part is checked and an error names the part that is wrong.
//! What is checked for each form:
//! - BOLT 11: decoded and its signature verified ([`crate::bolt11::decode`]);
//! - BOLT 12 (`lno1`, `lni1`, `lnr1`): its `+` continuations joined (whitespace after a `+`
//!   allowed), one case, bech32's alphabet, no checksum (BOLT 12); its TLVs are not read here;
//! - LNURL (`lnurl1…`): bech32 with its checksum, a UTF-8 `https://` URL (or `http://` to an
//!   onion host); `lnurlp://`, `lnurlw://`, `lnurlc://`, `keyauth://` (LUD-17) as their
//!   `https://` URL;
//! - a lightning address (LUD-16): `user@domain`, the user `a-z0-9-_.+`, the domain a
//!   host name; read in lower case;
//! - a node: 33-byte compressed key in hex, then optionally `@host` (IPv4, `[IPv6]` or a host
//!   name) and `:port` (1–65535; 9735 when absent);
//! - BIP 21: the address's characters (base58 or one-case bech32), `amount` (BTC, at most 8
//!   decimals; it must equal the invoice's amount when both are given), `label`/`message`
//!   percent-decoded as UTF-8, each parameter at most once, an unknown `req-` parameter
//!   refused (BIP 21), other unknown parameters ignored.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::amount::Msat;
use crate::bolt11::{starts_ci, strip_prefix_ci};
use crate::ids::NodeId;

/// The longest string read (an offer with paths runs to a few thousand characters).
pub const MAX_LENGTH: usize = 8192;
/// Lightning's port when a node address has none.
pub const DEFAULT_PORT: u16 = 9735;

/// What a payment string is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentString {
    /// A BOLT 11 invoice (lower case), decoded and verified.
    Bolt11 {
        /// The invoice, as a node takes it.
        invoice: String,
        /// Its decoding.
        decoded: alloc::boxed::Box<crate::bolt11::Invoice>,
    },
    /// A node to pay spontaneously (keysend).
    Node {
        /// Its id.
        id: NodeId,
        /// Where to reach it, if given.
        host: Option<String>,
        /// Its port (9735 when a host is given without one).
        port: Option<u16>,
    },
    /// A BOLT 12 string (`lno`, `lni` or `lnr`), `+` continuations joined, lower case.
    Bolt12 {
        /// `offer`, `bolt12_invoice` or `invoice_request`.
        kind: &'static str,
        /// The string.
        text: String,
    },
    /// An LNURL: the URL it stands for.
    Lnurl {
        /// The bech32 form, lower case, when that is what was given.
        bech32: Option<String>,
        /// The URL (`https://…`, or `http://` to an onion host).
        url: String,
    },
    /// A lightning address.
    LightningAddress {
        /// `user@domain`, lower case.
        address: String,
        /// Where its LNURL-pay endpoint is (`https://domain/.well-known/lnurlp/user`).
        url: String,
    },
    /// An on-chain payment (a BIP 21 URI without a lightning part).
    Bitcoin,
}

/// A BIP 21 URI's on-chain part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnChain {
    /// The address (may be empty when the URI only carries lightning).
    pub address: String,
    /// `amount`, in msat.
    pub amount: Option<Msat>,
    /// `label`, percent-decoded.
    pub label: Option<String>,
    /// `message`, percent-decoded.
    pub message: Option<String>,
}

/// A parsed payment string: what it is, and the URI it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// What it is.
    pub what: PaymentString,
    /// `lightning`, `bitcoin`, `lnurlp`… (lower case), or `None` for a bare string.
    pub scheme: Option<String>,
    /// A BIP 21 URI's on-chain part.
    pub on_chain: Option<OnChain>,
}

/// Why a string is not a payment string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayStringError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_LENGTH`].
    TooLong,
    /// Not any form this library recognises.
    Unrecognized,
    /// A part that is wrong: `part` names it (`lightning`, `amount`, `port`…), `expected`
    /// says what it should be.
    Bad {
        /// The part (a BIP 21 parameter, or a piece of the string).
        part: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A BOLT 11 invoice that does not decode or verify.
    Invoice {
        /// Where it was: `""` (the string itself) or `lightning` (a BIP 21 parameter).
        part: &'static str,
        /// Why.
        error: crate::bolt11::Bolt11Error,
    },
}

impl PayStringError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PayStringError::Empty => "PAYMENT_STRING_EMPTY",
            PayStringError::TooLong => "PAYMENT_STRING_TOO_LONG",
            PayStringError::Unrecognized => "PAYMENT_STRING_UNRECOGNIZED",
            PayStringError::Bad { .. } => "PAYMENT_STRING_BAD_PART",
            PayStringError::Invoice { error, .. } => error.code(),
        }
    }

    /// The part concerned, if one.
    pub fn part(&self) -> Option<&'static str> {
        match self {
            PayStringError::Bad { part, .. } | PayStringError::Invoice { part, .. } if !part.is_empty() => Some(part),
            _ => None,
        }
    }
}

impl fmt::Display for PayStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayStringError::Empty => f.write_str("empty"),
            PayStringError::TooLong => write!(f, "longer than {MAX_LENGTH} characters"),
            PayStringError::Unrecognized => f.write_str(
                "not a payment string: expected a BOLT 11 invoice, a lightning: or bitcoin: URI, a node id, \
                 a BOLT 12 offer, an LNURL or a lightning address",
            ),
            PayStringError::Bad { expected, .. } => write!(f, "should be {expected}"),
            PayStringError::Invoice { error, .. } => error.fmt(f),
        }
    }
}

const fn bad(part: &'static str, expected: &'static str) -> PayStringError {
    PayStringError::Bad { part, expected }
}

/// Read a payment string.
pub fn parse(input: &str) -> Result<Parsed, PayStringError> {
    let s = input.trim_matches(|c: char| c.is_ascii_whitespace());
    if s.is_empty() {
        return Err(PayStringError::Empty);
    }
    if s.len() > MAX_LENGTH {
        return Err(PayStringError::TooLong);
    }
    for scheme in ["lnurlp", "lnurlw", "lnurlc", "keyauth"] {
        if let Some(rest) = strip_prefix_ci(s, scheme).and_then(|r| r.strip_prefix("://")) {
            let url = lud17_url(rest)?;
            return Ok(Parsed {
                what: PaymentString::Lnurl { bech32: None, url },
                scheme: Some(String::from(scheme)),
                on_chain: None,
            });
        }
    }
    if let Some(rest) = strip_prefix_ci(s, "lightning:") {
        // `lightning://…`, as some apps write it.
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let what = bare(rest, "")?;
        if matches!(what, PaymentString::LightningAddress { .. } | PaymentString::Node { .. }) {
            // A lightning: URI carries an invoice, an offer or an LNURL.
            return Err(bad("lightning", "an invoice, an offer or an LNURL after lightning:"));
        }
        return Ok(Parsed { what, scheme: Some(String::from("lightning")), on_chain: None });
    }
    if let Some(rest) = strip_prefix_ci(s, "bitcoin:") {
        return bip21(rest);
    }
    Ok(Parsed { what: bare(s, "")?, scheme: None, on_chain: None })
}

/// A string without a scheme.
fn bare(s: &str, part: &'static str) -> Result<PaymentString, PayStringError> {
    if s.is_empty() {
        return Err(PayStringError::Empty);
    }
    // BOLT 12's `+` may join parts anywhere, even inside the prefix.
    let lax: String = if s.contains('+') && !s.contains('@') {
        s.chars().filter(|c| *c != '+' && !c.is_ascii_whitespace()).take(4).collect()
    } else {
        String::from(s.get(..4).unwrap_or(s))
    };
    for (prefix, kind) in [("lno1", "offer"), ("lni1", "bolt12_invoice"), ("lnr1", "invoice_request")] {
        if starts_ci(&lax, prefix) {
            return Ok(PaymentString::Bolt12 { kind, text: bolt12(s, part)? });
        }
    }
    if starts_ci(s, "lnurl1") {
        return lnurl(s, part);
    }
    if starts_ci(s, "ln") && !s.contains('@') {
        let decoded = crate::bolt11::decode(s).map_err(|error| PayStringError::Invoice { part, error })?;
        return Ok(PaymentString::Bolt11 { invoice: s.to_ascii_lowercase(), decoded: alloc::boxed::Box::new(decoded) });
    }
    let (head, tail) = match s.split_once('@') {
        Some((h, t)) => (h, Some(t)),
        None => (s, None),
    };
    if head.len() == 66 && head.bytes().all(|c| c.is_ascii_hexdigit()) {
        return node(head, tail);
    }
    if let Some(domain) = tail {
        return lightning_address(head, domain);
    }
    Err(PayStringError::Unrecognized)
}

/// BOLT 12's string: `+` joins parts (whitespace may follow a `+`), one case, bech32's
/// alphabet after the `1`, no checksum ([`crate::bolt12::join`]).
fn bolt12(s: &str, part: &'static str) -> Result<String, PayStringError> {
    use crate::bolt12::Bolt12Error as E;
    let part = if part.is_empty() { "bolt12" } else { part };
    let lower = crate::bolt12::join(s).map_err(|e| match e {
        E::MixedCase => bad(part, "all upper or all lower case"),
        E::TooLong => PayStringError::TooLong,
        _ => bad(part, "parts joined by single `+`s"),
    })?;
    let data = &lower.as_bytes()[4..];
    if data.is_empty() || !data.iter().all(|c| crate::bolt11::bech32_value(*c).is_some()) {
        return Err(bad(part, "bech32 characters after the prefix"));
    }
    Ok(lower)
}

fn lnurl(s: &str, part: &'static str) -> Result<PaymentString, PayStringError> {
    let part = if part.is_empty() { "lnurl" } else { part };
    let (hrp, groups) = crate::bolt11::bech32_decode(s).map_err(|_| bad(part, "bech32 with a valid checksum"))?;
    if hrp != b"lnurl" {
        return Err(bad(part, "bech32 with a valid checksum"));
    }
    let bytes = crate::bolt11::groups_to_bytes(&groups, false);
    let url = String::from_utf8(bytes).map_err(|_| bad(part, "a bech32-encoded UTF-8 URL"))?;
    check_url(&url, part)?;
    Ok(PaymentString::Lnurl { bech32: Some(s.to_ascii_lowercase()), url })
}

/// An LNURL's URL: `https://host…`, or `http://` to an onion host (LUD-01).
fn check_url(url: &str, part: &'static str) -> Result<(), PayStringError> {
    let Some(rest) = strip_prefix_ci(url, "https://").or_else(|| strip_prefix_ci(url, "http://")) else {
        return Err(bad(part, "an https:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once(':').map_or(authority, |(h, p)| if port(p).is_ok() { h } else { authority });
    if !is_host_name(host) {
        return Err(bad(part, "a URL with a host name"));
    }
    if starts_ci(url, "http://") && !host.to_ascii_lowercase().ends_with(".onion") {
        return Err(bad(part, "an https:// URL (http:// only to an onion host)"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(part, "a URL without spaces or control characters"));
    }
    Ok(())
}

/// `lnurlp://host/path` → `https://host/path` (`http://` for an onion host).
fn lud17_url(rest: &str) -> Result<String, PayStringError> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    let scheme = if host.to_ascii_lowercase().ends_with(".onion") { "http://" } else { "https://" };
    let url = format!("{scheme}{rest}");
    check_url(&url, "url")?;
    Ok(url)
}

fn node(head: &str, tail: Option<&str>) -> Result<PaymentString, PayStringError> {
    let id = NodeId::from_hex(head).map_err(|_| bad("node_id", "a compressed public key (02 or 03, then 32 bytes)"))?;
    let Some(addr) = tail else { return Ok(PaymentString::Node { id, host: None, port: None }) };
    let (host, p) = if let Some(v6) = addr.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or(bad("host", "an IPv6 address in brackets"))?;
        if h.is_empty() || !h.bytes().all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.') || !h.contains(':') {
            return Err(bad("host", "an IPv6 address in brackets"));
        }
        let p = match after {
            "" => None,
            a => Some(a.strip_prefix(':').ok_or(bad("port", "`:port` after the host"))?),
        };
        (format!("[{h}]"), p)
    } else {
        let (h, p) = match addr.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (addr, None),
        };
        if !is_host_name(h) {
            return Err(bad("host", "an IPv4 address, [an IPv6 address] or a host name"));
        }
        (h.to_ascii_lowercase(), p)
    };
    let port = match p {
        None => DEFAULT_PORT,
        Some(p) => port(p)?,
    };
    Ok(PaymentString::Node { id, host: Some(host), port: Some(port) })
}

fn port(p: &str) -> Result<u16, PayStringError> {
    let expected = "a port from 1 to 65535";
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad("port", expected));
    }
    match p.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(bad("port", expected)),
    }
}

/// A DNS name (letters, digits, `-`, dots; labels of 1–63, at most 253) or a dotted IPv4.
fn is_host_name(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
}

fn lightning_address(user: &str, domain: &str) -> Result<PaymentString, PayStringError> {
    let user = user.to_ascii_lowercase();
    let domain = domain.to_ascii_lowercase();
    if user.is_empty() || !user.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.+".contains(&c)) {
        return Err(bad("user", "a lightning address's user: a-z, 0-9, -, _, . or +"));
    }
    if !is_host_name(&domain) || !domain.contains('.') {
        return Err(bad("domain", "a domain name"));
    }
    let scheme = if domain.ends_with(".onion") { "http" } else { "https" };
    Ok(PaymentString::LightningAddress {
        url: format!("{scheme}://{domain}/.well-known/lnurlp/{user}"),
        address: format!("{user}@{domain}"),
    })
}

/// `bitcoin:<address>?<key>=<value>&…` (BIP 21; the address may be empty, as BIP 321 allows
/// when the URI carries another way to pay).
fn bip21(rest: &str) -> Result<Parsed, PayStringError> {
    let (address, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    check_address(address)?;
    let mut on_chain = OnChain { address: String::from(address), ..OnChain::default() };
    let (mut lightning, mut lno) = (None, None);
    if !query.is_empty() {
        let mut seen: Vec<String> = Vec::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').ok_or(bad("query", "key=value pairs joined by &"))?;
            let key = k.to_ascii_lowercase();
            if seen.contains(&key) {
                return Err(match key.as_str() {
                    "amount" => bad("amount", "given once"),
                    "label" => bad("label", "given once"),
                    "message" => bad("message", "given once"),
                    "lightning" => bad("lightning", "given once"),
                    "lno" => bad("lno", "given once"),
                    _ => bad("query", "each parameter once"),
                });
            }
            seen.push(key.clone());
            match key.as_str() {
                "amount" => on_chain.amount = Some(btc_amount(v)?),
                "label" => on_chain.label = Some(percent_decode(v, "label")?),
                "message" => on_chain.message = Some(percent_decode(v, "message")?),
                "lightning" => lightning = Some(percent_decode(v, "lightning")?),
                "lno" => lno = Some(percent_decode(v, "lno")?),
                k if k.starts_with("req-") => {
                    return Err(bad("query", "no required (req-) parameter this reader does not know"));
                }
                _ => {}
            }
        }
    }
    let what = if let Some(inv) = lightning {
        if !starts_ci(&inv, "ln") || starts_ci(&inv, "lno1") || starts_ci(&inv, "lnurl") {
            return Err(bad("lightning", "a BOLT 11 invoice"));
        }
        let what = bare(&inv, "lightning")?;
        if let (PaymentString::Bolt11 { decoded, .. }, Some(a)) = (&what, on_chain.amount)
            && decoded.amount.is_some_and(|x| x != a)
        {
            return Err(bad("amount", "the invoice's amount"));
        }
        what
    } else if let Some(offer) = lno {
        if !starts_ci(&offer, "lno1") {
            return Err(bad("lno", "a BOLT 12 offer"));
        }
        PaymentString::Bolt12 { kind: "offer", text: bolt12(&offer, "lno")? }
    } else {
        if address.is_empty() {
            return Err(bad("address", "present, or a lightning= or lno= parameter"));
        }
        PaymentString::Bitcoin
    };
    Ok(Parsed { what, scheme: Some(String::from("bitcoin")), on_chain: Some(on_chain) })
}

/// An on-chain address's characters: base58 (26–62), or a one-case bech32 address.
fn check_address(a: &str) -> Result<(), PayStringError> {
    if a.is_empty() {
        return Ok(());
    }
    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let b = a.as_bytes();
    let lower = a.to_ascii_lowercase();
    let bech32 = ["bc1", "tb1", "bcrt1"].iter().find(|p| lower.starts_with(*p)).is_some_and(|p| {
        !crate::bolt11::mixed_case(b)
            && lower.len() <= 90
            && lower.len() >= p.len() + 6 + 8
            && lower.as_bytes()[p.len()..].iter().all(|c| crate::bolt11::bech32_value(*c).is_some())
    });
    let base58 = (26..=62).contains(&b.len()) && b.iter().all(|c| BASE58.contains(c));
    if bech32 || base58 { Ok(()) } else { Err(bad("address", "a bitcoin address (base58, or bech32 in one case)")) }
}

/// BIP 21's `amount`: decimal BTC, at most 8 decimals, no sign or exponent.
fn btc_amount(v: &str) -> Result<Msat, PayStringError> {
    let expected = "an amount in BTC: digits, at most 8 decimals";
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 8
        || !int.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
        || int.len() > 8
    {
        return Err(bad("amount", expected));
    }
    let int = if int.is_empty() { "0" } else { int };
    Msat::parse(&format!("{int}.{frac:0<8}btc")).map_err(|_| bad("amount", expected))
}

/// `%XX` escapes decoded; the result must be UTF-8 (`+` stays a `+`, as BIP 21 says nothing
/// of form encoding).
fn percent_decode(v: &str, part: &'static str) -> Result<String, PayStringError> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).ok_or(bad(part, "percent-encoded UTF-8"))?;
            let byte = crate::hex::decode(core::str::from_utf8(hex).map_err(|_| bad(part, "percent-encoded UTF-8"))?)
                .map_err(|_| bad(part, "percent-encoded UTF-8"))?;
            out.extend_from_slice(&byte);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad(part, "percent-encoded UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_amounts() {
        assert_eq!(percent_decode("a%20b%C3%A9", "label").unwrap(), "a bé");
        assert!(percent_decode("%zz", "label").is_err());
        assert!(percent_decode("%", "label").is_err());
        assert_eq!(btc_amount("0.00000001").unwrap(), Msat(1000));
        assert_eq!(btc_amount("1").unwrap(), Msat(100_000_000_000));
        assert_eq!(btc_amount(".5").unwrap(), Msat(50_000_000_000));
        for bad in ["", ".", "1e3", "-1", "0.000000001", "1,5", "123456789"] {
            assert!(btc_amount(bad).is_err(), "{bad}");
        }
    }
}
