#![no_main]
//! A node's answer text for every method whose answer is read here (getinfo, the payment
//! answers, routes, invoice, signmessage, checkmessage) and its error text → never a panic;
//! a typed result or NODE_BAD_ANSWER (or, with the expected hash, PAYMENT_…_MISMATCH).
use libfuzzer_sys::fuzz_target;
use ln_sendpay::{commands, json::Value};

const METHODS: [&str; 11] = [
    "getinfo",
    "sendpay",
    "sendonion",
    "waitsendpay",
    "listsendpays",
    "getroute",
    "getroutes",
    "invoice",
    "signmessage",
    "checkmessage",
    "fetchinvoice",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let method = METHODS[usize::from(pick) % METHODS.len()];
    let mut input = vec![("method".into(), Value::str(method)), ("answer".into(), Value::String(text.into()))];
    if pick & 0x80 != 0 {
        input.push(("payment_hash".into(), Value::String("42".repeat(32))));
    }
    if let Err(e) = commands::rpc_answer(&Value::Object(input)) {
        assert!(
            matches!(e.code(), "NODE_BAD_ANSWER" | "PAYMENT_PREIMAGE_MISMATCH" | "PAYMENT_HASH_MISMATCH"),
            "{}",
            e.code()
        );
    }
    let _ = commands::rpc_error(&Value::Object(vec![("error".into(), Value::String(text.into()))]));
});
