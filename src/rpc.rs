//! Core Lightning's JSON-RPC for the sendpay family, without I/O: the requests (params that
//! today's Core Lightning accepts, and that survive `JSON.stringify` for lnmessage's
//! `commando`), and exact readers for the answers (u64 amounts and `groupid` past 2^53
//! stay exact because the node's text is read here, not by `JSON.parse`).
//!
//! Conventions on the wire (`shared/reference/sendpay-contract.md`): parameters by name;
//! optional ones omitted, never `null`; amounts as `"<n>msat"` strings, which every version's
//! msat parser reads; routes in the classic `{id, channel, direction, amount_msat, delay,
//! style}` shape every `sendpay` version takes. Shared secrets never leave the client:
//! `sendonion` is sent without them, so the node returns remote failures as 202 +
//! `onionreply`, decoded here.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::amount::Msat;
use crate::failure::RoutingFailure;
use crate::hex;
use crate::ids::{NodeId, ShortChannelId};
use crate::json::{self, Value};
use crate::route::{Hop, Route};
use crate::sphinx::SharedSecret;

/// Our code for a transport failure (the callback threw something that is not a node error).
pub const TRANSPORT_ERROR: i32 = -32000;
/// Our code for an answer the node should not have sent (not JSON, wrong types, missing fields).
pub const BAD_ANSWER: i32 = -32001;

/// A request to send: method and params (an object, by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: &'static str,
    /// The params object.
    pub params: Value,
}

/// An answer that does not have the shape its method promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    /// Where in the answer (`payments[2].amount_msat`, `(text)`).
    pub field: String,
    /// What was expected there.
    pub expected: &'static str,
}

impl AnswerError {
    fn at(field: &str, expected: &'static str) -> AnswerError {
        AnswerError { field: field.into(), expected }
    }
    /// A stable identifier.
    pub fn code(&self) -> &'static str {
        "NODE_BAD_ANSWER"
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the node's answer is malformed at {}: expected {}", self.field, self.expected)
    }
}

fn msat(m: Msat) -> Value {
    Value::String(m.to_msat_string())
}

fn put(m: &mut Vec<(crate::json::Key, Value)>, k: &'static str, v: Value) {
    m.push((k.into(), v));
}

/// Options shared by `sendpay` and `sendonion`.
#[derive(Debug, Clone, Default)]
pub struct SendOptions {
    /// A label for the payment.
    pub label: Option<String>,
    /// The invoice (recorded by the node, not checked by it).
    pub bolt11: Option<String>,
    /// The invoice's payment secret (sendpay: the node puts it in the onion).
    pub payment_secret: Option<[u8; 32]>,
    /// The invoice's payment metadata (sendpay).
    pub payment_metadata: Option<Vec<u8>>,
    /// Part id (MPP), 0 when absent.
    pub partid: Option<u64>,
    /// Group id: pass it for MPP parts and idempotent retries.
    pub groupid: Option<u64>,
    /// The total of all parts, for MPP (`partid` ≠ 0).
    pub total_msat: Option<Msat>,
    /// A description (recorded).
    pub description: Option<String>,
    /// `sendonion`: the payee and what it receives, when the route ends before it (at a
    /// blinded path's introduction node); else the route's last hop.
    pub deliver: Option<(crate::ids::NodeId, Msat)>,
}

fn hop_json(h: &Hop) -> Value {
    let mut m = Vec::with_capacity(6);
    put(&mut m, "id", Value::String(h.node_id.to_hex()));
    put(&mut m, "channel", Value::String(h.channel.to_string_form()));
    if let Some(d) = h.direction {
        put(&mut m, "direction", Value::u64(u64::from(d)));
    }
    put(&mut m, "amount_msat", msat(h.amount));
    put(&mut m, "delay", Value::u64(u64::from(h.delay)));
    put(&mut m, "style", Value::str("tlv"));
    Value::Object(m)
}

