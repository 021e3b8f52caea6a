//! Routes in every shape Core Lightning spells them, and every bad input named by field.

mod common;
use common::*;

use ln_sendpay::Error;
use ln_sendpay::amount::Msat;
use ln_sendpay::commands;
use ln_sendpay::json::{self, Value};
use ln_sendpay::payload::{self, FinalHopData};
use ln_sendpay::route::{Route, RouteErrorKind};
use ln_sendpay::sphinx::{self, OnionHop, SecretKey};

const A: &str = "033845802d25b4e074ccfd7cd8b339a41dc75bf9978a034800444b51d42b07799a";
const B: &str = "03cecbfdc68544cc596223b68ce0710c9e5d2c9cb317ee07822d95079acc703d31";

fn example(schema: &str, n: usize) -> Value {
    arr(&shared(&format!("reference/cln-schemas/{schema}.json")), "examples")[n].clone()
}

fn summary(r: &Route) -> Vec<(String, String, u64, u32, Option<u8>)> {
    r.hops.iter().map(|h| (h.node_id.to_hex(), h.channel.to_string_form(), h.amount.0, h.delay, h.direction)).collect()
}

#[test]
fn getroute_answer_and_sendpay_request_parse_alike() {
    let gr = example("getroute", 0);
    let from_getroute = Route::from_json(gr.get("response").unwrap()).unwrap();
    let sp = example("sendpay", 0);
    let from_sendpay =
        Route::from_json(sp.get("request").unwrap().get("params").unwrap().get("route").unwrap()).unwrap();
    assert_eq!(from_getroute, from_sendpay);
    assert_eq!(
        summary(&from_getroute),
        vec![(A.into(), "116x1x1".into(), 10001, 15, Some(1)), (B.into(), "118x1x0".into(), 10000, 9, Some(0))]
    );
    from_getroute.validate(Some(Msat(10000))).unwrap();
    // And back to the shape every sendpay accepts.
    let again = Route::from_json(&from_getroute.to_json()).unwrap();
    assert_eq!(again, from_getroute);
    assert_eq!(from_getroute.to_json(), *sp.get("request").unwrap().get("params").unwrap().get("route").unwrap());
}

#[test]
fn getroutes_paths_use_the_far_end_of_each_hop() {
    let gr = example("getroutes", 0);
    let route0 = &arr(gr.get("response").unwrap(), "routes")[0];
    let want =
        vec![(A.into(), "116x1x1".into(), 1_250_013, 6, Some(1)), (B.into(), "130x1x0".into(), 1_250_000, 0, Some(0))];
    // The whole answer (one route), the route object, and the bare path (v26.06 names).
    assert_eq!(summary(&Route::from_json(gr.get("response").unwrap()).unwrap()), want);
    assert_eq!(summary(&Route::from_json(route0).unwrap()), want);
    assert_eq!(summary(&Route::from_json(route0.get("path").unwrap()).unwrap()), want);

    // Only the deprecated names (near-end amount_msat/delay, next_node_id): far-end values
    // come from the next hop, and from the route's amount_msat/final_cltv for the last.
    let old: Vec<Value> = arr(route0, "path")
        .iter()
        .map(|h| {
            let keep = ["short_channel_id_dir", "next_node_id", "amount_msat", "delay"];
            Value::Object(h.as_object().unwrap().iter().filter(|(k, _)| keep.contains(&k.as_ref())).cloned().collect())
        })
        .collect();
    let old_route = json::object([
        ("amount_msat", route0.get("amount_msat").unwrap().clone()),
        ("final_cltv", route0.get("final_cltv").unwrap().clone()),
        ("path", Value::Array(old.clone())),
    ]);
    assert_eq!(summary(&Route::from_json(&old_route).unwrap()), want);
    // Never read a getroutes near-end amount as the far end: without the route object the
    // last hop's far end is unknown.
    let e = Route::from_json(&Value::Array(old)).unwrap_err();
    assert_eq!((e.hop, e.field, e.kind), (Some(1), "amount_msat", RouteErrorKind::Missing));
}

