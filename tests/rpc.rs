//! The JSON-RPC requests and answers of the sendpay family, against Core Lightning's own
//! schema examples, and answers a node should not send.

mod common;
use common::*;

use ln_sendpay::amount::Msat;
use ln_sendpay::failure;
use ln_sendpay::hex;
use ln_sendpay::ids::{NodeId, ShortChannelId};
use ln_sendpay::json::{self, Value};
use ln_sendpay::route::Route;
use ln_sendpay::rpc::{self, Exclusion, NodeError, PaymentStatus, SendOptions};
use ln_sendpay::sphinx::SharedSecret;

fn examples(schema: &str) -> Vec<Value> {
    arr(&shared(&format!("reference/cln-schemas/{schema}.json")), "examples").to_vec()
}

fn no_nulls(v: &Value, path: &str) {
    match v {
        Value::Null => panic!("null at {path}: Core Lightning treats null as given"),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| no_nulls(x, &format!("{path}[{i}]"))),
        Value::Object(m) => m.iter().for_each(|(k, x)| no_nulls(x, &format!("{path}.{k}"))),
        _ => {}
    }
}

#[test]
fn every_payment_object_in_the_schema_examples_reads_exactly() {
    let mut n = 0;
    for schema in ["sendpay", "sendonion", "waitsendpay"] {
        for e in examples(schema) {
            let p = rpc::payment(e.get("response").unwrap(), "").unwrap();
            assert!(p.amount_sent_msat.0 > 0);
            n += 1;
        }
    }
    let mut big = Vec::new();
    for e in examples("listsendpays") {
        for p in rpc::payments(e.get("response").unwrap()).unwrap() {
            if p.groupid > 1 << 53 {
                big.push(p.groupid);
            }
            if p.status == PaymentStatus::Complete {
                assert!(p.payment_preimage.is_some());
            }
            n += 1;
        }
    }
    assert!(n >= 10, "{n} payment objects");
    // JSON.parse would have rounded these.
    assert!(big.contains(&8_645_223_729_089_888_574), "{big:?}");
    let failed: Vec<_> = examples("listsendpays")
        .iter()
        .flat_map(|e| rpc::payments(e.get("response").unwrap()).unwrap())
        .filter(|p| p.erroronion.is_some())
        .collect();
    assert_eq!(failed[0].status, PaymentStatus::Failed);
    assert_eq!(failed[0].erroronion.as_ref().unwrap().len(), 292);
}

#[test]
fn sendpay_request_matches_the_schema_example() {
    let e = &examples("sendpay")[0];
    let want = e.get("request").unwrap().get("params").unwrap();
    let route = Route::from_json(want.get("route").unwrap()).unwrap();
    let hash = hex::decode_array::<32>(s(want, "payment_hash")).unwrap();
    let secret = hex::decode_array::<32>(s(want, "payment_secret")).unwrap();
    let req = rpc::sendpay(&route, &hash, &SendOptions { payment_secret: Some(secret), ..Default::default() });
    assert_eq!(req.method, "sendpay");
    no_nulls(&req.params, "params");
    // The same route (amounts as "<n>msat", which every version reads), hash and secret.
    assert_eq!(Route::from_json(req.params.get("route").unwrap()).unwrap(), route);
    assert_eq!(
        req.params.get("route").unwrap().as_array().unwrap()[0].get("amount_msat").unwrap().as_str(),
        Some("10001msat")
    );
    assert_eq!(req.params.get("payment_hash"), want.get("payment_hash"));
    assert_eq!(req.params.get("payment_secret"), want.get("payment_secret"));
    // Today's nodes want amount_msat equal to the final amount (no partid).
    assert_eq!(req.params.get("amount_msat").unwrap().as_str(), Some("10000msat"));
    // MPP: the total, with partid and groupid.
    let mpp = rpc::sendpay(
        &route,
        &hash,
        &SendOptions { partid: Some(2), groupid: Some(7), total_msat: Some(Msat(30_000)), ..Default::default() },
    );
    assert_eq!(mpp.params.get("amount_msat").unwrap().as_str(), Some("30000msat"));
    assert_eq!(mpp.params.get("partid").unwrap().as_u64(), Some(2));
}

