//! The man page's routing failure object, one shape however the failure arrived: decoded
//! here from a reply, or reported by a node in a `waitsendpay`/`sendpay` error.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::message::{BADONION, FailureMessage, PERM, UPDATE, failcode_name};
use super::reply::{AttributionData, AttributionReport, DecodedReply, UnwrapError, decode_reply};
use super::update::ChannelUpdate;
use crate::hex;
use crate::ids::{NodeId, ShortChannelId, direction};
use crate::json::{self, Value};
use crate::route::Route;
use crate::sphinx::SharedSecret;

/// Core Lightning's 202: the reply could not be read.
pub const PAY_UNPARSEABLE_ONION: i32 = 202;
/// Core Lightning's 203: permanent failure at the destination.
pub const PAY_DESTINATION_PERM_FAIL: i32 = 203;
/// Core Lightning's 204: failure along the route, try another.
pub const PAY_TRY_OTHER_ROUTE: i32 = 204;

/// The `erring_channel` of a routing failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErringChannel {
    /// A channel of the route.
    Channel(ShortChannelId),
    /// The destination erred: the man page's `0:0:0`.
    Destination,
}

impl ErringChannel {
    /// `BLOCKxTXxOUT`, or `0:0:0` for the destination.
    pub fn to_string_form(&self) -> String {
        match self {
            ErringChannel::Channel(c) => c.to_string_form(),
            ErringChannel::Destination => String::from("0:0:0"),
        }
    }
}

/// A routing failure object (`lightning-sendpay(7)`), plus today's Core Lightning fields
/// (`failcodename`, `erring_direction`, `raw_message`) and what this library checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutingFailure {
    /// 202 (unparseable), 203 (permanent failure at the destination) or 204 (along the route).
    pub code: i32,
    /// Core Lightning's message (`failed: WIRE_… (reply from remote)`, `Malformed error reply`).
    pub message: String,
    /// The node that reported the error: 0 = us, 1 = first hop, … n = destination.
    pub erring_index: Option<u32>,
    /// The node blamed (for a BADONION code relayed by hop k: hop k+1).
    pub erring_node: Option<NodeId>,
    /// The channel blamed, `0:0:0` when the destination erred.
    pub erring_channel: Option<ErringChannel>,
    /// The direction `erring_channel` was traversed in (BOLT 7).
    pub erring_direction: Option<u8>,
    /// The failure code.
    pub failcode: Option<u16>,
    /// Its name (`WIRE_TEMPORARY_CHANNEL_FAILURE`…), when known.
    pub failcodename: Option<&'static str>,
    /// The enclosed `channel_update` as sent, when the code has the UPDATE bit and one came.
    pub channel_update: Option<Vec<u8>>,
    /// Whether its signature verified against the node that sent it.
    pub channel_update_verified: Option<bool>,
    /// Whether its short channel id is the channel the route used out of that node.
    pub channel_update_matches_route: Option<bool>,
    /// The decoded update, when it parsed.
    pub channel_update_decoded: Option<ChannelUpdate>,
    /// The decrypted failure message.
    pub raw_message: Option<Vec<u8>>,
    /// The decoded failure message.
    pub failure: Option<FailureMessage>,
    /// The reply as received, for 202.
    pub onionreply: Option<Vec<u8>>,
    /// Why a 202 could not be read, when decoded here.
    pub unparseable: Option<UnwrapError>,
    /// Hold times and blame from attribution data.
    pub attribution: Option<AttributionReport>,
}

/// How the message of a failure decoded by this library ends (Core Lightning's says only
/// "reply from remote": there the node decoded it).
pub const DECODED_HERE: &str = "reply from remote, decoded here";

fn flags_code(code: u16, is_destination: bool) -> i32 {
    match (is_destination, code & BADONION != 0, code & PERM != 0) {
        (true, true, _) => PAY_UNPARSEABLE_ONION,
        (true, false, true) => PAY_DESTINATION_PERM_FAIL,
        _ => PAY_TRY_OTHER_ROUTE,
    }
}

