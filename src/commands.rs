//! The command-line tool's commands as JSON-in, JSON-out functions (no I/O), so the Rust
//! binary and the npm package's CLI give the same answers. In the spirit of Core
//! Lightning's `devtools/onion`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::amount::Msat;
use crate::error::Error;
use crate::failure;
use crate::hex;
use crate::ids::{NodeId, hash32_from_hex};
use crate::json::{Value, object};
use crate::payload::{self, FinalHopData, HopPayload};
use crate::route::Route;
use crate::sphinx::{self, OnionHop, SecretKey, SharedSecret};

fn param<'a>(v: &'a Value, field: &str) -> Result<&'a Value, Error> {
    v.get(field).ok_or_else(|| Error::Param { field: field.into(), expected: "present" })
}

fn str_param<'a>(v: &'a Value, field: &str, expected: &'static str) -> Result<&'a str, Error> {
    param(v, field)?.as_str().ok_or_else(|| Error::Param { field: field.into(), expected })
}

fn hex_param(v: &Value, field: &str) -> Result<Vec<u8>, Error> {
    let s = str_param(v, field, "a hex string")?;
    hex::decode(s).map_err(|e| Error::from(e).in_field(field))
}

/// The `route` parameter: JSON, or JSON text (as a node sent it: parsed here, exactly).
fn route_param(input: &Value) -> Result<Route, Error> {
    let parsed;
    let v = match param(input, "route")? {
        Value::String(s) => {
            parsed = crate::json::parse(s).map_err(|e| Error::from(e).in_field("route"))?;
            &parsed
        }
        v => v,
    };
    Route::from_json(v).map_err(|e| Error::from(e).in_field("route"))
}

fn input_object(v: &Value) -> Result<(), Error> {
    match v {
        Value::Object(_) => Ok(()),
        _ => Err(Error::Param { field: "input".into(), expected: "a JSON object" }),
    }
}

fn session_key(input: &Value, random_key: Option<[u8; 32]>) -> Result<SecretKey, Error> {
    match input.get("session_key") {
        Some(_) => {
            SecretKey::from_hex(str_param(input, "session_key", "a hex string")?).map_err(|e| e.in_field("session_key"))
        }
        None => {
            let k = random_key.ok_or(Error::Param { field: "session_key".into(), expected: "present" })?;
            SecretKey::from_bytes(&k).map_err(|e| Error::from(e).in_field("session_key"))
        }
    }
}

