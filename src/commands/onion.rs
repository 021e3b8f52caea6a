//! Onions: `onion generate`/`build`/`decode`/`runtest` and `route payloads`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::error::Error;
use crate::hex;
use crate::ids::{NodeId, hash32_from_hex};
use crate::json::{Value, object};
use crate::payload::{self, FinalHopData, HopPayload};
use crate::route::Route;
use crate::sphinx::{self, OnionHop, SecretKey};

/// `onion generate`: `{"session_key","associated_data","hops":[{"pubkey","payload"}]}` →
/// `{"onion","shared_secrets"}`. Payloads carry their BigSize length prefix. Without a
/// `session_key`, `random_key` is used (the caller draws it from a CSPRNG).
pub fn onion_generate(input: &Value, random_key: Option<[u8; 32]>) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["session_key", "associated_data", "hops"])?;
    let session = match input.get("session_key") {
        Some(_) => SecretKey::from_hex(str_param(input, "session_key", "a hex string")?)
            .map_err(|e| e.in_field("session_key"))?,
        None => {
            let k = random_key.ok_or(Error::Param { field: "session_key".into(), expected: "present" })?;
            SecretKey::from_bytes(&k).map_err(|e| Error::from(e).in_field("session_key"))?
        }
    };
    let ad = hex_param(input, "associated_data")?;
    let hops = param(input, "hops")?.as_array().ok_or(Error::Param { field: "hops".into(), expected: "an array" })?;
    let mut keys = Vec::with_capacity(hops.len());
    let mut frames = Vec::with_capacity(hops.len());
    for (i, h) in hops.iter().enumerate() {
        let f = |name: &str| format!("hops[{i}].{name}");
        // The path is written only for an error.
        known_keys(h, "", &["pubkey", "payload"]).map_err(|e| e.in_field(&format!("hops[{i}]")))?;
        let pk = h
            .get("pubkey")
            .and_then(Value::as_str)
            .ok_or(Error::Param { field: f("pubkey"), expected: "a node id (hex)" })?;
        keys.push(NodeId::from_hex(pk).map_err(|e| Error::from(e).in_field(&f("pubkey")))?);
        let p = h
            .get("payload")
            .and_then(Value::as_str)
            .ok_or(Error::Param { field: f("payload"), expected: "a hex string" })?;
        let p = hex::decode(p).map_err(|e| Error::from(e).in_field(&f("payload")))?;
        sphinx::check_length_prefix(i, &p).map_err(|e| Error::from(e).in_field(&f("payload")))?;
        frames.push(p);
    }
    let input: Vec<OnionHop<'_>> = keys.iter().zip(&frames).map(|(pubkey, frame)| OnionHop { pubkey, frame }).collect();
    let (onion, secrets) = sphinx::build_onion(&session, &input, &ad).map_err(|e| Error::from(e).in_field("hops"))?;
    Ok(object([
        ("onion", Value::String(onion.to_hex())),
        ("shared_secrets", Value::Array(secrets.iter().map(|s| Value::String(s.to_hex())).collect())),
    ]))
}

pub(crate) fn payload_json(p: &HopPayload) -> Value {
    let mut m: Vec<(crate::json::Key, Value)> = Vec::new();
    if let Some(a) = p.amt_to_forward {
        m.push(("amt_to_forward".into(), Value::String(a.to_decimal_string())));
    }
    if let Some(c) = p.outgoing_cltv_value {
        m.push(("outgoing_cltv_value".into(), Value::u64(u64::from(c))));
    }
    if let Some(s) = p.short_channel_id {
        m.push(("short_channel_id".into(), Value::String(s.to_string_form())));
    }
    if let Some((secret, total)) = &p.payment_data {
        m.push(("payment_secret".into(), Value::String(hex::encode(secret))));
        m.push(("total_msat".into(), Value::String(total.to_decimal_string())));
    }
    if let Some(d) = &p.encrypted_recipient_data {
        m.push(("encrypted_recipient_data".into(), Value::String(hex::encode(d))));
    }
    if let Some(k) = &p.current_path_key {
        m.push(("current_path_key".into(), Value::String(k.to_hex())));
    }
    if let Some(d) = &p.payment_metadata {
        m.push(("payment_metadata".into(), Value::String(hex::encode(d))));
    }
    if let Some(t) = p.total_amount_msat {
        m.push(("total_amount_msat".into(), Value::String(t.to_decimal_string())));
    }
    if let Some(k) = &p.keysend_preimage {
        m.push(("keysend_preimage".into(), Value::String(hex::encode(k))));
    }
    if !p.unknown.is_empty() {
        let recs = p
            .unknown
            .iter()
            .map(|r| {
                (crate::json::Key::Owned(crate::json::u64_to_string(r.tlv_type)), Value::String(hex::encode(&r.value)))
            })
            .collect();
        m.push(("unknown_records".into(), Value::Object(recs)));
    }
    Value::Object(m)
}

