//! The paying wallet's part (the main module, feature `wasm`): invoices, the node's requests
//! and answers, the same-hash guard and the `Payer`.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::*;

/// Decode and verify a BOLT 11 invoice: `{invoice, now?}`.
#[wasm_bindgen(js_name = decodeInvoice, skip_typescript)]
pub fn decode_invoice(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::invoice_decode)
}

/// What a pasted payment string is: `{paymentString, now?}` → `{kind, payable, …}`.
#[wasm_bindgen(js_name = parsePaymentString, skip_typescript)]
pub fn parse_payment_string(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::payment_string_parse)
}

/// Decode and check a BOLT 12 offer, invoice request or invoice: `{string, now?}`.
#[wasm_bindgen(js_name = decodeBolt12, skip_typescript)]
pub fn decode_bolt12(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::bolt12_decode)
}

/// An invoice checked against the offer it answers (see `commands::bolt12_invoice_check`):
/// `{invoice, offer, amountMsat?, quantity?, payerNote?, now?}`.
#[wasm_bindgen(js_name = checkBolt12Invoice, skip_typescript)]
pub fn check_bolt12_invoice(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::bolt12_invoice_check)
}

/// A request for the node (`{method, ...fields}` → `{method, params, paramsJson, attempt?,
/// sharedSecrets?}`), in the form today's Core Lightning accepts.
#[wasm_bindgen(js_name = rpcRequest, skip_typescript)]
pub fn rpc_request(req: JsValue) -> Result<JsValue, JsValue> {
    if !req.is_object() || Array::is_array(&req) {
        return Err(type_error("request", "pass an object"));
    }
    // Only sendonion builds an onion here.
    let onion = Reflect::get(&req, &"method".into()).ok().and_then(|m| m.as_string()).as_deref() == Some("sendonion");
    let key = if onion { key_for(&req)? } else { None };
    let v = commands::rpc_request(&to_value(&req, "", "")?, key.as_deref().copied()).map_err(|e| lib_error(&e))?;
    let o = request_js(&v);
    if let Some(a) = v.get("attempt") {
        let _ = Reflect::set(&o, &"attempt".into(), &to_js(a, "", Mode::Plain));
    }
    if let Some(s) = v.get("shared_secrets") {
        let _ = Reflect::set(&o, &"sharedSecrets".into(), &to_js(s, "", Mode::Api));
    }
    Ok(o)
}

/// A node's answer (`{method, answer}`, the answer as text for exact numbers) → typed result.
#[wasm_bindgen(js_name = rpcAnswer, skip_typescript)]
pub fn rpc_answer(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::rpc_answer)
}

/// A node's error (`{error, route?, sharedSecrets?}`) → `{routing}` or `{rpc}`.
#[wasm_bindgen(js_name = rpcError, skip_typescript)]
pub fn rpc_error(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::rpc_error)
}

/// The man page's same-hash rules: `{attempt, records}` → `{decision, index?, code?, message?}`.
#[wasm_bindgen(js_name = paymentGuard, skip_typescript)]
pub fn payment_guard(req: JsValue) -> Result<JsValue, JsValue> {
    call(&req, commands::payment_guard)
}

/// Pay with retries, as a state machine the JS client drives through its transport.
#[wasm_bindgen(js_name = Payer, skip_typescript)]
pub struct PayerJs {
    inner: crate::payment::Payer,
}

#[wasm_bindgen(js_class = Payer)]
impl PayerJs {
    /// A payment (`{destination, amountMsat, paymentHash, paymentSecret?, ...}`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<PayerJs, JsValue> {
        let v = object_arg(&config, "config")?;
        let cfg = commands::pay_config(&v).map_err(|e| lib_error(&e))?;
        Ok(PayerJs { inner: crate::payment::Payer::new(cfg) })
    }

    /// A keysend (`{destination, amountMsat, customRecords?, maxfeeMsat?, ...}`): its preimage
    /// drawn here from `crypto.getRandomValues`, zeroized when the payer is freed.
    pub fn keysend(config: JsValue) -> Result<PayerJs, JsValue> {
        let v = object_arg(&config, "config")?;
        let random = fresh_key().ok_or_else(no_randomness)?;
        let preimage = crate::payment::KeysendPreimage::new(&random);
        let cfg = commands::keysend_config(&v, &preimage).map_err(|e| lib_error(&e))?;
        Ok(PayerJs { inner: crate::payment::Payer::new(cfg) })
    }

    /// What is being paid: `{paymentHash, destination, amountMsat}` (plain: the amount as a
    /// decimal string), as the config or its bolt11 gave them.
    pub fn target(&self) -> JsValue {
        let c = self.inner.config();
        let v = crate::json::object([
            ("payment_hash", Value::String(crate::hex::encode(&c.payment_hash))),
            ("destination", Value::String(c.destination.to_hex())),
            ("amount_msat", Value::String(c.amount.to_decimal_string())),
        ]);
        to_js(&v, "", Mode::Plain)
    }

    /// An earlier attempt's lesson, before the first step: `{route, sharedSecrets, reply}`
    /// (the failure reply the node kept) → the failure decoded here, or `null`.
    pub fn learn(&mut self, lesson: JsValue) -> Result<JsValue, JsValue> {
        call(&lesson, |v| commands::pay_learn(&mut self.inner, v))
    }

    /// Parts of an earlier run are recorded up to `partid`: this run's start after it.
    #[wasm_bindgen(js_name = partsAfter)]
    pub fn parts_after(&mut self, partid: f64) {
        if partid.is_finite() && partid >= 0.0 {
            self.inner.parts_after(partid as u64);
        }
    }

    /// Seconds left of the payment's time (`retryFor`), or `undefined` for no limit: every
    /// `waitsendpay` asks for at most that, and at 0 the payment ends.
    #[wasm_bindgen(js_name = setTimeLeft)]
    pub fn set_time_left(&mut self, secs: Option<u32>) {
        self.inner.set_time_left(secs);
    }

    /// The next step: call with nothing first, then with `{answer}`, `{error}` or
    /// `{transportFailed: true}` for the last request.
    pub fn step(&mut self, reply: JsValue) -> Result<JsValue, JsValue> {
        // The node's reply, as it came: read as it is.
        let reply = if reply.is_undefined() || reply.is_null() {
            None
        } else {
            Some(to_value_at(&reply, "", &Path::Name("reply"), 0, false)?)
        };
        let key = fresh_key().ok_or_else(no_randomness)?;
        Ok(to_js(&commands::pay_step(&mut self.inner, reply.as_ref(), &key), "", Mode::Api))
    }
}