fn common(m: &mut Vec<(crate::json::Key, Value)>, o: &SendOptions) {
    if let Some(l) = &o.label {
        put(m, "label", Value::String(l.clone()));
    }
    if let Some(b) = &o.bolt11 {
        put(m, "bolt11", Value::String(b.clone()));
    }
    if let Some(p) = o.partid.filter(|&p| p != 0) {
        put(m, "partid", Value::u64(p));
    }
    if let Some(g) = o.groupid {
        put(m, "groupid", Value::u64(g));
    }
    if let Some(d) = &o.description {
        put(m, "description", Value::String(d.clone()));
    }
}

/// `sendpay`: the node builds the onion from the route. `amount_msat` is sent as today's
/// Core Lightning requires it: the final amount exactly (no `partid`), or the MPP total.
/// The man page's `[msatoshi, 2×msatoshi]` rule is checked before this, by the caller.
pub fn sendpay(route: &Route, payment_hash: &[u8; 32], o: &SendOptions) -> Request {
    let mut m = Vec::new();
    put(&mut m, "route", Value::Array(route.hops.iter().map(hop_json).collect()));
    put(&mut m, "payment_hash", Value::String(hex::encode(payment_hash)));
    let final_amount = route.hops.last().map_or(Msat(0), |h| h.amount);
    let mpp = o.partid.is_some_and(|p| p != 0);
    put(&mut m, "amount_msat", msat(if mpp { o.total_msat.unwrap_or(final_amount) } else { final_amount }));
    if let Some(s) = &o.payment_secret {
        put(&mut m, "payment_secret", Value::String(hex::encode(s)));
    }
    if let Some(md) = &o.payment_metadata {
        put(&mut m, "payment_metadata", Value::String(hex::encode(md)));
    }
    common(&mut m, o);
    Request { method: "sendpay", params: Value::Object(m) }
}

/// `sendonion`: an onion built here. The shared secrets are **not** sent: the node then
/// returns every remote failure as 202 with `onionreply`, which only we can read.
pub fn sendonion(onion: &[u8], route: &Route, payment_hash: &[u8; 32], o: &SendOptions) -> Request {
    let mut m = Vec::new();
    put(&mut m, "onion", Value::String(hex::encode(onion)));
    if let Some(first) = route.hops.first() {
        let mut f = Vec::with_capacity(4);
        put(&mut f, "id", Value::String(first.node_id.to_hex()));
        put(&mut f, "channel", Value::String(first.channel.to_string_form()));
        put(&mut f, "amount_msat", msat(first.amount));
        put(&mut f, "delay", Value::u64(u64::from(first.delay)));
        put(&mut m, "first_hop", Value::Object(f));
    }
    put(&mut m, "payment_hash", Value::String(hex::encode(payment_hash)));
    if let Some((to, amount)) = o.deliver.or_else(|| route.hops.last().map(|l| (l.node_id, l.amount))) {
        put(&mut m, "amount_msat", msat(amount));
        put(&mut m, "destination", Value::String(to.to_hex()));
    }
    if let Some(t) = o.total_msat.filter(|_| o.partid.is_some_and(|p| p != 0)) {
        put(&mut m, "total_amount_msat", msat(t));
    }
    common(&mut m, o);
    Request { method: "sendonion", params: Value::Object(m) }
}

/// `waitsendpay`.
pub fn waitsendpay(
    payment_hash: &[u8; 32],
    timeout: Option<u32>,
    partid: Option<u64>,
    groupid: Option<u64>,
) -> Request {
    let mut m = Vec::new();
    put(&mut m, "payment_hash", Value::String(hex::encode(payment_hash)));
    if let Some(t) = timeout {
        put(&mut m, "timeout", Value::u64(u64::from(t)));
    }
    if let Some(p) = partid.filter(|&p| p != 0) {
        put(&mut m, "partid", Value::u64(p));
    }
    if let Some(g) = groupid {
        put(&mut m, "groupid", Value::u64(g));
    }
    Request { method: "waitsendpay", params: Value::Object(m) }
}

/// `listsendpays` for one payment hash (or all).
pub fn listsendpays(payment_hash: Option<&[u8; 32]>) -> Request {
    let mut m = Vec::new();
    if let Some(h) = payment_hash {
        put(&mut m, "payment_hash", Value::String(hex::encode(h)));
    }
    Request { method: "listsendpays", params: Value::Object(m) }
}

