#![no_main]
//! JSON text → route → validation → payloads; node answers; and the amount grammar.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::amount::Msat;
use ln_sendpay::{commands, json, rpc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = Msat::parse(text) {
        assert_eq!(Msat::parse(&m.to_btc_string()), Ok(m));
    }
    if let Ok(v) = json::parse(text) {
        assert_eq!(json::parse(&v.to_json()).as_ref(), Ok(&v));
        let _ = commands::route_payloads(&v);
        let _ = commands::failure_decode(&v);
        let _ = commands::onion_decode(&v);
        // A node's answers are untrusted too.
        let _ = rpc::payment(&v, "");
        let _ = rpc::payments(&v);
        let _ = rpc::routes_answer(&v);
        let _ = rpc::getinfo_answer(&v);
        let _ = rpc::node_error(&v, None, None);
    }
});
