//! The `ln-sendpay` binary: JSON on stdin and stdout, errors as JSON on stderr.

use std::io::Write;
use std::process::{Command, Stdio};

use ln_sendpay::json::{self, Value};

fn run(args: &[&str], stdin: &str) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ln-sendpay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v = if stdout.trim().is_empty() { Value::Null } else { json::parse(&stdout).unwrap() };
    (out.status.code().unwrap(), v, String::from_utf8(out.stderr).unwrap())
}

fn vector(path: &str) -> String {
    format!("{}/../shared/vectors/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn runtest_passes_on_the_vector_and_fails_on_a_changed_byte() {
    let (code, v, _) = run(&["onion", "runtest", &vector("bolt04/onion-test.json")], "");
    assert_eq!(code, 0);
    assert_eq!(v.get("ok"), Some(&Value::Bool(true)));
    assert_eq!(v.get("decoded").unwrap().as_array().unwrap().len(), 5);

    let text = std::fs::read_to_string(vector("bolt04/onion-test.json")).unwrap();
    let mut t = json::parse(&text).unwrap();
    if let Value::Object(m) = &mut t {
        for (k, v) in m.iter_mut() {
            if k == "onion" {
                let s = v.as_str().unwrap();
                *v = Value::String(format!("{}{}", &s[..100], if &s[100..101] == "0" { "1" } else { "0" }) + &s[101..]);
            }
        }
    }
    let tmp = std::env::temp_dir().join(format!("ln-sendpay-runtest-{}.json", std::process::id()));
    std::fs::write(&tmp, t.to_json()).unwrap();
    let (code, v, _) = run(&["onion", "runtest", tmp.to_str().unwrap()], "");
    std::fs::remove_file(&tmp).ok();
    assert_eq!(code, 1);
    assert_eq!(v.get("onion_matches"), Some(&Value::Bool(false)));
}

#[test]
fn route_payloads_then_generate_then_decode_at_each_hop() {
    let keys = ["41".repeat(32), "42".repeat(32)];
    let ids: Vec<String> =
        keys.iter().map(|k| ln_sendpay::SecretKey::from_hex(k).unwrap().public_key().to_hex()).collect();
    let input = format!(
        r#"{{"route":[{{"id":"{}","channel":"103x2x1","amount_msat":"1002msat","delay":21}},{{"id":"{}","channel":"103x1x1","amount_msat":1000,"delay":9}}],
            "payment_hash":"{}","payment_secret":"{}","payment_metadata":"0102","custom_records":{{"65537":"ff"}},"block_height":800000}}"#,
        ids[0],
        ids[1],
        "42".repeat(32),
        "11".repeat(32)
    );
    let (code, p, err) = run(&["route", "payloads"], &input);
    assert_eq!(code, 0, "{err}");
    assert_eq!(p.get("first_hop").unwrap().get("amount_msat").unwrap().as_u64(), Some(1002));
    let mut gen_in = p.clone();
    if let Value::Object(m) = &mut gen_in {
        m.retain(|(k, _)| k != "first_hop");
        m.push(("session_key".into(), Value::String("43".repeat(32))));
    }
    let (code, g, err) = run(&["onion", "generate"], &gen_in.to_json());
    assert_eq!(code, 0, "{err}");
    assert_eq!(g.get("onion").unwrap().as_str().unwrap().len(), 2732);
    let mut onion = g.get("onion").unwrap().as_str().unwrap().to_string();
    for (i, k) in keys.iter().enumerate() {
        let req = format!(r#"{{"onion":"{onion}","associated_data":"{}","privkey":"{k}"}}"#, "42".repeat(32));
        let (code, d, err) = run(&["onion", "decode"], &req);
        assert_eq!(code, 0, "{err}");
        assert_eq!(d.get("payload"), p.get("hops").unwrap().as_array().unwrap()[i].get("payload"));
        assert_eq!(d.get("shared_secret"), Some(&g.get("shared_secrets").unwrap().as_array().unwrap()[i]));
        let f = d.get("fields").unwrap();
        if i == 0 {
            assert_eq!(f.get("amt_to_forward").unwrap().as_str(), Some("1000"));
            assert_eq!(f.get("outgoing_cltv_value").unwrap().as_u64(), Some(800_010));
            assert_eq!(f.get("short_channel_id").unwrap().as_str(), Some("103x1x1"));
            onion = d.get("next_onion").unwrap().as_str().unwrap().to_string();
        } else {
            assert_eq!(d.get("next_onion"), Some(&Value::Null));
            assert_eq!(f.get("total_msat").unwrap().as_str(), Some("1000"));
            assert_eq!(f.get("payment_metadata").unwrap().as_str(), Some("0102"));
            assert_eq!(f.get("unknown_records").unwrap().get("65537").unwrap().as_str(), Some("ff"));
        }
    }
}

