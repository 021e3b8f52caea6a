//! `pay`: the Payer's JSON form (for the JS client) and the man page's same-hash guard.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::amount::Msat;
use crate::error::Error;
use crate::failure;
use crate::hex;
use crate::ids::hash32_from_hex;
use crate::json::{Value, object};

/// `payment guard`: `{"attempt":{"partid"?,"destination","amount_msat"},"records":[{"partid"?,
/// "destination"?,"amount_msat","status"}]}` → `{"decision":"proceed"|"complete"|"in_flight"|
/// "refuse","index"?,"code"?,"message"?}` (the man page's rules; see [`crate::payment::guard`]).
pub fn payment_guard(input: &Value) -> Result<Value, Error> {
    use crate::payment::{AttemptRecord, AttemptStatus, Guard, NewAttempt, guard};
    input_object(input)?;
    known_keys(input, "", &["attempt", "records"])?;
    let a = param(input, "attempt")?;
    known_keys(a, "attempt", &["partid", "destination", "amount_msat"])?;
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
            known_keys(r, &f, &["partid", "destination", "amount_msat", "status"])?;
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

/// `pay learn`: `{"route","shared_secrets","reply"}` — an earlier attempt of this payment
/// and the failure reply the node kept for it — taught to a payer before it starts (see
/// [`crate::payment::Payer::learn`]); the failure decoded here, or `null` once started.
pub fn pay_learn(payer: &mut crate::payment::Payer, input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["route", "shared_secrets", "reply"])?;
    let route = route_names_param(input)?;
    let secrets = secrets_param(input)?;
    let reply = hex_param(input, "reply")?;
    Ok(payer.learn(&route, &secrets, &reply).map_or(Value::Null, |f| f.to_json()))
}

/// What `pay` takes (`retry_for` is the JS client's; `wait_timeout` and `now` it adds).
const PAY_KEYS: &[&str] = &[
    "bolt11",
    "bolt12",
    "destination",
    "amount_msat",
    "msatoshi",
    "payment_hash",
    "payment_secret",
    "payment_metadata",
    "description",
    "final_cltv",
    "max_attempts",
    "maxfee_msat",
    "max_delay",
    "wait_timeout",
    "router",
    "max_parts",
    "label",
    "block_height",
    "now",
];

/// `pay` config: `{"destination","amount_msat","payment_hash","payment_secret"?,
/// "payment_metadata"?,"final_cltv"? (18),"max_attempts"? (5),"maxfee_msat"? (0.5%, at least
/// 5000msat),"router"? ("getroutes"|"getroute"),"label"?,"block_height"?}`.
pub fn pay_config(input: &Value) -> Result<crate::payment::PayConfig, Error> {
    input_object(input)?;
    known_keys(input, "", PAY_KEYS)?;
    match opt_str_param(input, "bolt12")? {
        Some(text) => bolt12_config(input, &text),
        None => config_from(input),
    }
}

