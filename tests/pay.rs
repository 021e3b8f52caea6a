//! Pay with retries against a scripted node that really peels the onions with the hops' keys
//! and answers failures with real, hop-by-hop wrapped replies.

use std::collections::HashMap;

use ln_sendpay::amount::Msat;
use ln_sendpay::failure::{self, ErringChannel, UnsignedChannelUpdate};
use ln_sendpay::hex;
use ln_sendpay::ids::{NodeId, ShortChannelId, direction};
use ln_sendpay::json::{self, Value};
use ln_sendpay::payload;
use ln_sendpay::payment::{Lane, PayConfig, PayError, Payer, Reply, Router, Stage, Step};
use ln_sendpay::route::{Hop, Route};
use ln_sendpay::rpc::Request;
use ln_sendpay::sphinx::{self, SecretKey};

const HEIGHT: u32 = 900_000;

/// us → A → B → C (3x1x0 from B to C fails), or us → A → D → C.
struct FakeNode {
    keys: HashMap<NodeId, SecretKey>,
    us: NodeId,
    names: HashMap<&'static str, NodeId>,
    preimage: [u8; 32],
    secret: [u8; 32],
    disabled: Vec<String>,
    failing: &'static str,
    failure: Vec<u8>,
    lose_next_send: bool,
    fail_at_destination: bool,
    payments: Vec<(String, Value)>, // (status, payment object)
    last_reply: Option<Value>,
    log: Vec<String>,
    getroutes_known: bool,
    /// The group id of the last `sendonion` (what the node records).
    groupid: u64,
    /// A lying node: the preimage it claims for a complete payment.
    claimed_preimage: Option<[u8; 32]>,
    /// A lying node: the route `getroutes` answers.
    proposed: Option<Route>,
    /// `getinfo.version`.
    version: Option<&'static str>,
    /// Refuses `auto.no_mpp_support` (deprecated APIs off) or, for an old node, `maxparts`.
    refuses: Option<&'static str>,
    /// MPP: the routes (paths of (node, channel) and what each delivers) the first
    /// `getroutes` answers; later ones answer one route for what is asked, around what
    /// the layer disabled.
    split: Option<Vec<(Path, u64)>>,
    /// MPP: the parts the node has seen, and whether the payee times out the first full set.
    parts: Vec<FakePart>,
    mpp_timeout_once: bool,
    /// askrene-reserve / -unreserve, as sent ("+" or "-", then the path's channels).
    reservations: Vec<String>,
    /// A keysend payee: what its final payload's custom records must be (the preimage comes
    /// from the payload, no payment secret).
    keysend: Option<Vec<ln_sendpay::wire::Record>>,
}

/// A path: (node, channel into it) from us.
type Path = Vec<(&'static str, &'static str)>;

/// A part as the fake node keeps it.
struct FakePart {
    partid: u64,
    groupid: u64,
    amount: u64,
    total: u64,
    /// "held" at the payee, "complete" or "failed".
    status: &'static str,
    /// Its failure (202 + onionreply), once failed.
    error: Option<Value>,
    /// The hops' shared secrets, for the payee's own failure reply (mpp_timeout).
    secrets: Vec<sphinx::SharedSecret>,
}

/// A 202 as `sendonion`'s waitsendpay gives it, around a failure reply.
fn onionreply(reply: &[u8]) -> Value {
    json::parse(&format!(
        r#"{{"code":202,"message":"Malformed error reply","data":{{"onionreply":"{}"}}}}"#,
        hex::encode(reply)
    ))
    .unwrap()
}

fn key(b: u8) -> SecretKey {
    SecretKey::from_bytes(&[b; 32]).unwrap()
}

impl FakeNode {
    fn new() -> FakeNode {
        let mut keys = HashMap::new();
        let mut names = HashMap::new();
        for (name, b) in [("us", 1u8), ("A", 2), ("B", 3), ("C", 4), ("D", 5)] {
            let k = key(b);
            names.insert(name, k.public_key());
            keys.insert(k.public_key(), k);
        }
        FakeNode {
            us: names["us"],
            keys,
            names,
            preimage: [7; 32],
            secret: [9; 32],
            disabled: vec![],
            failing: "3x1x0",
            failure: vec![0x10, 0x07, 0, 0],
            lose_next_send: false,
            fail_at_destination: false,
            payments: vec![],
            last_reply: None,
            log: vec![],
            getroutes_known: true,
            groupid: 1,
            claimed_preimage: None,
            proposed: None,
            version: None,
            refuses: None,
            split: None,
            parts: vec![],
            mpp_timeout_once: false,
            reservations: vec![],
            keysend: None,
        }
    }

    /// The channels: scid → its two ends.
    fn ends(scid: &str) -> (&'static str, &'static str) {
        match scid {
            "1x1x0" => ("us", "A"),
            "2x1x0" => ("A", "B"),
            "3x1x0" => ("B", "C"),
            "4x1x0" => ("A", "D"),
            "5x1x0" => ("D", "C"),
            other => panic!("no channel {other}"),
        }
    }

    /// A route over `path` delivering `amount` (10 msat and 40 blocks a hop).
    fn path_route(&self, path: &[(&str, &str)], amount: u64) -> Route {
        let n = path.len();
        Route::from_hops(
            path.iter()
                .enumerate()
                .map(|(i, (node, ch))| Hop {
                    node_id: self.names[node],
                    channel: ShortChannelId::parse(ch).unwrap(),
                    direction: None,
                    amount: Msat(amount + 10 * (n - 1 - i) as u64),
                    delay: 18 + 40 * (n - 1 - i) as u32,
                })
                .collect(),
        )
    }

