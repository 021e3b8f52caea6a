//! Property tests: onions built then peeled at every hop give back every payload; routes
//! turned into payloads say what the route says; no parser panics on any input.

use ln_sendpay::amount::Msat;
use ln_sendpay::ids::{NodeId, ShortChannelId};
use ln_sendpay::json::{self, Value};
use ln_sendpay::payload::{self, FinalHopData};
use ln_sendpay::route::{Hop, MAX_HOPS, Route};
use ln_sendpay::sphinx::{self, HMAC_SIZE, OnionHop, ROUTING_INFO_SIZE, SecretKey};
use ln_sendpay::wire;
use proptest::prelude::*;

fn secret(seed: u64) -> SecretKey {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&seed.to_be_bytes());
    b[31] = 1;
    SecretKey::from_bytes(&b).unwrap()
}

/// n hops with payload lengths that together fill at most the 1300 bytes.
fn frames() -> impl Strategy<Value = Vec<Vec<u8>>> {
    (1usize..=MAX_HOPS).prop_flat_map(|n| {
        let room = ROUTING_INFO_SIZE / n - HMAC_SIZE - 3; // 3: the longest prefix used here
        prop::collection::vec(prop::collection::vec(any::<u8>(), 2..=room.min(600)), n)
    })
}

fn with_prefix(p: &[u8]) -> Vec<u8> {
    let mut f = vec![];
    wire::write_bigsize(&mut f, p.len() as u64);
    f.extend_from_slice(p);
    f
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn build_then_peel_gives_back_every_payload(payloads in frames(), seed in any::<u64>(), ad in prop::collection::vec(any::<u8>(), 0..64)) {
        let keys: Vec<SecretKey> = (0..payloads.len()).map(|i| secret(seed.wrapping_add(i as u64 + 1))).collect();
        let ids: Vec<NodeId> = keys.iter().map(SecretKey::public_key).collect();
        let framed: Vec<Vec<u8>> = payloads.iter().map(|p| with_prefix(p)).collect();
        let hops: Vec<OnionHop> = ids.iter().zip(&framed).map(|(pubkey, frame)| OnionHop { pubkey, frame }).collect();
        let (onion, secrets) = sphinx::build_onion(&secret(seed ^ 0xabcdef), &hops, &ad).unwrap();
        let mut packet = onion.into_bytes();
        for (i, k) in keys.iter().enumerate() {
            let peeled = sphinx::peel_onion(k, &packet, &ad).unwrap();
            prop_assert_eq!(&peeled.payload, &payloads[i]);
            prop_assert_eq!(&peeled.shared_secret, &secrets[i]);
            match peeled.next {
                Some(n) => { prop_assert!(i + 1 < keys.len()); packet = n.into_bytes(); }
                None => prop_assert_eq!(i + 1, keys.len()),
            }
        }
    }

    #[test]
    fn route_payloads_carry_the_next_hops_amount_cltv_and_channel(
        n in 1usize..=20,
        seed in any::<u64>(),
        base in 1_000u64..10_000_000_000,
        fees in prop::collection::vec(0u64..100_000, 20),
        deltas in prop::collection::vec(0u32..200, 20),
        block_height in 0u32..2_000_000,
        secret_bytes in any::<[u8; 32]>(),
    ) {
        let keys: Vec<SecretKey> = (0..n).map(|i| secret(seed.wrapping_add(i as u64 + 1))).collect();
        // Build backwards: the final hop gets `base`, each earlier hop adds a fee and a delta.
        let mut hops = vec![];
        let (mut amount, mut delay) = (base, 9u32);
        for i in (0..n).rev() {
            hops.push(Hop { node_id: keys[i].public_key(), channel: ShortChannelId::new(100 + i as u32, 1, 0).unwrap(), direction: None, amount: Msat(amount), delay });
            amount += fees[i];
            delay += deltas[i];
        }
        hops.reverse();
        let route = Route::from_hops(hops);
        prop_assert!(route.validate(Some(Msat(base))).is_ok());
        let fin = FinalHopData { payment_secret: Some(secret_bytes), ..Default::default() };
        let frames = payload::route_payloads(&route, block_height, &fin).unwrap();
        let input: Vec<OnionHop> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
        let (onion, _) = sphinx::build_onion(&secret(seed ^ 7), &input, &[0x42; 32]).unwrap();
        let mut packet = onion.into_bytes();
        #[allow(clippy::needless_range_loop)]
        for i in 0..n {
            let peeled = sphinx::peel_onion(&keys[i], &packet, &[0x42; 32]).unwrap();
            let p = payload::decode_payload(&peeled.payload).unwrap();
            if i + 1 < n {
                let next = &route.hops[i + 1];
                prop_assert_eq!(p.amt_to_forward, Some(next.amount));
                prop_assert_eq!(p.outgoing_cltv_value, Some(block_height + 1 + next.delay));
                prop_assert_eq!(p.short_channel_id, Some(next.channel));
                prop_assert_eq!(p.payment_data, None);
                packet = peeled.next.unwrap().into_bytes();
            } else {
                prop_assert!(peeled.next.is_none());
                prop_assert_eq!(p.amt_to_forward, Some(Msat(base)));
                prop_assert_eq!(p.outgoing_cltv_value, Some(block_height + 1 + 9));
                prop_assert_eq!(p.short_channel_id, None);
                prop_assert_eq!(p.payment_data, Some((secret_bytes, Msat(base))));
            }
        }
    }

    #[test]
    fn amounts_format_and_parse_back(v in any::<u64>()) {
        let m = Msat(v);
        prop_assert_eq!(Msat::parse(&m.to_decimal_string()), Ok(m));
        prop_assert_eq!(Msat::parse(&m.to_msat_string()), Ok(m));
        prop_assert_eq!(Msat::parse(&m.to_sat_string()), Ok(m));
        prop_assert_eq!(Msat::parse(&m.to_btc_string()), Ok(m));
    }

    #[test]
    fn amount_parser_never_panics_and_accepts_only_the_grammar(s in "[0-9.a-z +-]{0,30}") {
        if let Ok(m) = Msat::parse(&s) {
            let unit_ok = s.ends_with("msat") || s.ends_with("sat") || s.ends_with("btc") || s.bytes().all(|b| b.is_ascii_digit());
            prop_assert!(unit_ok, "{s:?} accepted as {m:?}");
            prop_assert!(s.as_bytes()[0].is_ascii_digit());
        }
    }

    #[test]
    fn json_parser_never_panics(s in "\\PC{0,64}") {
        if let Ok(v) = json::parse(&s) {
            prop_assert_eq!(json::parse(&v.to_json()), Ok(v));
        }
    }

    #[test]
    fn json_parser_never_panics_on_jsonish_bytes(s in "[\\[\\]{}\":,0-9a-z\\\\.eE+ -]{0,64}") {
        let _ = json::parse(&s);
    }

    #[test]
    fn tlv_reader_accepts_only_canonical_streams(b in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(records) = wire::read_stream(&b, |t| t % 2 == 0) {
            prop_assert_eq!(&wire::write_stream(&records).unwrap(), &b);
        }
        let _ = payload::decode_payload(&b);
    }

    #[test]
    fn peel_never_panics_on_garbage(b in prop::collection::vec(any::<u8>(), 0..1400), first in 0u8..2) {
        let mut b = b;
        if let Some(x) = b.first_mut() { *x = first; }
        let _ = sphinx::peel_onion(&secret(1), &b, &[]);
        let _ = sphinx::peel_onion_sized(&secret(1), &b, &[]);
    }

    #[test]
    fn peel_of_authentic_onion_with_garbage_frame_is_an_error_or_a_payload(frame in prop::collection::vec(any::<u8>(), 1..600), seed in any::<u64>()) {
        // A valid HMAC around arbitrary frame bytes reaches the frame parser.
        let k = secret(seed | 1);
        let id = k.public_key();
        let (onion, _) = sphinx::build_onion(&secret(seed ^ 99), &[OnionHop { pubkey: &id, frame: &frame }], &[]).unwrap();
        match sphinx::peel_onion(&k, onion.as_bytes(), &[]) {
            Ok(p) => prop_assert!(p.payload.len() >= 2),
            Err(e) => prop_assert_eq!(e, sphinx::OnionError::BadFrame),
        }
    }

    #[test]
    fn route_parser_never_panics(hops in prop::collection::vec(prop::collection::vec((
        prop::sample::select(vec!["id", "node_id_out", "next_node_id", "channel", "short_channel_id_dir", "amount_msat", "amount_out_msat", "amount_in_msat", "delay", "cltv_out", "cltv_in", "direction", "style", "msatoshi"]),
        prop::sample::select(vec![
            "\"022d223620a359a47ff7f7ac447c85c46c923da53389221a0054c11c1e3ca31d59\"", "\"103x1x1/1\"", "\"1x2\"", "7", "-1", "1.5", "18446744073709551616", "\"1000msat\"", "null", "[]", "{}", "\"tlv\"", "\"legacy\"", "0", "1",
        ]),
    ), 0..8), 0..6)) {
        let text = format!("[{}]", hops.iter().map(|h| {
            let mut seen = std::collections::BTreeMap::new();
            for (k, v) in h { seen.insert(*k, *v); }
            format!("{{{}}}", seen.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(","))
        }).collect::<Vec<_>>().join(","));
        let v: Value = json::parse(&text).unwrap();
        if let Ok(r) = Route::from_json(&v) {
            let _ = r.validate(None);
        }
    }
}
