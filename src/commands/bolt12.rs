//! `bolt12 decode`: a BOLT 12 string as JSON (for the JS API and the CLI).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::bolt12::{self, BlindedPath, FirstNode};
use crate::error::Error;
use crate::hex;
use crate::json::{Value, object};

fn path_json(p: &BlindedPath) -> Value {
    let mut m: Vec<(crate::json::Key, Value)> = Vec::new();
    match p.first_node {
        FirstNode::Node(id) => m.push(("first_node_id".into(), Value::String(id.to_hex()))),
        FirstNode::Channel { scid, direction } => {
            m.push(("first_scid".into(), Value::String(scid.to_string_form())));
            m.push(("first_scid_dir".into(), Value::u64(u64::from(direction))));
        }
    }
    m.push(("first_path_key".into(), Value::String(p.first_path_key.to_hex())));
    m.push((
        "hops".into(),
        Value::Array(
            p.hops
                .iter()
                .map(|h| {
                    object([
                        ("blinded_node_id", Value::String(h.blinded_node_id.to_hex())),
                        ("encrypted_recipient_data", Value::String(hex::encode(&h.encrypted_recipient_data))),
                    ])
                })
                .collect(),
        ),
    ));
    Value::Object(m)
}

fn paths_json(p: &[BlindedPath]) -> Value {
    Value::Array(p.iter().map(path_json).collect())
}

/// A decoded message as JSON: `type`, `tlvs` (every record, in order), the fields by the
/// spec's names, and for signed messages `merkle_root` and `signature_verified`; `expires_at`
/// and, given `now`, `expired`.
pub fn bolt12_json(b: &bolt12::Bolt12, now: Option<u64>) -> Value {
    let f = &b.fields;
    let mut m: Vec<(crate::json::Key, Value)> = alloc::vec![
        ("type".into(), Value::str(b.kind.name())),
        (
            "tlvs".into(),
            Value::Array(
                b.records
                    .iter()
                    .map(|r| {
                        object([
                            ("type", Value::u64(r.tlv_type)),
                            ("length", Value::u64(r.value.len() as u64)),
                            ("hex", Value::String(hex::encode(&r.value))),
                        ])
                    })
                    .collect(),
            ),
        ),
    ];
    let mut put = |k: &'static str, v: Option<Value>| {
        if let Some(v) = v {
            m.push((k.into(), v));
        }
    };
    let hexv = |b: &Option<Vec<u8>>| b.as_ref().map(|b| Value::String(hex::encode(b)));
    let text = |s: &Option<String>| s.as_ref().map(|s| Value::String(s.clone()));
    let num = |n: Option<u64>| n.map(Value::u64);
    let id = |n: &Option<crate::ids::NodeId>| n.map(|n| Value::String(n.to_hex()));
    let amount = |a: Option<crate::Msat>| a.map(|a| Value::String(a.to_decimal_string()));
    put("invreq_metadata", hexv(&f.invreq_metadata));
    put(
        "offer_chains",
        f.offer_chains.as_ref().map(|c| Value::Array(c.iter().map(|h| Value::String(hex::encode(h))).collect())),
    );
    put("offer_metadata", hexv(&f.offer_metadata));
    put("offer_currency", text(&f.offer_currency));
    put("offer_amount", f.offer_amount.map(|a| Value::String(crate::json::u64_to_string(a))));
    put("offer_description", text(&f.offer_description));
    put("offer_features", hexv(&f.offer_features));
    put("offer_absolute_expiry", num(f.offer_absolute_expiry));
    put("offer_paths", f.offer_paths.as_deref().map(paths_json));
    put("offer_issuer", text(&f.offer_issuer));
    put("offer_quantity_max", num(f.offer_quantity_max));
    put("offer_issuer_id", id(&f.offer_issuer_id));
    put("invreq_chain", f.invreq_chain.map(|c| Value::String(hex::encode(&c))));
    put("invreq_amount", amount(f.invreq_amount));
    put("invreq_features", hexv(&f.invreq_features));
    put("invreq_quantity", num(f.invreq_quantity));
    put("invreq_payer_id", id(&f.invreq_payer_id));
    put("invreq_payer_note", text(&f.invreq_payer_note));
    put("invreq_paths", f.invreq_paths.as_deref().map(paths_json));
    put(
        "invreq_bip_353_name",
        f.invreq_bip_353_name
            .as_ref()
            .map(|(n, d)| object([("name", Value::String(n.clone())), ("domain", Value::String(d.clone()))])),
    );
    put("invoice_paths", f.invoice_paths.as_deref().map(paths_json));
    put(
        "invoice_blindedpay",
        f.invoice_blindedpay.as_ref().map(|p| {
            Value::Array(
                p.iter()
                    .map(|x| {
                        object([
                            ("fee_base_msat", Value::String(crate::json::u64_to_string(u64::from(x.fee_base_msat)))),
                            ("fee_proportional_millionths", Value::u64(u64::from(x.fee_proportional_millionths))),
                            ("cltv_expiry_delta", Value::u64(u64::from(x.cltv_expiry_delta))),
                            ("htlc_minimum_msat", Value::String(crate::json::u64_to_string(x.htlc_minimum_msat))),
                            ("htlc_maximum_msat", Value::String(crate::json::u64_to_string(x.htlc_maximum_msat))),
                            ("features", Value::String(hex::encode(&x.features))),
                        ])
                    })
                    .collect(),
            )
        }),
    );
    put("invoice_created_at", num(f.invoice_created_at));
    put("invoice_relative_expiry", num(f.invoice_relative_expiry.map(u64::from)));
    put("invoice_payment_hash", f.invoice_payment_hash.map(|h| Value::String(hex::encode(&h))));
    put("invoice_amount", amount(f.invoice_amount));
    put(
        "invoice_fallbacks",
        f.invoice_fallbacks.as_ref().map(|fs| {
            Value::Array(
                fs.iter()
                    .map(|x| {
                        object([
                            ("version", Value::u64(u64::from(x.version))),
                            ("address", Value::String(hex::encode(&x.address))),
                        ])
                    })
                    .collect(),
            )
        }),
    );
    put("invoice_features", hexv(&f.invoice_features));
    put("invoice_node_id", id(&f.invoice_node_id));
    put("signature", f.signature.map(|s| Value::String(hex::encode(&s))));
    put("merkle_root", b.merkle_root.map(|r| Value::String(hex::encode(&r))));
    put("signature_verified", b.signature_verified.map(Value::Bool));
    let expires = b.expires_at();
    put("expires_at", num(expires));
    put("expired", now.zip(expires).map(|(n, e)| Value::Bool(n > e)));
    Value::Object(m)
}