/// `onion generate`: `{"session_key","associated_data","hops":[{"pubkey","payload"}]}` →
/// `{"onion","shared_secrets"}`. Payloads carry their BigSize length prefix. Without a
/// `session_key`, `random_key` is used (the caller draws it from a CSPRNG).
pub fn onion_generate(input: &Value, random_key: Option<[u8; 32]>) -> Result<Value, Error> {
    input_object(input)?;
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

fn payload_json(p: &HopPayload) -> Value {
    let mut m: Vec<(String, Value)> = Vec::new();
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
    if !p.unknown.is_empty() {
        let recs = p
            .unknown
            .iter()
            .map(|r| (crate::json::u64_to_string(r.tlv_type), Value::String(hex::encode(&r.value))))
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

/// `amount STRING` → `{"msat":"<decimal string>"}`.
pub fn amount(s: &str) -> Result<Value, Error> {
    let m = Msat::parse(s).map_err(|e| Error::from(e).in_field("amount"))?;
    Ok(object([("msat", Value::String(m.to_decimal_string()))]))
}

/// The typed result of reading a payment request: route, payment hash, block height and
/// every hop's frame.
struct Prepared {
    route: Route,
    payment_hash: [u8; 32],
    frames: Vec<payload::HopFrame>,
}

/// The route checked (fields, then the route rules and the man page's msatoshi rule) and
/// the payment hash.
fn checked_route(input: &Value) -> Result<(Route, [u8; 32]), Error> {
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

fn prepare(input: &Value) -> Result<Prepared, Error> {
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
    if let Some(c) = input.get("custom_records") {
        let members = c
            .as_object()
            .ok_or(Error::Param { field: "custom_records".into(), expected: "an object of type → hex" })?;
        for (k, v) in members {
            let field = format!("custom_records.{k}");
            let t = crate::json::parse_u64_digits(k)
                .ok_or(Error::Param { field: field.clone(), expected: "a decimal TLV type" })?;
            let val = v.as_str().ok_or(Error::Param { field: field.clone(), expected: "a hex string" })?;
            fin.custom_records.push((t, hex::decode(val).map_err(|e| Error::from(e).in_field(&field))?));
        }
    }
    let frames = payload::route_payloads(&route, block_height, &fin)?;
    Ok(Prepared { route, payment_hash, frames })
}

fn first_hop_json(route: &Route) -> Value {
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

fn secrets_param(input: &Value) -> Result<Vec<SharedSecret>, Error> {
    let arr = param(input, "shared_secrets")?
        .as_array()
        .ok_or(Error::Param { field: "shared_secrets".into(), expected: "an array of 32-byte hex secrets" })?;
    arr.iter()
        .enumerate()
        .map(|(i, s)| {
            let field = format!("shared_secrets[{i}]");
            let s = s.as_str().ok_or(Error::Param { field: field.clone(), expected: "a hex string" })?;
            hash32_from_hex(s).map(SharedSecret::from_bytes).map_err(|e| Error::from(e).in_field(&field))
        })
        .collect()
}

/// `failure wrap`: `{"shared_secrets","erring_index" (0-based position in shared_secrets),
/// "failure_message","hold_times"?}` → `{"reply","attribution_data"?}`: the reply as it
/// reaches the sender. With `hold_times` (one per hop up to the erring one, 100 ms units)
/// each hop also adds its attribution layer.
pub fn failure_wrap(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let secrets = secrets_param(input)?;
    let k = param(input, "erring_index")?
        .as_u64()
        .and_then(|k| usize::try_from(k).ok())
        .filter(|&k| k < secrets.len())
        .ok_or(Error::Param { field: "erring_index".into(), expected: "an index into shared_secrets" })?;
    let message = hex_param(input, "failure_message")?;
    if message.len() > 0xffff - 4 {
        return Err(Error::Param { field: "failure_message".into(), expected: "at most 65531 bytes" });
    }
    let holds = match input.get("hold_times") {
        None => None,
        Some(v) => {
            let a =
                v.as_array().ok_or(Error::Param { field: "hold_times".into(), expected: "an array of integers" })?;
            let h = a
                .iter()
                .map(|x| x.as_u64().and_then(|x| u32::try_from(x).ok()))
                .collect::<Option<Vec<u32>>>()
                .filter(|h| h.len() == k + 1)
                .ok_or(Error::Param { field: "hold_times".into(), expected: "one u32 per hop up to erring_index" })?;
            Some(h)
        }
    };
    let mut out = Vec::new();
    match holds {
        None => {
            let reply = failure::reply_from_hop(&secrets, k, &message).unwrap_or_default();
            out.push((String::from("reply"), Value::String(hex::encode(&reply))));
        }
        Some(holds) => {
            let mut pkt = failure::failure_packet(&secrets[k], &message);
            let mut att = failure::add_attribution(&secrets[k], &pkt, None, holds[k]);
            failure::wrap_reply(&secrets[k], &mut pkt);
            for j in (0..k).rev() {
                att = failure::add_attribution(&secrets[j], &pkt, Some(&att), holds[j]);
                failure::wrap_reply(&secrets[j], &mut pkt);
            }
            out.push((String::from("reply"), Value::String(hex::encode(&pkt))));
            out.push((String::from("attribution_data"), Value::String(hex::encode(&att.0))));
        }
    }
    Ok(Value::Object(out))
}

/// `failure decode`: `{"reply","shared_secrets","route"?,"attribution_data"?}` →
/// `{"origin_index","failure_message", …routing failure object}`, or `{"code":202,
/// "onionreply", …}` when no hop's HMAC matches.
pub fn failure_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let reply = hex_param(input, "reply")?;
    let secrets = secrets_param(input)?;
    let route = match input.get("route") {
        None | Some(Value::Null) => None,
        Some(_) => {
            let r = route_param(input)?;
            if r.hops.len() != secrets.len() {
                return Err(Error::Param { field: "route".into(), expected: "one hop per shared secret" });
            }
            Some(r)
        }
    };
    let attribution = match input.get("attribution_data") {
        None | Some(Value::Null) => None,
        Some(_) => Some(
            failure::AttributionData::from_slice(&hex_param(input, "attribution_data")?)
                .ok_or(Error::Param { field: "attribution_data".into(), expected: "920 bytes of hex" })?,
        ),
    };
    let decoded = failure::decode_reply(&secrets, &reply, attribution.as_ref());
    let f = failure::RoutingFailure::from_decoded(&decoded, secrets.len(), &reply, route.as_ref());
    let mut out: Vec<(String, Value)> = Vec::new();
    if let Ok(d) = &decoded.result {
        out.push(("origin_index".into(), Value::u64(d.origin_index as u64)));
        out.push(("failure_message".into(), Value::String(hex::encode(&d.message))));
    }
    if let Value::Object(m) = f.to_json() {
        out.extend(m);
    }
    Ok(Value::Object(out))
}

/// `failure create` (the erring hop): `{"shared_secret","failure_message"}` → `{"reply"}`,
/// the reply as it leaves that hop.
pub fn failure_create(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let ss = hash32_from_hex(str_param(input, "shared_secret", "a hex string")?)
        .map_err(|e| Error::from(e).in_field("shared_secret"))?;
    let message = hex_param(input, "failure_message")?;
    if message.is_empty() || message.len() > 0xffff - 4 {
        return Err(Error::Param { field: "failure_message".into(), expected: "1 to 65531 bytes" });
    }
    let reply = failure::create_reply(&SharedSecret::from_bytes(ss), &message);
    Ok(object([("reply", Value::String(hex::encode(&reply)))]))
}

/// `failure forward` (each hop on the way back): `{"shared_secret","reply"}` → `{"reply"}`.
pub fn failure_forward(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let ss = hash32_from_hex(str_param(input, "shared_secret", "a hex string")?)
        .map_err(|e| Error::from(e).in_field("shared_secret"))?;
    let mut reply = hex_param(input, "reply")?;
    failure::wrap_reply(&SharedSecret::from_bytes(ss), &mut reply);
    Ok(object([("reply", Value::String(hex::encode(&reply)))]))
}

/// `channel_update decode`: `{"channel_update","signer"?}` → its fields and, with a signer,
/// whether the signature verifies.
pub fn channel_update_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let bytes = hex_param(input, "channel_update")?;
    let signer = match input.get("signer") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let s = v.as_str().ok_or(Error::Param { field: "signer".into(), expected: "a node id (hex)" })?;
            Some(NodeId::from_hex(s).map_err(|e| Error::from(e).in_field("signer"))?)
        }
    };
    let (u, verified) = failure::ChannelUpdate::decode(&bytes, signer.as_ref()).ok_or(Error::Param {
        field: "channel_update".into(),
        expected: "a channel_update (136 bytes or more, with or without its 0102 type)",
    })?;
    let mut f = failure::RoutingFailure { channel_update_decoded: Some(u), ..Default::default() };
    f.channel_update_verified = verified;
    let fields = f.to_json().get("channel_update_fields").cloned().unwrap_or(Value::Null);
    let mut out = alloc::vec![(String::from("fields"), fields)];
    if let Some(v) = verified {
        out.push(("verified".into(), Value::Bool(v)));
    }
    Ok(Value::Object(out))
}

/// `scid`: `BLOCKxTXxOUT`, `BLOCKxTXxOUT/D`, or the u64 form as decimal text → its parts.
pub fn short_channel_id(s: &str) -> Result<Value, Error> {
    let (scid, dir) = match crate::json::parse_u64_digits(s) {
        Some(n) => (crate::ids::ShortChannelId::from_u64(n), None),
        None => crate::ids::ShortChannelId::parse_with_direction(s)
            .map_err(|e| Error::from(e).in_field("short_channel_id"))?,
    };
    let mut out = alloc::vec![
        (String::from("short_channel_id"), Value::String(scid.to_string_form())),
        ("block".into(), Value::u64(u64::from(scid.block()))),
        ("tx_index".into(), Value::u64(u64::from(scid.tx_index()))),
        ("output".into(), Value::u64(u64::from(scid.output()))),
        ("u64".into(), Value::String(crate::json::u64_to_string(scid.0))),
    ];
    if let Some(d) = dir {
        out.push(("direction".into(), Value::u64(u64::from(d))));
    }
    Ok(Value::Object(out))
}

fn opt_u64_param(input: &Value, field: &str) -> Result<Option<u64>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_u64().map(Some).ok_or(Error::Param { field: field.into(), expected: "an integer from 0 to 2^64-1" })
        }
    }
}