/// `getinfo` (our node id and block height).
pub fn getinfo() -> Request {
    Request { method: "getinfo", params: Value::Object(Vec::new()) }
}

/// Something a route must avoid: a channel in one direction, or a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// `scid/direction`.
    Channel(ShortChannelId, u8),
    /// A node.
    Node(NodeId),
}

impl Exclusion {
    /// `BxTxO/D` or the node id.
    pub fn to_string_form(&self) -> String {
        match self {
            Exclusion::Channel(c, d) => format!("{}/{d}", c.to_string_form()),
            Exclusion::Node(n) => n.to_hex(),
        }
    }
}

/// `getroute` (deprecated since v26.06; refused by nodes that turn deprecated APIs off).
pub fn getroute(destination: &NodeId, amount: Msat, riskfactor: u32, cltv: u32, exclude: &[Exclusion]) -> Request {
    let mut m = Vec::new();
    put(&mut m, "id", Value::String(destination.to_hex()));
    put(&mut m, "amount_msat", msat(amount));
    put(&mut m, "riskfactor", Value::u64(u64::from(riskfactor)));
    put(&mut m, "cltv", Value::u64(u64::from(cltv)));
    if !exclude.is_empty() {
        put(&mut m, "exclude", Value::Array(exclude.iter().map(|e| Value::String(e.to_string_form())).collect()));
    }
    Request { method: "getroute", params: Value::Object(m) }
}

/// What `getroutes` is told of the payer's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteLimits {
    /// The most fees.
    pub maxfee: Msat,
    /// The payee's final CLTV delta.
    pub final_cltv: u32,
    /// The most blocks the payment may be locked up (`maxdelay`).
    pub maxdelay: Option<u32>,
    /// How many parts at most (`maxparts`, since v25.09); older nodes know only the
    /// `auto.no_mpp_support` layer, which nodes with deprecated APIs off refuse
    /// (sendpay-contract §16.1).
    pub maxparts: Option<u32>,
}

/// `getroutes` (askrene). Exclusions travel as a layer the caller has prepared.
pub fn getroutes(
    source: &NodeId,
    destination: &NodeId,
    amount: Msat,
    layers: &[&str],
    limits: &RouteLimits,
) -> Request {
    let mut m = Vec::new();
    put(&mut m, "source", Value::String(source.to_hex()));
    put(&mut m, "destination", Value::String(destination.to_hex()));
    put(&mut m, "amount_msat", msat(amount));
    put(&mut m, "layers", Value::Array(layers.iter().map(|l| Value::str(l)).collect()));
    put(&mut m, "maxfee_msat", msat(limits.maxfee));
    put(&mut m, "final_cltv", Value::u64(u64::from(limits.final_cltv)));
    if let Some(d) = limits.maxdelay {
        put(&mut m, "maxdelay", Value::u64(u64::from(d)));
    }
    if let Some(p) = limits.maxparts {
        put(&mut m, "maxparts", Value::u64(u64::from(p)));
    }
    Request { method: "getroutes", params: Value::Object(m) }
}

/// Core Lightning's release from `getinfo.version` (`v26.06-258-g090f4b0` → `(26, 6)`);
/// `None` for anything else (a node that is not Core Lightning, a dev build).
pub fn cln_version(v: &Value) -> Option<(u32, u32)> {
    let s = v.get("version")?.as_str()?.strip_prefix('v')?;
    let mut parts = s.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Why a node's word that a payment is complete is not proof of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofError {
    /// The answer is about another payment hash.
    OtherHash,
    /// Complete, but without a preimage.
    NoPreimage,
    /// The preimage does not hash to the payment hash.
    WrongPreimage,
}

impl ProofError {
    /// A stable identifier.
    pub fn code(&self) -> &'static str {
        "PAYMENT_PREIMAGE_MISMATCH"
    }
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProofError::OtherHash => "the node answered complete for another payment hash",
            ProofError::NoPreimage => "the node answered complete without a payment_preimage",
            ProofError::WrongPreimage => "the node's payment_preimage does not hash to the payment hash",
        })
    }
}