/// `bolt12 decode`: `{"string","now"?}` → [`bolt12_json`].
pub fn bolt12_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["string", "now"])?;
    let text = str_param(input, "string", "a BOLT 12 string")?;
    let b = bolt12::decode(text).map_err(|e| Error::from(e).in_field("string"))?;
    Ok(bolt12_json(&b, opt_u64_param(input, "now")?))
}

/// `bolt12 check`: `{"invoice","offer","amount_msat"?,"quantity"?,"payer_note"?,"now"?}` → the
/// invoice as [`bolt12_json`], once it is shown to answer `offer` as asked: decoded, signed
/// by the offer's issuer (or a path's final blinded node), every offer field mirrored
/// exactly ([`bolt12::check_invoice`]); the request's amount, quantity and note those asked
/// for; without an asked amount, the invoice's amount at least the offer's (times the
/// quantity) when the offer is in msat; not expired at `now`.
pub fn bolt12_invoice_check(input: &Value) -> Result<Value, Error> {
    use crate::bolt12::{Kind, MismatchError};
    input_object(input)?;
    known_keys(input, "", &["invoice", "offer", "amount_msat", "quantity", "payer_note", "now"])?;
    let inv = bolt12::decode(str_param(input, "invoice", "a BOLT 12 invoice")?)
        .map_err(|e| Error::from(e).in_field("invoice"))?;
    let offer =
        bolt12::decode(str_param(input, "offer", "a BOLT 12 offer")?).map_err(|e| Error::from(e).in_field("offer"))?;
    if inv.kind != Kind::Invoice || offer.kind != Kind::Offer {
        return Err(Error::Param {
            field: if inv.kind != Kind::Invoice { "invoice" } else { "offer" }.into(),
            expected: "an invoice (lni1…) and its offer (lno1…)",
        });
    }
    let wrong = |field: &str, expected: &'static str| {
        Error::BadAnswer(crate::rpc::AnswerError { field: format!("invoice.{field}"), expected })
    };
    let bad = |m: MismatchError| wrong(&m.field, m.reason);
    bolt12::check_invoice(&inv, &offer, None).map_err(bad)?;
    let f = &inv.fields;
    let asked = amount_param(input, "amount_msat")?;
    if asked.is_some() && f.invreq_amount != asked {
        return Err(wrong("invreq_amount", "the amount asked for"));
    }
    let quantity = opt_u64_param(input, "quantity")?;
    if f.invreq_quantity != quantity {
        return Err(wrong("invreq_quantity", "the quantity asked for"));
    }
    if f.invreq_payer_note != opt_str_param(input, "payer_note")? {
        return Err(wrong("invreq_payer_note", "the note given"));
    }
    let amount = f.invoice_amount.map_or(0, |a| a.0);
    if let (None, Some(per), None) = (asked, offer.fields.offer_amount, &offer.fields.offer_currency) {
        let want = u128::from(per) * u128::from(quantity.unwrap_or(1));
        if u128::from(amount) < want {
            return Err(wrong("invoice_amount", "at least the offer's amount (times the quantity)"));
        }
    }
    let now = opt_u64_param(input, "now")?;
    if let (Some(n), Some(e)) = (now, inv.expires_at())
        && n > e
    {
        return Err(wrong("invoice_relative_expiry", "an invoice that has not expired"));
    }
    Ok(bolt12_json(&inv, now))
}
