#![no_main]
//! The payment state machine fed arbitrary node replies: it must end (or ask again) without
//! panicking, whatever the node says.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::amount::Msat;
use ln_sendpay::json;
use ln_sendpay::payment::{PayConfig, Payer, Reply, Router, Step};
use ln_sendpay::sphinx::SecretKey;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut payer = Payer::new(PayConfig {
        destination: SecretKey::from_bytes(&[4; 32]).unwrap().public_key(),
        amount: Msat(100_000),
        payment_hash: [1; 32],
        payment_secret: Some([2; 32]),
        payment_metadata: None,
        final_cltv: 18,
        max_attempts: 3,
        maxfee: Msat(5000),
        router: if data.len() % 2 == 0 { Router::GetRoutes } else { Router::GetRoute },
        label: None,
        block_height: None,
        route_hints: Vec::new(),
    });
    let mut step = payer.step(None, &[0x41; 32]);
    // Replies separated by a 0x1e byte; each is an answer (a), an error (e) or a lost request (t).
    for (i, part) in text.split('\u{1e}').enumerate().take(40) {
        let Step::Send { .. } = step else { return };
        let mut chars = part.chars();
        let kind = chars.next().unwrap_or('t');
        let body = chars.as_str();
        let v = json::parse(body).unwrap_or(json::Value::Null);
        let random = [(i as u8).wrapping_add(7); 32];
        step = match kind {
            'a' => payer.step(Some(Reply::Answer(&v)), &random),
            'e' => payer.step(Some(Reply::NodeError(&v)), &random),
            _ => payer.step(Some(Reply::TransportFailed), &random),
        };
    }
});