/// `onion decode`: `{"onion","associated_data","privkey","path_key"?}` →
/// `{"payload","next_onion","shared_secret","fields"}`. `payload` keeps its length prefix;
/// `next_onion` is null at the final hop; `fields` is the payload's TLVs decoded (null if
/// they are not a valid payload). `path_key` is for a hop inside a blinded path.
pub fn onion_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["onion", "associated_data", "privkey", "path_key"])?;
    let onion = hex_param(input, "onion")?;
    let ad = hex_param(input, "associated_data")?;
    let key = SecretKey::from_hex(str_param(input, "privkey", "a hex string")?).map_err(|e| e.in_field("privkey"))?;
    let peeled = match input.get("path_key") {
        None | Some(Value::Null) => sphinx::peel_onion(&key, &onion, &ad),
        Some(v) => {
            let pk = v.as_str().ok_or(Error::Param { field: "path_key".into(), expected: "a hex string" })?;
            let pk = NodeId::from_hex(pk).map_err(|e| Error::from(e).in_field("path_key"))?;
            crate::blinding::peel_blinded(&key, &pk, &onion, &ad).map(|(p, _)| p)
        }
    }
    .map_err(|e| Error::from(e).in_field("onion"))?;
    let fields = payload::decode_payload(&peeled.payload).map(|p| payload_json(&p)).unwrap_or(Value::Null);
    Ok(object([
        ("payload", Value::String(hex::encode(&peeled.frame()))),
        ("next_onion", peeled.next.as_ref().map(|o| Value::String(o.to_hex())).unwrap_or(Value::Null)),
        ("shared_secret", Value::String(peeled.shared_secret.to_hex())),
        ("fields", fields),
    ]))
}

/// `onion runtest`: run a file in `bolt04/onion-test.json`'s format. Returns the report
/// and whether every byte matched.
pub fn onion_runtest(test: &Value) -> Result<(Value, bool), Error> {
    let generate = param(test, "generate")?;
    let built = onion_generate(generate, None).map_err(|e| e.in_field("generate"))?;
    let want = str_param(test, "onion", "a hex string")?;
    let got = built.get("onion").and_then(Value::as_str).unwrap_or_default();
    let onion_ok = got.eq_ignore_ascii_case(want);
    let ad = str_param(generate, "associated_data", "a hex string")?;
    let hops = param(generate, "hops")?.as_array().unwrap_or_default();
    let mut ok = onion_ok;
    let mut results = Vec::new();
    if let Some(keys) = test.get("decode").and_then(Value::as_array) {
        let mut packet = String::from(want);
        for (i, k) in keys.iter().enumerate() {
            let k = k.as_str().ok_or(Error::Param { field: format!("decode[{i}]"), expected: "a hex string" })?;
            let req = object([
                ("onion", Value::String(packet.clone())),
                ("associated_data", Value::str(ad)),
                ("privkey", Value::str(k)),
            ]);
            let (payload_ok, last_ok, next) = match onion_decode(&req) {
                Ok(d) => {
                    let want_payload =
                        hops.get(i).and_then(|h| h.get("payload")).and_then(Value::as_str).unwrap_or_default();
                    let payload_ok =
                        d.get("payload").and_then(Value::as_str).is_some_and(|p| p.eq_ignore_ascii_case(want_payload));
                    let next = d.get("next_onion").and_then(Value::as_str).map(String::from);
                    let last_ok = next.is_none() == (i + 1 == keys.len());
                    (payload_ok, last_ok, next)
                }
                Err(_) => (false, false, None),
            };
            ok &= payload_ok && last_ok;
            results.push(object([
                ("hop", Value::u64(i as u64)),
                ("payload_matches", Value::Bool(payload_ok)),
                ("final_matches", Value::Bool(last_ok)),
            ]));
            match next {
                Some(n) => packet = n,
                None => break,
            }
        }
        ok &= results.len() == keys.len();
    }
    Ok((
        object([("onion_matches", Value::Bool(onion_ok)), ("decoded", Value::Array(results)), ("ok", Value::Bool(ok))]),
        ok,
    ))
}

/// The typed result of reading a payment request: route, payment hash, block height and
/// every hop's frame.
/// A payment over a route, as `route payloads`, `onion build`, `sendpay` and `sendonion` take it.
pub(crate) const ROUTE_PAYMENT_KEYS: &[&str] =
    &["route", "payment_hash", "payment_secret", "payment_metadata", "total_msat", "msatoshi", "amount_msat"];
/// What building the onion here adds (the final hop's records, the height).
pub(crate) const ONION_KEYS: &[&str] = &["custom_records", "block_height"];

pub(crate) struct Prepared {
    pub(crate) route: Route,
    pub(crate) payment_hash: [u8; 32],
    pub(crate) frames: Vec<payload::HopFrame>,
}

