//! Requests for the node and its answers and errors (`rpc request`/`answer`/`error`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::amount::Msat;
use crate::error::Error;
use crate::hex;
use crate::ids::{NodeId, hash32_from_hex};
use crate::json::{Value, object};
use crate::route::Route;
use crate::sphinx::{self, OnionHop};

pub(crate) fn send_options(input: &Value, secret: Option<[u8; 32]>) -> Result<crate::rpc::SendOptions, Error> {
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
        deliver: None,
    })
}

pub(crate) fn request_json(r: crate::rpc::Request, extra: Vec<(crate::json::Key, Value)>) -> Value {
    let mut m = alloc::vec![("method".into(), Value::str(r.method)), ("params".into(), r.params)];
    m.extend(extra);
    Value::Object(m)
}

/// What the client records of a send (its members): hash, part, group, destination, the man
/// page's `msatoshi` (what the payment is for: the same-hash rules compare it) and the amount
/// delivered: to `deliver`'s payee when the route ends before it (at a blinded path's
/// introduction node, as `sendonion` says), else to the route's last hop.
pub(crate) fn attempt_json(
    hash: &[u8; 32],
    partid: Option<u64>,
    groupid: Option<u64>,
    msatoshi: Option<Msat>,
    route: &Route,
    deliver: Option<(NodeId, Msat)>,
) -> Vec<(crate::json::Key, Value)> {
    let end = deliver.or_else(|| route.hops.last().map(|h| (h.node_id, h.amount)));
    let delivered = end.map_or(Msat(0), |(_, a)| a);
    let mut m = alloc::vec![
        ("payment_hash".into(), Value::String(hex::encode(hash))),
        ("partid".into(), Value::u64(partid.unwrap_or(0))),
    ];
    if let Some(g) = groupid {
        // A string: group ids pass 2^53.
        m.push(("groupid".into(), Value::String(crate::json::u64_to_string(g))));
    }
    m.extend([
        ("destination".into(), end.map_or(Value::Null, |(to, _)| Value::String(to.to_hex()))),
        ("msatoshi".into(), Value::String(msatoshi.unwrap_or(delivered).to_decimal_string())),
        ("amount_msat".into(), Value::String(delivered.to_decimal_string())),
        (
            "amount_sent_msat".into(),
            Value::String(route.hops.first().map_or(Msat(0), |h| h.amount).to_decimal_string()),
        ),
        // As JSON text: it stores and travels as a plain string, and reads back exactly.
        ("route".into(), Value::String(route.to_json().to_json())),
    ]);
    m
}

/// The man page's `msatoshi` of a send: the `amount_msat` (or `msatoshi`) given, else none
/// (the route's final amount).
pub(crate) fn msatoshi_param(input: &Value) -> Option<Msat> {
    let v = input.get("amount_msat").or(input.get("msatoshi"))?;
    crate::route::amount_from_json(v).ok()
}

/// What `rpc request` takes for each method, in Core Lightning's names.
fn request_keys(method: &str) -> Option<&'static [&'static [&'static str]]> {
    use super::onion::{ONION_KEYS, ROUTE_PAYMENT_KEYS};
    const SEND: &[&str] = &["method", "label", "bolt11", "partid", "groupid", "description", "now"];
    Some(match method {
        "getinfo" => &[&["method"]],
        "sendpay" => &[ROUTE_PAYMENT_KEYS, SEND],
        // The onion is built here: at a height, with custom records, from a session key.
        "sendonion" => &[ROUTE_PAYMENT_KEYS, SEND, ONION_KEYS, &["session_key"]],
        "waitsendpay" => &[&["method", "payment_hash", "timeout", "partid", "groupid"]],
        "listsendpays" => &[&["method", "payment_hash"]],
        "invoice" => &[&["method", "amount_msat", "label", "description", "expiry"]],
        "signmessage" => &[&["method", "message"]],
        "checkmessage" => &[&["method", "message", "zbase", "pubkey"]],
        "fetchinvoice" => &[&["method", "offer", "amount_msat", "quantity", "payer_note", "timeout"]],
        "getroute" => &[&["method", "destination", "amount_msat", "riskfactor", "cltv", "exclude"]],
        "getroutes" => &[&[
            "method",
            "source",
            "destination",
            "amount_msat",
            "layers",
            "maxfee_msat",
            "final_cltv",
            "maxdelay",
            "maxparts",
        ]],
        _ => return None,
    })
}