/// Our code for a payment the node calls complete without proof (a preimage that does not
/// hash to the payment hash): the attempt is disputed, never complete.
pub const PREIMAGE_MISMATCH: i32 = -32002;

/// Whether `preimage` hashes (SHA-256) to `payment_hash`.
pub fn preimage_matches(preimage: &[u8; 32], payment_hash: &[u8; 32]) -> bool {
    let h = crate::crypto::sha256(&[preimage]);
    bool::from(subtle::ConstantTimeEq::ct_eq(&h[..], &payment_hash[..]))
}

/// A complete payment's proof: about `payment_hash`, with a preimage that hashes to it.
/// Payments that are not complete pass (there is nothing to prove yet).
pub fn check_proof(p: &Payment, payment_hash: &[u8; 32]) -> Result<(), ProofError> {
    if p.payment_hash != *payment_hash {
        return Err(ProofError::OtherHash);
    }
    if p.status != PaymentStatus::Complete {
        return Ok(());
    }
    match &p.payment_preimage {
        None => Err(ProofError::NoPreimage),
        Some(pre) if !preimage_matches(pre, payment_hash) => Err(ProofError::WrongPreimage),
        Some(_) => Ok(()),
    }
}

/// `askrene-create-layer`: a layer for this payment's exclusions and fee updates.
pub fn askrene_create_layer(layer: &str) -> Request {
    let mut m = Vec::new();
    put(&mut m, "layer", Value::str(layer));
    Request { method: "askrene-create-layer", params: Value::Object(m) }
}

/// `askrene-create-channel`: a channel the node's gossip does not know (an invoice's route
/// hint), from `source` to `destination`; usable once `askrene-update-channel` enables it.
pub fn askrene_create_channel(
    layer: &str,
    source: &NodeId,
    destination: &NodeId,
    channel: ShortChannelId,
    capacity: Msat,
) -> Request {
    let mut m = Vec::new();
    put(&mut m, "layer", Value::str(layer));
    put(&mut m, "source", Value::String(source.to_hex()));
    put(&mut m, "destination", Value::String(destination.to_hex()));
    put(&mut m, "short_channel_id", Value::String(channel.to_string_form()));
    put(&mut m, "capacity_msat", msat(capacity));
    Request { method: "askrene-create-channel", params: Value::Object(m) }
}

/// `askrene-reserve` (`reserve`) or `askrene-unreserve`: the amounts a part in flight holds
/// on each channel direction of its route from `source`, so routes found meanwhile leave them
/// to it (as `xpay` does).
pub fn askrene_reservation(reserve: bool, source: &NodeId, route: &crate::route::Route) -> Request {
    let mut from = *source;
    let path = route
        .hops
        .iter()
        .map(|h| {
            let dir = h.direction.unwrap_or_else(|| crate::ids::direction(&from, &h.node_id));
            from = h.node_id;
            let mut m = Vec::with_capacity(2);
            put(&mut m, "short_channel_id_dir", Value::String(format!("{}/{dir}", h.channel.to_string_form())));
            put(&mut m, "amount_msat", msat(h.amount));
            Value::Object(m)
        })
        .collect();
    let mut m = Vec::new();
    put(&mut m, "path", Value::Array(path));
    Request { method: if reserve { "askrene-reserve" } else { "askrene-unreserve" }, params: Value::Object(m) }
}

/// What a layer says about one channel direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelChange {
    /// Never route through it.
    Disable,
    /// Enable it with this policy (a route hint's channel, created in the layer).
    Hint {
        /// Base fee.
        fee_base_msat: u32,
        /// Proportional fee.
        fee_proportional_millionths: u32,
        /// CLTV delta.
        cltv_expiry_delta: u16,
    },
    /// Its fees and delta as a verified `channel_update` gave them; with a largest HTLC when
    /// the failure showed it cannot carry what was sent (temporary_channel_failure).
    Policy {
        /// Base fee.
        fee_base_msat: u32,
        /// Proportional fee.
        fee_proportional_millionths: u32,
        /// CLTV delta.
        cltv_expiry_delta: u16,
        /// The most it can carry now (one msat below what it refused), if that is known.
        htlc_maximum_msat: Option<Msat>,
    },
}