fn failed_message(code: Option<u16>, detail: &str) -> String {
    match code {
        Some(c) => match failcode_name(c) {
            Some(n) => format!("failed: {n} ({detail})"),
            None => format!("failed: UNKNOWN {c} ({detail})"),
        },
        None => String::from("Malformed error reply"),
    }
}

impl RoutingFailure {
    /// Decode a reply with the route's shared secrets (and the route, to name nodes and
    /// channels; without it only the index, code and message are known).
    pub fn from_reply(
        secrets: &[SharedSecret],
        reply: &[u8],
        route: Option<&Route>,
        attribution: Option<&AttributionData>,
    ) -> RoutingFailure {
        let decoded = decode_reply(secrets, reply, attribution);
        RoutingFailure::from_decoded(&decoded, secrets.len(), reply, route)
    }

    /// Build the object from a reply already decoded by [`decode_reply`]. `route` names the
    /// onion's first hops: all of them, or fewer when the onion goes on past the route (into a
    /// blinded path, whose hops are not named); a longer route is not this onion's.
    pub fn from_decoded(decoded: &DecodedReply, hops: usize, reply: &[u8], route: Option<&Route>) -> RoutingFailure {
        let route = route.filter(|r| r.hops.len() <= hops);
        let mut f = match &decoded.result {
            Ok(d) => RoutingFailure::from_message(d.origin_index, hops, &d.message, route, DECODED_HERE),
            Err(e) => {
                let mut f = RoutingFailure {
                    code: PAY_UNPARSEABLE_ONION,
                    message: String::from("Malformed error reply"),
                    onionreply: Some(reply.to_vec()),
                    unparseable: Some(*e),
                    ..Default::default()
                };
                // Attribution data names the pair (i-1, i) even when the message is lost:
                // blame the channel between them.
                if let Some(i) = decoded.attribution.as_ref().and_then(|a| a.failing_hop) {
                    f.erring_index = Some(i as u32 + 1);
                    if let Some(hop) = route.and_then(|r| r.hops.get(i)) {
                        f.erring_node = Some(hop.node_id);
                        f.erring_channel = Some(ErringChannel::Channel(hop.channel));
                        if let Some(prev) = i.checked_sub(1).and_then(|j| route.and_then(|r| r.hops.get(j))) {
                            f.erring_direction = Some(direction(&prev.node_id, &hop.node_id));
                        }
                    }
                }
                f
            }
        };
        f.attribution = decoded.attribution.clone();
        f
    }

    /// The object for failure `message` reported by hop `k` (0-based) of a `hops`-hop route;
    /// `detail` ends the message (`failed: WIRE_… (detail)`).
    pub fn from_message(k: usize, hops: usize, message: &[u8], route: Option<&Route>, detail: &str) -> RoutingFailure {
        let failure = FailureMessage::decode(message);
        // A message shorter than its code: Core Lightning reads -1, which counts as BADONION.
        let code = failure.as_ref().map_or(0xffff, |m| m.code);
        let is_destination = k + 1 == hops;
        let mut f = RoutingFailure {
            code: flags_code(code, is_destination),
            message: failed_message(failure.as_ref().map(|m| m.code), detail),
            erring_index: Some(k as u32 + 1),
            failcode: failure.as_ref().map(|m| m.code),
            failcodename: failure.as_ref().and_then(FailureMessage::name),
            raw_message: Some(message.to_vec()),
            ..Default::default()
        };
        if let Some(r) = route {
            let h = &r.hops;
            match (h.get(k), h.get(k + 1)) {
                (Some(at), _) if is_destination => {
                    f.erring_node = Some(at.node_id);
                    f.erring_channel = Some(ErringChannel::Destination);
                }
                (Some(at), Some(next)) => {
                    let badonion = code & BADONION != 0;
                    f.erring_node = Some(if badonion { next.node_id } else { at.node_id });
                    f.erring_channel = Some(ErringChannel::Channel(next.channel));
                    f.erring_direction = Some(direction(&at.node_id, &next.node_id));
                }
                // The route ends here and the onion goes on (a blinded path's introduction
                // node answering for its path): the node is known, the hop after it is not.
                (Some(at), None) => f.erring_node = Some(at.node_id),
                (None, _) => {}
            }
        }
        f.failure = failure;
        f.check_update(Some(k), route);
        f
    }

