//! BOLT 11 invoices: decoded, and a payment's fields filled in and checked from one.

use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::error::Error;
use crate::hex;
use crate::ids::hash32_from_hex;
use crate::json::{Value, object};

/// An invoice as JSON (snake_case; amounts as decimal strings; `expiry` and
/// `min_final_cltv_expiry` with their defaults applied, `*_field` as written).
pub fn invoice_json(inv: &crate::bolt11::Invoice, now: Option<u64>) -> Value {
    use crate::bolt11::tag_letter;
    let opt_hex = |b: Option<&[u8]>| b.map_or(Value::Null, |b| Value::String(hex::encode(b)));
    let opt_u64 = |v: Option<u64>| v.map_or(Value::Null, Value::u64);
    let hints = inv
        .route_hints
        .iter()
        .map(|r| {
            Value::Array(
                r.iter()
                    .map(|h| {
                        object([
                            ("pubkey", Value::String(h.pubkey.to_hex())),
                            ("short_channel_id", Value::String(h.short_channel_id.to_string_form())),
                            ("fee_base_msat", Value::u64(u64::from(h.fee_base_msat))),
                            ("fee_proportional_millionths", Value::u64(u64::from(h.fee_proportional_millionths))),
                            ("cltv_expiry_delta", Value::u64(u64::from(h.cltv_expiry_delta))),
                        ])
                    })
                    .collect(),
            )
        })
        .collect();
    let mut m = alloc::vec![
        ("network".into(), Value::str(inv.network.prefix())),
        ("chain".into(), Value::str(inv.network.name())),
        ("amount_msat".into(), inv.amount.map_or(Value::Null, |a| Value::String(a.to_decimal_string()))),
        ("timestamp".into(), Value::u64(inv.timestamp)),
        ("expiry".into(), Value::u64(inv.expiry())),
        ("expires_at".into(), Value::u64(inv.expires_at())),
        ("payment_hash".into(), Value::String(hex::encode(&inv.payment_hash))),
        ("payment_secret".into(), Value::String(hex::encode(&inv.payment_secret))),
        ("description".into(), inv.description.as_deref().map_or(Value::Null, Value::str)),
        ("description_hash".into(), opt_hex(inv.description_hash.as_ref().map(|h| &h[..]))),
        ("min_final_cltv_expiry".into(), Value::u64(inv.min_final_cltv_expiry())),
        ("expiry_field".into(), opt_u64(inv.expiry_field)),
        ("min_final_cltv_expiry_field".into(), opt_u64(inv.min_final_cltv_field)),
        ("route_hints".into(), Value::Array(hints)),
        ("features".into(), Value::String(hex::encode(&inv.features))),
        (
            "feature_bits".into(),
            Value::Array(inv.feature_bits().into_iter().map(|b| Value::u64(u64::from(b))).collect())
        ),
        ("payment_metadata".into(), opt_hex(inv.payment_metadata.as_deref())),
        ("payee".into(), Value::String(inv.payee.to_hex())),
        ("payee_source".into(), Value::str(if inv.payee_from_n { "n" } else { "recovered" })),
        // Always true: an invoice whose signature does not check is an error, not a result.
        ("signature_verified".into(), Value::Bool(true)),
        ("signature".into(), Value::String(hex::encode(&inv.signature))),
        ("recovery_id".into(), Value::u64(u64::from(inv.recovery_id))),
        ("signed_hash".into(), Value::String(hex::encode(&inv.signed_hash))),
        (
            "fallbacks".into(),
            Value::Array(
                inv.fallbacks
                    .iter()
                    .map(|f| {
                        object([
                            ("version", Value::u64(u64::from(f.version))),
                            ("program", Value::String(hex::encode(&f.program))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "unknown_fields".into(),
            Value::Array(
                inv.unknown_fields
                    .iter()
                    .map(|u| {
                        object([
                            ("type", Value::u64(u64::from(u.kind))),
                            ("letter", Value::String(String::from(tag_letter(u.kind)))),
                            ("data_length", Value::u64(u.data.len() as u64)),
                            ("data_bech32", Value::String(u.data.iter().map(|g| tag_letter(*g)).collect())),
                        ])
                    })
                    .collect(),
            ),
        ),
    ];
    if let Some(now) = now {
        m.push(("expired".into(), Value::Bool(now >= inv.expires_at())));
    }
    Value::Object(m)
}

/// `invoice decode`: `{"invoice", "now"?}` → the invoice as [`invoice_json`] writes it.
pub fn invoice_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["invoice", "now"])?;
    let text = str_param(input, "invoice", "a bolt11 string")?;
    let inv = crate::bolt11::decode(text).map_err(|e| Error::from(e).in_field("invoice"))?;
    Ok(invoice_json(&inv, opt_u64_param(input, "now")?))
}

/// With a `bolt11` among the fields: the invoice fills the payment's fields that are not
/// given (payment_hash, payment_secret, payment_metadata, the amount; for `pay` also the
/// destination and final_cltv), checks those that are (each mismatch an error naming both
/// values, in the payment's field), checks `description` against `h`, and refuses an invoice
/// expired at `now` (seconds; checked when given). The route is checked later, once built.
pub(crate) fn with_invoice(input: &Value, for_pay: bool) -> Result<(Value, Option<crate::bolt11::Invoice>), Error> {
    use crate::bolt11::{Bolt11Error, check_same};
    let Some(text) = opt_str_param(input, "bolt11")? else { return Ok((input.clone(), None)) };
    let inv = crate::bolt11::decode(&text).map_err(|e| Error::from(e).in_field("bolt11"))?;
    let mut m: Vec<(crate::json::Key, Value)> = input.as_object().map(<[_]>::to_vec).unwrap_or_default();
    let given = |k: &str| !matches!(input.get(k), None | Some(Value::Null));
    let mut set = |k: &'static str, v: Value| match m.iter_mut().find(|(key, _)| key == k) {
        Some(slot) => slot.1 = v,
        None => m.push((k.into(), v)),
    };
    // The node gets the invoice itself, without `lightning:` or whitespace around it.
    set("bolt11", Value::String(String::from(crate::bolt11::normalize(&text))));
    for (field, value) in [("payment_hash", &inv.payment_hash), ("payment_secret", &inv.payment_secret)] {
        if given(field) {
            let v = hash32_from_hex(str_param(input, field, "a hex string")?)
                .map_err(|e| Error::from(e).in_field(field))?;
            check_same(field, value, &v)?;
        } else {
            set(field, Value::String(hex::encode(value)));
        }
    }
    if let Some(meta) = &inv.payment_metadata {
        if given("payment_metadata") {
            check_same("payment_metadata", meta, &hex_param(input, "payment_metadata")?)?;
        } else {
            set("payment_metadata", Value::String(hex::encode(meta)));
        }
    }
    let amount_key = if given("msatoshi") && !given("amount_msat") { "msatoshi" } else { "amount_msat" };
    let amount = amount_param(input, amount_key)?;
    match inv.amount_to_pay(amount) {
        Ok(a) => set(amount_key, Value::Number(a.to_decimal_string())),
        // sendpay without an amount anywhere: the route's final amount is what is paid.
        Err(Bolt11Error::NoAmount) if !for_pay => {}
        Err(e) => return Err(e.into()),
    }
    if for_pay {
        if given("destination") {
            let d = node_param(input, "destination")?;
            check_same("destination", inv.payee.as_bytes(), d.as_bytes())?;
        } else {
            set("destination", Value::String(inv.payee.to_hex()));
        }
        let min = inv.min_final_cltv_expiry();
        match opt_u64_param(input, "final_cltv")? {
            Some(c) if c < min => {
                let given = c.min(u64::from(u32::MAX)) as u32;
                return Err(Bolt11Error::FinalCltvTooSmall { field: "final_cltv", invoice: min, given }.into());
            }
            Some(_) => {}
            None => set("final_cltv", Value::u64(min)),
        }
    }
    if let Some(d) = opt_str_param(input, "description")? {
        inv.check_description(&d)?;
    }
    if let Some(now) = opt_u64_param(input, "now")? {
        inv.check_expiry(now)?;
    }
    Ok((Value::Object(m), Some(inv)))
}

/// `paystring parse`: `{"payment_string","now"?}` → `{"kind","payable", …}`: what a pasted
/// string is ([`crate::paystring`]). `kind`: `bolt11` (with `bolt11`, the invoice as a node
/// takes it, and `invoice`, its decoding), `node` (`node_id`, `host`?, `port`?: keysend),
/// `offer`, `bolt12_invoice`, `invoice_request` (`bolt12`), `lnurl` (`url`, `lnurl`?),
/// `lightning_address` (`address`, `url`) or `bitcoin`; `payable`: whether `pay` or `keysend`
/// takes it; `scheme` (the URI's) and `on_chain` (`{address, amount_msat?, label?,
/// message?}`, a BIP 21 URI's) when there are.
pub fn payment_string_parse(input: &Value) -> Result<Value, Error> {
    use crate::paystring::PaymentString as P;
    input_object(input)?;
    known_keys(input, "", &["payment_string", "now"])?;
    let text = str_param(input, "payment_string", "a string")?;
    let now = opt_u64_param(input, "now")?;
    let parsed = crate::paystring::parse(text).map_err(|e| Error::from(e).in_field("payment_string"))?;
    let s = |v: &str| Value::String(String::from(v));
    let mut m: Vec<(crate::json::Key, Value)> = Vec::new();
    let mut put = |k: &'static str, v: Value| m.push((k.into(), v));
    match &parsed.what {
        P::Bolt11 { invoice, decoded } => {
            put("kind", s("bolt11"));
            put("payable", Value::Bool(true));
            put("bolt11", s(invoice));
            put("invoice", invoice_json(decoded, now));
        }
        P::Node { id, host, port } => {
            put("kind", s("node"));
            put("payable", Value::Bool(true));
            put("node_id", Value::String(id.to_hex()));
            if let Some(h) = host {
                put("host", s(h));
            }
            if let Some(p) = port {
                put("port", Value::u64(u64::from(*p)));
            }
        }
        P::Bolt12 { kind, text } => {
            put("kind", s(kind));
            // An offer is paid with pay({ offer }), an invoice with pay({ bolt12 }).
            put("payable", Value::Bool(*kind != "invoice_request"));
            put("bolt12", s(text));
        }
        P::Lnurl { bech32, url } => {
            put("kind", s("lnurl"));
            put("payable", Value::Bool(false));
            put("url", s(url));
            if let Some(b) = bech32 {
                put("lnurl", s(b));
            }
        }
        P::LightningAddress { address, url } => {
            put("kind", s("lightning_address"));
            put("payable", Value::Bool(false));
            put("address", s(address));
            put("url", s(url));
        }
        P::Bitcoin => {
            put("kind", s("bitcoin"));
            put("payable", Value::Bool(false));
        }
    }
    if let Some(scheme) = &parsed.scheme {
        put("scheme", s(scheme));
    }
    if let Some(c) = &parsed.on_chain {
        let mut o = alloc::vec![("address".into(), s(&c.address))];
        if let Some(a) = c.amount {
            o.push(("amount_msat".into(), Value::String(a.to_decimal_string())));
        }
        if let Some(l) = &c.label {
            o.push(("label".into(), s(l)));
        }
        if let Some(msg) = &c.message {
            o.push(("message".into(), s(msg)));
        }
        put("on_chain", Value::Object(o));
    }
    Ok(Value::Object(m))
}