/// A BOLT 12 invoice's payment: its node id, amount and hash; its blinded paths (those a
/// payer may use, whose introduction node is named by id), most preferred first; its chain.
/// The invoice must verify (signed by `invoice_node_id`), not be expired at `now`, and not
/// require several parts (this payer sends one).
fn bolt12_config(input: &Value, text: &str) -> Result<crate::payment::PayConfig, Error> {
    use crate::bolt12::{FirstNode, Kind};
    use crate::payment::BlindedTarget;
    let bad = |expected: &'static str| Error::Param { field: "bolt12".into(), expected };
    for k in ["bolt11", "destination", "payment_hash", "payment_secret", "payment_metadata", "final_cltv", "msatoshi"] {
        if !matches!(input.get(k), None | Some(Value::Null)) {
            return Err(Error::Param { field: k.into(), expected: "absent: the bolt12 invoice gives it" });
        }
    }
    let inv = crate::bolt12::decode(text).map_err(|e| Error::from(e).in_field("bolt12"))?;
    if inv.kind != Kind::Invoice {
        return Err(bad("a BOLT 12 invoice (lni1…): fetch one for an offer first"));
    }
    if inv.signature_verified != Some(true) {
        return Err(bad("an invoice signed by its invoice_node_id"));
    }
    let f = &inv.fields;
    if let (Some(now), Some(exp)) = (opt_u64_param(input, "now")?, inv.expires_at())
        && now > exp
    {
        return Err(bad("an invoice that has not expired"));
    }
    let mpp_bits = f.invoice_features.as_deref().map(crate::bolt11::feature_bits).unwrap_or_default();
    let (mpp_required, mpp) = (mpp_bits.contains(&16), mpp_bits.contains(&16) || mpp_bits.contains(&17));
    if mpp_required && opt_u64_param(input, "max_parts")? == Some(1) {
        return Err(Error::Param { field: "max_parts".into(), expected: "more than 1: the invoice requires parts" });
    }
    let amount = f.invoice_amount.ok_or(bad("an invoice amount"))?;
    if let Some(a) = amount_param(input, "amount_msat")?
        && a != amount
    {
        return Err(Error::Param { field: "amount_msat".into(), expected: "the invoice's amount" });
    }
    let network = inv
        .chains()
        .first()
        .and_then(crate::bolt12::chain_network)
        .ok_or(bad("an invoice for bitcoin, testnet, signet or regtest"))?;
    let paths = f.invoice_paths.as_deref().unwrap_or_default();
    let pay = f.invoice_blindedpay.as_deref().unwrap_or_default();
    let blinded: Vec<BlindedTarget> = crate::bolt12::usable_paths(f)
        .into_iter()
        .filter_map(|i| {
            let (p, info) = (&paths[i], &pay[i]);
            let FirstNode::Node(intro) = p.first_node else { return None };
            Some(BlindedTarget {
                path: crate::blinding::BlindedPath {
                    introduction_node: intro,
                    first_path_key: p.first_path_key,
                    hops: p.hops.clone(),
                },
                payinfo: crate::blinding::BlindedPayInfo {
                    fee_base_msat: info.fee_base_msat,
                    fee_proportional_millionths: info.fee_proportional_millionths,
                    cltv_expiry_delta: info.cltv_expiry_delta,
                },
                htlc_minimum_msat: Msat(info.htlc_minimum_msat),
                htlc_maximum_msat: Msat(info.htlc_maximum_msat),
            })
        })
        .collect();
    if blinded.is_empty() {
        return Err(bad("an invoice with a path whose introduction node is named by its id"));
    }
    let mut m: Vec<(crate::json::Key, Value)> = input
        .as_object()
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k != "bolt12" && k != "amount_msat")
        .cloned()
        .collect();
    m.push(("destination".into(), Value::String(f.invoice_node_id.ok_or(bad("invoice_node_id"))?.to_hex())));
    m.push(("amount_msat".into(), Value::String(amount.to_decimal_string())));
    m.push(("payment_hash".into(), Value::String(hex::encode(&f.invoice_payment_hash.ok_or(bad("a payment hash"))?))));
    let mut cfg = config_from(&Value::Object(m))?;
    cfg.blinded = blinded;
    cfg.blinded_mpp = mpp;
    cfg.network = Some(network);
    if !mpp {
        cfg.max_parts = Some(1);
    }
    Ok(cfg)
}

/// What `keysend` takes: Core Lightning's `keysend` options (`extratlvs`, `maxfee`,
/// `maxdelay`, `routehints`) under their names or the client's (`custom_records`,
/// `maxfee_msat`, `max_delay`).
const KEYSEND_KEYS: &[&str] = &[
    "destination",
    "amount_msat",
    "custom_records",
    "extratlvs",
    "maxfee_msat",
    "maxfee",
    "max_attempts",
    "max_delay",
    "maxdelay",
    "wait_timeout",
    "router",
    "label",
    "block_height",
    "routehints",
];