/// The route checked (fields, then the route rules and the man page's msatoshi rule) and
/// the payment hash.
pub(crate) fn checked_route(input: &Value) -> Result<(Route, [u8; 32]), Error> {
    input_object(input)?;
    let route = route_param(input)?;
    let msatoshi = match input.get("amount_msat").or(input.get("msatoshi")) {
        None => None,
        Some(v) => {
            let name = if input.get("amount_msat").is_some() { "amount_msat" } else { "msatoshi" };
            Some(
                crate::route::amount_from_json(v)
                    .map_err(|kind| Error::from(crate::route::RouteError { hop: None, field: name, kind }))?,
            )
        }
    };
    route.validate(msatoshi).map_err(|e| match e.field {
        // The man page's msatoshi rule concerns the amount parameter, not the route.
        "msatoshi" => Error::from(crate::route::RouteError {
            field: if input.get("amount_msat").is_some() { "amount_msat" } else { "msatoshi" },
            ..e
        }),
        _ => Error::from(e).in_field("route"),
    })?;
    let payment_hash = hash32_from_hex(str_param(input, "payment_hash", "a hex string")?)
        .map_err(|e| Error::from(e).in_field("payment_hash"))?;
    Ok((route, payment_hash))
}

pub(crate) fn prepare(input: &Value) -> Result<Prepared, Error> {
    let (route, payment_hash) = checked_route(input)?;
    let block_height = param(input, "block_height")?
        .as_u64()
        .and_then(|b| u32::try_from(b).ok())
        .ok_or(Error::Param { field: "block_height".into(), expected: "a block height (integer)" })?;
    let mut fin = FinalHopData::default();
    if input.get("payment_secret").is_some() {
        let s = str_param(input, "payment_secret", "a hex string")?;
        fin.payment_secret = Some(hash32_from_hex(s).map_err(|e| Error::from(e).in_field("payment_secret"))?);
    }
    if input.get("payment_metadata").is_some() {
        fin.payment_metadata = Some(hex_param(input, "payment_metadata")?);
    }
    if let Some(t) = input.get("total_msat") {
        fin.total_msat = Some(
            crate::route::amount_from_json(t)
                .map_err(|kind| Error::from(crate::route::RouteError { hop: None, field: "total_msat", kind }))?,
        );
    }
    fin.custom_records = custom_records_param(input, "custom_records")?;
    let frames = payload::route_payloads(&route, block_height, &fin)?;
    Ok(Prepared { route, payment_hash, frames })
}

pub(crate) fn first_hop_json(route: &Route) -> Value {
    let first = &route.hops[0];
    object([
        ("id", Value::String(first.node_id.to_hex())),
        ("channel", Value::String(first.channel.to_string_form())),
        ("amount_msat", Value::u64(first.amount.0)),
        ("delay", Value::u64(u64::from(first.delay))),
    ])
}

/// `route payloads`: `{"route","payment_hash","payment_secret"?,"payment_metadata"?,
/// "total_msat"?,"msatoshi"|"amount_msat"?,"custom_records"?,"block_height"}` →
/// `{"hops":[{"pubkey","payload"}],"associated_data","first_hop"}`: the input of
/// `onion generate` (add a `session_key`), and the `first_hop` of `sendonion`.
pub fn route_payloads(input: &Value) -> Result<Value, Error> {
    known_keys_in(input, "", &[ROUTE_PAYMENT_KEYS, ONION_KEYS])?;
    let p = prepare(input)?;
    let hops = p
        .frames
        .iter()
        .map(|f| {
            object([("pubkey", Value::String(f.pubkey.to_hex())), ("payload", Value::String(hex::encode(&f.frame)))])
        })
        .collect();
    Ok(object([
        ("hops", Value::Array(hops)),
        ("associated_data", Value::String(hex::encode(&p.payment_hash))),
        ("first_hop", first_hop_json(&p.route)),
    ]))
}

/// `onion build`: a route and payment fields → the onion in one step: the input of
/// `route payloads` plus `"session_key"?` → `{"onion","shared_secrets","first_hop",
/// "hops":[{"node_id","amount_msat","cltv","payload_length"}]}` (each hop: what it forwards,
/// or receives at the destination). Without `session_key`, `random_key` is used (the
/// caller draws it from a CSPRNG).
pub fn build_onion(input: &Value, random_key: Option<[u8; 32]>) -> Result<Value, Error> {
    known_keys_in(input, "", &[ROUTE_PAYMENT_KEYS, ONION_KEYS, &["session_key"]])?;
    let p = prepare(input)?;
    let session = session_key(input, random_key)?;
    let hops: Vec<OnionHop<'_>> = p.frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
    let (onion, secrets) =
        sphinx::build_onion(&session, &hops, &p.payment_hash).map_err(|e| Error::from(e).in_field("route"))?;
    let summary = p
        .frames
        .iter()
        .map(|f| {
            object([
                ("node_id", Value::String(f.pubkey.to_hex())),
                ("amount_msat", Value::String(f.amt_to_forward.unwrap_or_default().to_decimal_string())),
                ("cltv", Value::u64(u64::from(f.outgoing_cltv_value.unwrap_or_default()))),
                ("payload_length", Value::u64(f.frame.len() as u64)),
            ])
        })
        .collect();
    Ok(object([
        ("onion", Value::String(onion.to_hex())),
        ("shared_secrets", Value::Array(secrets.iter().map(|s| Value::String(s.to_hex())).collect())),
        ("first_hop", first_hop_json(&p.route)),
        ("hops", Value::Array(summary)),
    ]))
}