    /// Pull the `channel_update` out of the failure message (UPDATE codes), and check it
    /// against the node that sent it (hop `k`) and the channel the route used out of it.
    fn check_update(&mut self, k: Option<usize>, route: Option<&Route>) {
        let Some(m) = &self.failure else { return };
        if m.code & UPDATE == 0 {
            return;
        }
        let Some(bytes) = &m.channel_update else { return };
        self.channel_update = Some(bytes.clone());
        let hop = |i: Option<usize>| route.zip(i).and_then(|(r, i)| r.hops.get(i));
        let sender = hop(k).map(|h| h.node_id).or(self.erring_node);
        if let Some((u, verified)) = ChannelUpdate::decode(bytes, sender.as_ref()) {
            self.channel_update_verified = verified;
            if let Some(next) = hop(k.and_then(|k| k.checked_add(1))) {
                self.channel_update_matches_route = Some(u.short_channel_id == next.channel);
            } else if let Some(ErringChannel::Channel(c)) = self.erring_channel {
                self.channel_update_matches_route = Some(u.short_channel_id == c);
            }
            self.channel_update_decoded = Some(u);
        } else {
            self.channel_update_verified = sender.map(|_| false);
        }
    }

    /// Normalise a failure a node reported in a `sendpay`/`waitsendpay` error (or a
    /// `sendpay_failure` notification) into the same shape. A 202 whose `onionreply` can be
    /// decoded with `secrets` is decoded here. `None` when the code is not a routing failure
    /// (201, 200, 208, -32602…).
    pub fn from_rpc_error(
        code: i64,
        message: &str,
        data: Option<&Value>,
        route: Option<&Route>,
        secrets: Option<&[SharedSecret]>,
    ) -> Option<RoutingFailure> {
        if !(202..=204).contains(&code) {
            return None;
        }
        let data = data.unwrap_or(&Value::Null);
        let onionreply = data.get("onionreply").and_then(Value::as_str).and_then(|h| hex::decode(h).ok());
        if let (Some(reply), Some(secrets)) = (&onionreply, secrets) {
            return Some(RoutingFailure::from_reply(secrets, reply, route, None));
        }
        let mut f =
            RoutingFailure { code: code as i32, message: String::from(message), onionreply, ..Default::default() };
        f.erring_index = data.get("erring_index").and_then(Value::as_u64).and_then(|i| u32::try_from(i).ok());
        f.failcode = data.get("failcode").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok());
        f.failcodename = f.failcode.and_then(failcode_name);
        f.erring_node = data.get("erring_node").and_then(Value::as_str).and_then(|s| NodeId::from_hex(s).ok());
        f.erring_direction = data.get("erring_direction").and_then(Value::as_u64).and_then(|d| u8::try_from(d).ok());
        f.erring_channel = data.get("erring_channel").and_then(Value::as_str).and_then(|s| match s {
            "0:0:0" | "0x0x0" => Some(ErringChannel::Destination),
            s => ShortChannelId::parse(s).ok().map(ErringChannel::Channel),
        });
        f.raw_message = data.get("raw_message").and_then(Value::as_str).and_then(|h| hex::decode(h).ok());
        // With the route, a failure the node decoded (sendonion with shared_secrets, sendpay)
        // is read as a reply decoded here would be: the same code (203 for the destination's
        // PERM codes, which today's node reports as 204), nodes and channels from the route.
        let n = route.map_or(0, |r| r.hops.len());
        let k = f.erring_index.and_then(|i| (i as usize).checked_sub(1)).filter(|&k| k < n);
        if let (Some(raw), Some(k)) = (f.raw_message.clone(), k)
            && FailureMessage::decode(&raw).is_some()
        {
            let mut g = RoutingFailure::from_message(k, n, &raw, route, "reply from remote");
            g.message = String::from(message);
            g.onionreply = f.onionreply.take();
            return Some(g);
        }
        f.failure = f.raw_message.as_deref().and_then(FailureMessage::decode);
        if f.failcode.is_none() {
            f.failcode = f.failure.as_ref().map(|m| m.code);
            f.failcodename = f.failcode.and_then(failcode_name);
        }
        // The man page's `0:0:0`: today's nodes name the last channel when the destination erred.
        let at_destination = k.is_some_and(|k| k + 1 == n);
        if at_destination && f.failcode.is_some_and(|c| c & BADONION == 0) {
            f.erring_channel = Some(ErringChannel::Destination);
            f.erring_direction = None;
        }
        // No message, but a code and an index on the route: name what the route names.
        if let (Some(r), Some(k), Some(c)) = (route, k, f.failcode) {
            let dest = k + 1 == n;
            f.code = flags_code(c, dest);
            let h = &r.hops;
            if dest {
                f.erring_node.get_or_insert(h[k].node_id);
                f.erring_channel.get_or_insert(ErringChannel::Destination);
            } else {
                f.erring_node.get_or_insert(if c & BADONION != 0 { h[k + 1].node_id } else { h[k].node_id });
                if f.erring_channel.is_none() {
                    f.erring_channel = Some(ErringChannel::Channel(h[k + 1].channel));
                    f.erring_direction = Some(direction(&h[k].node_id, &h[k + 1].node_id));
                }
            }
        }
        // Hop k = erring_index - 1 sent the update; erring_index 0 is a local failure.
        let k = f.erring_index.and_then(|i| (i as usize).checked_sub(1));
        f.check_update(k, route);
        Some(f)
    }

    /// Whether a retry along another route may succeed (204).
    pub fn is_retryable(&self) -> bool {
        self.code == PAY_TRY_OTHER_ROUTE
    }

    /// The object as JSON: the man page's field names, hex for bytes, decimal strings for
    /// amounts that can pass 2^53.
    pub fn to_json(&self) -> Value {
        let mut m: Vec<(crate::json::Key, Value)> = Vec::new();
        let mut put = |k: &'static str, v: Value| m.push((k.into(), v));
        put("code", Value::Number(format!("{}", self.code)));
        put("message", Value::String(self.message.clone()));
        if let Some(i) = self.erring_index {
            put("erring_index", Value::u64(u64::from(i)));
        }
        if let Some(c) = self.failcode {
            put("failcode", Value::u64(u64::from(c)));
        }
        if let Some(n) = self.failcodename {
            put("failcodename", Value::str(n));
        }
        if let Some(n) = &self.erring_node {
            put("erring_node", Value::String(n.to_hex()));
        }
        if let Some(c) = &self.erring_channel {
            put("erring_channel", Value::String(c.to_string_form()));
        }
        if let Some(d) = self.erring_direction {
            put("erring_direction", Value::u64(u64::from(d)));
        }
        if let Some(u) = &self.channel_update {
            put("channel_update", Value::String(hex::encode(u)));
        }
        if let Some(v) = self.channel_update_verified {
            put("channel_update_verified", Value::Bool(v));
        }
        if let Some(v) = self.channel_update_matches_route {
            put("channel_update_matches_route", Value::Bool(v));
        }
        if let Some(u) = &self.channel_update_decoded {
            put("channel_update_fields", update_json(u));
        }
        if let Some(r) = &self.raw_message {
            put("raw_message", Value::String(hex::encode(r)));
        }
        if let Some(f) = &self.failure {
            put("failure", message_json(f));
        }
        if let Some(o) = &self.onionreply {
            put("onionreply", Value::String(hex::encode(o)));
        }
        if let Some(e) = &self.unparseable {
            put("unparseable", Value::str(e.code()));
        }
        if let Some(a) = &self.attribution {
            put(
                "attribution",
                json::object([
                    ("hold_times", Value::Array(a.hold_times.iter().map(|&h| Value::u64(u64::from(h))).collect())),
                    ("failing_hop", a.failing_hop.map_or(Value::Null, |i| Value::u64(i as u64))),
                ]),
            );
        }
        Value::Object(m)
    }
}

