//! JavaScript bindings (feature `wasm`): convert JS values ⇄ the core's JSON model and map
//! core errors to JS errors. No protocol logic lives here: every call is a core command.
//!
//! - Keys: camelCase in JS, snake_case in the core (`paymentHash` ⇄ `payment_hash`).
//! - Amounts: every `…msat` (and `amt_to_forward`) value is a `bigint` out; in, a `bigint` or
//!   an amount-grammar string. A JS `number` there is a `TypeError`: it cannot hold every u64.
//! - Other integers come out as numbers while they fit 2^53, else as `bigint`.
//! - Errors: an `Error` named `LnSendpayError` with `code` (Core Lightning's number) and
//!   `data: {error, field}`; a wrong JS type is a `TypeError` with the same properties.
//! - Randomness (session keys) comes from `crypto.getRandomValues` at call time, never at
//!   import; keys are zeroized when dropped.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use js_sys::{Array, BigInt, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::amount::Msat;
use crate::commands;
use crate::error::{Error, INVALID_PARAMS};
use crate::hex;
use crate::json::Value;

const MAX_SAFE: u64 = (1 << 53) - 1;

fn is_bigint_key(snake: &str) -> bool {
    snake.ends_with("msat")
        || matches!(
            snake,
            "msatoshi"
                | "amt_to_forward"
                | "incoming_htlc_amt"
                | "u64"
                | "offer_amount"
                | "invreq_amount"
                | "invoice_amount"
        )
}

/// Keys that take a u64 a JS number cannot always hold: a bigint is welcome there.
fn takes_bigint(snake: &str) -> bool {
    is_bigint_key(snake) || snake == "groupid"
}

/// Keys that take a plain JS number (heights, delays, counts, indexes, seconds): a string or
/// a bigint there is a typo, not a value (`delay: '40'`).
fn takes_number(snake: &str) -> bool {
    matches!(
        snake,
        "delay"
            | "direction"
            | "partid"
            | "block_height"
            | "final_cltv"
            | "cltv"
            | "cltv_in"
            | "cltv_out"
            | "timeout"
            | "maxdelay"
            | "max_delay"
            | "maxparts"
            | "max_attempts"
            | "riskfactor"
            | "erring_index"
            | "hold_times"
            | "now"
            | "wait_timeout"
    )
}

/// Keys that take a short channel id: a string (`"BxTxO"`), or its u64 form as a bigint;
/// a JS number cannot hold every one.
fn takes_scid(snake: &str) -> bool {
    matches!(snake, "channel" | "short_channel_id" | "short_channel_id_dir")
}

fn snake(key: &str) -> String {
    let mut s = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

fn camel(key: &str) -> String {
    let mut s = String::with_capacity(key.len());
    let mut up = false;
    for c in key.chars() {
        if c == '_' {
            up = true;
        } else if up {
            s.push(c.to_ascii_uppercase());
            up = false;
        } else {
            s.push(c);
        }
    }
    s
}

fn with_props(err: JsValue, code: i32, error: &str, field: Option<&str>) -> JsValue {
    let data = Object::new();
    let _ = Reflect::set(&data, &"error".into(), &error.into());
    if let Some(f) = field {
        let _ = Reflect::set(&data, &"field".into(), &f.into());
    }
    let _ = Reflect::set(&err, &"code".into(), &JsValue::from(code));
    let _ = Reflect::set(&err, &"data".into(), &data);
    err
}

fn type_error(field: &str, msg: &str) -> JsValue {
    let e = js_sys::TypeError::new(&format!("{field}: {msg}"));
    with_props(e.into(), INVALID_PARAMS, "TYPE", Some(field))
}

fn lib_error(e: &Error) -> JsValue {
    // Field names as JS spells them: `route[2].amountMsat`, "did you mean paymentSecret?".
    let err = js_sys::Error::new(&e.message_spelled(&|s: &str| camel(s)));
    err.set_name("LnSendpayError");
    let field = e.field().map(|f| if f.is_empty() { "route".to_string() } else { camel(&f) });
    with_props(err.into(), e.rpc_code(), e.code(), field.as_deref())
}

/// Where a value sits in what the caller passed (`hops[2].pubkey`), written out only for an
/// error: the walk below stays free of string formatting on the success path.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// A top-level name (`""` for the request itself, or `"reply"`).
    Name(&'a str),
    /// A member of an object, in the caller's spelling.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match *self {
            Path::Name(n) => String::from(n),
            Path::Key(parent, k) => {
                let mut s = parent.render();
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
                s
            }
            Path::Index(parent, i) => {
                let mut s = parent.render();
                s.push('[');
                crate::json::push_u64(&mut s, i as u64);
                s.push(']');
                s
            }
        }
    }
}

fn type_error_at(path: &Path<'_>, msg: &str) -> JsValue {
    type_error(&path.render(), msg)
}