#[test]
fn hop_amounts_accept_the_grammar_and_old_names() {
    let r = Route::from_json(&json::parse(&format!(
        r#"[{{"id":"{A}","channel":"1x1x1","msatoshi":"0.00000002btc","delay":"10"}},{{"node_id_out":"{B}","short_channel_id_dir":"2x2x2/1","amount_out_msat":"1.500sat","cltv_out":5}}]"#
    )).unwrap())
    .unwrap();
    assert_eq!(
        summary(&r),
        vec![(A.into(), "1x1x1".into(), 2000, 10, None), (B.into(), "2x2x2".into(), 1500, 5, Some(1))]
    );
}

fn route_err(text: &str, msatoshi: Option<u64>) -> Error {
    let input = format!(
        r#"{{"route":{text},"payment_hash":"{}","block_height":800000{}}}"#,
        "42".repeat(32),
        msatoshi.map(|m| format!(r#","msatoshi":{m}"#)).unwrap_or_default()
    );
    commands::route_payloads(&json::parse(&input).unwrap()).unwrap_err()
}

fn hop(fields: &str) -> String {
    format!("{{{fields}}}")
}

#[test]
fn every_bad_route_input_names_its_hop_and_field() {
    let ok1 = format!(r#""id":"{A}","channel":"1x1x1","amount_msat":2000,"delay":20"#);
    let cases: Vec<(String, Option<u64>, &str, &str)> = vec![
        (
            format!("[{}]", hop(r#""channel":"1x1x1","amount_msat":1,"delay":1"#)),
            None,
            "route[0].id",
            "ROUTE_MISSING_FIELD",
        ),
        (
            format!("[{}]", hop(r#""id":"02aa","channel":"1x1x1","amount_msat":1,"delay":1"#)),
            None,
            "route[0].id",
            "BAD_HEX",
        ),
        (
            format!(
                "[{}]",
                hop(&format!(r#""id":"02{}","channel":"1x1x1","amount_msat":1,"delay":1"#, "00".repeat(31) + "05"))
            ),
            None,
            "route[0].id",
            "NOT_ON_CURVE",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1","amount_msat":1,"delay":1"#))),
            None,
            "route[0].channel",
            "SCID_SYNTAX",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x65536","amount_msat":1,"delay":1"#))),
            None,
            "route[0].channel",
            "SCID_RANGE",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","amount_msat":1,"delay":1"#))),
            None,
            "route[0].channel",
            "ROUTE_MISSING_FIELD",
        ),
        (
            format!(
                "[{}]",
                hop(&format!(r#""id":"{A}","short_channel_id_dir":"1x1x1/0","direction":1,"amount_msat":1,"delay":1"#))
            ),
            None,
            "route[0].direction",
            "ROUTE_DIRECTION_MISMATCH",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x1","direction":2,"amount_msat":1,"delay":1"#))),
            None,
            "route[0].direction",
            "BAD_DIRECTION",
        ),
        (
            format!(
                "[{}]",
                hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":1,"delay":1,"style":"legacy""#))
            ),
            None,
            "route[0].style",
            "ROUTE_BAD_STYLE",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":"1BTC","delay":1"#))),
            None,
            "route[0].amount_msat",
            "AMOUNT_BAD_UNIT",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":-5,"delay":1"#))),
            None,
            "route[0].amount_msat",
            "AMOUNT_NO_DIGITS",
        ),
        (
            format!(
                "[{}]",
                hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":18446744073709551616,"delay":1"#))
            ),
            None,
            "route[0].amount_msat",
            "AMOUNT_OVERFLOW",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":1,"delay":4294967296"#))),
            None,
            "route[0].delay",
            "ROUTE_BAD_DELAY",
        ),
        (
            format!("[{}]", hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":1,"delay":1.5"#))),
            None,
            "route[0].delay",
            "ROUTE_BAD_DELAY",
        ),
        (
            format!(
                "[{}]",
                hop(&format!(r#""id":"{A}","channel":"1x1x1","amount_msat":2100000000000000001,"delay":1"#))
            ),
            None,
            "route[0].amount_msat",
            "ROUTE_AMOUNT_TOO_LARGE",
        ),
        (
            format!(
                "[{},{}]",
                hop(&ok1),
                hop(&format!(r#""id":"{B}","channel":"2x1x1","amount_msat":2001,"delay":10"#))
            ),
            None,
            "route[1].amount_msat",
            "ROUTE_AMOUNT_INCREASING",
        ),
        (
            format!(
                "[{},{}]",
                hop(&ok1),
                hop(&format!(r#""id":"{B}","channel":"2x1x1","amount_msat":1000,"delay":21"#))
            ),
            None,
            "route[1].delay",
            "ROUTE_DELAY_INCREASING",
        ),
        ("[]".into(), None, "route", "ROUTE_EMPTY"),
        ("{}".into(), None, "route", "ROUTE_WRONG_TYPE"),
        (format!("[{}]", vec![hop(&ok1); 28].join(",")), None, "route", "ROUTE_TOO_LONG"),
        (format!("[{}]", hop(&ok1)), Some(2001), "msatoshi", "ROUTE_BELOW_MSATOSHI"),
        (format!("[{}]", hop(&ok1)), Some(999), "msatoshi", "ROUTE_ABOVE_TWICE_MSATOSHI"),
    ];
    for (route, msatoshi, field, code) in cases {
        let e = route_err(&route, msatoshi);
        assert_eq!((e.field().as_deref(), e.code()), (Some(field), code), "{route} → {e}");
        assert_eq!(e.rpc_code(), -32602);
        assert!(e.to_string().starts_with(field), "{e}");
    }
    // The man page's range is inclusive at both ends.
    route_err_ok(&format!("[{}]", hop(&ok1)), 1000);
    route_err_ok(&format!("[{}]", hop(&ok1)), 2000);
}

fn route_err_ok(route: &str, msatoshi: u64) {
    let input =
        format!(r#"{{"route":{route},"payment_hash":"{}","block_height":1,"msatoshi":{msatoshi}}}"#, "42".repeat(32));
    commands::route_payloads(&json::parse(&input).unwrap()).unwrap();
}

#[test]
fn payload_and_onion_errors_name_their_field() {
    let r = Route::from_json(
        &json::parse(&format!(r#"[{{"id":"{A}","channel":"1x1x1","amount_msat":2000,"delay":20}}]"#)).unwrap(),
    )
    .unwrap();
    let bad = |fin: FinalHopData| Error::from(payload::route_payloads(&r, 100, &fin).unwrap_err());
    let e = bad(FinalHopData { custom_records: vec![(65535, vec![])], ..Default::default() });
    assert_eq!((e.code(), e.field().as_deref()), ("CUSTOM_RECORD_TYPE", Some("custom_records")));
    let e = bad(FinalHopData { custom_records: vec![(65537, vec![]), (65537, vec![1])], ..Default::default() });
    assert_eq!(e.code(), "CUSTOM_RECORD_DUPLICATE");
    let e = bad(FinalHopData { total_msat: Some(Msat(5000)), ..Default::default() });
    assert_eq!((e.code(), e.field().as_deref()), ("TOTAL_WITHOUT_SECRET", Some("total_msat")));
    let e = bad(FinalHopData { payment_secret: Some([1; 32]), total_msat: Some(Msat(1999)), ..Default::default() });
    assert_eq!(e.code(), "TOTAL_BELOW_AMOUNT");
    let e = Error::from(payload::route_payloads(&r, 499_999_990, &FinalHopData::default()).unwrap_err());
    assert_eq!((e.code(), e.field().as_deref()), ("CLTV_OVERFLOW", Some("block_height")));
    // Keysend's even type is a valid custom record.
    let ok = payload::route_payloads(
        &r,
        100,
        &FinalHopData { custom_records: vec![(5_482_373_484, vec![7; 32]), (65537, vec![])], ..Default::default() },
    )
    .unwrap();
    // The hop side reads it (a payee checks it against the HTLC's hash); 32 bytes only.
    let p = payload::decode_payload(&ok[0].frame[1..]).unwrap();
    assert_eq!(p.keysend_preimage, Some([7; 32]));
    assert_eq!(p.unknown.iter().map(|r| r.tlv_type).collect::<Vec<_>>(), [65537]);
    let short = payload::route_payloads(
        &r,
        100,
        &FinalHopData { custom_records: vec![(5_482_373_484, vec![7; 31])], ..Default::default() },
    )
    .unwrap();
    assert!(payload::decode_payload(&short[0].frame[1..]).is_err(), "a keysend preimage of 31 bytes");

    // Too large: says by how many bytes, with Core Lightning's -1.
    let k = SecretKey::from_bytes(&[0x41; 32]).unwrap();
    let id = k.public_key();
    let big = vec![0u8; 1300];
    let e = Error::from(sphinx::build_onion(&k, &[OnionHop { pubkey: &id, frame: &big }], &[]).unwrap_err());
    assert_eq!((e.code(), e.rpc_code()), ("ONION_TOO_LARGE", -1));
    assert!(e.to_string().contains("32 bytes too many"), "{e}");
    assert_eq!(SecretKey::from_bytes(&[0; 32]).unwrap_err(), sphinx::OnionError::InvalidSecretKey);
    assert_eq!(SecretKey::from_bytes(&[0xff; 32]).unwrap_err(), sphinx::OnionError::InvalidSecretKey);

    // Command inputs.
    let generate = |s: &str| commands::onion_generate(&json::parse(s).unwrap(), None).unwrap_err();
    let e = generate(r#"{"associated_data":"","hops":[]}"#);
    assert_eq!(e.field().as_deref(), Some("session_key"));
    let e = generate(&format!(r#"{{"session_key":"{}","associated_data":"zz","hops":[]}}"#, "41".repeat(32)));
    assert_eq!((e.field().as_deref(), e.code()), (Some("associated_data"), "BAD_HEX"));
    let e = generate(&format!(
        r#"{{"session_key":"{}","associated_data":"","hops":[{{"pubkey":"{A}","payload":"0500"}}]}}"#,
        "41".repeat(32)
    ));
    assert_eq!((e.field().as_deref(), e.code()), (Some("hops[0].payload"), "ONION_BAD_LENGTH_PREFIX"));
    let e = generate(&format!(
        r#"{{"session_key":"{}","associated_data":"","hops":[{{"payload":"0100"}}]}}"#,
        "41".repeat(32)
    ));
    assert_eq!(e.field().as_deref(), Some("hops[0].pubkey"));
    let e = generate(&format!(r#"{{"session_key":"{}","associated_data":"","hops":[]}}"#, "41".repeat(32)));
    assert_eq!((e.field().as_deref(), e.code()), (Some("hops"), "ONION_NO_HOPS"));
    // createonion's payloads that do not fit: -32602, as createonion answers (sendpay's is -1).
    let big = format!("fd04f6{}", "00".repeat(1270));
    let e = generate(&format!(
        r#"{{"session_key":"{}","associated_data":"","hops":[{{"pubkey":"{A}","payload":"{big}"}}]}}"#,
        "41".repeat(32)
    ));
    assert_eq!((e.field().as_deref(), e.code(), e.rpc_code()), (Some("hops"), "ONION_TOO_LARGE", -32602));
    let e = commands::onion_decode(
        &json::parse(&format!(r#"{{"onion":"00","associated_data":"","privkey":"{}"}}"#, "41".repeat(32))).unwrap(),
    )
    .unwrap_err();
    assert_eq!((e.field().as_deref(), e.code()), (Some("onion"), "ONION_PACKET_LENGTH"));
    let e = commands::amount("12 sat").unwrap_err();
    assert_eq!((e.field().as_deref(), e.code()), (Some("amount"), "AMOUNT_BAD_UNIT"));
}
