//! Pay with retries against a scripted node that really peels the onions with the hops' keys
//! and answers failures with real, hop-by-hop wrapped replies.

use std::collections::HashMap;

use ln_sendpay::amount::Msat;
use ln_sendpay::failure::{self, ErringChannel, UnsignedChannelUpdate};
use ln_sendpay::hex;
use ln_sendpay::ids::{NodeId, ShortChannelId, direction};
use ln_sendpay::json::{self, Value};
use ln_sendpay::payload;
use ln_sendpay::payment::{PayConfig, PayError, Payer, Reply, Router, Stage, Step};
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
        }
    }
    fn hash(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.preimage).into()
    }
    fn route(&self) -> Route {
        let via_b = !self.disabled.iter().any(|d| d.starts_with(self.failing));
        let path: [(&str, &str); 3] = if via_b {
            [("A", "1x1x0"), ("B", "2x1x0"), ("C", "3x1x0")]
        } else {
            [("A", "1x1x0"), ("D", "4x1x0"), ("C", "5x1x0")]
        };
        let n = path.len();
        Route::from_hops(
            path.iter()
                .enumerate()
                .map(|(i, (node, ch))| Hop {
                    node_id: self.names[node],
                    channel: ShortChannelId::parse(ch).unwrap(),
                    direction: None,
                    amount: Msat(100_000 + 10 * (n - 1 - i) as u64),
                    delay: 18 + 40 * (n - 1 - i) as u32,
                })
                .collect(),
        )
    }
    fn payment(&self, status: &str) -> Value {
        let mut m = vec![
            ("created_index".to_string(), Value::u64(self.payments.len() as u64 + 1)),
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
                    assert_eq!(fields.payment_data.unwrap().0, self.secret, "payment secret at the destination");
                    assert_eq!(fields.amt_to_forward, Some(hop.amount));
                    assert_eq!(fields.outgoing_cltv_value, Some(HEIGHT + 1 + hop.delay));
                }
            }
        }
        Ok(())
    }

    fn handle(&mut self, r: &Request) -> Result<Result<Value, Value>, ()> {
        self.log.push(r.method.to_string());
        let p = &r.params;
        Ok(match r.method {
            "getinfo" => {
                let mut info = vec![
                    ("id".to_string(), Value::String(self.us.to_hex())),
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
        label: None,
        block_height: None,
        route_hints: Vec::new(),
        network: None,
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
fn run(
    node: &mut FakeNode,
    mut payer: Payer,
    clock: impl Fn(u8) -> Option<u32>,
) -> (ln_sendpay::payment::PayOutcome, Vec<Stage>, Vec<Request>) {
    let mut stages = vec![];
    let mut requests = vec![];
    let mut step = payer.step(None, &[0x41; 32]);
    for i in 0..50u8 {
        match step {
            Step::Done(outcome) => return (*outcome, stages, requests),
            Step::Send { stage, request } => {
                stages.push(stage);
                let answer = node.handle(&request);
                requests.push(request);
                let random = [0x41 ^ i; 32];
                payer.set_time_left(clock(i));
                step = match &answer {
                    Ok(Ok(v)) => payer.step(Some(Reply::Answer(v)), &random),
                    Ok(Err(e)) => payer.step(Some(Reply::NodeError(e)), &random),
                    Err(()) => payer.step(Some(Reply::TransportFailed), &random),
                };
            }
        }
    }
    panic!("no end after 50 steps");
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
        label: None,
        block_height: None,
        route_hints,
        network: None,
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
        Step::Send { stage, request } => (stage, request),
        Step::Done(o) => panic!("ended: {:?}", o.error),
    };
    let info = json::parse(&format!(r#"{{"id":"{}","blockheight":800000}}"#, us.to_hex())).unwrap();
    let refused = json::parse(r#"{"code":-32602,"message":"Layer already exists"}"#).unwrap();
    let ok = json::parse("{}").unwrap();
    let r = [1u8; 32];

    let (_, req) = send(payer.step(None, &r));
    assert_eq!(req.method, "getinfo");
    let (stage, req) = send(payer.step(Some(Reply::Answer(&info)), &r));
    assert_eq!((stage, req.method), (Stage::Layer, "askrene-create-layer"));
    let layer = req.params.get("layer").and_then(Value::as_str).unwrap().to_string();
    // The layer exists already (an earlier pay of this hash): go on.
    let (_, req) = send(payer.step(Some(Reply::NodeError(&refused)), &r));
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
    let (_, req) = send(payer.step(Some(Reply::Answer(&ok)), &r));
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
    let (stage, req) = send(payer.step(Some(Reply::NodeError(&refused)), &r));
    assert_eq!((stage, req.method), (Stage::FindRoute(1), "getroutes"));
    assert!(req.params.to_json().contains(&layer), "{}", req.params.to_json());
    // Without hints (and before any failure) no layer is made at all.
    let mut plain = Payer::new(config(Vec::new()));
    send(plain.step(None, &r));
    let (_, req) = send(plain.step(Some(Reply::Answer(&info)), &r));
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
fn getroutes_says_one_part_with_maxparts_and_falls_back_for_older_nodes() {
    let layers = |r: &Request| r.params.get("layers").unwrap().to_json();
    // Today's node (or one whose version is unknown): maxparts 1, no deprecated layer.
    let mut node = FakeNode::new();
    node.failing = "none";
    node.refuses = Some("auto.no_mpp_support");
    let (out, _, req) = pay(&mut node, Router::GetRoutes, 3);
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
    let (out, _, req) = pay(&mut node, Router::GetRoutes, 3);
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
        let (out, _, req) = pay(&mut node, Router::GetRoutes, 3);
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
