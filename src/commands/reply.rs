//! Failure replies (`failure wrap`/`decode`/`create`/`forward`) and channel updates.

use alloc::vec::Vec;

use super::*;
use crate::error::Error;
use crate::failure;
use crate::hex;
use crate::ids::{NodeId, hash32_from_hex};
use crate::json::{Value, object};
use crate::sphinx::SharedSecret;

/// `failure wrap`: `{"shared_secrets","erring_index" (0-based position in shared_secrets),
/// "failure_message","hold_times"?}` → `{"reply","attribution_data"?}`: the reply as it
/// reaches the sender. With `hold_times` (one per hop up to the erring one, 100 ms units)
/// each hop also adds its attribution layer.
pub fn failure_wrap(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["shared_secrets", "erring_index", "failure_message", "hold_times"])?;
    let secrets = secrets_param(input)?;
    let k = param(input, "erring_index")?
        .as_u64()
        .and_then(|k| usize::try_from(k).ok())
        .filter(|&k| k < secrets.len())
        .ok_or(Error::Param { field: "erring_index".into(), expected: "an index into `shared_secrets`" })?;
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
            out.push(("reply".into(), Value::String(hex::encode(&reply))));
        }
        Some(holds) => {
            let mut pkt = failure::failure_packet(&secrets[k], &message);
            let mut att = failure::add_attribution(&secrets[k], &pkt, None, holds[k]);
            failure::wrap_reply(&secrets[k], &mut pkt);
            for j in (0..k).rev() {
                att = failure::add_attribution(&secrets[j], &pkt, Some(&att), holds[j]);
                failure::wrap_reply(&secrets[j], &mut pkt);
            }
            out.push(("reply".into(), Value::String(hex::encode(&pkt))));
            out.push(("attribution_data".into(), Value::String(hex::encode(&att.0))));
        }
    }
    Ok(Value::Object(out))
}

/// `failure decode`: `{"reply","shared_secrets","route"?,"attribution_data"?}` →
/// `{"origin_index","failure_message", …routing failure object}`, or `{"code":202,
/// "onionreply", …}` when no hop's HMAC matches.
pub fn failure_decode(input: &Value) -> Result<Value, Error> {
    input_object(input)?;
    known_keys(input, "", &["reply", "shared_secrets", "route", "attribution_data"])?;
    let reply = hex_param(input, "reply")?;
    let secrets = secrets_param(input)?;
    let route = match input.get("route") {
        None | Some(Value::Null) => None,
        Some(_) => {
            let r = route_names_param(input)?;
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
    let mut out: Vec<(crate::json::Key, Value)> = Vec::new();
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
    known_keys(input, "", &["shared_secret", "failure_message"])?;
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
    known_keys(input, "", &["shared_secret", "reply"])?;
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
    known_keys(input, "", &["channel_update", "signer"])?;
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
    let mut out = alloc::vec![("fields".into(), fields)];
    if let Some(v) = verified {
        out.push(("verified".into(), Value::Bool(v)));
    }
    Ok(Value::Object(out))
}
