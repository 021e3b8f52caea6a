#![no_main]
//! JSON text → route → validation → payloads; node answers; and the amount grammar.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::amount::Msat;
use ln_sendpay::route::Route;
use ln_sendpay::{commands, json, rpc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = Msat::parse(text) {
        assert_eq!(Msat::parse(&m.to_btc_string()), Ok(m));
    }
    if let Ok(v) = json::parse(text) {
        assert_eq!(json::parse(&v.to_json()).as_ref(), Ok(&v));
        let _ = commands::route_payloads(&v);
        // A route read for its names (ids not decompressed) takes every route read for its keys,
        // with the same hops; and only the ids' curve check can make the two disagree.
        match (Route::from_json(&v), Route::from_json_names(&v)) {
            (Ok(keys), Ok(names)) => assert_eq!(keys.hops.len(), names.hops.len()),
            (Ok(_), Err(e)) => panic!("read as names, a route read as keys fails: {e}"),
            (Err(e), Ok(_)) => assert_eq!(e.code(), "NOT_ON_CURVE", "{e}"),
            (Err(_), Err(_)) => {}
        }
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