/// `askrene-update-channel`: disable a channel direction in a layer, or set its policy.
pub fn askrene_update_channel(layer: &str, channel: ShortChannelId, direction: u8, change: ChannelChange) -> Request {
    let mut m = Vec::new();
    put(&mut m, "layer", Value::str(layer));
    put(&mut m, "short_channel_id_dir", Value::String(format!("{}/{direction}", channel.to_string_form())));
    match change {
        ChannelChange::Disable => put(&mut m, "enabled", Value::Bool(false)),
        ChannelChange::Policy { fee_base_msat, fee_proportional_millionths, cltv_expiry_delta, .. }
        | ChannelChange::Hint { fee_base_msat, fee_proportional_millionths, cltv_expiry_delta } => {
            if matches!(change, ChannelChange::Hint { .. }) {
                put(&mut m, "enabled", Value::Bool(true));
            }
            if let ChannelChange::Policy { htlc_maximum_msat: Some(max), .. } = change {
                put(&mut m, "htlc_maximum_msat", msat(max));
            }
            put(&mut m, "fee_base_msat", msat(Msat(u64::from(fee_base_msat))));
            put(&mut m, "fee_proportional_millionths", Value::u64(u64::from(fee_proportional_millionths)));
            put(&mut m, "cltv_expiry_delta", Value::u64(u64::from(cltv_expiry_delta)));
        }
    }
    Request { method: "askrene-update-channel", params: Value::Object(m) }
}

/// A payment's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// In flight.
    Pending,
    /// Paid.
    Complete,
    /// Failed.
    Failed,
}

/// A payment object as `sendpay`, `sendonion`, `waitsendpay` and `listsendpays` return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// `created_index` (or `id`).
    pub created_index: u64,
    /// The payment hash.
    pub payment_hash: [u8; 32],
    /// The group id (often past 2^53).
    pub groupid: u64,
    /// The part id (0 when absent).
    pub partid: u64,
    /// The destination, when known.
    pub destination: Option<NodeId>,
    /// What this part delivers to the destination, when known.
    pub amount_msat: Option<Msat>,
    /// What this part sent into the first channel, fees included.
    pub amount_sent_msat: Msat,
    /// When it was created (unix seconds).
    pub created_at: u64,
    /// When it completed or failed.
    pub completed_at: Option<u64>,
    /// Its status.
    pub status: PaymentStatus,
    /// The preimage, once complete.
    pub payment_preimage: Option<[u8; 32]>,
    /// The label.
    pub label: Option<String>,
    /// The invoice.
    pub bolt11: Option<String>,
    /// The failure reply, for a failed `sendonion` without secrets.
    pub erroronion: Option<Vec<u8>>,
}

fn field<'a>(v: &'a Value, path: &str, k: &str) -> Result<&'a Value, AnswerError> {
    v.get(k).ok_or_else(|| AnswerError::at(&format!("{path}{k}"), "present"))
}

fn opt_u64(v: &Value, path: &str, k: &str) -> Result<Option<u64>, AnswerError> {
    match v.get(k) {
        None => Ok(None),
        Some(x) => {
            x.as_u64().map(Some).ok_or_else(|| AnswerError::at(&format!("{path}{k}"), "an integer from 0 to 2^64-1"))
        }
    }
}

/// An msat value: a JSON integer, or `"<n>msat"` (nodes before v23.05).
fn opt_msat(v: &Value, path: &str, k: &str) -> Result<Option<Msat>, AnswerError> {
    let parsed = match v.get(k) {
        None => return Ok(None),
        Some(Value::Number(n)) => json::parse_u64_digits(n),
        Some(Value::String(s)) => s.strip_suffix("msat").and_then(json::parse_u64_digits),
        Some(_) => None,
    };
    parsed.map(|x| Some(Msat(x))).ok_or_else(|| AnswerError::at(&format!("{path}{k}"), "an msat amount"))
}

fn opt_str<'a>(v: &'a Value, path: &str, k: &str) -> Result<Option<&'a str>, AnswerError> {
    match v.get(k) {
        None => Ok(None),
        Some(x) => x.as_str().map(Some).ok_or_else(|| AnswerError::at(&format!("{path}{k}"), "a string")),
    }
}

