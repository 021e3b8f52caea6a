//! `make bench`: median native time to build a payment onion for 1, 5 and 20 hops, and how
//! much of it is elliptic-curve work (the key schedule: one G×e and one P×e per hop).
//! Medians of many samples, measured in one run; ratios are within that run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ln_sendpay::amount::Msat;
use ln_sendpay::commands;
use ln_sendpay::failure::{self, RoutingFailure, UnsignedChannelUpdate};
use ln_sendpay::ids::{NodeId, ShortChannelId};
use ln_sendpay::json::{self, Value};
use ln_sendpay::payload::{self, FinalHopData};
use ln_sendpay::route::{Hop, Route};
use ln_sendpay::sphinx::{self, OnionHop, SecretKey};

fn median(mut f: impl FnMut(), samples: usize) -> Duration {
    for _ in 0..samples / 10 + 1 {
        f();
    }
    let mut t: Vec<Duration> = (0..samples)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[samples / 2]
}

/// The route of `n` hops the bench uses, through nodes with keys [1;32], [2;32], ….
fn bench_route(n: usize) -> (Vec<SecretKey>, Route) {
    let keys: Vec<SecretKey> = (0..n).map(|i| SecretKey::from_bytes(&[i as u8 + 1; 32]).unwrap()).collect();
    let hops = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Hop {
            node_id: k.public_key(),
            channel: ShortChannelId::new(800_000 + i as u32, 1, 0).unwrap(),
            direction: None,
            amount: Msat(1_000_000 + 1000 * (n - i) as u64),
            delay: 9 + 40 * (n - i) as u32,
        })
        .collect();
    (keys, Route::from_hops(hops))
}

/// `--json`: for the wasm bench (examples/bench.mjs), the same JSON-in/JSON-out call the JS
/// API makes (`commands::build_onion`), timed natively, with the requests used.
fn json_mode(samples: usize) {
    let mut out = Vec::new();
    for n in [1usize, 5, 20] {
        let (_, route) = bench_route(n);
        let request = json::object([
            ("route", Value::String(route.to_json().to_json())),
            ("payment_hash", Value::str(&"42".repeat(32))),
            ("payment_secret", Value::str(&"07".repeat(32))),
            ("block_height", Value::u64(870_000)),
            ("session_key", Value::str(&"41".repeat(32))),
        ]);
        let d = median(|| drop(black_box(commands::build_onion(black_box(&request), None))), samples);
        out.push((
            json::Key::Owned(n.to_string()),
            json::object([("request", request), ("native_us", Value::Number(format!("{:.2}", d.as_secs_f64() * 1e6)))]),
        ));
    }
    // A bolt11 invoice decoded (JSON in → JSON out, as `decodeInvoice` calls it): the spec's
    // example with a fallback and two route hints, its payee recovered from the signature.
    let invoice = bench_invoice();
    let request = json::object([("invoice", Value::String(invoice.clone())), ("now", Value::u64(0))]);
    let d = median(|| drop(black_box(commands::invoice_decode(black_box(&request)))), samples);
    out.push((
        "bolt11".into(),
        json::object([
            ("request", Value::String(invoice)),
            ("native_us", Value::Number(format!("{:.2}", d.as_secs_f64() * 1e6))),
        ]),
    ));
    println!("{}", Value::Object(out).to_json());
}

/// The spec's "extra routing info" example, read from ../shared (no n: the payee is recovered).
fn bench_invoice() -> String {
    let path = format!("{}/../shared/vectors/bolt11.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file = json::parse(&text).unwrap();
    let valid = file.get("valid").and_then(Value::as_array).unwrap();
    let case =
        valid.iter().find(|c| c.get("title").and_then(Value::as_str).is_some_and(|t| t.contains("extra routing info")));
    case.and_then(|c| c.get("invoice")).and_then(Value::as_str).unwrap().to_string()
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let samples: usize = std::env::var("BENCH_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(301);
    if std::env::args().any(|a| a == "--json") {
        return json_mode(samples);
    }
    let session = SecretKey::from_bytes(&[0x41; 32]).unwrap();
    println!("native ({} {}), {samples} samples each, medians", std::env::consts::ARCH, std::env::consts::OS);
    println!(
        "{:>4}  {:>12}  {:>16}  {:>8}  {:>14}",
        "hops", "build onion", "EC key schedule", "EC share", "route→payloads"
    );
    let mut last = None;
    for n in [1usize, 5, 20] {
        let (keys, route) = bench_route(n);
        let fin = FinalHopData { payment_secret: Some([7; 32]), ..Default::default() };
        let frames = payload::route_payloads(&route, 870_000, &fin).unwrap();
        let input: Vec<OnionHop> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
        let ids: Vec<&NodeId> = frames.iter().map(|f| &f.pubkey).collect();
        let build = median(|| drop(black_box(sphinx::build_onion(&session, black_box(&input), &[0x42; 32]))), samples);
        let ec = median(|| drop(black_box(sphinx::key_schedule(&session, black_box(&ids)))), samples);
        let payloads = median(|| drop(black_box(payload::route_payloads(black_box(&route), 870_000, &fin))), samples);
        println!(
            "{n:>4}  {:>12}  {:>16}  {:>7.0}%  {:>14}",
            us(build),
            us(ec),
            100.0 * ec.as_secs_f64() / build.as_secs_f64(),
            us(payloads)
        );
        if n == 20 {
            last = Some((keys, route, sphinx::build_onion(&session, &input, &[0x42; 32]).unwrap().1));
        }
    }

    // A failure reply from the last hop of the 20-hop route: unwrapping alone (27 rounds of
    // ChaCha20 + HMAC), and the whole routing failure object (with a signed channel_update
    // to decode and verify).
    let (keys, route, secrets) = last.unwrap();
    let upd = UnsignedChannelUpdate { short_channel_id: route.hops[19].channel, ..Default::default() }
        .sign(&keys[18])
        .unwrap();
    let mut msg = vec![0x10, 0x07];
    msg.extend_from_slice(&(upd.to_bytes_with_type().len() as u16).to_be_bytes());
    msg.extend_from_slice(&upd.to_bytes_with_type());
    let from_19th = failure::reply_from_hop(&secrets, 18, &msg).unwrap();
    let from_last =
        failure::reply_from_hop(&secrets, 19, &[0x40, 0x0f, 0, 0, 0, 0, 0, 0, 3, 0xe8, 0, 0, 0, 1]).unwrap();
    let unwrap = median(|| drop(black_box(failure::unwrap_reply(&secrets, black_box(&from_last)))), samples);
    let object = median(
        || drop(black_box(RoutingFailure::from_reply(&secrets, black_box(&from_last), Some(&route), None))),
        samples,
    );
    let with_update = median(
        || drop(black_box(RoutingFailure::from_reply(&secrets, black_box(&from_19th), Some(&route), None))),
        samples,
    );
    println!("\nfailure reply, 20-hop route (292-byte reply):");
    println!("  unwrap only, erring hop = hop 20                      {:>10}", us(unwrap));
    println!("  routing failure object, erring hop = hop 20           {:>10}", us(object));
    println!("  routing failure object, hop 19 + channel_update check {:>10}", us(with_update));

    let invoice = bench_invoice();
    let decode = median(|| drop(black_box(ln_sendpay::bolt11::decode(black_box(&invoice)))), samples);
    println!("\nbolt11 invoice ({} characters, two route hints, payee recovered):", invoice.len());
    println!("  decode + signature check                              {:>10}", us(decode));
}
