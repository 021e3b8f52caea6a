//! Reading a command's parameters: present, typed, and (for what a user passes) no key
//! that the command does not know.

use alloc::format;
#[cfg(feature = "wallet")]
use alloc::string::String;
use alloc::vec::Vec;

#[cfg(feature = "wallet")]
use crate::amount::Msat;
use crate::error::Error;
use crate::hex;
#[cfg(feature = "wallet")]
use crate::ids::NodeId;
use crate::ids::hash32_from_hex;
use crate::json::Value;
use crate::route::Route;
use crate::sphinx::{SecretKey, SharedSecret};

pub(crate) fn param<'a>(v: &'a Value, field: &str) -> Result<&'a Value, Error> {
    v.get(field).ok_or_else(|| Error::Param { field: field.into(), expected: "present" })
}

pub(crate) fn str_param<'a>(v: &'a Value, field: &str, expected: &'static str) -> Result<&'a str, Error> {
    param(v, field)?.as_str().ok_or_else(|| Error::Param { field: field.into(), expected })
}

pub(crate) fn hex_param(v: &Value, field: &str) -> Result<Vec<u8>, Error> {
    let s = str_param(v, field, "a hex string")?;
    hex::decode(s).map_err(|e| Error::from(e).in_field(field))
}

/// The `route` parameter: JSON, or JSON text (as a node sent it: parsed here, exactly).
pub(crate) fn route_param(input: &Value) -> Result<Route, Error> {
    route_param_with(input, Route::from_json)
}

/// A route that only names nodes (to decode a failure): ids not decompressed.
pub(crate) fn route_names_param(input: &Value) -> Result<Route, Error> {
    route_param_with(input, Route::from_json_names)
}

fn route_param_with(
    input: &Value,
    read: fn(&Value) -> Result<Route, crate::route::RouteError>,
) -> Result<Route, Error> {
    let parsed;
    let v = match param(input, "route")? {
        Value::String(s) => {
            parsed = crate::json::parse(s).map_err(|e| Error::from(e).in_field("route"))?;
            &parsed
        }
        v => {
            route_keys(v, "route")?;
            v
        }
    };
    read(v).map_err(|e| Error::from(e).in_field("route"))
}

pub(crate) fn input_object(v: &Value) -> Result<(), Error> {
    match v {
        Value::Object(_) => Ok(()),
        _ => Err(Error::Param { field: "input".into(), expected: "a JSON object" }),
    }
}

pub(crate) fn session_key(input: &Value, random_key: Option<[u8; 32]>) -> Result<SecretKey, Error> {
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

pub(crate) fn secrets_param(input: &Value) -> Result<Vec<SharedSecret>, Error> {
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

#[cfg(feature = "wallet")]
pub(crate) fn opt_u64_param(input: &Value, field: &str) -> Result<Option<u64>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_u64().map(Some).ok_or(Error::Param { field: field.into(), expected: "an integer from 0 to 2^64-1" })
        }
    }
}

#[cfg(feature = "wallet")]
pub(crate) fn opt_str_param(input: &Value, field: &str) -> Result<Option<String>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_str().map(|s| Some(String::from(s))).ok_or(Error::Param { field: field.into(), expected: "a string" })
        }
    }
}

#[cfg(feature = "wallet")]
pub(crate) fn amount_param(input: &Value, field: &'static str) -> Result<Option<Msat>, Error> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => crate::route::amount_from_json(v)
            .map(Some)
            .map_err(|kind| Error::from(crate::route::RouteError { hop: None, field, kind })),
    }
}

#[cfg(feature = "wallet")]
pub(crate) fn node_param(input: &Value, field: &str) -> Result<NodeId, Error> {
    let s = str_param(input, field, "a node id (hex)")?;
    NodeId::from_hex(s).map_err(|e| Error::from(e).in_field(field))
}