/// `keysend` config: `{"destination","amount_msat","custom_records"?,"maxfee_msat"?,
/// "max_attempts"?,"max_delay"?,"routehints"?,"label"?,…}` and the preimage drawn for it
/// (its SHA-256 is the payment hash). No payment secret, so one part; the final payload
/// carries the preimage (type 5482373484) and the custom records.
pub fn keysend_config(
    input: &Value,
    preimage: &crate::payment::KeysendPreimage,
) -> Result<crate::payment::PayConfig, Error> {
    input_object(input)?;
    known_keys(input, "", KEYSEND_KEYS)?;
    let given = |k: &str| !matches!(input.get(k), None | Some(Value::Null));
    // Core Lightning's names, or ours: one of each pair.
    let mut renamed: Vec<(crate::json::Key, Value)> = Vec::new();
    for (cln, ours) in [("extratlvs", "custom_records"), ("maxfee", "maxfee_msat"), ("maxdelay", "max_delay")] {
        if given(cln) && given(ours) {
            return Err(Error::Param { field: cln.into(), expected: "absent when its other name is given" });
        }
    }
    let records_key = if given("extratlvs") { "extratlvs" } else { "custom_records" };
    let custom = custom_records_param(input, records_key)?;
    if let Some(i) = custom.iter().position(|(t, _)| *t == crate::payload::tlv::KEYSEND_PREIMAGE) {
        return Err(Error::Param {
            field: format!("{records_key}.{}", custom[i].0),
            expected: "absent: keysend's preimage record is drawn here",
        });
    }
    // The payload's own rule, named in the caller's field.
    if let Err(e) = crate::payload::check_custom_records(&custom) {
        use crate::payload::PayloadError as P;
        let (t, expected) = match e {
            P::CustomRecordType { tlv_type } => (tlv_type, "a custom record type: 65536 or more"),
            P::DuplicateCustomRecord { tlv_type } => (tlv_type, "each type once"),
            e => return Err(Error::from(e).in_field(records_key)),
        };
        return Err(Error::Param { field: format!("{records_key}.{t}"), expected });
    }
    let route_hints = routehints_param(input)?;
    for (k, v) in input.as_object().unwrap_or_default() {
        let key = match k.as_ref() {
            "extratlvs" | "custom_records" | "routehints" => continue,
            "maxfee" => "maxfee_msat",
            "maxdelay" => "max_delay",
            k => k,
        };
        renamed.push((String::from(key).into(), v.clone()));
    }
    renamed.push(("payment_hash".into(), Value::String(hex::encode(&preimage.payment_hash()))));
    // Core Lightning's names read first, so an error names the field as it was passed.
    amount_param(input, "maxfee")?;
    if opt_u64_param(input, "maxdelay")?.is_some_and(|d| d > u64::from(u32::MAX)) {
        return Err(Error::Param { field: "maxdelay".into(), expected: "at most 2^32-1" });
    }
    let mut cfg = config_from(&Value::Object(renamed))?;
    cfg.custom_records = custom;
    cfg.route_hints = route_hints;
    cfg.keysend = Some(preimage.clone());
    cfg.max_parts = Some(1);
    Ok(cfg)
}

/// Core Lightning's `routehints` (keysend): `[[{"id","scid","feebase","feeprop","expirydelta"}]]`.
fn routehints_param(input: &Value) -> Result<Vec<Vec<crate::bolt11::RouteHintHop>>, Error> {
    let Some(v) = input.get("routehints").filter(|v| !matches!(v, Value::Null)) else { return Ok(Vec::new()) };
    let routes = v.as_array().ok_or(Error::Param { field: "routehints".into(), expected: "an array of routes" })?;
    routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let hops =
                r.as_array().ok_or(Error::Param { field: format!("routehints[{i}]"), expected: "an array of hops" })?;
            hops.iter()
                .enumerate()
                .map(|(j, h)| {
                    let f = format!("routehints[{i}][{j}]");
                    input_object(h).map_err(|e| e.in_field(&f))?;
                    known_keys(h, &f, &["id", "scid", "feebase", "feeprop", "expirydelta"])?;
                    let small = |k: &str, max: u64| -> Result<u64, Error> {
                        opt_u64_param(h, k)
                            .and_then(|x| x.ok_or(Error::Param { field: k.into(), expected: "present" }))
                            .and_then(|x| {
                                if x <= max {
                                    Ok(x)
                                } else {
                                    Err(Error::Param { field: k.into(), expected: "smaller" })
                                }
                            })
                            .map_err(|e| e.in_field(&f))
                    };
                    let feebase = amount_param(h, "feebase")
                        .map_err(|e| e.in_field(&f))?
                        .ok_or(Error::Param { field: format!("{f}.feebase"), expected: "present" })?;
                    let scid = str_param(h, "scid", "a short channel id").map_err(|e| e.in_field(&f))?;
                    Ok(crate::bolt11::RouteHintHop {
                        pubkey: node_param(h, "id").map_err(|e| e.in_field(&f))?,
                        short_channel_id: crate::ids::ShortChannelId::parse(scid)
                            .map_err(|e| Error::from(e).in_field(&format!("{f}.scid")))?,
                        fee_base_msat: u32::try_from(feebase.0).map_err(|_| Error::Param {
                            field: format!("{f}.feebase"),
                            expected: "at most 2^32-1 msat",
                        })?,
                        fee_proportional_millionths: small("feeprop", u64::from(u32::MAX))? as u32,
                        cltv_expiry_delta: small("expirydelta", u64::from(u16::MAX))? as u16,
                    })
                })
                .collect()
        })
        .collect()
}