    fn name_of(&self, id: &NodeId) -> &'static str {
        self.names.iter().find(|(_, v)| *v == id).map(|(k, _)| *k).unwrap()
    }

    /// A part's HTLC from `first`, following the onion: every hop peels its layer and forwards
    /// over the channel its payload names; the failing channel's sender fails. At the payee:
    /// what it delivers and the total it says, with the hops' secrets.
    fn deliver_part(&self, first: NodeId, onion: &[u8]) -> Result<(u64, u64, Vec<sphinx::SharedSecret>), Vec<u8>> {
        let hash = self.hash();
        let mut packet = onion.to_vec();
        let mut secrets = vec![];
        let mut at = first;
        for i in 0..20 {
            let p = sphinx::peel_onion(&self.keys[&at], &packet, &hash).expect("every hop can peel its layer");
            secrets.push(p.shared_secret.clone());
            let fields = payload::decode_payload(&p.payload).unwrap();
            match &p.next {
                Some(next) => {
                    let out = fields.short_channel_id.unwrap().to_string_form();
                    if out == self.failing {
                        return Err(failure::reply_from_hop(&secrets, i, &self.failure).unwrap());
                    }
                    let (a, b) = FakeNode::ends(&out);
                    let here = self.name_of(&at);
                    at = self.names[if a == here { b } else { a }];
                    packet = next.as_bytes().to_vec();
                }
                None => {
                    if self.fail_at_destination {
                        let mut msg = vec![0x40, 0x0f];
                        msg.extend_from_slice(&fields.amt_to_forward.unwrap().0.to_be_bytes());
                        msg.extend_from_slice(&HEIGHT.to_be_bytes());
                        return Err(failure::reply_from_hop(&secrets, i, &msg).unwrap());
                    }
                    let (secret, total) = fields.payment_data.expect("a part carries payment_data");
                    assert_eq!(secret, self.secret, "payment secret at the destination");
                    return Ok((fields.amt_to_forward.unwrap().0, total.0, secrets));
                }
            }
        }
        panic!("an onion of more than 20 hops");
    }

    fn part_payment(&self, p: &FakePart) -> Value {
        let status = if p.status == "held" { "pending" } else { p.status };
        let mut m = vec![
            (ln_sendpay::json::Key::Borrowed("created_index"), Value::u64(p.partid)),
            ("payment_hash".into(), Value::String(hex::encode(&self.hash()))),
            ("groupid".into(), Value::u64(p.groupid)),
            ("partid".into(), Value::u64(p.partid)),
            ("amount_msat".into(), Value::u64(p.amount)),
            ("amount_sent_msat".into(), Value::u64(p.amount + 20)),
            ("created_at".into(), Value::u64(1)),
            ("status".into(), Value::str(status)),
        ];
        if status == "complete" {
            m.push(("payment_preimage".into(), Value::String(hex::encode(&self.preimage))));
        }
        Value::Object(m)
    }

    /// The payee gives up on every part it holds (WIRE_MPP_TIMEOUT, from the payee).
    fn time_out_held(&mut self) {
        for p in self.parts.iter_mut().filter(|p| p.status == "held") {
            let reply = failure::reply_from_hop(&p.secrets, p.secrets.len() - 1, &[0x00, 0x17]).unwrap();
            p.status = "failed";
            p.error = Some(onionreply(&reply));
        }
    }
    fn hash(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.preimage).into()
    }
    fn route(&self) -> Route {
        let via_b = !self.disabled.iter().any(|d| d.starts_with(self.failing));
        self.path_route(if via_b { VIA_B } else { VIA_D }, 100_000)
    }

    fn payment(&self, status: &str) -> Value {
        let mut m = vec![
            (ln_sendpay::json::Key::Borrowed("created_index"), Value::u64(self.payments.len() as u64 + 1)),
            ("payment_hash".into(), Value::String(hex::encode(&self.hash()))),
            ("groupid".into(), Value::u64(self.groupid)),
            ("amount_sent_msat".into(), Value::u64(100_020)),
            ("created_at".into(), Value::u64(1)),
            ("status".into(), Value::str(status)),
        ];
        if status == "complete" {
            let pre = self.claimed_preimage.unwrap_or(self.preimage);
            m.push(("payment_preimage".into(), Value::String(hex::encode(&pre))));
        }
        Value::Object(m)
    }

    /// The HTLC's journey: every hop peels its layer; the failing channel's sender fails.
    fn deliver(&mut self, onion: &[u8]) -> Result<(), Vec<u8>> {
        let hash = self.hash();
        let mut packet = onion.to_vec();
        let mut secrets = vec![];
        let route = self.proposed.clone().unwrap_or_else(|| self.route());
        for (i, hop) in route.hops.iter().enumerate() {
            let p = sphinx::peel_onion(&self.keys[&hop.node_id], &packet, &hash).expect("every hop can peel its layer");
            secrets.push(p.shared_secret.clone());
            let fields = payload::decode_payload(&p.payload).unwrap();
            match &p.next {
                Some(next) => {
                    let out = fields.short_channel_id.unwrap();
                    if out.to_string_form() == self.failing {
                        let reply = failure::reply_from_hop(&secrets, i, &self.failure).unwrap();
                        return Err(reply);
                    }
                    packet = next.as_bytes().to_vec();
                }
                None => {
                    if self.fail_at_destination {
                        // incorrect_or_unknown_payment_details: htlc_msat, height.
                        let mut msg = vec![0x40, 0x0f];
                        msg.extend_from_slice(&hop.amount.0.to_be_bytes());
                        msg.extend_from_slice(&HEIGHT.to_be_bytes());
                        return Err(failure::reply_from_hop(&secrets, i, &msg).unwrap());
                    }
                    if let Some(records) = &self.keysend {
                        // A keysend: no payment secret; the preimage is the payload's, and it
                        // hashes to the HTLC's payment hash.
                        assert_eq!(fields.payment_data, None);
                        let pre = fields.keysend_preimage.expect("keysend's preimage in the final payload");
                        assert_eq!(pre, self.preimage);
                        assert_eq!(&fields.unknown, records);
                    } else {
                        assert_eq!(fields.payment_data.unwrap().0, self.secret, "payment secret at the destination");
                    }
                    assert_eq!(fields.amt_to_forward, Some(hop.amount));
                    assert_eq!(fields.outgoing_cltv_value, Some(HEIGHT + 1 + hop.delay));
                }
            }
        }
        Ok(())
    }

    /// Whether the node can answer `r` now: a part held at the payee waits for the others
    /// while anything else is in flight; when only such waits are left, the payee times out.
    fn ready(&mut self, r: &Request, only_held_waits: bool) -> bool {
        let held = r.method == "waitsendpay"
            && self
                .parts
                .iter()
                .any(|p| p.status == "held" && Some(p.partid) == r.params.get("partid").and_then(Value::as_u64));
        if held && only_held_waits {
            self.time_out_held();
            return true;
        }
        !held
    }

    /// `ready` without side effects: whether `r` can be answered without timing anything out.
    fn ready_probe(&self, r: &Request) -> bool {
        !(r.method == "waitsendpay"
            && self
                .parts
                .iter()
                .any(|p| p.status == "held" && Some(p.partid) == r.params.get("partid").and_then(Value::as_u64)))
    }

    fn handle(&mut self, r: &Request) -> Result<Result<Value, Value>, ()> {
        self.log.push(r.method.to_string());
        let p = &r.params;
        Ok(match r.method {
            "getinfo" => {
                let mut info = vec![
                    (ln_sendpay::json::Key::Borrowed("id"), Value::String(self.us.to_hex())),
                    ("blockheight".into(), Value::u64(u64::from(HEIGHT))),
                ];
                if let Some(v) = self.version {
                    info.push(("version".into(), Value::str(v)));
                }
                info.push(("network".into(), Value::str("regtest")));
                Ok(Value::Object(info))
            }
            "getroutes" if self.refuses == Some("auto.no_mpp_support") && p.to_json().contains("no_mpp_support") => {
                Err(json::parse(
                    r#"{"code":-32602,"message":"layers: unknown layer: invalid token '\"auto.no_mpp_support\"'"}"#,
                )
                .unwrap())
            }
            "getroutes" if self.refuses == Some("maxparts") && p.get("maxparts").is_some() => {
                Err(json::parse(r#"{"code":-32602,"message":"unknown parameter: maxparts"}"#).unwrap())
            }
            // (It answers its split whatever maxparts above 1 says: a node ignoring it.)
            "getroutes" if self.split.is_some() && p.get("maxparts").and_then(Value::as_u64).is_none_or(|m| m > 1) => {
                let first = self.log.iter().filter(|m| *m == "getroutes").count() == 1;
                let amount = p
                    .get("amount_msat")
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.strip_suffix("msat"))
                    .unwrap()
                    .parse::<u64>()
                    .unwrap();
                let routes: Vec<Route> = if first {
                    self.split.clone().unwrap().iter().map(|(path, a)| self.path_route(path, *a)).collect()
                } else {
                    // What is asked, around what the layer disabled.
                    let via_b = !self.disabled.iter().any(|d| d.starts_with("3x1x0"));
                    let path: &[(&str, &str)] = if via_b {
                        &[("A", "1x1x0"), ("B", "2x1x0"), ("C", "3x1x0")]
                    } else {
                        &[("A", "1x1x0"), ("D", "4x1x0"), ("C", "5x1x0")]
                    };
                    vec![self.path_route(path, amount)]
                };
                Ok(json::object([(
                    "routes",
                    Value::Array(
                        routes
                            .iter()
                            .map(|r| json::object([("probability_ppm", Value::u64(900_000)), ("path", r.to_json())]))
                            .collect(),
                    ),
                )]))
            }
            "askrene-reserve" | "askrene-unreserve" => {
                let chans: Vec<String> = p
                    .get("path")
                    .and_then(Value::as_array)
                    .unwrap()
                    .iter()
                    .map(|h| h.get("short_channel_id_dir").and_then(Value::as_str).unwrap().to_string())
                    .collect();
                let sign = if r.method == "askrene-reserve" { "+" } else { "-" };
                self.reservations.push(format!("{sign}{}", chans.join(",")));
                Ok(json::object([]))
            }
            "sendonion" if p.get("partid").and_then(Value::as_u64).is_some_and(|x| x != 0) => {
                let partid = p.get("partid").and_then(Value::as_u64).unwrap();
                let groupid = p.get("groupid").and_then(Value::as_u64).expect("an explicit groupid");
                let total = p.get("total_amount_msat").and_then(Value::as_str).expect("the total on every part");
                let first = NodeId::from_hex(p.get("first_hop").unwrap().get("id").unwrap().as_str().unwrap()).unwrap();
                let onion = hex::decode(p.get("onion").unwrap().as_str().unwrap()).unwrap();
                let part = match self.deliver_part(first, &onion) {
                    Err(reply) => FakePart {
                        partid,
                        groupid,
                        amount: 0,
                        total: 0,
                        status: "failed",
                        error: Some(onionreply(&reply)),
                        secrets: vec![],
                    },
                    Ok((amount, onion_total, secrets)) => {
                        assert_eq!(
                            format!("{onion_total}msat"),
                            total,
                            "the onion's total_msat is sendonion's total_amount_msat"
                        );
                        FakePart { partid, groupid, amount, total: onion_total, status: "held", error: None, secrets }
                    }
                };
                let answer = self.part_payment(&part);
                self.parts.push(part);
                // A full set settles (or, once, times out).
                let held: u64 = self.parts.iter().filter(|p| p.status == "held").map(|p| p.amount).sum();
                if let Some(t) = self.parts.iter().find(|p| p.status == "held").map(|p| p.total)
                    && held >= t
                {
                    if self.mpp_timeout_once {
                        self.mpp_timeout_once = false;
                        self.time_out_held();
                    } else {
                        for p in self.parts.iter_mut().filter(|p| p.status == "held") {
                            p.status = "complete";
                        }
                    }
                }
                Ok(answer)
            }
            "waitsendpay" if p.get("partid").is_some() => {
                let partid = p.get("partid").and_then(Value::as_u64).unwrap();
                let part = self.parts.iter().rev().find(|x| x.partid == partid).expect("a part sent");
                match &part.error {
                    Some(e) => Err(e.clone()),
                    None => Ok(self.part_payment(part)),
                }
            }
            "getroutes" if self.proposed.is_some() => Ok(json::object([(
                "routes",
                Value::Array(vec![json::object([("path", self.proposed.clone().unwrap().to_json())])]),
            )])),
            "getroutes" if !self.getroutes_known => {
                Err(json::parse(r#"{"code":-32601,"message":"Unknown command 'getroutes'"}"#).unwrap())
            }
            "getroutes" => Ok(json::object([(
                "routes",
                Value::Array(vec![json::object([
                    ("probability_ppm", Value::u64(900_000)),
                    ("path", self.route().to_json()),
                ])]),
            )])),
            "getroute" => {
                if let Some(ex) = p.get("exclude").and_then(Value::as_array) {
                    self.disabled.extend(ex.iter().map(|e| e.as_str().unwrap().to_string()));
                }
                Ok(json::object([("route", self.route().to_json())]))
            }
            "askrene-create-layer" => Ok(json::object([])),
            "askrene-update-channel" => {
                let scid = p.get("short_channel_id_dir").unwrap().as_str().unwrap().to_string();
                if p.get("enabled") == Some(&Value::Bool(false)) {
                    self.disabled.push(scid);
                } else {
                    // A fee update: this fake then routes around the channel too.
                    self.disabled.push(scid);
                }
                Ok(json::object([]))
            }
            "sendonion" => {
                assert!(p.get("shared_secrets").is_none());
                self.groupid = p.get("groupid").and_then(Value::as_u64).expect("an explicit groupid");
                let onion = hex::decode(p.get("onion").unwrap().as_str().unwrap()).unwrap();
                let outcome = self.deliver(&onion);
                let status = if outcome.is_ok() { "complete" } else { "failed" };
                self.payments.push((status.to_string(), self.payment(status)));
                self.last_reply = outcome.err().map(|reply| {
                    json::parse(&format!(
                        r#"{{"code":202,"message":"Malformed error reply","data":{{"onionreply":"{}"}}}}"#,
                        hex::encode(&reply)
                    ))
                    .unwrap()
                });
                if self.lose_next_send {
                    self.lose_next_send = false;
                    return Err(());
                }
                Ok(self.payment("pending"))
            }
            "waitsendpay" => match &self.last_reply {
                Some(e) => Err(e.clone()),
                None => Ok(self.payments.last().unwrap().1.clone()),
            },
            "listsendpays" => {
                let mut p = self.payments.last().unwrap().1.clone();
                if let Value::Object(m) = &mut p {
                    // As the node saw it while the HTLC was in flight.
                    for (k, v) in m.iter_mut() {
                        if k == "status" {
                            *v = Value::str("pending");
                        }
                    }
                    m.retain(|(k, _)| k != "payment_preimage");
                }
                Ok(json::object([("payments", Value::Array(vec![p]))]))
            }
            other => panic!("unexpected {other}"),
        })
    }
}

fn config(node: &FakeNode, router: Router, max_attempts: u32) -> PayConfig {
    PayConfig {
        destination: node.names["C"],
        amount: Msat(100_000),
        payment_hash: node.hash(),
        payment_secret: Some(node.secret),
        payment_metadata: None,
        final_cltv: 18,
        max_attempts,
        maxfee: Msat(5_000),
        router,
        max_parts: None,
        label: None,
        block_height: None,
        route_hints: Vec::new(),
        network: None,
        custom_records: Vec::new(),
        keysend: None,
        blinded: Vec::new(),
        blinded_mpp: false,
        max_delay: 2016,
        wait_timeout: 60,
    }
}

fn pay(
    node: &mut FakeNode,
    router: Router,
    max_attempts: u32,
) -> (ln_sendpay::payment::PayOutcome, Vec<Stage>, Vec<Request>) {
    let cfg = config(node, router, max_attempts);
    run(node, Payer::new(cfg), |_| None)
}

/// Drive `payer` against `node`; `clock(step number)` is the time left the driver reports.
/// Requests go out as the payer asks (several may be in flight: the main lane's and one
/// waitsendpay per part); the node answers the oldest one it can answer now.
fn run(
    node: &mut FakeNode,
    mut payer: Payer,
    clock: impl Fn(u8) -> Option<u32>,
) -> (ln_sendpay::payment::PayOutcome, Vec<Stage>, Vec<Request>) {
    let mut stages = vec![];
    let mut requests = vec![];
    let mut out: std::collections::VecDeque<(Lane, Request)> = std::collections::VecDeque::new();
    let mut step = payer.step(None, &[0x41; 32]);
    let mut replies = 0u8; // the clock counts replies: 0 is getinfo's
    for i in 0..120u8 {
        let random = [0x41 ^ i; 32];
        match step {
            Step::Done(outcome) => return (*outcome, stages, requests),
            Step::Send { lane, stage, request } => {
                stages.push(stage);
                out.push_back((lane, request));
                step = payer.step(None, &random);
            }
            Step::Idle => {
                let only_held = out.iter().all(|(_, r)| !node.ready_probe(r));
                let k =
                    (0..out.len()).find(|&k| node.ready(&out[k].1, only_held)).expect("a request the node can answer");
                let (lane, request) = out.remove(k).unwrap();
                let answer = node.handle(&request);
                requests.push(request);
                payer.set_time_left(clock(replies));
                replies += 1;
                step = match &answer {
                    Ok(Ok(v)) => payer.step(Some((lane, Reply::Answer(v))), &random),
                    Ok(Err(e)) => payer.step(Some((lane, Reply::NodeError(e))), &random),
                    Err(()) => payer.step(Some((lane, Reply::TransportFailed)), &random),
                };
            }
        }
    }
    panic!("no end after 120 steps");
}

#[test]
fn a_failure_along_the_route_is_decoded_here_and_routed_around() {
    let mut node = FakeNode::new();
    let (out, stages, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    assert_eq!(
        node.log,
        [
            "getinfo",
            "getroutes",
            "sendonion",
            "waitsendpay",
            "askrene-create-layer",
            "askrene-update-channel",
            "getroutes",
            "sendonion",
            "waitsendpay"
        ]
    );
    assert_eq!(stages.first(), Some(&Stage::GetInfo));
    assert_eq!(out.attempts.len(), 2);
    let f = out.attempts[0].failure.as_ref().unwrap();
    assert_eq!((f.code, f.erring_index, f.failcodename), (204, Some(2), Some("WIRE_TEMPORARY_CHANNEL_FAILURE")));
    assert_eq!(f.erring_channel, Some(ErringChannel::Channel(ShortChannelId::parse("3x1x0").unwrap())));
    let dir = direction(&node.names["B"], &node.names["C"]);
    let upd = requests.iter().find(|r| r.method == "askrene-update-channel").unwrap();
    assert_eq!(upd.params.get("short_channel_id_dir").unwrap().as_str().unwrap(), format!("3x1x0/{dir}"));
    assert_eq!(upd.params.get("enabled"), Some(&Value::Bool(false)));
    let second = requests.iter().filter(|r| r.method == "getroutes").nth(1).unwrap();
    assert!(second.params.get("layers").unwrap().to_json().contains("ln-sendpay-"));
}

/// A failure message `code ‖ fields ‖ len ‖ channel_update`, the update for 3x1x0 (B → C)
/// signed by B with new fees (2000 msat + 300 ppm) and delta (80).
fn failure_with_update(node: &FakeNode, code: [u8; 2], fields: &[u8]) -> Vec<u8> {
    let upd = UnsignedChannelUpdate {
        short_channel_id: ShortChannelId::parse("3x1x0").unwrap(),
        channel_flags: direction(&node.names["B"], &node.names["C"]),
        cltv_expiry_delta: 80,
        fee_base_msat: 2000,
        fee_proportional_millionths: 300,
        htlc_maximum_msat: 1 << 30,
        ..Default::default()
    }
    .sign(&key(3))
    .unwrap()
    .to_bytes_with_type();
    let mut msg = code.to_vec();
    msg.extend_from_slice(fields);
    msg.extend_from_slice(&(upd.len() as u16).to_be_bytes());
    msg.extend_from_slice(&upd);
    msg
}

#[test]
fn a_verified_channel_update_sets_the_channels_fees_instead_of_excluding_it() {
    let mut node = FakeNode::new();
    // fee_insufficient (UPDATE|12) with htlc_msat.
    node.failure = failure_with_update(&node, [0x10, 0x0c], &100_010u64.to_be_bytes());
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some());
    assert_eq!(out.attempts[0].failure.as_ref().unwrap().channel_update_verified, Some(true));
    let u = requests.iter().find(|r| r.method == "askrene-update-channel").unwrap();
    assert_eq!(u.params.get("fee_base_msat").unwrap().as_str(), Some("2000msat"));
    assert_eq!(u.params.get("fee_proportional_millionths").unwrap().as_u64(), Some(300));
    assert_eq!(u.params.get("cltv_expiry_delta").unwrap().as_u64(), Some(80));
    assert!(u.params.get("enabled").is_none());
}

#[test]
fn a_verified_update_with_a_balance_failure_caps_the_channel_below_what_it_refused() {
    let mut node = FakeNode::new();
    // temporary_channel_failure (UPDATE|7), as channeld sends it: the update's policy is used,
    // and the channel carries at most one msat less than it refused.
    node.failure = failure_with_update(&node, [0x10, 0x07], &[]);
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some());
    let f = out.attempts[0].failure.as_ref().unwrap();
    assert_eq!((f.channel_update_verified, f.channel_update_matches_route), (Some(true), Some(true)));
    let i = f.erring_index.unwrap() as usize;
    let refused = out.attempts[0].route.hops[i].amount.0;
    let u = requests.iter().find(|r| r.method == "askrene-update-channel").unwrap();
    assert!(u.params.get("enabled").is_none());
    assert_eq!(u.params.get("fee_base_msat").unwrap().as_str(), Some("2000msat"));
    assert_eq!(u.params.get("cltv_expiry_delta").unwrap().as_u64(), Some(80));
    assert_eq!(u.params.get("htlc_maximum_msat").unwrap().as_str(), Some(format!("{}msat", refused - 1).as_str()));
    // The same failure without an update (or with one that fails to verify) disables it.
    let mut node = FakeNode::new();
    node.failure = vec![0x10, 0x07, 0, 0];
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some());
    let u = requests.iter().find(|r| r.method == "askrene-update-channel").unwrap();
    assert_eq!(u.params.get("enabled"), Some(&Value::Bool(false)));
    assert!(u.params.get("fee_base_msat").is_none());
}

