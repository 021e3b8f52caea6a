//! The bindings in headless Chromium (wasm-bindgen-test): the BOLT #4 vectors through the
//! exported functions, JS types in and out (BigInt, TypeError, LnSendpayError), and session
//! keys from crypto.getRandomValues.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, JSON, Reflect};
use ln_sendpay::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ONION_TEST: &str = include_str!("../../shared/vectors/bolt04/onion-test.json");
const ERROR_TEST: &str = include_str!("../../shared/vectors/bolt04/onion-error-test.json");

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}
fn s(v: &JsValue, k: &str) -> String {
    get(v, k).as_string().unwrap_or_else(|| panic!("{k} is not a string"))
}
fn obj(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn onion_test_byte_exact_and_peeled() {
    let t = obj(ONION_TEST);
    let g = get(&t, "generate");
    let r = wasm::create_onion(g.clone()).unwrap();
    assert_eq!(s(&r, "onion"), s(&t, "onion"));
    let keys: Array = get(&t, "decode").unchecked_into();
    let hops: Array = get(&g, "hops").unchecked_into();
    let mut onion = s(&r, "onion");
    for i in 0..keys.length() {
        let req = obj(&format!(
            r#"{{"onion":"{onion}","associatedData":"{}","privkey":"{}"}}"#,
            s(&g, "associated_data"),
            keys.get(i).as_string().unwrap()
        ));
        let p = wasm::peel_onion(req).unwrap();
        assert_eq!(s(&p, "payload"), s(&hops.get(i), "payload"));
        assert!(get(&get(&p, "fields"), "amtToForward").is_bigint());
        let next = get(&p, "nextOnion");
        assert_eq!(next.is_null(), i == 4);
        if let Some(n) = next.as_string() {
            onion = n;
        }
    }
}

#[wasm_bindgen_test]
fn error_vector_decodes_to_hop_4() {
    let t = obj(ERROR_TEST);
    let secrets: Array = get(&get(&t, "generate"), "hops")
        .unchecked_ref::<Array>()
        .iter()
        .map(|h| get(&h, "hop_shared_secret"))
        .collect();
    let req = js_sys::Object::new();
    Reflect::set(&req, &"reply".into(), &get(&t, "errorpacket")).unwrap();
    Reflect::set(&req, &"sharedSecrets".into(), &secrets).unwrap();
    let f = wasm::decode_failure(req.into()).unwrap();
    assert_eq!(get(&f, "originIndex").as_f64(), Some(4.0));
    assert_eq!(get(&f, "code").as_f64(), Some(204.0));
    assert_eq!(s(&f, "failcodename"), "WIRE_TEMPORARY_NODE_FAILURE");
}

#[wasm_bindgen_test]
fn amounts_are_bigints_and_numbers_are_type_errors() {
    let m = wasm::parse_amount("0.00000001btc".into()).unwrap();
    assert!(m.is_bigint());
    assert_eq!(m.unchecked_ref::<js_sys::BigInt>().to_string(10).unwrap(), "1000");
    let e = wasm::parse_amount(JsValue::from(1000.0)).unwrap_err();
    assert!(e.is_instance_of::<js_sys::TypeError>());
    assert_eq!(get(&e, "code").as_f64(), Some(-32602.0));
    let e = wasm::parse_amount("1.5".into()).unwrap_err();
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(s(&e, "name"), "LnSendpayError");
    assert_eq!(s(&get(&e, "data"), "error"), "AMOUNT_BAD_DECIMALS");
}

#[wasm_bindgen_test]
fn session_keys_come_fresh_from_get_random_values() {
    let t = obj(ONION_TEST);
    let ids: Array =
        get(&get(&t, "generate"), "hops").unchecked_ref::<Array>().iter().map(|h| get(&h, "pubkey")).collect();
    let req = || {
        obj(&format!(
            r#"{{"route":[{{"id":{},"channel":"1x1x1","amount_msat":"1000","delay":9}}],"paymentHash":"{}","blockHeight":1}}"#,
            JSON::stringify(&ids.get(0)).unwrap().as_string().unwrap(),
            "42".repeat(32)
        ))
    };
    let a = s(&wasm::build_onion(req()).unwrap(), "onion");
    let b = s(&wasm::build_onion(req()).unwrap(), "onion");
    assert_ne!(a, b);
    assert!(get(&get(&wasm::build_onion(req()).unwrap(), "firstHop"), "amountMsat").is_bigint());
}
