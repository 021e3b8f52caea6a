//! What every module exports (`ln-sendpay/onion` is only this): amounts, short channel ids,
//! onions built for a route, failure replies and channel updates decoded.

use alloc::string::String;

use wasm_bindgen::prelude::*;

use super::*;

/// Parse an amount (`123`, `123msat`, `123sat`, `123.456sat`, `0.00000001btc`) or check a bigint.
#[wasm_bindgen(js_name = parseAmount, skip_typescript)]
pub fn parse_amount(v: JsValue) -> Result<JsValue, JsValue> {
    let m = msat_from_js(&v, "amount")?;
    Ok(to_js(&Value::Number(m.to_decimal_string()), "msat", Mode::Api))
}

/// Format msat as `"123msat"`, `"123.456sat"` or `"0.00000123btc"`.
#[wasm_bindgen(js_name = formatAmount, skip_typescript)]
pub fn format_amount(v: JsValue, unit: Option<String>) -> Result<String, JsValue> {
    let m = msat_from_js(&v, "msat")?;
    match unit.as_deref().unwrap_or("msat") {
        "msat" => Ok(m.to_msat_string()),
        "sat" => Ok(m.to_sat_string()),
        "btc" => Ok(m.to_btc_string()),
        _ => Err(type_error("unit", "one of \"msat\", \"sat\", \"btc\"")),
    }
}

/// Build a payment onion from a route (see `BuildOnionRequest` in the types).
#[wasm_bindgen(js_name = buildOnion, skip_typescript)]
pub fn build_onion(req: JsValue) -> Result<JsValue, JsValue> {
    let key = key_for(&req)?;
    call(&req, |v| commands::build_onion(v, key.as_deref().copied()))
}

/// `createonion`: hops with length-prefixed payloads → onion and shared secrets.
#[wasm_bindgen(js_name = createOnion, skip_typescript)]
pub fn create_onion(req: JsValue) -> Result<JsValue, JsValue> {
    let key = key_for(&req)?;
    call(&req, |v| commands::onion_generate(v, key.as_deref().copied()))
}

/// Every hop's payload from a route (the input of `createOnion`).
#[wasm_bindgen(js_name = routePayloads, skip_typescript)]
pub fn route_payloads(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::route_payloads)
}

/// Decode a failure reply into the routing failure object.
#[wasm_bindgen(js_name = decodeFailure, skip_typescript)]
pub fn decode_failure(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::failure_decode)
}

/// Decode (and with a signer, verify) a channel_update.
#[wasm_bindgen(js_name = decodeChannelUpdate, skip_typescript)]
pub fn decode_channel_update(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::channel_update_decode)
}

/// Parse a short channel id (`BxTxO`, `BxTxO/D`, or the u64 form as a bigint or string).
#[wasm_bindgen(js_name = parseShortChannelId, skip_typescript)]
pub fn parse_short_channel_id(v: JsValue) -> Result<JsValue, JsValue> {
    let s = match v.as_string() {
        Some(s) => s,
        None if v.is_bigint() => bigint_text(&v, "shortChannelId")?,
        None => {
            return Err(type_error("shortChannelId", "pass a string (\"BLOCKxTXxOUT\") or a bigint (the u64 form)"));
        }
    };
    commands::short_channel_id(&s).map(|out| to_js(&out, "", Mode::Api)).map_err(|e| lib_error(&e))
}

/// The crate version.
#[wasm_bindgen(skip_typescript)]
pub fn version() -> String {
    String::from(env!("CARGO_PKG_VERSION"))
}