fn hash32(v: &Value, path: &str, k: &str) -> Result<Option<[u8; 32]>, AnswerError> {
    opt_str(v, path, k)?
        .map(|s| hex::decode_array::<32>(s).map_err(|_| AnswerError::at(&format!("{path}{k}"), "32 bytes of hex")))
        .transpose()
}

/// Read a payment object (`path` prefixes field names in errors).
pub fn payment(v: &Value, path: &str) -> Result<Payment, AnswerError> {
    if v.as_object().is_none() {
        return Err(AnswerError::at(if path.is_empty() { "(answer)" } else { path }, "a payment object"));
    }
    let created_index = match opt_u64(v, path, "created_index")? {
        Some(i) => i,
        None => opt_u64(v, path, "id")?.ok_or_else(|| AnswerError::at(&format!("{path}created_index"), "present"))?,
    };
    let payment_hash =
        hash32(v, path, "payment_hash")?.ok_or_else(|| AnswerError::at(&format!("{path}payment_hash"), "present"))?;
    let status = match field(v, path, "status")?.as_str() {
        Some("pending") => PaymentStatus::Pending,
        Some("complete") => PaymentStatus::Complete,
        Some("failed") => PaymentStatus::Failed,
        _ => return Err(AnswerError::at(&format!("{path}status"), "\"pending\", \"complete\" or \"failed\"")),
    };
    let destination = opt_str(v, path, "destination")?
        .map(|s| NodeId::from_hex(s).map_err(|_| AnswerError::at(&format!("{path}destination"), "a node id")))
        .transpose()?;
    let erroronion = opt_str(v, path, "erroronion")?
        .map(|s| hex::decode(s).map_err(|_| AnswerError::at(&format!("{path}erroronion"), "hex")))
        .transpose()?;
    Ok(Payment {
        created_index,
        payment_hash,
        groupid: opt_u64(v, path, "groupid")?.unwrap_or(0),
        partid: opt_u64(v, path, "partid")?.unwrap_or(0),
        destination,
        amount_msat: opt_msat(v, path, "amount_msat")?,
        amount_sent_msat: opt_msat(v, path, "amount_sent_msat")?
            .ok_or_else(|| AnswerError::at(&format!("{path}amount_sent_msat"), "present"))?,
        created_at: opt_u64(v, path, "created_at")?
            .ok_or_else(|| AnswerError::at(&format!("{path}created_at"), "present"))?,
        completed_at: opt_u64(v, path, "completed_at")?,
        status,
        payment_preimage: hash32(v, path, "payment_preimage")?,
        label: opt_str(v, path, "label")?.map(String::from),
        bolt11: opt_str(v, path, "bolt11")?.map(String::from),
        erroronion,
    })
}

/// Read `listsendpays`' answer.
pub fn payments(v: &Value) -> Result<Vec<Payment>, AnswerError> {
    let arr = field(v, "", "payments")?.as_array().ok_or_else(|| AnswerError::at("payments", "an array"))?;
    arr.iter().enumerate().map(|(i, p)| payment(p, &format!("payments[{i}]."))).collect()
}

/// What `getinfo` says of the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// Our node id.
    pub id: NodeId,
    /// The block height.
    pub blockheight: u32,
    /// `bitcoin`, `testnet`, `testnet4`, `signet`, `regtest`… (absent on some nodes).
    pub network: Option<String>,
    /// Its alias and colour (hex), as it announces them.
    pub alias: Option<String>,
    /// Its colour.
    pub color: Option<String>,
}

