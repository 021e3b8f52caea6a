//! The hop side (peel a layer, create and forward failure replies) and the CLI: only in the
//! full module (feature `wasm-cli`, `ln-sendpay/hop` and `npx ln-sendpay`), for tests and the
//! dev node; apps never load it.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::*;

/// The hop side: peel one layer.
#[wasm_bindgen(js_name = peelOnion, skip_typescript)]
pub fn peel_onion(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::onion_decode)
}

/// The hop side: a reply from hop `erringIndex`, wrapped back to the sender.
#[wasm_bindgen(js_name = wrapFailure, skip_typescript)]
pub fn wrap_failure(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::failure_wrap)
}

/// The erring hop: build its reply.
#[wasm_bindgen(js_name = createFailureReply, skip_typescript)]
pub fn create_failure_reply(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::failure_create)
}

/// A hop on the way back: add its layer.
#[wasm_bindgen(js_name = forwardFailureReply, skip_typescript)]
pub fn forward_failure_reply(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::failure_forward)
}

/// The CLI, for `npx ln-sendpay`: `files` maps paths to contents for `onion runtest`. Only in
/// the CLI's own module (feature `wasm-cli`): apps do not load it.
#[wasm_bindgen(js_name = runCli, skip_typescript)]
pub fn run_cli(args: Vec<String>, stdin: String, files: JsValue) -> JsValue {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let read = |p: &str| Reflect::get(&files, &JsValue::from_str(p)).ok().and_then(|v| v.as_string());
    let key = fresh_key();
    let out = commands::run(&args, &stdin, &read, key.as_deref().copied());
    let o = Object::new();
    let _ = Reflect::set(&o, &"code".into(), &JsValue::from(out.code));
    let _ = Reflect::set(&o, &"stdout".into(), &JsValue::from_str(&out.stdout));
    let _ = Reflect::set(&o, &"stderr".into(), &JsValue::from_str(&out.stderr));
    o.into()
}
