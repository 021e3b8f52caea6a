#![allow(dead_code)]
//! Helpers shared by the integration tests: load the vectors in `../shared` in place.

use ln_sendpay::hex;
use ln_sendpay::json::{self, Value};

pub fn shared(path: &str) -> Value {
    let full = format!("{}/../shared/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    json::parse(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("missing string {key}"))
}

pub fn h(v: &Value, key: &str) -> Vec<u8> {
    hex::decode(s(v, key)).unwrap()
}

pub fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).unwrap_or_else(|| panic!("missing array {key}"))
}
