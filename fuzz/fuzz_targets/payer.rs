#![no_main]
//! The payment state machine fed arbitrary node replies: it must end (or ask again) without
//! panicking, whatever the node says — lying answers included (a complete without a valid
//! preimage, routes over the fee or delay limits; seeds in seeds/payer) — and a payment it
//! reports paid must carry a preimage that hashes to the payment hash.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::amount::Msat;
use ln_sendpay::json;
use ln_sendpay::payment::{Lane, PayConfig, Payer, Reply, Router, Step};
use ln_sendpay::sphinx::SecretKey;

// Fixed setup, computed once (a public key per run would cost a point multiplication).
static DEST: std::sync::OnceLock<ln_sendpay::ids::NodeId> = std::sync::OnceLock::new();

/// An earlier attempt's route (three hops to the destination) and its shared secrets, for
/// `Payer::learn`: computed once.
fn earlier() -> &'static (ln_sendpay::route::Route, Vec<ln_sendpay::sphinx::SharedSecret>) {
    static E: std::sync::OnceLock<(ln_sendpay::route::Route, Vec<ln_sendpay::sphinx::SharedSecret>)> =
        std::sync::OnceLock::new();
    E.get_or_init(|| {
        let dest = *DEST.get_or_init(|| SecretKey::from_bytes(&[4; 32]).unwrap().public_key());
        let hops = (0..3u8)
            .map(|i| ln_sendpay::route::Hop {
                node_id: if i == 2 { dest } else { SecretKey::from_bytes(&[i + 5; 32]).unwrap().public_key() },
                channel: ln_sendpay::ids::ShortChannelId(u64::from(i) + 1),
                direction: None,
                amount: Msat(100_000 + 10 * u64::from(2 - i)),
                delay: 18 + 40 * u32::from(2 - i),
            })
            .collect();
        let secrets = (0..3u8).map(|i| ln_sendpay::sphinx::SharedSecret::from_bytes([0x50 + i; 32])).collect();
        (ln_sendpay::route::Route::from_hops(hops), secrets)
    })
}

/// Two blinded paths to the destination (introduced by two other nodes), for a BOLT 12
/// payment: computed once.
fn blinded() -> &'static Vec<ln_sendpay::payment::BlindedTarget> {
    static B: std::sync::OnceLock<Vec<ln_sendpay::payment::BlindedTarget>> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let dest = *DEST.get_or_init(|| SecretKey::from_bytes(&[4; 32]).unwrap().public_key());
        (0..2u8)
            .map(|i| {
                let intro = SecretKey::from_bytes(&[i + 5; 32]).unwrap().public_key();
                let session = SecretKey::from_bytes(&[0x60 + i; 32]).unwrap();
                let path = ln_sendpay::blinding::create_blinded_path(
                    &session,
                    &[(intro, &[2, 0][..]), (dest, &[6, 1, i][..])],
                )
                .unwrap();
                ln_sendpay::payment::BlindedTarget {
                    path,
                    payinfo: ln_sendpay::blinding::BlindedPayInfo {
                        fee_base_msat: 1000,
                        fee_proportional_millionths: 100,
                        cltv_expiry_delta: 58,
                    },
                    htlc_minimum_msat: Msat(1),
                    htlc_maximum_msat: Msat(60_000 + 50_000 * u64::from(i)),
                }
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // One input in five pays a BOLT 12 invoice's blinded paths (in parts for half of them).
    let bolt12 = data.len() % 5 == 0;
    let mut payer = Payer::new(PayConfig {
        destination: *DEST.get_or_init(|| SecretKey::from_bytes(&[4; 32]).unwrap().public_key()),
        amount: Msat(100_000),
        // sha256 of [7; 32], the seeds' preimage.
        payment_hash: ln_sendpay::hex::decode_array::<32>(
            "4bb06f8e4e3a7715d201d573d0aa423762e55dabd61a2c02278fa56cc6d294e0",
        )
        .unwrap(),
        payment_secret: (!bolt12).then_some([2; 32]),
        payment_metadata: None,
        final_cltv: 18,
        max_attempts: 3,
        maxfee: Msat(5000),
        router: if data.len() % 2 == 0 { Router::GetRoutes } else { Router::GetRoute },
        max_parts: if data.len() % 3 == 0 { Some(1) } else { None },
        label: None,
        block_height: None,
        route_hints: Vec::new(),
        network: None,
        custom_records: Vec::new(),
        keysend: None,
        blinded: if bolt12 { blinded().clone() } else { Vec::new() },
        blinded_mpp: bolt12 && data.len() % 2 == 0,
        max_delay: 2016,
        wait_timeout: 60,
    });
    // Replies separated by a 0x1e byte; each is an answer (a), an error (e) or a lost request
    // (t), then optionally a digit (which request in flight it answers), then the JSON. A first
    // part `l…` is an earlier attempt's failure reply (its bytes) to learn from.
    let mut parts = text.split('\u{1e}').peekable();
    if let Some(lesson) = parts.next_if(|p| p.starts_with('l')) {
        let (route, secrets) = earlier();
        let _ = payer.learn(route, secrets, &lesson.as_bytes()[1..]);
    }
    let mut step = payer.step(None, &[0x41; 32]);
    let hash = payer.payment_hash();
    // Requests in flight, as the payer sent them (several at once: the main lane and the parts'
    // waits); each input part answers one of them (its second character picks which).
    let mut out: Vec<Lane> = Vec::new();
    for (i, part) in parts.enumerate().take(60) {
        let random = [(i as u8).wrapping_add(7); 32];
        loop {
            match step {
                Step::Send { lane, .. } => {
                    out.push(lane);
                    step = payer.step(None, &random);
                }
                _ => break,
            }
        }
        let Step::Idle = step else { break };
        if out.is_empty() {
            panic!("idle with nothing in flight");
        }
        let mut chars = part.chars();
        let kind = chars.next().unwrap_or('t');
        // An optional digit: which request in flight this answers (else the oldest).
        let rest = chars.as_str();
        let (pick, body) = match rest.as_bytes().first() {
            Some(d) if d.is_ascii_digit() => (usize::from(d - b'0'), &rest[1..]),
            _ => (0, rest),
        };
        let lane = out.remove(pick % out.len());
        let v = json::parse(body).unwrap_or(json::Value::Null);
        // The driver's clock: some runs run out of time part way.
        payer.set_time_left(match data.first() {
            Some(&b) if b & 0x80 != 0 => Some(u32::from(b & 0x7f).saturating_sub(i as u32 * 8)),
            _ => None,
        });
        step = match kind {
            'a' => payer.step(Some((lane, Reply::Answer(&v))), &random),
            'e' => payer.step(Some((lane, Reply::NodeError(&v))), &random),
            _ => payer.step(Some((lane, Reply::TransportFailed)), &random),
        };
    }
    if let Step::Done(out) = step {
        if let Some(pre) = out.preimage {
            assert!(ln_sendpay::rpc::preimage_matches(&pre, &hash), "paid without proof");
        }
    }
});