/// Read `getinfo`'s answer.
pub fn getinfo_answer(v: &Value) -> Result<NodeInfo, AnswerError> {
    let id = opt_str(v, "", "id")?
        .and_then(|s| NodeId::from_hex(s).ok())
        .ok_or_else(|| AnswerError::at("id", "a node id"))?;
    let blockheight = opt_u64(v, "", "blockheight")?
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| AnswerError::at("blockheight", "a block height"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    Ok(NodeInfo { id, blockheight, network: text("network"), alias: text("alias"), color: text("color") })
}

/// Read `getroute`'s or `getroutes`' answer into routes (`getroutes`: every route, with its
/// `probability_ppm`).
pub fn routes_answer(v: &Value) -> Result<Vec<(Option<u64>, Route)>, AnswerError> {
    let bad = |e: crate::route::RouteError| AnswerError { field: format!("{e}"), expected: "a route" };
    if let Some(routes) = v.get("routes") {
        let arr = routes.as_array().ok_or_else(|| AnswerError::at("routes", "an array"))?;
        return arr
            .iter()
            .map(|r| Ok((r.get("probability_ppm").and_then(Value::as_u64), Route::from_json(r).map_err(bad)?)))
            .collect();
    }
    Ok(alloc::vec![(None, Route::from_json(field(v, "", "route")?).map_err(bad)?)])
}

/// Read a node's answer text exactly. An HTML error page or any other non-JSON text is a
/// [`BAD_ANSWER`].
pub fn parse_answer(text: &str) -> Result<Value, AnswerError> {
    json::parse(text).map_err(|_| {
        let t = text.trim_start();
        AnswerError::at("(text)", if t.starts_with('<') { "JSON, not an HTML page" } else { "JSON" })
    })
}

/// What a node's JSON-RPC error means here.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum NodeError {
    /// A routing failure (202, 203, 204), decoded here when the secrets are known.
    Routing(RoutingFailure),
    /// Any other error: its code, message and data, as sent.
    Rpc {
        /// Core Lightning's code (201 already paid, 200 in progress, 208 no such payment…).
        code: i64,
        /// The message.
        message: String,
        /// The data (`Null` when absent).
        data: Value,
    },
}

/// Read a node's error object `{code, message, data?}`; with the attempt's route and
/// shared secrets, a routing failure is normalised (and a 202 `onionreply` decoded).
pub fn node_error(
    v: &Value,
    route: Option<&Route>,
    secrets: Option<&[SharedSecret]>,
) -> Result<NodeError, AnswerError> {
    let code = match field(v, "", "code")? {
        Value::Number(n) => {
            let (neg, digits) = n.strip_prefix('-').map_or((false, n.as_str()), |d| (true, d));
            let m = json::parse_u64_digits(digits)
                .and_then(|m| i64::try_from(m).ok())
                .ok_or_else(|| AnswerError::at("code", "an integer"))?;
            if neg { -m } else { m }
        }
        _ => return Err(AnswerError::at("code", "an integer")),
    };
    let message = field(v, "", "message")?.as_str().ok_or_else(|| AnswerError::at("message", "a string"))?;
    let data = v.get("data").cloned().unwrap_or(Value::Null);
    let data_ref = if data == Value::Null { None } else { Some(&data) };
    Ok(match RoutingFailure::from_rpc_error(code, message, data_ref, route, secrets) {
        Some(f) => NodeError::Routing(f),
        None => NodeError::Rpc { code, message: String::from(message), data },
    })
}

/// `invoice`: an invoice **at our node** (what WebLN's `makeInvoice` asks for): `amount`
/// `None` is Core Lightning's `"any"`; `label` must be unique at the node.
pub fn invoice(amount: Option<Msat>, label: &str, description: &str, expiry: Option<u64>) -> Request {
    let mut m = Vec::new();
    put(&mut m, "amount_msat", amount.map_or(Value::str("any"), msat));
    put(&mut m, "label", Value::String(String::from(label)));
    put(&mut m, "description", Value::String(String::from(description)));
    if let Some(x) = expiry {
        put(&mut m, "expiry", Value::u64(x));
    }
    Request { method: "invoice", params: Value::Object(m) }
}

/// An invoice the node made, checked: its `bolt11` decodes and verifies, and says the
/// `payment_hash` and `payment_secret` the answer gives.
#[derive(Debug, Clone)]
pub struct MadeInvoice {
    /// The invoice text.
    pub bolt11: String,
    /// Its decoding.
    pub decoded: crate::bolt11::Invoice,
    /// `expires_at`.
    pub expires_at: Option<u64>,
}