fn message_json(f: &FailureMessage) -> Value {
    let mut m: Vec<(crate::json::Key, Value)> = Vec::new();
    let mut put = |k: &'static str, v: Value| m.push((k.into(), v));
    put("code", Value::u64(u64::from(f.code)));
    if let Some(n) = f.name() {
        put("name", Value::str(n));
    }
    let flags: Vec<Value> =
        [(BADONION, "BADONION"), (PERM, "PERM"), (super::message::NODE, "NODE"), (UPDATE, "UPDATE")]
            .iter()
            .filter(|(b, _)| f.code & b != 0)
            .map(|(_, n)| Value::str(n))
            .collect();
    put("flags", Value::Array(flags));
    if let Some(v) = f.htlc_msat {
        put("htlc_msat", Value::String(v.to_decimal_string()));
    }
    if let Some(v) = f.cltv_expiry {
        put("cltv_expiry", Value::u64(u64::from(v)));
    }
    if let Some(v) = f.height {
        put("height", Value::u64(u64::from(v)));
    }
    if let Some(v) = f.incoming_htlc_amt {
        put("incoming_htlc_amt", Value::String(v.to_decimal_string()));
    }
    if let Some(v) = f.flags {
        put("disabled_flags", Value::u64(u64::from(v)));
    }
    if let Some(v) = &f.sha256_of_onion {
        put("sha256_of_onion", Value::String(hex::encode(v)));
    }
    if let Some(v) = f.tlv_type {
        put("type", Value::String(json::u64_to_string(v)));
    }
    if let Some(v) = f.offset {
        put("offset", Value::u64(u64::from(v)));
    }
    if !f.extra.is_empty() {
        put("extra", Value::String(hex::encode(&f.extra)));
    }
    if f.truncated {
        put("truncated", Value::Bool(true));
    }
    Value::Object(m)
}