fn config_from(input: &Value) -> Result<crate::payment::PayConfig, Error> {
    use crate::payment::{PayConfig, Router};
    let (merged, invoice) = with_invoice(input, true)?;
    let input = &merged;
    let amount =
        amount_param(input, "amount_msat")?.ok_or(Error::Param { field: "amount_msat".into(), expected: "present" })?;
    if amount.0 == 0 {
        return Err(Error::Param { field: "amount_msat".into(), expected: "above 0" });
    }
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
        max_parts: match opt_u64_param(input, "max_parts")? {
            None => None,
            Some(0) => return Err(Error::Param { field: "max_parts".into(), expected: "at least 1" }),
            Some(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
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
        custom_records: Vec::new(),
        keysend: None,
        blinded: Vec::new(),
        blinded_mpp: false,
    })
}

pub(crate) fn status_str(s: crate::payment::AttemptStatus) -> &'static str {
    use crate::payment::AttemptStatus;
    match s {
        AttemptStatus::Pending => "pending",
        AttemptStatus::Complete => "complete",
        AttemptStatus::Failed => "failed",
        AttemptStatus::Unknown => "unknown",
        AttemptStatus::Disputed => "disputed",
    }
}

pub(crate) fn pay_error_json(e: &crate::payment::PayError, attempts: usize) -> Value {
    use crate::payment::PayError;
    let err = |code: i64, name: &str, message: String, routing: Option<&failure::RoutingFailure>| {
        let mut m = alloc::vec![
            ("code".into(), Value::Number(format!("{code}"))),
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
                "out of time (`retry_for`) with an attempt still in flight: waitsendpay or listsendpays settles it",
            ),
            None,
        ),
        PayError::Timeout { in_flight: false } => {
            err(210, "PAY_STOPPED_RETRYING", format!("out of time (`retry_for`) after {attempts} attempts"), None)
        }
    }
}