fn opt_str_param(input: &Value, field: &str) -> Result<Option<String>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_str().map(|s| Some(String::from(s))).ok_or(Error::Param { field: field.into(), expected: "a string" })
        }
    }
}

fn amount_param(input: &Value, field: &'static str) -> Result<Option<Msat>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => crate::route::amount_from_json(v)
            .map(Some)
            .map_err(|kind| Error::from(crate::route::RouteError { hop: None, field, kind })),
    }
}

fn node_param(input: &Value, field: &str) -> Result<NodeId, Error> {
    let s = str_param(input, field, "a node id (hex)")?;
    NodeId::from_hex(s).map_err(|e| Error::from(e).in_field(field))
}

fn send_options(input: &Value, secret: Option<[u8; 32]>) -> Result<crate::rpc::SendOptions, Error> {
    Ok(crate::rpc::SendOptions {
        label: opt_str_param(input, "label")?,
        bolt11: opt_str_param(input, "bolt11")?,
        payment_secret: secret,
        payment_metadata: match input.get("payment_metadata") {
            None | Some(Value::Null) => None,
            Some(_) => Some(hex_param(input, "payment_metadata")?),
        },
        partid: opt_u64_param(input, "partid")?,
        groupid: opt_u64_param(input, "groupid")?,
        total_msat: amount_param(input, "total_msat")?,
        description: opt_str_param(input, "description")?,
    })
}

fn request_json(r: crate::rpc::Request, extra: Vec<(String, Value)>) -> Value {
    let mut m = alloc::vec![(String::from("method"), Value::str(r.method)), ("params".into(), r.params)];
    m.extend(extra);
    Value::Object(m)
}

/// What the client records of a send: hash, part, group, destination, the man page's
/// `msatoshi` (what the payment is for: the same-hash rules compare it) and the amount the
/// route delivers.
fn attempt_json(
    hash: &[u8; 32],
    partid: Option<u64>,
    groupid: Option<u64>,
    msatoshi: Option<Msat>,
    route: &Route,
) -> Value {
    let last = route.hops.last();
    let delivered = last.map_or(Msat(0), |h| h.amount);
    let mut m = alloc::vec![
        (String::from("payment_hash"), Value::String(hex::encode(hash))),
        ("partid".into(), Value::u64(partid.unwrap_or(0))),
    ];
    if let Some(g) = groupid {
        // A string: group ids pass 2^53.
        m.push(("groupid".into(), Value::String(crate::json::u64_to_string(g))));
    }
    m.extend([
        ("destination".into(), last.map_or(Value::Null, |h| Value::String(h.node_id.to_hex()))),
        ("msatoshi".into(), Value::String(msatoshi.unwrap_or(delivered).to_decimal_string())),
        ("amount_msat".into(), Value::String(delivered.to_decimal_string())),
        (
            "amount_sent_msat".into(),
            Value::String(route.hops.first().map_or(Msat(0), |h| h.amount).to_decimal_string()),
        ),
        // As JSON text: it stores and travels as a plain string, and reads back exactly.
        ("route".into(), Value::String(route.to_json().to_json())),
    ]);
    Value::Object(m)
}

/// The man page's `msatoshi` of a send: the `amount_msat` (or `msatoshi`) given, else none
/// (the route's final amount).
fn msatoshi_param(input: &Value) -> Option<Msat> {
    let v = input.get("amount_msat").or(input.get("msatoshi"))?;
    crate::route::amount_from_json(v).ok()
}

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
        (String::from("network"), Value::str(inv.network.prefix())),
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
    let text = str_param(input, "invoice", "a bolt11 string")?;
    let inv = crate::bolt11::decode(text).map_err(|e| Error::from(e).in_field("invoice"))?;
    Ok(invoice_json(&inv, opt_u64_param(input, "now")?))
}