/// A JS value → the core's JSON model. `key` is the snake_case member name it sits under.
/// The package's JS layer hands in only safe copies (`lib/input.js`: acyclic, bounded, no
/// throwing getters); the depth limit here keeps a direct call from overflowing the stack.
/// What a user passes is read strictly: a string or a bigint where a number goes is a
/// `TypeError`. A node's answer or error (`answer`, `error`, `reply`) is read as it is.
fn to_value(js: &JsValue, key: &str, path: &str) -> Result<Value, JsValue> {
    to_value_at(js, key, &Path::Name(path), 0, true)
}

fn to_value_at(js: &JsValue, key: &str, path: &Path<'_>, depth: usize, strict: bool) -> Result<Value, JsValue> {
    if depth > crate::json::MAX_DEPTH {
        return Err(type_error_at(path, "nested too deep"));
    }
    if js.is_null() || js.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(s) = js.as_string() {
        if strict && takes_number(key) {
            return Err(type_error_at(path, "pass a number, not a string"));
        }
        return Ok(Value::String(s));
    }
    if js.is_bigint() && strict && !takes_bigint(key) && !takes_scid(key) {
        return Err(type_error_at(path, "pass a number, not a bigint"));
    }
    if js.as_f64().is_some() && strict && takes_scid(key) {
        return Err(type_error_at(
            path,
            "pass a short channel id as a string (\"BLOCKxTXxOUT\") or a bigint, not a number",
        ));
    }
    if js.is_bigint() {
        let b: &BigInt = js.unchecked_ref();
        return b.to_string(10).map(|t| Value::Number(t.into())).map_err(|_| type_error_at(path, "unreadable bigint"));
    }
    if let Some(n) = js.as_f64() {
        if is_bigint_key(key) {
            return Err(type_error_at(path, "pass an amount as a bigint or a string (\"1000msat\"), not a number"));
        }
        if !n.is_finite() {
            return Err(type_error_at(path, "not a finite number"));
        }
        if n.fract() == 0.0 && n.abs() <= MAX_SAFE as f64 {
            let mut s = String::new();
            if n < 0.0 {
                s.push('-');
            }
            s.push_str(&crate::json::u64_to_string(n.abs() as u64));
            return Ok(Value::Number(s));
        }
        if n.fract() == 0.0 {
            return Err(type_error_at(path, "integer past 2^53: pass it as a bigint or a string"));
        }
        // A fraction: let JS write it (keeps float formatting out of the wasm).
        let text: String = js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default();
        return Ok(Value::Number(text));
    }
    if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        return Ok(Value::String(hex::encode(&bytes.to_vec())));
    }
    if Array::is_array(js) {
        let a: &Array = js.unchecked_ref();
        return a
            .iter()
            .enumerate()
            .map(|(i, x)| to_value_at(&x, key, &Path::Index(path, i), depth + 1, strict))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if js.is_object() {
        let mut members = Vec::new();
        for entry in Object::entries(js.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            let k = pair.get(0).as_string().unwrap_or_default();
            let v = pair.get(1);
            if v.is_undefined() {
                continue;
            }
            let sk = snake(&k);
            let strict = strict && !(depth == 0 && matches!(sk.as_str(), "answer" | "error"));
            let value = to_value_at(&v, &sk, &Path::Key(path, &k), depth + 1, strict)?;
            members.push((sk.into(), value));
        }
        return Ok(Value::Object(members));
    }
    Err(type_error_at(path, "unsupported value"))
}

/// A bigint's decimal text.
fn bigint_text(v: &JsValue, field: &str) -> Result<String, JsValue> {
    let b: &BigInt = v.unchecked_ref();
    b.to_string(10).map(String::from).map_err(|_| type_error(field, "unreadable bigint"))
}

/// How [`to_js`] writes a subtree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The API's form: camelCase keys, amounts as bigint.
    Api,
    /// Store records: camelCase keys, plain JSON (amounts and u64s past 2^53 as strings).
    Plain,
    /// A request's params: the node's snake_case keys, plain JSON.
    Raw,
}

/// A request: `{method, params, paramsJson}`: `params` survives `JSON.stringify` (a u64 past
/// 2^53 is a decimal string, which Core Lightning's `json_to_u64` accepts), `paramsJson` is
/// the exact text.
fn request_js(v: &Value) -> JsValue {
    let o = Object::new();
    let params = v.get("params").cloned().unwrap_or(Value::Object(Vec::new()));
    let _ = Reflect::set(&o, &"method".into(), &to_js(v.get("method").unwrap_or(&Value::Null), "", Mode::Raw));
    let _ = Reflect::set(&o, &"params".into(), &to_js(&params, "", Mode::Raw));
    let _ = Reflect::set(&o, &"paramsJson".into(), &JsValue::from_str(&params.to_json()));
    o.into()
}