/// A step of [`crate::payment::Payer`] as JSON: `{"lane","stage","attempt"?,"request":
/// {"method","params"},"part"?,"record"?,"route"?}` — `lane` is `"main"` or a part's attempt
/// number (feed its reply back with it); `part` (`{"partid","groupid","amount_msat"}`) says
/// which part a send, wait or settle is about; `record`, with the route and the shared
/// secrets, comes with the `sendonion` step: store it before sending — or `{"idle":true}`
/// (nothing to send until a reply comes), or `{"done":{"status","payment_preimage"?,"error"?,
/// "attempts"}}`.
pub fn pay_step_json(payer: &crate::payment::Payer, step: crate::payment::Step) -> Value {
    use crate::payment::{Lane, Stage, Step};
    match step {
        Step::Idle => object([("idle", Value::Bool(true))]),
        Step::Send { lane, stage, request } => {
            let (name, n) = match stage {
                Stage::GetInfo => ("getinfo", None),
                Stage::Layer => ("layer", None),
                Stage::Reserve(n) => ("reserve", Some(n)),
                Stage::FindRoute(n) => ("find_route", Some(n)),
                Stage::Send(n) => ("send", Some(n)),
                Stage::Wait(n) => ("wait", Some(n)),
                Stage::Settle(n) => ("settle", Some(n)),
            };
            let mut m = alloc::vec![(
                "lane".into(),
                match lane {
                    Lane::Main => Value::str("main"),
                    Lane::Part(n) => Value::u64(u64::from(n)),
                }
            )];
            m.push(("stage".into(), Value::str(name)));
            if let Some(n) = n {
                m.push(("attempt".into(), Value::u64(u64::from(n))));
            }
            m.push(("request".into(), request_json(request, Vec::new())));
            let about = n.filter(|_| !matches!(stage, Stage::FindRoute(_))).and_then(|n| payer.attempt(n));
            if let Some(a) = about {
                m.push((
                    "part".into(),
                    object([
                        ("partid", Value::u64(a.partid)),
                        ("groupid", Value::String(crate::json::u64_to_string(a.groupid))),
                        ("amount_msat", Value::String(a.amount.to_decimal_string())),
                    ]),
                ));
            }
            if let (Stage::Send(_), Some(a)) = (stage, about) {
                let cfg = payer.config();
                // A blinded payment's route ends at the path's introduction node: the record
                // names the payee and what it receives (the same-hash rules compare them), as
                // the send does.
                let deliver = (!cfg.blinded.is_empty()).then_some((cfg.destination, a.amount));
                let mut rec = attempt_json(
                    &payer.payment_hash(),
                    Some(a.partid),
                    Some(a.groupid),
                    Some(cfg.amount),
                    &a.route,
                    deliver,
                );
                rec.push((
                    "shared_secrets".into(),
                    Value::Array(a.shared_secrets.iter().map(|s| Value::String(s.to_hex())).collect()),
                ));
                m.push(("record".into(), Value::Object(rec)));
                m.push(("route".into(), a.route.to_json()));
                m.push((
                    "onion_layers".into(),
                    Value::Array(
                        a.layers
                            .iter()
                            .map(|l| {
                                object([
                                    ("node_id", Value::String(l.node_id.to_hex())),
                                    ("payload_length", Value::u64(l.payload_length as u64)),
                                    ("blinded", Value::Bool(l.blinded)),
                                ])
                            })
                            .collect(),
                    ),
                ));
            }
            Value::Object(m)
        }
        Step::Done(out) => {
            let mut m =
                alloc::vec![("status".into(), Value::str(if out.preimage.is_some() { "complete" } else { "failed" }))];
            if let Some(p) = out.preimage {
                m.push(("payment_preimage".into(), Value::String(hex::encode(&p))));
                // What the paid parts cost: the amount asked, what they sent, the fees.
                let paid: Vec<_> =
                    out.attempts.iter().filter(|a| a.status == crate::payment::AttemptStatus::Complete).collect();
                if !paid.is_empty() {
                    let amount = payer.config().amount;
                    let sent = paid
                        .iter()
                        .map(|a| a.route.hops.first().map_or(0, |h| h.amount.0))
                        .fold(0u64, u64::saturating_add);
                    m.push(("amount_msat".into(), Value::String(amount.to_decimal_string())));
                    m.push(("amount_sent_msat".into(), Value::String(Msat(sent).to_decimal_string())));
                    m.push(("fee_msat".into(), Value::String(Msat(sent.saturating_sub(amount.0)).to_decimal_string())));
                    m.push(("parts".into(), Value::u64(paid.len() as u64)));
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
                        ("number".into(), Value::u64(u64::from(a.number))),
                        ("status".into(), Value::str(status_str(a.status))),
                        ("partid".into(), Value::u64(a.partid)),
                        ("groupid".into(), Value::String(crate::json::u64_to_string(a.groupid))),
                        ("amount_msat".into(), Value::String(a.amount.to_decimal_string())),
                        ("fee_msat".into(), Value::String(a.fee().to_decimal_string())),
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

/// Feed a payer a reply — `{"lane","answer"}` (the node's result, as its JSON text or a
/// value), `{"lane","error"}` (the node's `{code,message,data}`, likewise) or
/// `{"lane","transport_failed":true}`, `lane` as the step gave it — or `None` to start and
/// after each send; the next step as JSON. An answer that is not JSON ends the payment with a
/// bad-answer error.
pub fn pay_step(payer: &mut crate::payment::Payer, reply: Option<&Value>, random: &[u8; 32]) -> Value {
    use crate::payment::{Lane, PayError, Reply};
    let step = match reply {
        None => payer.step(None, random),
        Some(r) => {
            let lane = match r.get("lane") {
                Some(Value::String(s)) if s == "main" => Some(Lane::Main),
                Some(v) => v.as_u64().and_then(|n| u32::try_from(n).ok()).map(Lane::Part),
                None => None,
            };
            let Some(lane) = lane else {
                let e = crate::rpc::AnswerError {
                    field: String::from("lane"),
                    expected: "\"main\" or an attempt number, as the step gave it",
                };
                let step = payer.abort(PayError::BadAnswer(e));
                return pay_step_json(payer, step);
            };
            let read = |field: &str| -> Option<Result<Value, crate::rpc::AnswerError>> {
                match r.get(field)? {
                    Value::String(text) => Some(crate::rpc::parse_answer(text)),
                    v => Some(Ok(v.clone())),
                }
            };
            if let Some(a) = read("answer") {
                match a {
                    Ok(v) => payer.step(Some((lane, Reply::Answer(&v))), random),
                    Err(e) => payer.abort(PayError::BadAnswer(e)),
                }
            } else if let Some(a) = read("error") {
                match a {
                    Ok(v) => payer.step(Some((lane, Reply::NodeError(&v))), random),
                    Err(e) => payer.abort(PayError::BadAnswer(e)),
                }
            } else {
                payer.step(Some((lane, Reply::TransportFailed)), random)
            }
        }
    };
    pay_step_json(payer, step)
}