fn update_json(u: &ChannelUpdate) -> Value {
    let mut m = alloc::vec![
        ("short_channel_id".into(), Value::String(u.short_channel_id.to_string_form())),
        ("chain_hash".into(), Value::String(hex::encode(&u.chain_hash))),
        ("timestamp".into(), Value::u64(u64::from(u.timestamp))),
        ("message_flags".into(), Value::u64(u64::from(u.message_flags))),
        ("channel_flags".into(), Value::u64(u64::from(u.channel_flags))),
        ("direction".into(), Value::u64(u64::from(u.direction()))),
        ("disabled".into(), Value::Bool(u.disabled())),
        ("cltv_expiry_delta".into(), Value::u64(u64::from(u.cltv_expiry_delta))),
        ("htlc_minimum_msat".into(), Value::String(json::u64_to_string(u.htlc_minimum_msat))),
        ("fee_base_msat".into(), Value::u64(u64::from(u.fee_base_msat))),
        ("fee_proportional_millionths".into(), Value::u64(u64::from(u.fee_proportional_millionths))),
    ];
    if let Some(v) = u.htlc_maximum_msat {
        m.push(("htlc_maximum_msat".into(), Value::String(json::u64_to_string(v))));
    }
    m.push(("has_type_prefix".into(), Value::Bool(u.has_type_prefix)));
    Value::Object(m)
}