/// Every key of `v` (an object a user passed, at `path`) must be in `known`: a typo
/// (`paymentsecret`) is an error naming it and the known key it is closest to. Never applied
/// to a node's answers, which must stay forward compatible.
pub(crate) fn known_keys(v: &Value, path: &str, known: &[&'static str]) -> Result<(), Error> {
    known_keys_in(v, path, &[known])
}

/// [`known_keys`] over a command's groups of keys (shared lists, composed without copying).
pub(crate) fn known_keys_in(v: &Value, path: &str, known: &[&[&'static str]]) -> Result<(), Error> {
    let Some(members) = v.as_object() else { return Ok(()) };
    for (k, _) in members {
        if !known.iter().any(|g| g.contains(&k.as_ref())) {
            let field = if path.is_empty() { alloc::string::String::from(k.as_ref()) } else { format!("{path}.{k}") };
            return Err(Error::UnknownField { field, suggestion: closest(k, known) });
        }
    }
    Ok(())
}

/// The known key `key` most likely meant: the same but for case and underscores, else the
/// nearest within an edit distance of 2 (1 for short keys).
fn closest(key: &str, known: &[&[&'static str]]) -> Option<&'static str> {
    let norm = |s: &str| -> Vec<u8> { s.bytes().filter(|&b| b != b'_').map(|b| b.to_ascii_lowercase()).collect() };
    let k = norm(key);
    if k.len() > 64 {
        return None;
    }
    let limit = if k.len() < 5 { 1 } else { 2 };
    known
        .iter()
        .flat_map(|g| g.iter())
        .map(|&c| (edit_distance(&k, &norm(c)), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut rows: Vec<Vec<usize>> = (0..=a.len()).map(|i| alloc::vec![i; b.len() + 1]).collect();
    for (j, slot) in rows[0].iter_mut().enumerate() {
        *slot = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// A hop's keys, as `getroute` returns them and `getroutes`' path elements carry them.
const HOP_KEYS: &[&str] = &[
    "id",
    "channel",
    "direction",
    "amount_msat",
    "msatoshi",
    "delay",
    "style",
    "short_channel_id_dir",
    "node_id_in",
    "node_id_out",
    "next_node_id",
    "amount_in_msat",
    "amount_out_msat",
    "cltv_in",
    "cltv_out",
];

/// A route a user passed (`route`, as an array of hops, a getroute answer, or a getroutes
/// route or answer): no key the route shapes do not have. Route *text* is what a node sent:
/// read as it is.
pub(crate) fn route_keys(v: &Value, path: &str) -> Result<(), Error> {
    match v {
        Value::Array(hops) => {
            for (i, h) in hops.iter().enumerate() {
                // The path is written only for an error.
                known_keys(h, "", HOP_KEYS).map_err(|e| e.in_field(&format!("{path}[{i}]")))?;
            }
            Ok(())
        }
        Value::Object(_) => {
            known_keys(v, path, &["routes", "route", "probability_ppm", "amount_msat", "final_cltv", "path"])?;
            if let Some(Value::Array(rs)) = v.get("routes") {
                for (i, r) in rs.iter().enumerate() {
                    route_keys(r, &format!("{path}.routes[{i}]"))?;
                }
            }
            for k in ["route", "path"] {
                if let Some(r @ Value::Array(_)) = v.get(k) {
                    route_keys(r, &format!("{path}.{k}"))?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Custom records (`{"<type>": "<hex>"}`) at `field`; absent: none. Types are checked where
/// the payload is built (≥ 65536, each once).
pub(crate) fn custom_records_param(input: &Value, field: &str) -> Result<Vec<(u64, Vec<u8>)>, Error> {
    let Some(c) = input.get(field).filter(|v| !matches!(v, Value::Null)) else { return Ok(Vec::new()) };
    let members = c.as_object().ok_or(Error::Param { field: field.into(), expected: "an object of type → hex" })?;
    members
        .iter()
        .map(|(k, v)| {
            let f = format!("{field}.{k}");
            let t = crate::json::parse_u64_digits(k)
                .ok_or(Error::Param { field: f.clone(), expected: "a decimal TLV type" })?;
            let val = v.as_str().ok_or(Error::Param { field: f.clone(), expected: "a hex string" })?;
            Ok((t, crate::hex::decode(val).map_err(|e| Error::from(e).in_field(&f))?))
        })
        .collect()
}