/// `rpc request`: `{"method", …fields}` → `{"method","params", …}`: the request to send, in
/// the form today's Core Lightning accepts. `sendpay` and `sendonion` check the route and the
/// man page's msatoshi rule first and add `"attempt"` (what the client records);
/// `sendonion` builds the onion here and adds `"shared_secrets"`, which are not sent.
pub fn rpc_request(input: &Value, random_key: Option<[u8; 32]>) -> Result<Value, Error> {
    input_object(input)?;
    let method = str_param(input, "method", "a method name")?;
    if let Some(fields) = request_keys(method) {
        known_keys_in(input, "", fields)?;
    }
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
            let attempt = Value::Object(attempt_json(
                &payment_hash,
                o.partid,
                o.groupid,
                msatoshi_param(input),
                &route,
                o.deliver,
            ));
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
            let attempt = Value::Object(attempt_json(
                &p.payment_hash,
                o.partid,
                o.groupid,
                msatoshi_param(input),
                &p.route,
                o.deliver,
            ));
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
        "invoice" => {
            // Core Lightning's "any", or an amount.
            let amount = match input.get("amount_msat") {
                None | Some(Value::Null) => None,
                Some(Value::String(a)) if a == "any" => None,
                Some(_) => amount_param(input, "amount_msat")?,
            };
            request_json(
                crate::rpc::invoice(
                    amount,
                    str_param(input, "label", "a string")?,
                    str_param(input, "description", "a string")?,
                    opt_u64_param(input, "expiry")?,
                ),
                Vec::new(),
            )
        }
        "signmessage" => request_json(crate::rpc::signmessage(str_param(input, "message", "a string")?), Vec::new()),
        "checkmessage" => {
            let key = match input.get("pubkey") {
                None | Some(Value::Null) => None,
                Some(_) => Some(node_param(input, "pubkey")?),
            };
            request_json(
                crate::rpc::checkmessage(
                    str_param(input, "message", "a string")?,
                    str_param(input, "zbase", "a zbase32 signature")?,
                    key.as_ref(),
                ),
                Vec::new(),
            )
        }
        "fetchinvoice" => {
            let offer = str_param(input, "offer", "a BOLT 12 offer")?;
            // Checked here first: the node is asked only for an offer that is one.
            let o = crate::bolt12::decode(offer).map_err(|e| Error::from(e).in_field("offer"))?;
            if o.kind != crate::bolt12::Kind::Offer {
                return Err(Error::Param { field: "offer".into(), expected: "an offer (lno1…)" });
            }
            request_json(
                crate::rpc::fetchinvoice(
                    offer,
                    amount_param(input, "amount_msat")?,
                    opt_u64_param(input, "quantity")?,
                    opt_str_param(input, "payer_note")?.as_deref(),
                    opt_u64_param(input, "timeout")?,
                ),
                Vec::new(),
            )
        }
        _ => {
            return Err(Error::Param {
                field: "method".into(),
                expected: "one of getinfo, sendpay, sendonion, waitsendpay, listsendpays, getroute, getroutes, \
                           invoice, signmessage, checkmessage, fetchinvoice",
            });
        }
    })
}

pub(crate) fn answer_value(input: &Value, field: &str) -> Result<Value, Error> {
    match param(input, field)? {
        // The node's text, read exactly here.
        Value::String(text) => crate::rpc::parse_answer(text).map_err(Error::BadAnswer),
        v => Ok(v.clone()),
    }
}

pub(crate) fn payment_json(p: &crate::rpc::Payment) -> Value {
    use crate::rpc::PaymentStatus;
    let mut m = alloc::vec![
        ("created_index".into(), Value::u64(p.created_index)),
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
    let mut opt = |k: &'static str, v: Option<Value>| {
        if let Some(v) = v {
            m.push((k.into(), v));
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
    known_keys(input, "", &["method", "answer", "payment_hash"])?;
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
                            m.push(("probability_ppm".into(), Value::u64(p)));
                        }
                        m.push(("route".into(), r.to_json()));
                        Value::Object(m)
                    })
                    .collect(),
            ),
        )]),
        "getinfo" => {
            let info = crate::rpc::getinfo_answer(&v).map_err(bad)?;
            let mut m = alloc::vec![
                ("id".into(), Value::String(info.id.to_hex())),
                ("blockheight".into(), Value::u64(u64::from(info.blockheight))),
            ];
            for (k, x) in [("network", info.network), ("alias", info.alias), ("color", info.color)] {
                if let Some(x) = x {
                    m.push((k.into(), Value::String(x)));
                }
            }
            Value::Object(m)
        }
        "invoice" => {
            let inv = crate::rpc::invoice_answer(&v).map_err(bad)?;
            let mut m = alloc::vec![
                ("bolt11".into(), Value::String(inv.bolt11)),
                ("payment_hash".into(), Value::String(hex::encode(&inv.decoded.payment_hash))),
                ("payment_secret".into(), Value::String(hex::encode(&inv.decoded.payment_secret))),
                ("payee".into(), Value::String(inv.decoded.payee.to_hex())),
            ];
            if let Some(a) = inv.decoded.amount {
                m.push(("amount_msat".into(), Value::String(a.to_decimal_string())));
            }
            if let Some(x) = inv.expires_at {
                m.push(("expires_at".into(), Value::u64(x)));
            }
            Value::Object(m)
        }
        "signmessage" => object([("zbase", Value::String(crate::rpc::signmessage_answer(&v).map_err(bad)?))]),
        "fetchinvoice" => object([("invoice", Value::String(crate::rpc::fetchinvoice_answer(&v).map_err(bad)?))]),
        "checkmessage" => {
            let (key, verified) = crate::rpc::checkmessage_answer(&v).map_err(bad)?;
            object([("pubkey", Value::String(key.to_hex())), ("verified", Value::Bool(verified))])
        }
        _ => return Err(Error::Param { field: "method".into(), expected: "a method whose answer is read here" }),
    })
}

/// `rpc error`: `{"error" (the node's error object, or its JSON text), "route"?,
/// "shared_secrets"?}` → `{"routing": <routing failure object>}` or `{"rpc": {"code",
/// "message","data"}}`.
pub fn rpc_error(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["error", "route", "shared_secrets"])?;
    let v = answer_value(input, "error")?;
    let route = match input.get("route") {
        None | Some(Value::Null) => None,
        Some(_) => Some(route_names_param(input)?),
    };
    let secrets = match input.get("shared_secrets") {
        None | Some(Value::Null) => None,
        Some(_) => Some(secrets_param(input)?),
    };
    Ok(match crate::rpc::node_error(&v, route.as_ref(), secrets.as_deref()).map_err(Error::BadAnswer)? {
        crate::rpc::NodeError::Routing(f) => {
            // As `failure decode` gives them for the same reply: who sent it, what it said.
            let mut out: Vec<(crate::json::Key, Value)> = Vec::new();
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