/// With a `bolt11` among the fields: the invoice fills the payment's fields that are not
/// given (payment_hash, payment_secret, payment_metadata, the amount; for `pay` also the
/// destination and final_cltv), checks those that are (each mismatch an error naming both
/// values, in the payment's field), checks `description` against `h`, and refuses an invoice
/// expired at `now` (seconds; checked when given). The route is checked later, once built.
fn with_invoice(input: &Value, for_pay: bool) -> Result<(Value, Option<crate::bolt11::Invoice>), Error> {
    use crate::bolt11::{Bolt11Error, check_same};
    let Some(text) = opt_str_param(input, "bolt11")? else { return Ok((input.clone(), None)) };
    let inv = crate::bolt11::decode(&text).map_err(|e| Error::from(e).in_field("bolt11"))?;
    let mut m: Vec<(String, Value)> = input.as_object().map(<[_]>::to_vec).unwrap_or_default();
    let given = |k: &str| !matches!(input.get(k), None | Some(Value::Null));
    let mut set = |k: &str, v: Value| match m.iter_mut().find(|(key, _)| key == k) {
        Some(slot) => slot.1 = v,
        None => m.push((String::from(k), v)),
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

/// `rpc request`: `{"method", …fields}` → `{"method","params", …}`: the request to send, in
/// the form today's Core Lightning accepts. `sendpay` and `sendonion` check the route and the
/// man page's msatoshi rule first and add `"attempt"` (what the client records);
/// `sendonion` builds the onion here and adds `"shared_secrets"`, which are not sent.
pub fn rpc_request(input: &Value, random_key: Option<[u8; 32]>) -> Result<Value, Error> {
    input_object(input)?;
    let method = str_param(input, "method", "a method name")?;
    let hash = || -> Result<[u8; 32], Error> {
        hash32_from_hex(str_param(input, "payment_hash", "a hex string")?)
            .map_err(|e| Error::from(e).in_field("payment_hash"))
    };
    Ok(match method {
        "getinfo" => request_json(crate::rpc::getinfo(), Vec::new()),
        "sendpay" => {
            let (merged, inv) = with_invoice(input, false)?;
            let input = &merged;
            let (route, payment_hash) = checked_route(input)?;
            if let Some(inv) = &inv {
                inv.check_route(&route, amount_param(input, "total_msat")?)?;
            }
            let secret = match input.get("payment_secret") {
                None | Some(Value::Null) => None,
                Some(_) => Some(
                    hash32_from_hex(str_param(input, "payment_secret", "a hex string")?)
                        .map_err(|e| Error::from(e).in_field("payment_secret"))?,
                ),
            };
            let o = send_options(input, secret)?;
            let attempt = attempt_json(&payment_hash, o.partid, o.groupid, msatoshi_param(input), &route);
            request_json(crate::rpc::sendpay(&route, &payment_hash, &o), alloc::vec![("attempt".into(), attempt)])
        }
        "sendonion" => {
            let (merged, inv) = with_invoice(input, false)?;
            let input = &merged;
            let p = prepare(input)?;
            if let Some(inv) = &inv {
                inv.check_route(&p.route, amount_param(input, "total_msat")?)?;
            }
            let session = session_key(input, random_key)?;
            let hops: Vec<OnionHop<'_>> =
                p.frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
            let (onion, secrets) =
                sphinx::build_onion(&session, &hops, &p.payment_hash).map_err(|e| Error::from(e).in_field("route"))?;
            // The secret and metadata travel in the onion built here, not as parameters.
            let o =
                crate::rpc::SendOptions { payment_secret: None, payment_metadata: None, ..send_options(input, None)? };
            let attempt = attempt_json(&p.payment_hash, o.partid, o.groupid, msatoshi_param(input), &p.route);
            request_json(
                crate::rpc::sendonion(onion.as_bytes(), &p.route, &p.payment_hash, &o),
                alloc::vec![
                    ("attempt".into(), attempt),
                    (
                        "shared_secrets".into(),
                        Value::Array(secrets.iter().map(|s| Value::String(s.to_hex())).collect())
                    ),
                ],
            )
        }
        "waitsendpay" => {
            let timeout = opt_u64_param(input, "timeout")?.map(|t| t.min(u64::from(u32::MAX)) as u32);
            request_json(
                crate::rpc::waitsendpay(
                    &hash()?,
                    timeout,
                    opt_u64_param(input, "partid")?,
                    opt_u64_param(input, "groupid")?,
                ),
                Vec::new(),
            )
        }
        "listsendpays" => {
            let h = match input.get("payment_hash") {
                None | Some(Value::Null) => None,
                Some(_) => Some(hash()?),
            };
            request_json(crate::rpc::listsendpays(h.as_ref()), Vec::new())
        }
        "getroute" => {
            let exclude = match input.get("exclude") {
                None | Some(Value::Null) => Vec::new(),
                Some(v) => v
                    .as_array()
                    .ok_or(Error::Param { field: "exclude".into(), expected: "an array" })?
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let field = format!("exclude[{i}]");
                        let s = x
                            .as_str()
                            .ok_or(Error::Param { field: field.clone(), expected: "\"scid/dir\" or a node id" })?;
                        match crate::ids::ShortChannelId::parse_with_direction(s) {
                            Ok((c, Some(d))) => Ok(crate::rpc::Exclusion::Channel(c, d)),
                            _ => NodeId::from_hex(s)
                                .map(crate::rpc::Exclusion::Node)
                                .map_err(|e| Error::from(e).in_field(&field)),
                        }
                    })
                    .collect::<Result<Vec<_>, Error>>()?,
            };
            let amount = amount_param(input, "amount_msat")?
                .ok_or(Error::Param { field: "amount_msat".into(), expected: "present" })?;
            let risk = opt_u64_param(input, "riskfactor")?.unwrap_or(10).min(u64::from(u32::MAX)) as u32;
            let cltv = opt_u64_param(input, "cltv")?.unwrap_or(18).min(u64::from(u32::MAX)) as u32;
            request_json(
                crate::rpc::getroute(&node_param(input, "destination")?, amount, risk, cltv, &exclude),
                Vec::new(),
            )
        }
        "getroutes" => {
            let amount = amount_param(input, "amount_msat")?
                .ok_or(Error::Param { field: "amount_msat".into(), expected: "present" })?;
            let maxfee = amount_param(input, "maxfee_msat")?
                .ok_or(Error::Param { field: "maxfee_msat".into(), expected: "present" })?;
            let layers: Vec<String> = match input.get("layers") {
                None | Some(Value::Null) => Vec::new(),
                Some(v) => v
                    .as_array()
                    .ok_or(Error::Param { field: "layers".into(), expected: "an array of strings" })?
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(String::from)
                            .ok_or(Error::Param { field: "layers".into(), expected: "an array of strings" })
                    })
                    .collect::<Result<_, _>>()?,
            };
            let layers: Vec<&str> = layers.iter().map(String::as_str).collect();
            let cltv = opt_u64_param(input, "final_cltv")?.unwrap_or(18).min(u64::from(u32::MAX)) as u32;
            request_json(
                crate::rpc::getroutes(
                    &node_param(input, "source")?,
                    &node_param(input, "destination")?,
                    amount,
                    &layers,
                    &crate::rpc::RouteLimits {
                        maxfee,
                        final_cltv: cltv,
                        maxdelay: opt_u64_param(input, "maxdelay")?.map(|p| p.min(u64::from(u32::MAX)) as u32),
                        maxparts: opt_u64_param(input, "maxparts")?.map(|p| p.min(u64::from(u32::MAX)) as u32),
                    },
                ),
                Vec::new(),
            )
        }
        _ => {
            return Err(Error::Param {
                field: "method".into(),
                expected: "one of getinfo, sendpay, sendonion, waitsendpay, listsendpays, getroute, getroutes",
            });
        }
    })
}

