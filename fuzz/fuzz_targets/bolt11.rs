#![no_main]
//! Invoice strings → decode (never a panic); a decoded invoice re-reads the same from its
//! upper-case form, and its JSON and cross-checks are total; and the same bytes as the
//! `bolt11` of a sendpay / pay request.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::{bolt11, commands, json::Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(inv) = bolt11::decode(text) {
        assert_eq!(bolt11::decode(&text.to_ascii_uppercase()).as_ref(), Ok(&inv));
        let _ = commands::invoice_json(&inv, Some(0));
        let _ = inv.amount_to_pay(None);
        let _ = inv.check_expiry(u64::MAX);
        let _ = inv.check_description(text);
    }
    let bolt11 = Value::Object(vec![("bolt11".into(), Value::String(text.into()))]);
    let _ = commands::pay_config(&bolt11);
    let mut req = vec![("method".into(), Value::str("sendpay")), ("bolt11".into(), Value::String(text.into()))];
    req.push(("route".into(), Value::Array(Vec::new())));
    let _ = commands::rpc_request(&Value::Object(req), Some([1; 32]));
});