#[test]
fn sendonion_request_matches_the_schema_example_and_keeps_the_secrets() {
    let e = &examples("sendonion")[0];
    let want = e.get("request").unwrap().get("params").unwrap();
    let fh = want.get("first_hop").unwrap();
    let route = Route::from_json(&Value::Array(vec![fh.clone()])).unwrap();
    let onion = h(want, "onion");
    let hash = hex::decode_array::<32>(s(want, "payment_hash")).unwrap();
    let req = rpc::sendonion(&onion, &route, &hash, &SendOptions::default());
    no_nulls(&req.params, "params");
    assert_eq!(req.params.get("onion"), want.get("onion"));
    let got_fh = req.params.get("first_hop").unwrap();
    for k in ["id", "channel", "delay"] {
        assert_eq!(got_fh.get(k), fh.get(k), "first_hop.{k}");
    }
    assert_eq!(got_fh.get("amount_msat").unwrap().as_str(), Some("1002msat"));
    assert!(req.params.get("shared_secrets").is_none(), "secrets never leave the client");
}

#[test]
fn route_requests_and_answers() {
    for e in examples("getroute") {
        let p = e.get("request").unwrap().get("params").unwrap();
        let dest = NodeId::from_hex(s(p, "id")).unwrap();
        let amount = Msat(p.get("amount_msat").unwrap().as_u64().unwrap());
        let req = rpc::getroute(&dest, amount, p.get("riskfactor").unwrap().as_u64().unwrap() as u32, 9, &[]);
        assert_eq!(req.params.get("id"), p.get("id"));
        assert_eq!(Msat::parse(req.params.get("amount_msat").unwrap().as_str().unwrap()), Ok(amount));
        let routes = rpc::routes_answer(e.get("response").unwrap()).unwrap();
        assert_eq!(routes[0].1.hops.last().unwrap().amount, amount);
        assert_eq!(routes[0].1.hops.last().unwrap().node_id, dest);
    }
    let g = NodeId::from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798").unwrap();
    let ex = rpc::getroute(&g, Msat(1), 1, 9, &[Exclusion::Channel(ShortChannelId::parse("103x1x0").unwrap(), 1)]);
    assert_eq!(ex.params.get("exclude").unwrap().to_json(), r#"["103x1x0/1"]"#);
    for e in examples("getroutes") {
        let p = e.get("request").unwrap().get("params").unwrap();
        let routes = rpc::routes_answer(e.get("response").unwrap()).unwrap();
        let total: u64 = routes.iter().map(|(_, r)| r.hops.last().unwrap().amount.0).sum();
        assert_eq!(total, p.get("amount_msat").unwrap().as_u64().unwrap(), "getroutes parts add up");
        assert!(routes.iter().all(|(ppm, _)| ppm.is_some()));
    }
}

#[test]
fn answers_a_node_should_not_send_are_typed_errors() {
    let e = rpc::parse_answer("<html><body>502 Bad Gateway</body></html>").unwrap_err();
    assert_eq!((e.field.as_str(), e.expected), ("(text)", "JSON, not an HTML page"));
    assert_eq!(rpc::parse_answer("{\"payments\": [").unwrap_err().field, "(text)");
    let ok = r#"{"created_index":1,"payment_hash":"42424242424242424242424242424242424242424242424242424242424242ab","groupid":1,"amount_sent_msat":1000,"created_at":1,"status":"pending"}"#;
    let p = rpc::payment(&json::parse(ok).unwrap(), "").unwrap();
    assert_eq!((p.status, p.amount_sent_msat), (PaymentStatus::Pending, Msat(1000)));
    let cases = [
        (ok.replace("\"pending\"", "5"), "status"),
        (ok.replace(",\"amount_sent_msat\":1000", ""), "amount_sent_msat"),
        (ok.replace("\"groupid\":1", "\"groupid\":18446744073709551616"), "groupid"),
        (ok.replace("\"amount_sent_msat\":1000", "\"amount_sent_msat\":\"1000sat\""), "amount_sent_msat"),
        (ok.replace("42ab", "42"), "payment_hash"),
        (ok.replace("\"created_index\":1,", "\"created_index\":-1,"), "created_index"),
    ];
    for (text, field) in cases {
        let e = rpc::payment(&json::parse(&text).unwrap(), "").unwrap_err();
        assert_eq!(e.field, field, "{text}");
    }
    // Old nodes' "<n>msat" strings are read.
    let old = ok.replace("\"amount_sent_msat\":1000", "\"amount_sent_msat\":\"1000msat\"");
    assert_eq!(rpc::payment(&json::parse(&old).unwrap(), "").unwrap().amount_sent_msat, Msat(1000));
    let e = rpc::payments(&json::parse(&format!(r#"{{"payments":[{ok},{{"status":"x"}}]}}"#)).unwrap()).unwrap_err();
    assert!(e.field.starts_with("payments[1]."), "{}", e.field);
}

#[test]
fn node_errors_become_routing_failures_or_stay_rpc_errors() {
    let secrets: Vec<SharedSecret> = (1..=2).map(|i| SharedSecret::from_bytes([i; 32])).collect();
    let reply = failure::reply_from_hop(&secrets, 1, &[0x40, 0x0f]).unwrap();
    let e202 = json::parse(&format!(
        r#"{{"code":202,"message":"Malformed error reply","data":{{"onionreply":"{}"}}}}"#,
        hex::encode(&reply)
    ))
    .unwrap();
    match rpc::node_error(&e202, None, Some(&secrets)).unwrap() {
        NodeError::Routing(f) => assert_eq!((f.code, f.erring_index, f.failcode), (203, Some(2), Some(0x400F))),
        other => panic!("{other:?}"),
    }
    let e201 =
        json::parse(r#"{"code":201,"message":"Already succeeded with amount 1000msat (not 2000msat)"}"#).unwrap();
    assert!(matches!(rpc::node_error(&e201, None, None).unwrap(), NodeError::Rpc { code: 201, .. }));
    let bad_params = json::parse(r#"{"code":-32602,"message":"route: bad amount","data":null}"#).unwrap();
    assert!(matches!(rpc::node_error(&bad_params, None, None).unwrap(), NodeError::Rpc { code: -32602, .. }));
    assert_eq!(rpc::node_error(&json::parse(r#"{"message":"x"}"#).unwrap(), None, None).unwrap_err().field, "code");
}

#[test]
fn rpc_commands_build_requests_check_the_rules_and_read_answers() {
    use ln_sendpay::commands;
    use ln_sendpay::sphinx::{self, SecretKey};
    let keys: Vec<SecretKey> = (1..=2u8).map(|i| SecretKey::from_bytes(&[i; 32]).unwrap()).collect();
    let ids: Vec<String> = keys.iter().map(|k| k.public_key().to_hex()).collect();
    let route = format!(
        r#"[{{"id":"{}","channel":"103x1x0","amount_msat":1001,"delay":15}},{{"id":"{}","channel":"104x1x0","amount_msat":1000,"delay":9}}]"#,
        ids[0], ids[1]
    );
    let hash = "42".repeat(32);
    // sendpay: the man page's rule is checked before anything is built.
    let req = |extra: &str| {
        json::parse(&format!(r#"{{"method":"sendpay","route":{route},"payment_hash":"{hash}"{extra}}}"#)).unwrap()
    };
    let e = commands::rpc_request(&req(r#","msatoshi":400"#), None).unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("ROUTE_ABOVE_TWICE_MSATOSHI", Some("msatoshi")));
    let ok = commands::rpc_request(&req(r#","msatoshi":"600","label":"x""#), None).unwrap();
    assert_eq!(ok.get("method").unwrap().as_str(), Some("sendpay"));
    assert_eq!(
        ok.get("params").unwrap().get("amount_msat").unwrap().as_str(),
        Some("1000msat"),
        "today's exact-match rule on the wire"
    );
    assert_eq!(ok.get("attempt").unwrap().get("amount_msat").unwrap().as_str(), Some("1000"));
    // sendonion: the onion is built here, its secrets returned, not sent; every hop peels it.
    let so = json::parse(&format!(
        r#"{{"method":"sendonion","route":{route},"payment_hash":"{hash}","payment_secret":"{}","block_height":800000,"session_key":"{}"}}"#,
        "11".repeat(32),
        "43".repeat(32)
    ))
    .unwrap();
    let out = commands::rpc_request(&so, None).unwrap();
    assert!(out.get("params").unwrap().get("shared_secrets").is_none());
    assert_eq!(out.get("shared_secrets").unwrap().as_array().unwrap().len(), 2);
    let onion = hex::decode(out.get("params").unwrap().get("onion").unwrap().as_str().unwrap()).unwrap();
    let p0 = sphinx::peel_onion(&keys[0], &onion, &hex::decode(&hash).unwrap()).unwrap();
    let p1 = sphinx::peel_onion(&keys[1], p0.next.unwrap().as_bytes(), &hex::decode(&hash).unwrap()).unwrap();
    assert!(p1.next.is_none());
    // Answers: the node's text is read exactly; an HTML page is a typed error.
    let text = r#"{"created_index":9,"payment_hash":"4242424242424242424242424242424242424242424242424242424242424242","groupid":8645223729089888574,"amount_sent_msat":1001,"created_at":1,"status":"pending"}"#;
    let a =
        commands::rpc_answer(&json::object([("method", Value::str("sendpay")), ("answer", Value::str(text))])).unwrap();
    assert_eq!(a.get("groupid").unwrap().token_text(), Some("8645223729089888574"));
    let e = commands::rpc_answer(&json::object([
        ("method", Value::str("waitsendpay")),
        ("answer", Value::str("<html>502</html>")),
    ]))
    .unwrap_err();
    assert_eq!((e.code(), e.rpc_code(), e.field().as_deref()), ("NODE_BAD_ANSWER", -32001, Some("(text)")));
    // A 202 decoded with the secrets and the route the client recorded (as text).
    let secrets: Vec<SharedSecret> = out
        .get("shared_secrets")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| SharedSecret::from_bytes(hex::decode_array(s.as_str().unwrap()).unwrap()))
        .collect();
    let reply = failure::reply_from_hop(&secrets, 0, &[0x10, 0x07, 0, 0]).unwrap();
    let err = json::object([
        (
            "error",
            Value::String(format!(
                r#"{{"code":202,"message":"Malformed error reply","data":{{"onionreply":"{}"}}}}"#,
                hex::encode(&reply)
            )),
        ),
        ("route", out.get("attempt").unwrap().get("route").unwrap().clone()),
        ("shared_secrets", out.get("shared_secrets").unwrap().clone()),
    ]);
    let r = commands::rpc_error(&err).unwrap();
    let f = r.get("routing").unwrap();
    assert_eq!(f.get("code").unwrap().token_text(), Some("204"));
    assert_eq!(f.get("erring_channel").unwrap().as_str(), Some("104x1x0"));
    // The guard, through its JSON form.
    let g = |records: &str| {
        let v = json::parse(&format!(
            r#"{{"attempt":{{"destination":"{}","amount_msat":"1000"}},"records":{records}}}"#,
            ids[1]
        ))
        .unwrap();
        commands::payment_guard(&v).unwrap()
    };
    assert_eq!(g("[]").get("decision").unwrap().as_str(), Some("proceed"));
    let done = format!(r#"[{{"destination":"{}","amount_msat":"1000","status":"complete"}}]"#, ids[1]);
    assert_eq!(g(&done).get("decision").unwrap().as_str(), Some("complete"));
    let other = format!(r#"[{{"destination":"{}","amount_msat":"999","status":"complete"}}]"#, ids[1]);
    assert_eq!(g(&other).get("code").unwrap().token_text(), Some("201"));
}