fn answer_value(input: &Value, field: &str) -> Result<Value, Error> {
    match param(input, field)? {
        // The node's text, read exactly here.
        Value::String(text) => crate::rpc::parse_answer(text).map_err(Error::BadAnswer),
        v => Ok(v.clone()),
    }
}

fn payment_json(p: &crate::rpc::Payment) -> Value {
    use crate::rpc::PaymentStatus;
    let mut m = alloc::vec![
        (String::from("created_index"), Value::u64(p.created_index)),
        ("payment_hash".into(), Value::String(hex::encode(&p.payment_hash))),
        ("groupid".into(), Value::u64(p.groupid)),
        ("partid".into(), Value::u64(p.partid)),
        (
            "status".into(),
            Value::str(match p.status {
                PaymentStatus::Pending => "pending",
                PaymentStatus::Complete => "complete",
                PaymentStatus::Failed => "failed",
            }),
        ),
        ("amount_sent_msat".into(), Value::String(p.amount_sent_msat.to_decimal_string())),
        ("created_at".into(), Value::u64(p.created_at)),
    ];
    let mut opt = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.push((String::from(k), v));
        }
    };
    opt("destination", p.destination.map(|d| Value::String(d.to_hex())));
    opt("amount_msat", p.amount_msat.map(|a| Value::String(a.to_decimal_string())));
    opt("completed_at", p.completed_at.map(Value::u64));
    opt("payment_preimage", p.payment_preimage.map(|x| Value::String(hex::encode(&x))));
    opt("label", p.label.as_ref().map(|x| Value::String(x.clone())));
    opt("bolt11", p.bolt11.as_ref().map(|x| Value::String(x.clone())));
    opt("erroronion", p.erroronion.as_ref().map(|x| Value::String(hex::encode(x))));
    // A complete payment's proof, checked here: its preimage hashes to its payment hash.
    opt(
        "preimage_valid",
        (p.status == PaymentStatus::Complete).then(|| Value::Bool(crate::rpc::check_proof(p, &p.payment_hash).is_ok())),
    );
    Value::Object(m)
}

/// `rpc answer`: `{"method","answer"}` (the answer as the node's JSON text, or a value) →
/// the typed result: a payment (`sendpay`, `sendonion`, `waitsendpay`), `{"payments"}`,
/// `{"routes":[{"probability_ppm"?,"route"}]}` (`getroute`, `getroutes`), or `{"id","blockheight"}`.
/// With `"payment_hash"`, a payment answer must be about that hash and, when complete, carry
/// a preimage that hashes to it (else a `PAYMENT_PREIMAGE_MISMATCH` error, -32002).
pub fn rpc_answer(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let method = str_param(input, "method", "a method name")?;
    let v = answer_value(input, "answer")?;
    let bad = Error::BadAnswer;
    let expected = match input.get("payment_hash") {
        None | Some(Value::Null) => None,
        Some(_) => Some(
            hash32_from_hex(str_param(input, "payment_hash", "a hex string")?)
                .map_err(|e| Error::from(e).in_field("payment_hash"))?,
        ),
    };
    Ok(match method {
        "sendpay" | "sendonion" | "waitsendpay" => {
            let p = crate::rpc::payment(&v, "").map_err(bad)?;
            if let Some(h) = expected {
                crate::rpc::check_proof(&p, &h).map_err(Error::Proof)?;
            }
            payment_json(&p)
        }
        "listsendpays" => object([(
            "payments",
            Value::Array(crate::rpc::payments(&v).map_err(bad)?.iter().map(payment_json).collect()),
        )]),
        "getroute" | "getroutes" => object([(
            "routes",
            Value::Array(
                crate::rpc::routes_answer(&v)
                    .map_err(bad)?
                    .into_iter()
                    .map(|(ppm, r)| {
                        let mut m = Vec::new();
                        if let Some(p) = ppm {
                            m.push((String::from("probability_ppm"), Value::u64(p)));
                        }
                        m.push(("route".into(), r.to_json()));
                        Value::Object(m)
                    })
                    .collect(),
            ),
        )]),
        "getinfo" => {
            let info = crate::rpc::getinfo_answer(&v).map_err(bad)?;
            object([("id", Value::String(info.id.to_hex())), ("blockheight", Value::u64(u64::from(info.blockheight)))])
        }
        _ => return Err(Error::Param { field: "method".into(), expected: "a method whose answer is read here" }),
    })
}

/// `rpc error`: `{"error" (the node's error object, or its JSON text), "route"?,
/// "shared_secrets"?}` → `{"routing": <routing failure object>}` or `{"rpc": {"code",
/// "message","data"}}`.
pub fn rpc_error(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    let v = answer_value(input, "error")?;
    let route = match input.get("route") {
        None | Some(Value::Null) => None,
        Some(_) => Some(route_param(input)?),
    };
    let secrets = match input.get("shared_secrets") {
        None | Some(Value::Null) => None,
        Some(_) => Some(secrets_param(input)?),
    };
    Ok(match crate::rpc::node_error(&v, route.as_ref(), secrets.as_deref()).map_err(Error::BadAnswer)? {
        crate::rpc::NodeError::Routing(f) => {
            // As `failure decode` gives them for the same reply: who sent it, what it said.
            let mut out: Vec<(String, Value)> = Vec::new();
            if let (Some(i), Some(raw)) = (f.erring_index.and_then(|i| i.checked_sub(1)), &f.raw_message) {
                out.push(("origin_index".into(), Value::u64(u64::from(i))));
                out.push(("failure_message".into(), Value::String(hex::encode(raw))));
            }
            if let Value::Object(m) = f.to_json() {
                out.extend(m);
            }
            object([("routing", Value::Object(out))])
        }
        crate::rpc::NodeError::Rpc { code, message, data } => object([(
            "rpc",
            object([("code", Value::Number(format!("{code}"))), ("message", Value::String(message)), ("data", data)]),
        )]),
    })
}

