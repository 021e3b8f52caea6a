#![no_main]
//! Peeling: an authentic onion around arbitrary frame bytes (reaches the frame parser),
//! and arbitrary packets.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::sphinx::{self, OnionHop, SecretKey};

/// The node's id: fixed setup, computed once.
fn node_id() -> &'static ln_sendpay::ids::NodeId {
    static ID: std::sync::OnceLock<ln_sendpay::ids::NodeId> = std::sync::OnceLock::new();
    ID.get_or_init(|| SecretKey::from_bytes(&[0x42; 32]).unwrap().public_key())
}

fuzz_target!(|data: &[u8]| {
    let node = SecretKey::from_bytes(&[0x42; 32]).unwrap();
    let _ = sphinx::peel_onion_sized(&node, data, &[]);
    if !data.is_empty() && data.len() <= 1300 - 32 {
        let id = *node_id();
        let session = SecretKey::from_bytes(&[0x41; 32]).unwrap();
        let (onion, _) = sphinx::build_onion(&session, &[OnionHop { pubkey: &id, frame: data }], &[1; 32]).unwrap();
        if let Ok(p) = sphinx::peel_onion(&node, onion.as_bytes(), &[1; 32]) {
            // A length prefix claiming more than was given reads on into the HMAC bytes.
            let f = p.frame();
            assert!(p.payload.len() >= 2 && (data.starts_with(&f) || f.starts_with(data)));
        }
    }
});