/// The core's JSON model → a JS value, `key` being the snake_case member name.
fn to_js(v: &Value, key: &str, mode: Mode) -> JsValue {
    let big = |text: &str| {
        BigInt::new(&JsValue::from_str(text)).map(JsValue::from).unwrap_or_else(|_| JsValue::from_str(text))
    };
    let api = mode == Mode::Api;
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from(*b),
        Value::Number(n) => match crate::json::parse_u64_digits(n) {
            Some(x) if !(api && is_bigint_key(key)) && x <= MAX_SAFE => JsValue::from(x as f64),
            Some(_) if api => big(n),
            Some(_) => JsValue::from_str(n),
            // Fractions and negatives: JS parses them (keeps float parsing out of the wasm).
            None => JsValue::from(js_sys::Number::parse_float(n)),
        },
        Value::String(s) if api && is_bigint_key(key) && crate::json::parse_u64_digits(s).is_some() => big(s),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(a) => a.iter().map(|x| to_js(x, key, mode)).collect::<Array>().into(),
        Value::Object(_) if api && key == "request" => request_js(v),
        Value::Object(m) => {
            let o = Object::new();
            for (k, x) in m {
                let sub = if api && (k == "record" || k == "attempt") { Mode::Plain } else { mode };
                let name = if mode == Mode::Raw { JsValue::from_str(k) } else { JsValue::from_str(&camel(k)) };
                let _ = Reflect::set(&o, &name, &to_js(x, k, sub));
            }
            o.into()
        }
    }
}

/// An argument that must be a plain object (`name` in the error), in the core's JSON model.
fn object_arg(js: &JsValue, name: &str) -> Result<Value, JsValue> {
    if !js.is_object() || Array::is_array(js) {
        return Err(type_error(name, "pass an object"));
    }
    to_value(js, "", "")
}

fn call(req: &JsValue, f: impl FnOnce(&Value) -> Result<Value, Error>) -> Result<JsValue, JsValue> {
    let v = object_arg(req, "request")?;
    f(&v).map(|out| to_js(&out, "", Mode::Api)).map_err(|e| lib_error(&e))
}

/// 32 bytes from `crypto.getRandomValues`, drawn when a call needs them.
fn fresh_key() -> Option<Zeroizing<[u8; 32]>> {
    let mut k = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *k).ok()?;
    Some(k)
}

/// The error where the runtime has no `crypto.getRandomValues` (Node before 19 without a
/// flag): a session key cannot be drawn, so nothing is built.
fn no_randomness() -> JsValue {
    let e = js_sys::Error::new(
        "crypto.getRandomValues is unavailable: ln-sendpay draws session keys from the Web Crypto API \
         (Node 20.19 or later, every browser, Workers); or pass a sessionKey",
    );
    e.set_name("LnSendpayError");
    with_props(e.into(), -1, "NO_RANDOMNESS", None)
}

/// A fresh session key when the request has none.
fn key_for(req: &JsValue) -> Result<Option<Zeroizing<[u8; 32]>>, JsValue> {
    if !needs_key(req) {
        return Ok(None);
    }
    fresh_key().map(Some).ok_or_else(no_randomness)
}

fn needs_key(req: &JsValue) -> bool {
    Reflect::get(req, &"sessionKey".into()).map(|v| v.is_undefined()).unwrap_or(true)
        && Reflect::get(req, &"session_key".into()).map(|v| v.is_undefined()).unwrap_or(true)
}

fn msat_from_js(v: &JsValue, field: &str) -> Result<Msat, JsValue> {
    if let Some(s) = v.as_string() {
        return Msat::parse(&s).map_err(|e| lib_error(&Error::from(e).in_field(field)));
    }
    if v.is_bigint() {
        let text = bigint_text(v, field)?;
        return crate::json::parse_u64_digits(&text).map(Msat).ok_or_else(|| {
            let e = js_sys::RangeError::new(&format!("{field}: msat must be from 0 to 18446744073709551615"));
            with_props(e.into(), INVALID_PARAMS, "AMOUNT_RANGE", Some(field))
        });
    }
    if v.as_f64().is_some() {
        return Err(type_error(
            field,
            "pass msat as a bigint or an amount string (\"1000msat\", \"1.5sat\"), not a number",
        ));
    }
    Err(type_error(field, "pass msat as a bigint or an amount string"))
}

#[cfg(feature = "wasm-cli")]
mod hop;
mod onion;
#[cfg(feature = "wasm")]
mod wallet;

// Every binding at `ln_sendpay::wasm::…`, whichever module file it lives in (tests/wasm.rs).
#[cfg(feature = "wasm-cli")]
pub use hop::*;
pub use onion::*;
#[cfg(feature = "wasm")]
pub use wallet::*;