/// `payment guard`: `{"attempt":{"partid"?,"destination","amount_msat"},"records":[{"partid"?,
/// "destination"?,"amount_msat","status"}]}` → `{"decision":"proceed"|"complete"|"in_flight"|
/// "refuse","index"?,"code"?,"message"?}` (the man page's rules; see [`crate::payment::guard`]).
pub fn payment_guard(input: &Value) -> Result<Value, Error> {
    use crate::payment::{AttemptRecord, AttemptStatus, Guard, NewAttempt, guard};
    input_object(input)?;
    let a = param(input, "attempt")?;
    let new = NewAttempt {
        partid: opt_u64_param(a, "partid").map_err(|e| e.in_field("attempt"))?.unwrap_or(0),
        destination: node_param(a, "destination").map_err(|e| e.in_field("attempt"))?,
        amount: amount_param(a, "amount_msat")?
            .ok_or(Error::Param { field: "attempt.amount_msat".into(), expected: "present" })?,
    };
    let recs =
        param(input, "records")?.as_array().ok_or(Error::Param { field: "records".into(), expected: "an array" })?;
    let records = recs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = format!("records[{i}]");
            Ok(AttemptRecord {
                partid: opt_u64_param(r, "partid").map_err(|e| e.in_field(&f))?.unwrap_or(0),
                destination: match r.get("destination") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(node_param(r, "destination").map_err(|e| e.in_field(&f))?),
                },
                amount: amount_param(r, "amount_msat").map_err(|e| e.in_field(&f))?.unwrap_or_default(),
                status: match r.get("status").and_then(Value::as_str) {
                    Some("pending") => AttemptStatus::Pending,
                    Some("complete") => AttemptStatus::Complete,
                    Some("failed") => AttemptStatus::Failed,
                    Some("unknown") => AttemptStatus::Unknown,
                    Some("disputed") => AttemptStatus::Disputed,
                    _ => {
                        return Err(Error::Param {
                            field: format!("{f}.status"),
                            expected: "pending, complete, failed, unknown or disputed",
                        });
                    }
                },
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(match guard(&new, &records) {
        Guard::Proceed => object([("decision", Value::str("proceed"))]),
        Guard::AlreadyComplete { index } => {
            object([("decision", Value::str("complete")), ("index", Value::u64(index as u64))])
        }
        Guard::InFlight { index } => {
            object([("decision", Value::str("in_flight")), ("index", Value::u64(index as u64))])
        }
        Guard::Refuse { code, message } => object([
            ("decision", Value::str("refuse")),
            ("code", Value::Number(format!("{code}"))),
            ("message", Value::String(message)),
        ]),
    })
}

/// What a CLI run prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOutput {
    /// Exit status: 0 ok, 1 error (or a failed runtest), 2 usage.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The usage text.
pub const USAGE: &str = "usage:
  ln-sendpay onion generate      < {\"session_key\"?,\"associated_data\",\"hops\":[{\"pubkey\",\"payload\"}]}
  ln-sendpay onion build         < {\"route\",\"payment_hash\",\"payment_secret\"?,\"block_height\",\"session_key\"?,...}
  ln-sendpay onion decode        < {\"onion\",\"associated_data\",\"privkey\",\"path_key\"?}
  ln-sendpay onion runtest FILE    (a file in bolt04/onion-test.json's format)
  ln-sendpay failure wrap        < {\"shared_secrets\",\"erring_index\",\"failure_message\",\"hold_times\"?}
  ln-sendpay failure decode      < {\"reply\",\"shared_secrets\",\"route\"?,\"attribution_data\"?}
  ln-sendpay amount STRING
  ln-sendpay scid STRING
  ln-sendpay route payloads      < {\"route\",\"payment_hash\",\"payment_secret\"?,\"payment_metadata\"?,\"block_height\"}
  ln-sendpay invoice decode      < {\"invoice\",\"now\"?}   (a BOLT 11 string; now: seconds, adds \"expired\")";

/// Run the command line `args` (without the program name) with `stdin`. `read_file` reads
/// the FILE of `onion runtest`; `random_key` is a fresh CSPRNG key for commands that may
/// need one. Shared by the Rust binary and the npm package's CLI.
pub fn run(
    args: &[&str],
    stdin: &str,
    read_file: &dyn Fn(&str) -> Option<String>,
    random_key: Option<[u8; 32]>,
) -> CliOutput {
    let input = || crate::json::parse(stdin).map_err(|e| Error::from(e).in_field("stdin"));
    let result: Result<(Value, bool), Option<Error>> = (|| {
        let ok = |v: Value| Ok((v, true));
        match args {
            ["onion", "generate"] => ok(onion_generate(&input()?, random_key)?),
            ["onion", "build"] => ok(build_onion(&input()?, random_key)?),
            ["onion", "decode"] => ok(onion_decode(&input()?)?),
            ["onion", "runtest", file] => {
                let text = read_file(file).ok_or(Error::Param { field: "FILE".into(), expected: "a readable file" })?;
                let v = crate::json::parse(&text).map_err(|e| Error::from(e).in_field("FILE"))?;
                Ok(onion_runtest(&v)?)
            }
            ["failure", "wrap"] => ok(failure_wrap(&input()?)?),
            ["failure", "decode"] => ok(failure_decode(&input()?)?),
            ["amount", s] => ok(amount(s)?),
            ["scid", s] => ok(short_channel_id(s)?),
            ["route", "payloads"] => ok(route_payloads(&input()?)?),
            ["invoice", "decode"] => ok(invoice_decode(&input()?)?),
            _ => Err(None),
        }
    })();
    match result {
        Ok((v, passed)) => {
            CliOutput { code: if passed { 0 } else { 1 }, stdout: v.to_json_pretty() + "\n", stderr: String::new() }
        }
        Err(Some(e)) => CliOutput { code: 1, stdout: String::new(), stderr: error_json(&e).to_json() + "\n" },
        Err(None) => CliOutput { code: 2, stdout: String::new(), stderr: String::from(USAGE) + "\n" },
    }
}

/// The error as the CLI prints it: `{"code","error","message","field"?}`.
pub fn error_json(e: &Error) -> Value {
    let mut m = alloc::vec![
        (String::from("code"), Value::Number(format!("{}", e.rpc_code()))),
        ("error".into(), Value::str(e.code())),
        ("message".into(), Value::String(format!("{e}"))),
    ];
    if let Some(f) = e.field() {
        m.push(("field".into(), Value::String(f)));
    }
    Value::Object(m)
}

// ─── pay: the Payer's JSON form (for the JS client) ─────────────────────────────────────────

/// `pay` config: `{"destination","amount_msat","payment_hash","payment_secret"?,
/// "payment_metadata"?,"final_cltv"? (18),"max_attempts"? (5),"maxfee_msat"? (0.5%, at least
/// 5000msat),"router"? ("getroutes"|"getroute"),"label"?,"block_height"?}`.
pub fn pay_config(input: &Value) -> Result<crate::payment::PayConfig, Error> {
    use crate::payment::{PayConfig, Router};
    input_object(input)?;
    let (merged, invoice) = with_invoice(input, true)?;
    let input = &merged;
    let amount =
        amount_param(input, "amount_msat")?.ok_or(Error::Param { field: "amount_msat".into(), expected: "present" })?;
    let hash32 = |field: &str| -> Result<Option<[u8; 32]>, Error> {
        match input.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => hash32_from_hex(str_param(input, field, "a hex string")?)
                .map(Some)
                .map_err(|e| Error::from(e).in_field(field)),
        }
    };
    let small = |field: &str, default: u32| -> Result<u32, Error> {
        match opt_u64_param(input, field)? {
            None => Ok(default),
            Some(x) => u32::try_from(x).map_err(|_| Error::Param { field: field.into(), expected: "at most 2^32-1" }),
        }
    };
    let max_attempts = small("max_attempts", 5)?;
    if max_attempts == 0 {
        return Err(Error::Param { field: "max_attempts".into(), expected: "at least 1" });
    }
    Ok(PayConfig {
        destination: node_param(input, "destination")?,
        amount,
        payment_hash: hash32("payment_hash")?
            .ok_or(Error::Param { field: "payment_hash".into(), expected: "present" })?,
        payment_secret: hash32("payment_secret")?,
        payment_metadata: match input.get("payment_metadata") {
            None | Some(Value::Null) => None,
            Some(_) => Some(hex_param(input, "payment_metadata")?),
        },
        final_cltv: small("final_cltv", 18)?,
        max_attempts,
        max_delay: small("max_delay", 2016)?,
        wait_timeout: small("wait_timeout", 60)?.max(1),
        // Core Lightning's pay: maxfeepercent 0.5, exemptfee 5000msat.
        maxfee: amount_param(input, "maxfee_msat")?.unwrap_or(Msat((amount.0 / 200).max(5000))),
        router: match opt_str_param(input, "router")?.as_deref() {
            None | Some("getroutes") => Router::GetRoutes,
            Some("getroute") => Router::GetRoute,
            Some(_) => return Err(Error::Param { field: "router".into(), expected: "\"getroutes\" or \"getroute\"" }),
        },
        label: opt_str_param(input, "label")?,
        block_height: match opt_u64_param(input, "block_height")? {
            None => None,
            Some(h) => Some(
                u32::try_from(h)
                    .map_err(|_| Error::Param { field: "block_height".into(), expected: "at most 2^32-1" })?,
            ),
        },
        network: invoice.as_ref().map(|i| i.network),
        route_hints: invoice.map(|i| i.route_hints).unwrap_or_default(),
    })
}

fn status_str(s: crate::payment::AttemptStatus) -> &'static str {
    use crate::payment::AttemptStatus;
    match s {
        AttemptStatus::Pending => "pending",
        AttemptStatus::Complete => "complete",
        AttemptStatus::Failed => "failed",
        AttemptStatus::Unknown => "unknown",
        AttemptStatus::Disputed => "disputed",
    }
}

fn pay_error_json(e: &crate::payment::PayError, attempts: usize) -> Value {
    use crate::payment::PayError;
    let err = |code: i64, name: &str, message: String, routing: Option<&failure::RoutingFailure>| {
        let mut m = alloc::vec![
            (String::from("code"), Value::Number(format!("{code}"))),
            ("error".into(), Value::str(name)),
            ("message".into(), Value::String(message)),
        ];
        if let Some(f) = routing {
            m.push(("routing".into(), f.to_json()));
        }
        Value::Object(m)
    };
    match e {
        PayError::Routing(f) => err(i64::from(f.code), "ROUTING_FAILURE", f.message.clone(), Some(f)),
        PayError::Rpc { code, message } => err(*code, "NODE_ERROR", message.clone(), None),
        PayError::TooManyAttempts(last) => err(
            210,
            "PAY_STOPPED_RETRYING",
            format!("Ran out of routes to try after {attempts} attempts"),
            last.as_ref(),
        ),
        PayError::Transport => err(
            -32000,
            "TRANSPORT_ERROR",
            String::from("the transport kept failing: the last attempt's fate is unknown"),
            None,
        ),
        PayError::BadAnswer(a) => error_json(&Error::BadAnswer(a.clone())),
        PayError::BadRoute(e) | PayError::Invoice(e) => error_json(e),
        PayError::TooExpensive { limit, message } => {
            let mut v = err(206, "PAY_ROUTE_TOO_EXPENSIVE", message.clone(), None);
            if let Value::Object(m) = &mut v {
                m.push(("field".into(), Value::str(limit)));
            }
            v
        }
        PayError::Disputed(p) => {
            err(i64::from(crate::rpc::PREIMAGE_MISMATCH), p.code(), format!("{p}: the attempt is disputed"), None)
        }
        PayError::Timeout { in_flight: true } => err(
            200,
            "PAY_IN_PROGRESS",
            String::from(
                "out of time (retry_for) with an attempt still in flight: waitsendpay or listsendpays settles it",
            ),
            None,
        ),
        PayError::Timeout { in_flight: false } => {
            err(210, "PAY_STOPPED_RETRYING", format!("out of time (retry_for) after {attempts} attempts"), None)
        }
    }
}

/// A step of [`crate::payment::Payer`] as JSON: `{"stage","attempt"?,"request":{"method",
/// "params"},"record"?,"route"?}` (`record`, with the route and the shared secrets, comes with
/// the `sendonion` step: store it before sending; `route` is that attempt's route), or `{"done":{"status","payment_preimage"?,
/// "error"?,"attempts"}}`.
pub fn pay_step_json(payer: &crate::payment::Payer, step: crate::payment::Step) -> Value {
    use crate::payment::{Stage, Step};
    match step {
        Step::Send { stage, request } => {
            let (name, n) = match stage {
                Stage::GetInfo => ("getinfo", None),
                Stage::Layer => ("layer", None),
                Stage::FindRoute(n) => ("find_route", Some(n)),
                Stage::Send(n) => ("send", Some(n)),
                Stage::Wait(n) => ("wait", Some(n)),
                Stage::Settle(n) => ("settle", Some(n)),
            };
            let mut m = alloc::vec![(String::from("stage"), Value::str(name))];
            if let Some(n) = n {
                m.push(("attempt".into(), Value::u64(u64::from(n))));
            }
            m.push(("request".into(), request_json(request, Vec::new())));
            if let (Stage::Send(_), Some(a)) = (stage, payer.current_attempt()) {
                let target = Some(payer.config().amount);
                let mut rec = match attempt_json(&payer.payment_hash(), None, Some(a.groupid), target, &a.route) {
                    Value::Object(m) => m,
                    _ => Vec::new(),
                };
                rec.push((
                    "shared_secrets".into(),
                    Value::Array(a.shared_secrets.iter().map(|s| Value::String(s.to_hex())).collect()),
                ));
                m.push(("record".into(), Value::Object(rec)));
                m.push(("route".into(), a.route.to_json()));
            }
            Value::Object(m)
        }
        Step::Done(out) => {
            let mut m = alloc::vec![(
                String::from("status"),
                Value::str(if out.preimage.is_some() { "complete" } else { "failed" })
            )];
            if let Some(p) = out.preimage {
                m.push(("payment_preimage".into(), Value::String(hex::encode(&p))));
                // What the paid attempt cost: the amount asked, what it sent, the fee.
                let paid = out.attempts.iter().rev().find(|a| a.status == crate::payment::AttemptStatus::Complete);
                if let Some(first) = paid.and_then(|a| a.route.hops.first()) {
                    let amount = payer.config().amount;
                    m.push(("amount_msat".into(), Value::String(amount.to_decimal_string())));
                    m.push(("amount_sent_msat".into(), Value::String(first.amount.to_decimal_string())));
                    let fee = Msat(first.amount.0.saturating_sub(amount.0));
                    m.push(("fee_msat".into(), Value::String(fee.to_decimal_string())));
                }
            }
            if let Some(e) = &out.error {
                m.push(("error".into(), pay_error_json(e, out.attempts.len())));
            }
            let attempts = out
                .attempts
                .iter()
                .map(|a| {
                    let mut o = alloc::vec![
                        (String::from("number"), Value::u64(u64::from(a.number))),
                        ("status".into(), Value::str(status_str(a.status))),
                        ("groupid".into(), Value::String(crate::json::u64_to_string(a.groupid))),
                        ("route".into(), a.route.to_json()),
                    ];
                    if let Some(f) = &a.failure {
                        o.push(("failure".into(), f.to_json()));
                    }
                    Value::Object(o)
                })
                .collect();
            m.push(("attempts".into(), Value::Array(attempts)));
            object([("done", Value::Object(m))])
        }
    }
}

/// Feed a payer the reply to its last request — `{"answer"}` (the node's result, as its JSON
/// text or a value), `{"error"}` (the node's `{code,message,data}`, likewise) or
/// `{"transport_failed":true}` — or `None` to start; the next step as JSON. An answer that
/// is not JSON ends the payment with a bad-answer error.
pub fn pay_step(payer: &mut crate::payment::Payer, reply: Option<&Value>, random: &[u8; 32]) -> Value {
    use crate::payment::{PayError, Reply};
    let step = match reply {
        None => payer.step(None, random),
        Some(r) => {
            let read = |field: &str| -> Option<Result<Value, crate::rpc::AnswerError>> {
                match r.get(field)? {
                    Value::String(text) => Some(crate::rpc::parse_answer(text)),
                    v => Some(Ok(v.clone())),
                }
            };
            if let Some(a) = read("answer") {
                match a {
                    Ok(v) => payer.step(Some(Reply::Answer(&v)), random),
                    Err(e) => payer.abort(PayError::BadAnswer(e)),
                }
            } else if let Some(a) = read("error") {
                match a {
                    Ok(v) => payer.step(Some(Reply::NodeError(&v)), random),
                    Err(e) => payer.abort(PayError::BadAnswer(e)),
                }
            } else {
                payer.step(Some(Reply::TransportFailed), random)
            }
        }
    };
    pay_step_json(payer, step)
}