#[test]
fn generate_without_a_session_key_draws_a_fresh_one() {
    let id = ln_sendpay::SecretKey::from_hex(&"41".repeat(32)).unwrap().public_key().to_hex();
    let req = format!(r#"{{"associated_data":"","hops":[{{"pubkey":"{id}","payload":"020000"}}]}}"#);
    let (_, a, _) = run(&["onion", "generate"], &req);
    let (_, b, _) = run(&["onion", "generate"], &req);
    assert_ne!(a.get("onion"), b.get("onion"));
}

#[test]
fn amounts_and_errors() {
    let (code, v, _) = run(&["amount", "0.00000001btc"], "");
    assert_eq!((code, v.get("msat").unwrap().as_str()), (0, Some("1000")));
    let (code, v, err) = run(&["amount", "1.5"], "");
    assert_eq!((code, v), (1, Value::Null));
    let e = json::parse(err.trim()).unwrap();
    assert_eq!(e.get("code").unwrap().token_text(), Some("-32602"));
    assert_eq!(e.get("error").unwrap().as_str(), Some("AMOUNT_BAD_DECIMALS"));
    assert_eq!(e.get("field").unwrap().as_str(), Some("amount"));
    let (code, _, err) = run(&["route", "payloads"], "{not json");
    assert_eq!(code, 1);
    assert_eq!(json::parse(err.trim()).unwrap().get("error").unwrap().as_str(), Some("JSON_SYNTAX"));
    let (code, _, err) = run(&["bogus"], "");
    assert_eq!(code, 2);
    assert!(err.contains("usage"));
}

#[test]
fn invoice_decode_reads_the_spec_examples_and_names_what_is_wrong() {
    let text = std::fs::read_to_string(vector("bolt11.json")).unwrap();
    let file = json::parse(&text).unwrap();
    let valid = file.get("valid").and_then(Value::as_array).unwrap();
    let case = &valid[1]; // "$3 for a cup of coffee": amount, expiry 60
    let invoice = case.get("invoice").and_then(Value::as_str).unwrap();
    let (code, v, _) = run(&["invoice", "decode"], &format!("{{\"invoice\":\"{invoice}\"}}"));
    assert_eq!(code, 0);
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    assert_eq!(s("network").as_deref(), Some("bc"));
    assert_eq!(s("amount_msat").as_deref(), Some("250000000"));
    assert_eq!(v.get("timestamp").and_then(Value::as_u64), Some(1496314658));
    assert_eq!(v.get("expiry").and_then(Value::as_u64), Some(60));
    assert_eq!(s("description").as_deref(), Some("1 cup coffee"));
    assert_eq!(v.get("description_hash"), Some(&Value::Null));
    assert_eq!(v.get("min_final_cltv_expiry").and_then(Value::as_u64), Some(18));
    assert_eq!(s("payee").as_deref(), file.get("payee_node_id").and_then(Value::as_str));
    assert_eq!(v.get("signature_verified"), Some(&Value::Bool(true)));
    for key in ["payment_hash", "payment_secret", "route_hints", "features", "payment_metadata"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    // No amount: null.
    let donation = valid[0].get("invoice").and_then(Value::as_str).unwrap();
    let (_, v, _) = run(&["invoice", "decode"], &format!("{{\"invoice\":\"{donation}\"}}"));
    assert_eq!(v.get("amount_msat"), Some(&Value::Null));
    // Invalid: exit 1, the error as JSON on stderr, naming the field.
    let bad = file.get("invalid").and_then(Value::as_array).unwrap()[1].get("invoice").and_then(Value::as_str).unwrap();
    let (code, _, err) = run(&["invoice", "decode"], &format!("{{\"invoice\":\"{bad}\"}}"));
    assert_eq!(code, 1);
    let e = json::parse(&err).unwrap();
    assert_eq!(e.get("error").and_then(Value::as_str), Some("BOLT11_BAD_CHECKSUM"));
    assert_eq!(e.get("field").and_then(Value::as_str), Some("invoice"));
    let (code, _, err) = run(&["invoice", "decode"], "{}");
    assert_eq!(code, 1);
    assert!(err.contains("\"field\":\"invoice\""), "{err}");
}

#[test]
fn an_unknown_key_is_an_error_in_snake_case_with_the_key_meant() {
    let id = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619";
    let route = format!(r#"[{{"id":"{id}","channel":"1x1x1","amount_msat":1000,"delay":9}}]"#);
    let good = format!(r#"{{"route":{route},"payment_hash":"{h}","block_height":1}}"#, h = "42".repeat(32));
    let (code, v, err) = run(&["route", "payloads"], &good);
    assert_eq!(code, 0, "{err}");
    assert!(v.get("hops").is_some());
    for (extra, field, message) in [
        (r#""paymentsecret":"00""#, "paymentsecret", "paymentsecret: unknown field; did you mean payment_secret?"),
        (r#""blockheight":1"#, "blockheight", "blockheight: unknown field; did you mean block_height?"),
        (r#""colour":"blue""#, "colour", "colour: unknown field"),
    ] {
        let input = good.replacen('{', &format!("{{{extra},"), 1);
        let (code, _, err) = run(&["route", "payloads"], &input);
        assert_eq!(code, 1);
        let e = json::parse(err.trim()).unwrap();
        assert_eq!(e.get("error").and_then(Value::as_str), Some("UNKNOWN_FIELD"), "{err}");
        assert_eq!(e.get("field").and_then(Value::as_str), Some(field));
        assert_eq!(e.get("message").and_then(Value::as_str), Some(message));
    }
    // In a hop too, with its path.
    let typo = good.replace("\"delay\"", "\"dealy\"");
    let (_, _, err) = run(&["route", "payloads"], &typo);
    let e = json::parse(err.trim()).unwrap();
    assert_eq!(e.get("field").and_then(Value::as_str), Some("route[0].dealy"), "{err}");
    assert_eq!(e.get("message").and_then(Value::as_str), Some("route[0].dealy: unknown field; did you mean delay?"));
}