/// Read `invoice`'s answer.
pub fn invoice_answer(v: &Value) -> Result<MadeInvoice, AnswerError> {
    let text = opt_str(v, "", "bolt11")?.ok_or_else(|| AnswerError::at("bolt11", "a BOLT 11 invoice"))?;
    let decoded =
        crate::bolt11::decode(text).map_err(|_| AnswerError::at("bolt11", "a BOLT 11 invoice that verifies"))?;
    if hash32(v, "", "payment_hash")? != Some(decoded.payment_hash) {
        return Err(AnswerError::at("payment_hash", "the invoice's payment hash"));
    }
    if hash32(v, "", "payment_secret")?.is_some_and(|s| s != decoded.payment_secret) {
        return Err(AnswerError::at("payment_secret", "the invoice's payment secret"));
    }
    Ok(MadeInvoice { bolt11: String::from(text), decoded, expires_at: opt_u64(v, "", "expires_at")? })
}

/// `signmessage`: our node signs `message` (Core Lightning's zbase32 form, as lnd's).
pub fn signmessage(message: &str) -> Request {
    Request { method: "signmessage", params: json::object([("message", Value::String(String::from(message)))]) }
}

/// `checkmessage`: whether `zbase` signs `message` (by `pubkey`, when given).
pub fn checkmessage(message: &str, zbase: &str, pubkey: Option<&NodeId>) -> Request {
    let mut m = Vec::new();
    put(&mut m, "message", Value::String(String::from(message)));
    put(&mut m, "zbase", Value::String(String::from(zbase)));
    if let Some(k) = pubkey {
        put(&mut m, "pubkey", Value::String(k.to_hex()));
    }
    Request { method: "checkmessage", params: Value::Object(m) }
}

/// zbase32's alphabet (Core Lightning's and lnd's signed messages).
const ZBASE32: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

/// Read `signmessage`'s answer: the `zbase` signature (65 bytes: recovery byte, r, s).
pub fn signmessage_answer(v: &Value) -> Result<String, AnswerError> {
    let z = opt_str(v, "", "zbase")?.ok_or_else(|| AnswerError::at("zbase", "a zbase32 signature"))?;
    // 65 bytes are 104 characters.
    if z.len() != 104 || !z.bytes().all(|c| ZBASE32.contains(&c)) {
        return Err(AnswerError::at("zbase", "a zbase32 signature of 65 bytes"));
    }
    Ok(String::from(z))
}

/// Read `checkmessage`'s answer: `(pubkey, verified)`.
pub fn checkmessage_answer(v: &Value) -> Result<(NodeId, bool), AnswerError> {
    let key = opt_str(v, "", "pubkey")?
        .and_then(|s| NodeId::from_hex(s).ok())
        .ok_or_else(|| AnswerError::at("pubkey", "a public key"))?;
    let verified = match v.get("verified") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(AnswerError::at("verified", "true or false")),
    };
    Ok((key, verified))
}

/// `fetchinvoice`: the node requests an invoice for `offer` (over onion messages).
pub fn fetchinvoice(
    offer: &str,
    amount: Option<Msat>,
    quantity: Option<u64>,
    payer_note: Option<&str>,
    timeout: Option<u64>,
) -> Request {
    let mut m = Vec::new();
    put(&mut m, "offer", Value::String(String::from(offer)));
    if let Some(a) = amount {
        put(&mut m, "amount_msat", msat(a));
    }
    if let Some(q) = quantity {
        put(&mut m, "quantity", Value::u64(q));
    }
    if let Some(n) = payer_note {
        put(&mut m, "payer_note", Value::String(String::from(n)));
    }
    if let Some(t) = timeout {
        put(&mut m, "timeout", Value::u64(t));
    }
    Request { method: "fetchinvoice", params: Value::Object(m) }
}

/// Read `fetchinvoice`'s answer: the invoice's text (checked by the caller against the offer).
pub fn fetchinvoice_answer(v: &Value) -> Result<String, AnswerError> {
    opt_str(v, "", "invoice")?.map(String::from).ok_or_else(|| AnswerError::at("invoice", "a BOLT 12 invoice"))
}