#[test]
fn older_nodes_get_getroute_with_exclude() {
    let mut node = FakeNode::new();
    node.getroutes_known = false;
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some());
    assert_eq!(
        node.log,
        ["getinfo", "getroutes", "getroute", "sendonion", "waitsendpay", "getroute", "sendonion", "waitsendpay"]
    );
    let second = requests.iter().filter(|r| r.method == "getroute").nth(1).unwrap();
    assert!(second.params.get("exclude").unwrap().to_json().contains("3x1x0/"));
}

#[test]
fn a_permanent_failure_at_the_destination_stops() {
    let mut node = FakeNode::new();
    node.failing = "none";
    node.fail_at_destination = true;
    let (out, _, _) = pay(&mut node, Router::GetRoutes, 3);
    assert_eq!(out.preimage, None);
    match out.error {
        Some(PayError::Routing(f)) => {
            assert_eq!(
                (f.code, f.erring_index, f.failcodename),
                (203, Some(3), Some("WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS"))
            );
            assert_eq!(f.erring_channel, Some(ErringChannel::Destination));
            assert_eq!(f.failure.as_ref().unwrap().height, Some(HEIGHT));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(node.log, ["getinfo", "getroutes", "sendonion", "waitsendpay"], "no retry after 203");
}

#[test]
fn every_attempt_allowed_failing_ends_with_the_last_failure() {
    let mut node = FakeNode::new();
    let (out, _, _) = pay(&mut node, Router::GetRoutes, 1);
    match out.error {
        Some(PayError::TooManyAttempts(Some(f))) => assert_eq!(f.failcodename, Some("WIRE_TEMPORARY_CHANNEL_FAILURE")),
        other => panic!("{other:?}"),
    }
    assert_eq!(out.attempts.len(), 1);
}

#[test]
fn a_send_lost_by_the_transport_is_settled_not_resent() {
    let mut node = FakeNode::new();
    node.failing = "none";
    node.lose_next_send = true;
    let (out, stages, _) = pay(&mut node, Router::GetRoutes, 3);
    assert_eq!(out.preimage, Some(node.preimage));
    assert_eq!(node.log, ["getinfo", "getroutes", "sendonion", "listsendpays", "waitsendpay"]);
    assert!(stages.contains(&Stage::Settle(1)));
    assert_eq!(node.log.iter().filter(|m| *m == "sendonion").count(), 1, "never sent twice");
}

#[test]
fn the_pay_config_json_names_what_is_wrong() {
    use ln_sendpay::commands::pay_config;
    use ln_sendpay::json::parse;
    let ok = r#"{"destination":"034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa","amount_msat":"2000000sat","payment_hash":"4242424242424242424242424242424242424242424242424242424242424242"}"#;
    let cfg = pay_config(&parse(ok).unwrap()).unwrap();
    // Core Lightning's pay defaults: 0.5% fee budget (at least 5000msat), 18 blocks, retries.
    assert_eq!((cfg.maxfee, cfg.final_cltv, cfg.max_attempts), (Msat(10_000_000), 18, 5));
    let field = |patch: &str| {
        let text = ok.replacen('{', &format!("{{{patch},"), 1);
        pay_config(&parse(&text).unwrap()).unwrap_err().field()
    };
    assert_eq!(field(r#""max_attempts":0"#).as_deref(), Some("max_attempts"));
    assert_eq!(field(r#""router":"dijkstra""#).as_deref(), Some("router"));
    assert_eq!(field(r#""block_height":4294967296"#).as_deref(), Some("block_height"));
    assert_eq!(field(r#""payment_secret":"zz""#).as_deref(), Some("payment_secret"));
    let no_amount = ok.replace(r#""amount_msat":"2000000sat","#, "");
    assert_eq!(pay_config(&parse(&no_amount).unwrap()).unwrap_err().field().as_deref(), Some("amount_msat"));
}

#[test]
fn route_hints_become_channels_in_the_layer_before_the_first_getroutes() {
    let key = |b: u8| NodeId::from_hex(&payload_key_hex(b)).unwrap();
    let (us, hinted, payee) = (key(0x11), key(0x44), key(0x66));
    let hint = ln_sendpay::bolt11::RouteHintHop {
        pubkey: hinted,
        short_channel_id: ShortChannelId::new(109, 1, 0).unwrap(),
        fee_base_msat: 2000,
        fee_proportional_millionths: 200,
        cltv_expiry_delta: 30,
    };
    let config = |route_hints| PayConfig {
        destination: payee,
        amount: Msat(50_000),
        payment_hash: [7; 32],
        payment_secret: Some([9; 32]),
        payment_metadata: None,
        final_cltv: 18,
        max_attempts: 3,
        maxfee: Msat(5_000),
        router: Router::GetRoutes,
        max_parts: None,
        label: None,
        block_height: None,
        route_hints,
        network: None,
        custom_records: Vec::new(),
        keysend: None,
        blinded: Vec::new(),
        blinded_mpp: false,
        max_delay: 2016,
        wait_timeout: 60,
    };
    // A hint whose first hop starts at our own node: that hop is skipped (askrene knows it).
    let own = ln_sendpay::bolt11::RouteHintHop {
        pubkey: us,
        short_channel_id: ShortChannelId::new(110, 1, 0).unwrap(),
        ..hint
    };
    let mut payer = Payer::new(config(vec![vec![own, hint]]));
    let send = |step: Step| match step {
        Step::Send { stage, request, .. } => (stage, request),
        Step::Idle => panic!("idle"),
        Step::Done(o) => panic!("ended: {:?}", o.error),
    };
    let info = json::parse(&format!(r#"{{"id":"{}","blockheight":800000}}"#, us.to_hex())).unwrap();
    let refused = json::parse(r#"{"code":-32602,"message":"Layer already exists"}"#).unwrap();
    let ok = json::parse("{}").unwrap();
    let r = [1u8; 32];

    let (_, req) = send(payer.step(None, &r));
    assert_eq!(req.method, "getinfo");
    let (stage, req) = send(payer.step(Some((Lane::Main, Reply::Answer(&info))), &r));
    assert_eq!((stage, req.method), (Stage::Layer, "askrene-create-layer"));
    let layer = req.params.get("layer").and_then(Value::as_str).unwrap().to_string();
    // The layer exists already (an earlier pay of this hash): go on.
    let (_, req) = send(payer.step(Some((Lane::Main, Reply::NodeError(&refused))), &r));
    assert_eq!(req.method, "askrene-create-channel");
    let p = |k: &str| {
        req.params.get(k).and_then(|v| v.as_str().map(String::from).or_else(|| v.token_text().map(String::from)))
    };
    assert_eq!(p("layer").as_deref(), Some(layer.as_str()));
    assert_eq!(p("source"), Some(hinted.to_hex()));
    assert_eq!(p("destination"), Some(payee.to_hex()));
    assert_eq!(p("short_channel_id").as_deref(), Some("109x1x0"));
    // As xpay: 100 × (amount + maxfee), not 21M BTC over a public channel's real capacity.
    assert_eq!(p("capacity_msat").as_deref(), Some("5500000msat"));
    let (_, req) = send(payer.step(Some((Lane::Main, Reply::Answer(&ok))), &r));
    assert_eq!(req.method, "askrene-update-channel");
    let text = req.params.to_json();
    let dir = direction(&hinted, &payee);
    for needle in [
        format!(r#""short_channel_id_dir":"109x1x0/{dir}""#),
        r#""enabled":true"#.into(),
        r#""fee_base_msat":"2000msat""#.into(),
        r#""fee_proportional_millionths":200"#.into(),
        r#""cltv_expiry_delta":30"#.into(),
    ] {
        assert!(text.contains(&needle), "{needle} in {text}");
    }
    // The node refuses the hint: the payment goes on without it, the layer in its routes.
    let (stage, req) = send(payer.step(Some((Lane::Main, Reply::NodeError(&refused))), &r));
    assert_eq!((stage, req.method), (Stage::FindRoute(1), "getroutes"));
    assert!(req.params.to_json().contains(&layer), "{}", req.params.to_json());
    // Without hints (and before any failure) no layer is made at all.
    let mut plain = Payer::new(config(Vec::new()));
    send(plain.step(None, &r));
    let (_, req) = send(plain.step(Some((Lane::Main, Reply::Answer(&info))), &r));
    assert_eq!(req.method, "getroutes", "no hints, no failure: no layer");
}

fn payload_key_hex(b: u8) -> String {
    // A valid compressed key from a one-byte-repeated secret, via the library's own hop side.
    let sk = SecretKey::from_bytes(&[b; 32]).unwrap();
    sk.public_key().to_hex()
}

// ─── A node that lies (issue #12) ──────────────────────────────────────────────────────────

#[test]
fn a_complete_without_a_valid_preimage_is_disputed_never_paid() {
    use ln_sendpay::payment::{AttemptRecord, AttemptStatus, Guard, NewAttempt, guard};
    for claimed in [[0u8; 32], [8u8; 32]] {
        let mut node = FakeNode::new();
        node.failing = "none";
        node.claimed_preimage = Some(claimed);
        let (out, _, _) = pay(&mut node, Router::GetRoutes, 3);
        assert_eq!(out.preimage, None, "a wrong preimage is no proof");
        assert!(
            matches!(out.error, Some(PayError::Disputed(ln_sendpay::rpc::ProofError::WrongPreimage))),
            "{:?}",
            out.error
        );
        assert_eq!(out.attempts.last().unwrap().status, AttemptStatus::Disputed);
        assert_eq!(node.log.iter().filter(|m| *m == "sendonion").count(), 1, "nothing more is sent");
    }
    // A disputed record stops any later attempt for the hash.
    let dest = FakeNode::new().names["C"];
    let rec =
        AttemptRecord { partid: 0, destination: Some(dest), amount: Msat(100_000), status: AttemptStatus::Disputed };
    let new = NewAttempt { partid: 0, destination: dest, amount: Msat(100_000) };
    assert!(matches!(guard(&new, &[rec]), Guard::Refuse { code: -32002, .. }));
    // The true preimage: paid.
    let mut node = FakeNode::new();
    node.failing = "none";
    let (out, _, _) = pay(&mut node, Router::GetRoutes, 3);
    assert_eq!(out.preimage, Some(node.preimage));
}

#[test]
fn a_proposed_route_over_the_payers_limits_is_refused_before_any_onion() {
    let base = FakeNode::new();
    let good = base.route();
    let with = |f: &dyn Fn(&mut Route)| {
        let mut r = good.clone();
        f(&mut r);
        r
    };
    // Overpays by 100% (the man page's 2x allowance is the payee's, not the payer's).
    let overpay = with(&|r| r.hops.iter_mut().for_each(|h| h.amount = Msat(h.amount.0 * 2)));
    // Charges 6000 msat in fees (maxfee is 5000).
    let greedy = with(&|r| r.hops[0].amount = Msat(106_000));
    // Locks the payment up for 3000 blocks (max_delay 2016).
    let slow = with(&|r| r.hops[0].delay = 3000);
    for (route, limit) in [(overpay, "maxfee_msat"), (greedy, "maxfee_msat"), (slow, "max_delay")] {
        let mut node = FakeNode::new();
        node.proposed = Some(route);
        let (out, _, _) = pay(&mut node, Router::GetRoutes, 3);
        match &out.error {
            Some(PayError::TooExpensive { limit: l, .. }) => assert_eq!(*l, limit),
            e => panic!("{limit}: {e:?}"),
        }
        assert!(!node.log.iter().any(|m| m == "sendonion"), "{limit}: no onion is sent");
    }
    // Overpaying by 1 msat: within maxfee, the fee counts it; paid.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.proposed = Some(with(&|r| r.hops.iter_mut().for_each(|h| h.amount = Msat(h.amount.0 + 1))));
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 3);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    let gr = requests.iter().find(|r| r.method == "getroutes").unwrap();
    assert_eq!(gr.params.get("maxdelay").and_then(Value::as_u64), Some(2016), "the node is told the limit too");
}

#[test]
fn getroutes_may_split_or_says_one_part_with_maxparts_and_falls_back_for_older_nodes() {
    let layers = |r: &Request| r.params.get("layers").unwrap().to_json();
    // A payment that may be split (the default, with a payment secret): no deprecated layer, and
    // no more parts than attempts are left.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.refuses = Some("auto.no_mpp_support");
    let (out, _, req) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    let gr: Vec<_> = req.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(gr[0].params.get("maxparts").and_then(Value::as_u64), Some(3));
    assert!(!layers(gr[0]).contains("no_mpp"));
    // A node before v25.09 refuses maxparts: asked again without it, once.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.refuses = Some("maxparts");
    let (out, _, req) = pay(&mut node, Router::GetRoutes, 3);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    let gr: Vec<_> = req.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(gr.len(), 2);
    assert!(gr[1].params.get("maxparts").is_none() && !layers(gr[1]).contains("no_mpp"));
    let one_part = |node: &mut FakeNode| {
        let cfg = PayConfig { max_parts: Some(1), ..config(node, Router::GetRoutes, 3) };
        run(node, Payer::new(cfg), |_| None)
    };
    // One part asked for, today's node (or one whose version is unknown): maxparts 1, no
    // deprecated layer.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.refuses = Some("auto.no_mpp_support");
    let (out, _, req) = one_part(&mut node);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    let gr: Vec<_> = req.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(gr.len(), 1);
    assert_eq!(gr[0].params.get("maxparts").and_then(Value::as_u64), Some(1));
    assert!(!layers(gr[0]).contains("no_mpp"));
    // A node before v25.09: the layer, no maxparts.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.version = Some("v24.11.1");
    node.refuses = Some("maxparts");
    let (out, _, req) = one_part(&mut node);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    let gr: Vec<_> = req.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(gr.len(), 1);
    assert!(gr[0].params.get("maxparts").is_none() && layers(gr[0]).contains("auto.no_mpp_support"));
    // The version misleads (a backport, a fork): the refusal switches once, either way.
    for (version, refuses) in [("v24.11", "auto.no_mpp_support"), ("v26.06-258-g090f4b0", "maxparts")] {
        let mut node = FakeNode::new();
        node.failing = "none";
        node.version = Some(version);
        node.refuses = Some(refuses);
        let (out, _, req) = one_part(&mut node);
        assert!(out.preimage.is_some(), "{version}: {:?}", out.error);
        assert_eq!(req.iter().filter(|r| r.method == "getroutes").count(), 2, "{version}");
    }
}

#[test]
fn the_payments_time_bounds_every_wait_and_ends_it() {
    // 5 seconds left: waitsendpay asks for no more.
    let mut node = FakeNode::new();
    node.failing = "none";
    let cfg = config(&node, Router::GetRoutes, 3);
    let (out, _, req) = run(&mut node, Payer::new(cfg), |_| Some(5));
    assert!(out.preimage.is_some());
    let w = req.iter().find(|r| r.method == "waitsendpay").unwrap();
    assert_eq!(w.params.get("timeout").and_then(Value::as_u64), Some(5));
    assert!(w.params.get("groupid").and_then(Value::as_u64).is_some(), "waits for its own group");
    // Out of time after the send: ends with the attempt in flight, recorded as pending.
    let mut node = FakeNode::new();
    let cfg = config(&node, Router::GetRoutes, 3);
    let (out, _, _) = run(&mut node, Payer::new(cfg), |i| if i >= 2 { Some(0) } else { None });
    assert!(matches!(out.error, Some(PayError::Timeout { in_flight: true })), "{:?}", out.error);
    assert_eq!(out.attempts.last().unwrap().status, ln_sendpay::payment::AttemptStatus::Pending);
    // Out of time between attempts: no new route is asked for.
    let mut node = FakeNode::new();
    let cfg = config(&node, Router::GetRoutes, 3);
    let (out, _, _) = run(&mut node, Payer::new(cfg), |i| if i >= 3 { Some(0) } else { None });
    assert!(matches!(out.error, Some(PayError::Timeout { in_flight: false })), "{:?}", out.error);
    assert_eq!(node.log.iter().filter(|m| *m == "getroutes").count(), 1);
}

/// An invoice for another network than the node's: refused after getinfo, nothing sent.
#[test]
fn an_invoice_for_another_network_is_refused_before_anything_is_sent() {
    use ln_sendpay::bolt11::Network;
    for (network, refused) in [(Network::Bitcoin, true), (Network::Testnet, true), (Network::Regtest, false)] {
        let mut node = FakeNode::new();
        let mut cfg = config(&node, Router::GetRoutes, 3);
        cfg.network = Some(network);
        let (out, _, requests) = run(&mut node, Payer::new(cfg), |_| None);
        let methods: Vec<&str> = requests.iter().map(|r| r.method).collect();
        if refused {
            assert_eq!(methods, ["getinfo"], "{network:?}");
            let e = out.error.as_ref().expect("an error");
            assert!(
                matches!(e, ln_sendpay::payment::PayError::Invoice(x) if x.code() == "INVOICE_WRONG_NETWORK" && x.field().as_deref() == Some("bolt11")),
                "{e:?}"
            );
        } else {
            assert!(out.preimage.is_some(), "{network:?}");
        }
    }
    assert!(Network::Testnet.is_node_network("testnet4") && !Network::Signet.is_node_network("testnet"));
}

#[test]
fn an_earlier_attempts_failure_is_learned_before_the_first_route() {
    // An earlier pay of this hash failed at B (3x1x0, B to C) and lost the answer; the node kept the failure
    // reply (listsendpays' erroronion). A new payer taught it routes around B from the start.
    let mut node = FakeNode::new();
    let earlier = node.route();
    let secrets: Vec<_> = (0..3u8).map(|i| sphinx::SharedSecret::from_bytes([0x50 + i; 32])).collect();
    let reply = failure::reply_from_hop(&secrets, 1, &node.failure).unwrap();
    let mut payer = Payer::new(config(&node, Router::GetRoutes, 3));
    let f = payer.learn(&earlier, &secrets, &reply).expect("decoded");
    assert_eq!(f.erring_channel, Some(ErringChannel::Channel(ShortChannelId::parse("3x1x0").unwrap())));
    // Garbage teaches nothing, and is still a value.
    let g = payer.learn(&earlier, &secrets, &[0u8; 300]).expect("a value");
    assert_eq!(g.code, 202);
    let (out, _, requests) = run(&mut node, payer, |_| None);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    assert_eq!(
        node.log,
        ["getinfo", "askrene-create-layer", "askrene-update-channel", "getroutes", "sendonion", "waitsendpay"],
        "one HTLC, not through B's failing channel"
    );
    let disabled = requests.iter().find(|r| r.method == "askrene-update-channel").unwrap();
    assert!(disabled.params.to_json().contains("\"3x1x0/"), "{}", disabled.params.to_json());
    // Once started, a payer learns nothing more this way.
    let mut started = Payer::new(config(&node, Router::GetRoutes, 3));
    let _ = started.step(None, &[1; 32]);
    assert!(started.learn(&earlier, &secrets, &reply).is_none());
}

const VIA_B: &[(&str, &str)] = &[("A", "1x1x0"), ("B", "2x1x0"), ("C", "3x1x0")];
const VIA_D: &[(&str, &str)] = &[("A", "1x1x0"), ("D", "4x1x0"), ("C", "5x1x0")];

fn mpp_node(failing: &'static str) -> FakeNode {
    let mut node = FakeNode::new();
    node.failing = failing;
    node.split = Some(vec![(VIA_B.to_vec(), 60_000), (VIA_D.to_vec(), 40_000)]);
    node
}

#[test]
fn mpp_no_more_parts_than_attempts_are_left() {
    // A split into three with two attempts allowed (a node that ignores maxparts): refused
    // before any onion.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.split = Some(vec![(VIA_B.to_vec(), 40_000), (VIA_D.to_vec(), 30_000), (VIA_D.to_vec(), 30_000)]);
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 2);
    assert!(matches!(out.error, Some(PayError::TooManyAttempts(_))), "{:?}", out.error);
    assert!(!requests.iter().any(|r| r.method == "sendonion"));
    let gr = requests.iter().find(|r| r.method == "getroutes").unwrap();
    assert_eq!(gr.params.get("maxparts").and_then(Value::as_u64), Some(2));
}

fn sends(requests: &[Request]) -> Vec<(u64, u64, String, String)> {
    requests
        .iter()
        .filter(|r| r.method == "sendonion")
        .map(|r| {
            let g = |k: &str| r.params.get(k).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_json()));
            (
                r.params.get("partid").and_then(Value::as_u64).unwrap_or(0),
                r.params.get("groupid").and_then(Value::as_u64).unwrap(),
                g("amount_msat").unwrap_or_default(),
                g("total_amount_msat").unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn mpp_a_split_in_two_parts_one_group_both_in_flight_paid() {
    let mut node = mpp_node("none");
    let (out, stages, requests) = pay(&mut node, Router::GetRoutes, 5);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    let s = sends(&requests);
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].0, s[1].0), (1, 2), "parts 1 and 2");
    assert_eq!(s[0].1, s[1].1, "one group");
    assert_eq!((s[0].2.as_str(), s[1].2.as_str()), ("60000msat", "40000msat"), "each part's own amount");
    assert_eq!((s[0].3.as_str(), s[1].3.as_str()), ("100000msat", "100000msat"), "the whole payment as the total");
    // Both sent before either is waited for to its end; each waited for with its part.
    let first_wait = stages.iter().position(|s| matches!(s, Stage::Wait(_))).unwrap();
    assert!(stages.iter().rposition(|s| matches!(s, Stage::Send(_))).unwrap() < first_wait + 2, "{stages:?}");
    let waits: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "waitsendpay")
        .map(|r| r.params.get("partid").and_then(Value::as_u64))
        .collect();
    assert!(waits.contains(&Some(1)) && waits.contains(&Some(2)), "{waits:?}");
    assert_eq!(out.attempts.len(), 2);
    assert!(out.attempts.iter().all(|a| a.status == ln_sendpay::payment::AttemptStatus::Complete));
    assert_eq!(out.attempts.iter().map(|a| a.amount.0).sum::<u64>(), 100_000);
    // Each part held its amounts while the other was out, and let them go.
    assert_eq!(node.reservations.iter().filter(|r| r.starts_with('+')).count(), 2, "{:?}", node.reservations);
    assert_eq!(node.reservations.iter().filter(|r| r.starts_with('-')).count(), 2, "{:?}", node.reservations);
}

#[test]
fn mpp_a_part_failing_along_the_way_is_routed_again_for_its_amount_only() {
    let mut node = mpp_node("3x1x0"); // the part through B fails at B
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 5);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    let s = sends(&requests);
    assert_eq!(s.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3], "a fresh partid for the new part");
    assert!(s.iter().all(|x| x.1 == s[0].1), "the same group");
    assert_eq!(s[2].2, "60000msat", "only the failed part's amount");
    let gr: Vec<_> = requests.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(gr.len(), 2);
    assert_eq!(gr[1].params.get("amount_msat").and_then(Value::as_str), Some("60000msat"));
    // The other part's amounts were reserved before the second getroutes.
    let i_reserve = requests.iter().position(|r| r.method == "askrene-reserve").unwrap();
    let i_second = requests.iter().rposition(|r| r.method == "getroutes").unwrap();
    assert!(i_reserve < i_second, "{:?}", requests.iter().map(|r| r.method).collect::<Vec<_>>());
    let statuses: Vec<_> = out.attempts.iter().map(|a| a.status).collect();
    use ln_sendpay::payment::AttemptStatus::*;
    assert_eq!(statuses, [Failed, Complete, Complete]);
    assert_eq!(
        out.attempts[0].failure.as_ref().unwrap().erring_channel,
        Some(ErringChannel::Channel(ShortChannelId::parse("3x1x0").unwrap()))
    );
}

#[test]
fn mpp_a_permanent_failure_at_the_destination_stops_every_part() {
    let mut node = mpp_node("none");
    node.fail_at_destination = true;
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 5);
    assert!(out.preimage.is_none());
    assert!(matches!(&out.error, Some(PayError::Routing(f)) if f.code == 203), "{:?}", out.error);
    assert_eq!(sends(&requests).len(), 2, "no part sent again");
    assert_eq!(requests.iter().filter(|r| r.method == "getroutes").count(), 1);
}

#[test]
fn mpp_the_payee_timing_out_the_parts_sends_the_set_again() {
    let mut node = mpp_node("none");
    node.mpp_timeout_once = true;
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 5);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    assert!(
        out.attempts[..2].iter().all(|a| a.failure.as_ref().and_then(|f| f.failcode) == Some(23)),
        "WIRE_MPP_TIMEOUT"
    );
    // Both parts' amounts routed again, as new parts of the same group.
    let s = sends(&requests);
    assert!(s.len() >= 3 && s.iter().all(|x| x.1 == s[0].1), "{s:?}");
    let again: u64 = s[2..].iter().map(|x| x.2.trim_end_matches("msat").parse::<u64>().unwrap()).sum();
    assert_eq!(again, 100_000);
}

#[test]
fn mpp_the_fee_budget_is_the_whole_payments() {
    // Two parts of 10 msat a hop each: 40 msat together, over a 30 msat budget.
    let mut node = mpp_node("none");
    let cfg = PayConfig { maxfee: Msat(30), ..config(&node, Router::GetRoutes, 5) };
    let (out, _, requests) = run(&mut node, Payer::new(cfg), |_| None);
    assert!(matches!(&out.error, Some(PayError::TooExpensive { limit: "maxfee_msat", .. })), "{:?}", out.error);
    assert!(sends(&requests).is_empty(), "no onion sent");
    // And what the parts already cost is spent: a retry is asked for with what is left.
    let mut node = mpp_node("3x1x0");
    let cfg = PayConfig { maxfee: Msat(100), ..config(&node, Router::GetRoutes, 5) };
    let (out, _, requests) = run(&mut node, Payer::new(cfg), |_| None);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    let gr: Vec<_> = requests.iter().filter(|r| r.method == "getroutes").collect();
    assert_eq!(
        gr[1].params.get("maxfee_msat").and_then(Value::as_str),
        Some("80msat"),
        "100 less the part in flight's 20"
    );
}

#[test]
fn mpp_garbage_for_one_part_is_asked_again_nothing_new_is_sent() {
    let mut node = mpp_node("none");
    let cfg = config(&node, Router::GetRoutes, 5);
    let mut payer = Payer::new(cfg);
    // Drive by hand: answer part 1's wait with garbage.
    let mut out = std::collections::VecDeque::new();
    let mut step = payer.step(None, &[3; 32]);
    let mut garbled = false;
    for i in 0..100u8 {
        match step {
            Step::Done(o) => {
                // Part 1's unreadable answer left it unknown, so it was asked again: complete.
                assert_eq!(o.preimage, Some(node.preimage), "{:?}", o.error);
                assert!(o.attempts.iter().all(|a| a.status == ln_sendpay::payment::AttemptStatus::Complete));
                assert!(garbled);
                assert_eq!(node.log.iter().filter(|m| *m == "waitsendpay").count(), 3, "part 1 asked twice");
                return;
            }
            Step::Send { lane, request, .. } => {
                out.push_back((lane, request));
                step = payer.step(None, &[i; 32]);
            }
            Step::Idle => {
                let k = (0..out.len()).find(|&k| node.ready_probe(&out[k].1)).unwrap();
                let (lane, request) = out.remove(k).unwrap();
                let answer = node.handle(&request);
                let junk = json::parse(r#"{"status":"complete"}"#).unwrap();
                step = if request.method == "waitsendpay" && lane == Lane::Part(1) && !garbled {
                    garbled = true;
                    payer.step(Some((lane, Reply::Answer(&junk))), &[i; 32])
                } else {
                    match &answer {
                        Ok(Ok(v)) => payer.step(Some((lane, Reply::Answer(v))), &[i; 32]),
                        Ok(Err(e)) => payer.step(Some((lane, Reply::NodeError(e))), &[i; 32]),
                        Err(()) => payer.step(Some((lane, Reply::TransportFailed)), &[i; 32]),
                    }
                };
            }
        }
    }
    panic!("no end");
}

#[test]
fn a_node_answering_nothing_readable_ends_the_payment_never_idles_forever() {
    // Found by the fuzzer: a send lost, then every answer unreadable. The payer must end
    // (its part unknown), not wait for a reply to nothing.
    let node = FakeNode::new();
    let mut payer = Payer::new(config(&node, Router::GetRoutes, 3));
    let info = json::parse(&format!(r#"{{"id":"{}","blockheight":900000}}"#, node.us.to_hex())).unwrap();
    let routes = json::object([("routes", Value::Array(vec![json::object([("path", node.route().to_json())])]))]);
    let garbage = json::parse(r#"{"payments":[{"created_index":"x"}]}"#).unwrap();
    let unreadable = json::parse(r#"{"created_index":"x"}"#).unwrap();
    let mut out: Vec<Lane> = vec![];
    let mut step = payer.step(None, &[1; 32]);
    for i in 0..200u32 {
        while let Step::Send { lane, .. } = step {
            out.push(lane);
            step = payer.step(None, &[(i % 250) as u8 + 2; 32]);
        }
        if let Step::Done(o) = step {
            assert!(o.preimage.is_none());
            assert!(o.error.is_some());
            assert_eq!(o.attempts[0].status, ln_sendpay::payment::AttemptStatus::Unknown);
            return;
        }
        let lane = out.pop().expect("idle only with something in flight");
        let reply = match i {
            0 => Reply::Answer(&info),
            1 => Reply::Answer(&routes),
            2 => Reply::TransportFailed, // the send lost: settled with listsendpays
            3 => Reply::Answer(&garbage),
            _ => Reply::Answer(&unreadable), // every wait after it
        };
        step = payer.step(Some((lane, reply)), &[3; 32]);
    }
    panic!("no end");
}

#[test]
fn mpp_a_split_in_three_parts_two_sharing_a_path() {
    let mut node = FakeNode::new();
    node.failing = "none";
    node.split = Some(vec![(VIA_B.to_vec(), 40_000), (VIA_D.to_vec(), 30_000), (VIA_D.to_vec(), 30_000)]);
    let (out, _, requests) = pay(&mut node, Router::GetRoutes, 5);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    let s = sends(&requests);
    assert_eq!(s.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(s.iter().all(|x| x.1 == s[0].1 && x.3 == "100000msat"));
    assert_eq!(out.attempts.iter().map(|a| a.amount.0).collect::<Vec<_>>(), [40_000, 30_000, 30_000]);
    assert!(out.attempts.iter().all(|a| a.status == ln_sendpay::payment::AttemptStatus::Complete));
    // A part's own route (and the fees) is what its onion says: 20 msat each here.
    assert_eq!(out.attempts.iter().map(|a| a.fee().0).sum::<u64>(), 60);
}

#[test]
fn mpp_part_ids_follow_an_earlier_runs() {
    let mut node = mpp_node("none");
    let mut payer = Payer::new(config(&node, Router::GetRoutes, 5));
    payer.parts_after(4);
    let (out, _, requests) = run(&mut node, payer, |_| None);
    assert!(out.preimage.is_some(), "{:?}", out.error);
    assert_eq!(sends(&requests).iter().map(|x| x.0).collect::<Vec<_>>(), [5, 6]);
}

#[test]
fn mpp_a_part_settled_before_its_reservation_went_out_is_not_reserved() {
    // The main lane busy (releasing part 1's amounts) when part 2's failure comes back: part 2's
    // reservation, queued behind, must not go out for a part that is over (it would never be
    // released).
    let mut node = mpp_node("3x1x0");
    let mut payer = Payer::new(config(&node, Router::GetRoutes, 2));
    let final_failure = json::parse(
        r#"{"code":203,"message":"failed: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS","data":{"erring_index":3,"failcode":16399,"failcodename":"WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS"}}"#,
    )
    .unwrap();
    let mut out: Vec<(Lane, Request)> = vec![];
    let mut sent: Vec<String> = vec![];
    let mut step = payer.step(None, &[9; 32]);
    for i in 0..80u8 {
        while let Step::Send { lane, request, .. } = step {
            let part = request.params.get("path").map(|p| p.to_json()).unwrap_or_default();
            sent.push(format!("{} {}", request.method, part));
            out.push((lane, request));
            step = payer.step(None, &[i.wrapping_add(10); 32]);
        }
        if let Step::Done(o) = step {
            assert!(matches!(&o.error, Some(PayError::Routing(f)) if f.code == 203), "{:?}", o.error);
            // Neither reserved nor "released" (an unreserve of what was never held would take
            // from another payment's reservations on the same channels).
            let for_d = sent.iter().filter(|s| s.starts_with("askrene-") && s.contains("4x1x0")).count();
            assert_eq!(for_d, 0, "{sent:#?}");
            return;
        }
        // Part 2's wait (lane 2) is answered as soon as it is out, with a final failure.
        let k = out.iter().position(|(l, r)| *l == Lane::Part(2) && r.method == "waitsendpay").unwrap_or(0);
        let (lane, request) = out.remove(k);
        step = if lane == Lane::Part(2) && request.method == "waitsendpay" {
            payer.step(Some((lane, Reply::NodeError(&final_failure))), &[i; 32])
        } else {
            match node.handle(&request) {
                Ok(Ok(v)) => payer.step(Some((lane, Reply::Answer(&v))), &[i; 32]),
                Ok(Err(e)) => payer.step(Some((lane, Reply::NodeError(&e))), &[i; 32]),
                Err(()) => payer.step(Some((lane, Reply::TransportFailed)), &[i; 32]),
            }
        };
    }
    panic!("no end");
}

#[test]
fn keysend_sends_its_preimage_and_custom_records_and_routes_around_a_failure() {
    use ln_sendpay::commands::keysend_config;
    use ln_sendpay::json::parse;
    use ln_sendpay::payment::KeysendPreimage;
    let mut node = FakeNode::new();
    // The payer draws the preimage; the payee learns it from the onion only.
    node.preimage = [0x5a; 32];
    node.keysend = Some(vec![ln_sendpay::wire::Record { tlv_type: 65537, value: vec![1, 2, 3] }]);
    let pre = KeysendPreimage::new(&[0x5a; 32]);
    let input = format!(
        r#"{{"destination":"{}","amount_msat":"100000msat","custom_records":{{"65537":"010203"}},"maxfee_msat":5000}}"#,
        node.names["C"].to_hex()
    );
    let cfg = keysend_config(&parse(&input).unwrap(), &pre).unwrap();
    assert_eq!(cfg.payment_hash, node.hash(), "the payment hash is the preimage's SHA-256");
    assert_eq!((cfg.payment_secret, cfg.max_parts), (None, Some(1)));
    assert_eq!(format!("{:?}", cfg.keysend), "Some(KeysendPreimage(..))", "never printed");
    let (out, _, requests) = run(&mut node, Payer::new(cfg), |_| None);
    assert_eq!(out.preimage, Some(node.preimage), "{:?}", out.error);
    assert_eq!(out.attempts.len(), 2, "the first route fails at B and is routed around");
    // Nothing of the preimage goes to the node in the clear.
    let secret = hex::encode(&node.preimage);
    assert!(requests.iter().all(|r| !r.params.to_json().contains(&secret)));
}

#[test]
fn keysend_config_names_what_is_wrong_in_the_callers_terms() {
    use ln_sendpay::commands::keysend_config;
    use ln_sendpay::json::parse;
    use ln_sendpay::payment::KeysendPreimage;
    let pre = KeysendPreimage::new(&[1; 32]);
    let dest = FakeNode::new().names["C"].to_hex();
    let field = |extra: &str| {
        let text = format!(r#"{{"destination":"{dest}","amount_msat":1000{extra}}}"#);
        keysend_config(&parse(&text).unwrap(), &pre).err().map(|e| (e.field().unwrap_or_default(), e.code()))
    };
    assert_eq!(field(""), None);
    let f = |extra: &str| field(extra).map(|(f, _)| f);
    assert_eq!(f(r#","custom_records":{"5482373484":"00"}"#).as_deref(), Some("custom_records.5482373484"));
    assert_eq!(f(r#","custom_records":{"100":"00"}"#).as_deref(), Some("custom_records.100"));
    assert_eq!(f(r#","extratlvs":{"65536":"zz"}"#).as_deref(), Some("extratlvs.65536"));
    assert_eq!(f(r#","extratlvs":{},"custom_records":{}"#).as_deref(), Some("extratlvs"));
    assert_eq!(f(r#","payment_hash":"00""#).as_deref(), Some("payment_hash"), "keysend draws its own hash");
    assert_eq!(f(r#","bolt11":"lnbc1""#).as_deref(), Some("bolt11"));
    assert_eq!(f(r#","maxfee":"x""#).as_deref(), Some("maxfee"));
    assert_eq!(
        f(r#","routehints":[[{"id":"02","scid":"1x1x1","feebase":1,"feeprop":1,"expirydelta":1}]]"#).as_deref(),
        Some("routehints[0][0].id")
    );
    assert_eq!(f(r#","routehints":[[{"id":"DEST","scid":"1x1x1","feebase":1,"feeprop":1,"expirydelta":70000}]]"#.replace("DEST", &dest).as_str()).as_deref(), Some("routehints[0][0].expirydelta"));
    // Core Lightning's names work as ours do.
    let text = format!(
        r#"{{"destination":"{dest}","amount_msat":1000,"extratlvs":{{"65536":"ff"}},"maxfee":"7sat","maxdelay":100,"routehints":[[{{"id":"{dest}","scid":"1x2x3","feebase":"1000msat","feeprop":10,"expirydelta":40}}]]}}"#
    );
    let cfg = keysend_config(&parse(&text).unwrap(), &pre).unwrap();
    assert_eq!((cfg.maxfee, cfg.max_delay, cfg.custom_records.clone()), (Msat(7000), 100, vec![(65536, vec![0xff])]));
    assert_eq!(cfg.route_hints[0][0].short_channel_id.to_string_form(), "1x2x3");
}

/// A BOLT 12 payment by hand: two blinded paths to C (introduced by A, then by D). The
/// payer routes to the first path's introduction node for the amount plus the path's fee,
/// with its CLTV delta; the onion's layers peel at A (real key, current_path_key given)
/// and at C (blinded key); A's invalid_onion_blinding moves the payer to the second path.
#[test]
fn blinded_paths_route_to_the_introduction_node_and_fail_over_to_the_next_path() {
    use ln_sendpay::blinding::{self, BlindedPayInfo};
    use ln_sendpay::payment::BlindedTarget;
    let node = FakeNode::new();
    let (a, c, d) = (node.names["A"], node.names["C"], node.names["D"]);
    let key = |n: &NodeId| &node.keys[n];
    // Each path: introduction node, then C; C's data is a path id.
    let path_via = |intro: NodeId, seed: u8| {
        let session = SecretKey::from_bytes(&[seed; 32]).unwrap();
        blinding::create_blinded_path(&session, &[(intro, &[2, 8, 0, 0, 5, 0, 0, 1, 0, 0][..]), (c, &[6, 1, seed][..])])
            .unwrap()
    };
    let payinfo = BlindedPayInfo { fee_base_msat: 1000, fee_proportional_millionths: 100, cltv_expiry_delta: 58 };
    let target =
        |path| BlindedTarget { path, payinfo, htlc_minimum_msat: Msat(1), htlc_maximum_msat: Msat(1_000_000_000) };
    let cfg = PayConfig {
        payment_secret: None,
        max_parts: Some(1),
        blinded: vec![target(path_via(a, 0x51)), target(path_via(d, 0x52))],
        ..config(&node, Router::GetRoutes, 5)
    };
    let hash = cfg.payment_hash;
    let mut payer = Payer::new(cfg);
    let send = |s: Step| match s {
        Step::Send { request, .. } => request,
        other => panic!("{other:?}"),
    };
    let r = send(payer.step(None, &[1; 32]));
    assert_eq!(r.method, "getinfo");
    let info = json::parse(&format!(r#"{{"id":"{}","blockheight":{HEIGHT}}}"#, node.us.to_hex())).unwrap();
    let r = send(payer.step(Some((Lane::Main, Reply::Answer(&info))), &[2; 32]));
    assert_eq!(r.method, "getroutes");
    // To the introduction node, for 100000 + 1000 + 10 msat, with the path's delta.
    assert_eq!(r.params.get("destination").and_then(Value::as_str), Some(a.to_hex().as_str()));
    assert_eq!(r.params.get("amount_msat").and_then(Value::as_str), Some("101010msat"));
    assert_eq!(r.params.get("final_cltv").and_then(Value::as_u64), Some(58));
    let route = |intro: NodeId, scid: &str| {
        json::parse(&format!(
            r#"{{"routes":[{{"probability_ppm":900000,"amount_msat":101010,"final_cltv":58,"path":[{{"short_channel_id_dir":"{scid}/0","next_node_id":"{}","amount_msat":101010,"delay":58}}]}}]}}"#,
            intro.to_hex()
        ))
        .unwrap()
    };
    let sent = send(payer.step(Some((Lane::Main, Reply::Answer(&route(a, "1x1x0")))), &[3; 32]));
    assert_eq!(sent.method, "sendonion");
    // sendonion says what the payee receives, and who it is: not the introduction node.
    assert_eq!(sent.params.get("amount_msat").and_then(Value::as_str), Some("100000msat"));
    assert_eq!(sent.params.get("destination").and_then(Value::as_str), Some(c.to_hex().as_str()));
    let onion = hex::decode(sent.params.get("onion").and_then(Value::as_str).unwrap()).unwrap();
    // A peels with its own key: current_path_key and its data; C with its blinded key.
    let at_a = sphinx::peel_onion(key(&a), &onion, &hash).unwrap();
    let fa = payload::decode_payload(&at_a.payload).unwrap();
    let path_key = fa.current_path_key.expect("the introduction node gets the path key");
    assert!(fa.encrypted_recipient_data.is_some() && fa.amt_to_forward.is_none());
    let ss_a = blinding::path_shared_secret(key(&a), &path_key);
    let next_key = blinding::next_path_key(&path_key, &ss_a);
    let (at_c, _) = blinding::peel_blinded(key(&c), &next_key, at_a.next.as_ref().unwrap().as_bytes(), &hash).unwrap();
    assert!(at_c.next.is_none(), "C is the last hop");
    let fc = payload::decode_payload(&at_c.payload).unwrap();
    assert_eq!(
        (fc.amt_to_forward, fc.total_amount_msat, fc.outgoing_cltv_value),
        (Some(Msat(100_000)), Some(Msat(100_000)), Some(HEIGHT + 1))
    );
    // The node sends; A answers invalid_onion_blinding (all a path's failures look so).
    let secrets = payer.current_attempt().unwrap().shared_secrets.clone();
    let pending = json::parse(&format!(r#"{{"created_index":1,"id":1,"payment_hash":"{}","groupid":1,"status":"pending","amount_sent_msat":101010,"created_at":1}}"#, hex::encode(&hash))).unwrap();
    let w = send(payer.step(Some((Lane::Main, Reply::Answer(&pending))), &[4; 32]));
    assert_eq!(w.method, "waitsendpay");
    let mut msg = vec![0xc0, 0x18];
    msg.extend_from_slice(&[0u8; 32]);
    let reply = failure::reply_from_hop(&secrets, 0, &msg).unwrap();
    let next = send(payer.step(Some((Lane::Part(1), Reply::NodeError(&onionreply(&reply)))), &[5; 32]));
    // The second path: to D, not A again (and nothing disabled: the path failed, not a channel).
    assert_eq!(next.method, "getroutes");
    assert_eq!(next.params.get("destination").and_then(Value::as_str), Some(d.to_hex().as_str()));
    let f = payer.attempt(1).unwrap().failure.clone().unwrap();
    assert_eq!(f.failcodename, Some("WIRE_INVALID_ONION_BLINDING"));
    // Named as far as the route goes: the introduction node, no channel after it.
    assert_eq!((f.erring_index, f.erring_node, f.erring_channel), (Some(1), Some(a), None));
}

/// In parts over blinded paths (the invoice allows them): neither path takes 100,000 msat
/// (each at most 60,000), so a part of 60,000 goes to the first path's introduction node and
/// the other 40,000 to the second's; each onion carries the whole as `total_amount_msat`.
#[test]
fn blinded_parts_go_over_several_paths_when_none_takes_the_whole_amount() {
    use ln_sendpay::blinding::{self, BlindedPayInfo};
    use ln_sendpay::payment::BlindedTarget;
    let node = FakeNode::new();
    let (a, c, d) = (node.names["A"], node.names["C"], node.names["D"]);
    let path_via = |intro: NodeId, seed: u8| {
        let session = SecretKey::from_bytes(&[seed; 32]).unwrap();
        blinding::create_blinded_path(&session, &[(intro, &[2, 8, 0, 0, 5, 0, 0, 1, 0, 0][..]), (c, &[6, 1, seed][..])])
            .unwrap()
    };
    let payinfo = BlindedPayInfo { fee_base_msat: 1000, fee_proportional_millionths: 100, cltv_expiry_delta: 58 };
    let target = |path| BlindedTarget { path, payinfo, htlc_minimum_msat: Msat(1), htlc_maximum_msat: Msat(60_000) };
    let cfg = PayConfig {
        payment_secret: None,
        max_parts: None,
        blinded: vec![target(path_via(a, 0x61)), target(path_via(d, 0x62))],
        blinded_mpp: true,
        ..config(&node, Router::GetRoutes, 5)
    };
    let hash = cfg.payment_hash;
    let mut payer = Payer::new(cfg);
    let info = json::parse(&format!(r#"{{"id":"{}","blockheight":{HEIGHT}}}"#, node.us.to_hex())).unwrap();
    let route = |intro: NodeId, scid: &str, amount: u64| {
        json::parse(&format!(
            r#"{{"routes":[{{"probability_ppm":900000,"amount_msat":{amount},"final_cltv":58,"path":[{{"short_channel_id_dir":"{scid}/0","next_node_id":"{}","amount_msat":{amount},"delay":58}}]}}]}}"#,
            intro.to_hex()
        ))
        .unwrap()
    };
    let pending = json::parse(&format!(r#"{{"created_index":1,"id":1,"payment_hash":"{}","groupid":1,"status":"pending","amount_sent_msat":1,"created_at":1}}"#, hex::encode(&hash))).unwrap();
    let ok = json::parse("{}").unwrap();
    // Drive the main lane; the parts' waits stay out (the payee holds them).
    let mut step = payer.step(None, &[1; 32]);
    let mut getroutes = vec![];
    let mut sends = vec![];
    for i in 0..40u8 {
        let (lane, request) = match step {
            Step::Send { lane, request, .. } => (lane, request),
            Step::Idle | Step::Done(_) => break,
        };
        let reply = match (lane, request.method) {
            (Lane::Part(_), _) => {
                step = payer.step(None, &[i; 32]);
                continue;
            }
            (_, "getinfo") => &info,
            (_, "getroutes") => {
                let dest = request.params.get("destination").and_then(Value::as_str).unwrap().to_string();
                let amount = request
                    .params
                    .get("amount_msat")
                    .and_then(Value::as_str)
                    .unwrap()
                    .trim_end_matches("msat")
                    .parse::<u64>()
                    .unwrap();
                getroutes.push((dest.clone(), amount, request.params.get("maxparts").and_then(Value::as_u64)));
                let (intro, scid) = if dest == a.to_hex() { (a, "1x1x0") } else { (d, "4x1x0") };
                step = payer.step(Some((Lane::Main, Reply::Answer(&route(intro, scid, amount)))), &[i; 32]);
                continue;
            }
            (_, "sendonion") => {
                sends.push(request.params.clone());
                &pending
            }
            _ => &ok,
        };
        step = payer.step(Some((lane, Reply::Answer(reply))), &[i; 32]);
    }
    assert_eq!(
        getroutes,
        [(a.to_hex(), 60_000 + 1006, Some(1)), (d.to_hex(), 40_000 + 1004, Some(1))],
        "a route per part, each to its path's introduction node, one part each"
    );
    let field = |p: &Value, k: &str| p.get(k).map(|v| v.token_text().unwrap_or_default().to_string());
    assert_eq!(sends.len(), 2);
    for (s, (partid, amount)) in sends.iter().zip([("1", "60000msat"), ("2", "40000msat")]) {
        assert_eq!(field(s, "partid").as_deref(), Some(partid));
        assert_eq!(field(s, "amount_msat").as_deref(), Some(amount));
        assert_eq!(field(s, "total_amount_msat").as_deref(), Some("100000msat"));
        assert_eq!(field(s, "destination").as_deref(), Some(c.to_hex().as_str()));
    }
    assert_eq!(field(&sends[0], "groupid"), field(&sends[1], "groupid"), "one group");
}
