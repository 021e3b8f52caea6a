//! Failure replies: the BOLT #4 error vector at every step, Core Lightning's example chain,
//! round trips for every failure code, corrupted replies, attribution data, channel_update
//! and failures reported by a node.

mod common;
use common::*;

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use ln_sendpay::failure::{self, ChannelUpdate, ErringChannel, FailureMessage, RoutingFailure, UnsignedChannelUpdate};
use ln_sendpay::hex;
use ln_sendpay::ids::{NodeId, ShortChannelId};
use ln_sendpay::json::{self, Value};
use ln_sendpay::route::{Hop, Route};
use ln_sendpay::sphinx::{self, SecretKey, SharedSecret};
use ln_sendpay::{Msat, commands};
use proptest::prelude::*;
use sha2::Sha256;

fn key(h: &str) -> SecretKey {
    SecretKey::from_hex(h).unwrap()
}

fn stream(key: &[u8], len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len];
    ChaCha20::new(key.try_into().unwrap(), &[0u8; 12].into()).apply_keystream(&mut b);
    b
}

#[test]
fn bolt04_error_vector_every_step() {
    let v = shared("vectors/bolt04/onion-error-test.json");
    let g = v.get("generate").unwrap();
    let hops = arr(g, "hops");
    let session = key(s(g, "session_key"));
    let pubkeys: Vec<NodeId> = hops.iter().map(|h| NodeId::from_hex(s(h, "pubkey")).unwrap()).collect();
    let keys = sphinx::key_schedule(&session, &pubkeys.iter().collect::<Vec<_>>());
    let secrets: Vec<SharedSecret> = keys.into_iter().map(|k| k.shared_secret).collect();
    for (i, h) in hops.iter().enumerate() {
        assert_eq!(secrets[i].to_hex(), s(h, "hop_shared_secret"), "hop {i} shared secret");
        // Our ammag stream is ChaCha20 under the vector's ammag_key.
        let mut ours = vec![0u8; 292];
        failure::wrap_reply(&secrets[i], &mut ours);
        assert_eq!(ours, stream(&h_(s(h, "ammag_key")), 292), "hop {i} ammag");
    }
    // Hop 4 builds the plaintext: the vector's payload is everything after the HMAC,
    // and the HMAC is keyed by its um_key.
    let msg = hex::decode(s(g, "failure_message")).unwrap();
    let plain = failure::failure_packet(&secrets[4], &msg);
    assert_eq!(hex::encode(&plain[32..]), s(&hops[4], "payload"));
    let mut mac = Hmac::<Sha256>::new_from_slice(&h_(s(&hops[4], "um_key"))).unwrap();
    mac.update(&plain[32..]);
    assert_eq!(&plain[..32], mac.finalize().into_bytes().as_slice());
    // Wrapped by hops 4, 3, 2, 1, 0 in turn: the final bytes.
    let mut reply = plain.clone();
    for i in (0..5).rev() {
        failure::wrap_reply(&secrets[i], &mut reply);
    }
    assert_eq!(hex::encode(&reply), s(&v, "errorpacket"));
    assert_eq!(failure::reply_from_hop(&secrets, 4, &msg).unwrap(), reply);
    // And unwrapped at the origin.
    let d = failure::unwrap_reply(&secrets, &reply).unwrap();
    assert_eq!((d.origin_index, d.message.as_slice()), (4, &[0x20u8, 0x02][..]));
    let f = RoutingFailure::from_reply(&secrets, &reply, None, None);
    assert_eq!(
        (f.code, f.erring_index, f.failcode, f.failcodename),
        (204, Some(5), Some(0x2002), Some("WIRE_TEMPORARY_NODE_FAILURE"))
    );
}

fn h_(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn example(schema: &str, id: &str) -> Value {
    arr(&shared(&format!("reference/cln-schemas/{schema}.json")), "examples")
        .iter()
        .find(|e| e.get("request").and_then(|r| r.get("id")).and_then(Value::as_str) == Some(id))
        .cloned()
        .unwrap()
}

#[test]
fn cln_example_chain_unwraps_to_the_documented_failure() {
    let create = example("createonion", "example:createonion#1");
    let secrets: Vec<SharedSecret> = arr(create.get("response").unwrap(), "shared_secrets")
        .iter()
        .map(|x| SharedSecret::from_bytes(hex::decode_array(x.as_str().unwrap()).unwrap()))
        .collect();
    let list = shared("reference/cln-schemas/listsendpays.json");
    let failed = arr(&list, "examples")
        .iter()
        .flat_map(|e| arr(e.get("response").unwrap(), "payments").to_vec())
        .find(|p| p.get("erroronion").is_some())
        .unwrap();
    assert_eq!(s(&failed, "payment_hash"), s(create.get("request").unwrap().get("params").unwrap(), "assocdata"));
    let reply = h(&failed, "erroronion");
    assert_eq!(reply.len(), 292);
    let d = failure::unwrap_reply(&secrets, &reply).unwrap();
    assert_eq!(d.origin_index, 0);
    assert_eq!(d.message.len(), 146);
    let m = FailureMessage::decode(&d.message).unwrap();
    assert_eq!((m.code, m.cltv_expiry, m.name()), (0x100D, Some(149), Some("WIRE_INCORRECT_CLTV_EXPIRY")));
    let upd = m.channel_update.as_ref().unwrap();
    assert_eq!((upd.len(), &upd[..2]), (138, &[1u8, 2][..]));

    // The route behind createonion #1: payloads forward over 118x1x0, then 120x1x0.
    let hops = arr(create.get("request").unwrap().get("params").unwrap(), "hops");
    let ids: Vec<NodeId> = hops.iter().map(|x| NodeId::from_hex(s(x, "pubkey")).unwrap()).collect();
    let route = Route::from_hops(
        ["116x1x1", "118x1x0", "120x1x0"]
            .iter()
            .zip(&ids)
            .map(|(c, id)| Hop {
                node_id: *id,
                channel: ShortChannelId::parse(c).unwrap(),
                direction: None,
                amount: Msat(1000),
                delay: 9,
            })
            .collect(),
    );
    let f = RoutingFailure::from_reply(&secrets, &reply, Some(&route), None);
    assert_eq!(f.code, 204);
    assert_eq!(f.erring_index, Some(1));
    assert_eq!(f.erring_node.unwrap().to_hex(), "033845802d25b4e074ccfd7cd8b339a41dc75bf9978a034800444b51d42b07799a");
    assert_eq!(f.erring_channel, Some(ErringChannel::Channel(ShortChannelId::parse("118x1x0").unwrap())));
    assert_eq!(f.erring_direction, Some(0));
    assert_eq!(f.channel_update.as_deref(), Some(upd.as_slice()));
    assert_eq!(f.channel_update_matches_route, Some(true));
    assert_eq!(f.channel_update_verified, Some(true), "signed by 033845…");
    let u = f.channel_update_decoded.as_ref().unwrap();
    assert_eq!((u.channel_flags, u.cltv_expiry_delta, u.fee_base_msat, u.fee_proportional_millionths), (0, 6, 1, 10));
    assert!(u.has_type_prefix);
    // The same update without its type prefix still verifies; with another signer it does not.
    assert_eq!(ChannelUpdate::decode(&upd[2..], Some(&ids[0])).unwrap().1, Some(true));
    assert_eq!(ChannelUpdate::decode(upd, Some(&ids[1])).unwrap().1, Some(false));
}

/// Every code of failcodes.json, with data shaped as its `data` column says.
fn sample_message(code: u16, update: &[u8]) -> Vec<u8> {
    let m = FailureMessage {
        code,
        htlc_msat: Some(Msat(123_456)),
        cltv_expiry: Some(800_123),
        height: Some(800_000),
        incoming_htlc_amt: Some(Msat(99)),
        flags: Some(0),
        sha256_of_onion: Some([0xab; 32]),
        channel_update: Some(update.to_vec()),
        tlv_type: Some(34001),
        offset: Some(7),
        ..Default::default()
    };
    m.encode()
}

fn all_codes() -> Vec<(u16, String, Vec<String>)> {
    let v = shared("vectors/failcodes.json");
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c.get("code").unwrap().as_u64().unwrap() as u16,
                s(c, "name").to_string(),
                c.get("flags").unwrap().as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn every_failcode_has_its_name_flags_and_fields() {
    let codes = all_codes();
    assert!(codes.len() >= 22);
    let node = SecretKey::from_bytes(&[9; 32]).unwrap();
    let upd = UnsignedChannelUpdate { short_channel_id: ShortChannelId(5), fee_base_msat: 1000, ..Default::default() }
        .sign(&node)
        .unwrap();
    for (code, name, flags) in codes {
        assert_eq!(failure::failcode_name(code), Some(name.as_str()));
        let msg = sample_message(code, &upd.to_bytes_with_type());
        let m = FailureMessage::decode(&msg).unwrap();
        assert!(!m.truncated && m.extra.is_empty(), "{name}: every byte read");
        for (bit, flag) in [
            (failure::BADONION, "BADONION"),
            (failure::PERM, "PERM"),
            (failure::NODE, "NODE"),
            (failure::UPDATE, "UPDATE"),
        ] {
            assert_eq!(m.has(bit), flags.iter().any(|f| f == flag), "{name} {flag}");
        }
        if m.has(failure::UPDATE) {
            assert_eq!(m.channel_update.as_deref(), Some(upd.to_bytes_with_type().as_slice()), "{name}");
        }
        assert_eq!(m.sha256_of_onion.is_some(), m.has(failure::BADONION), "{name}");
        assert_eq!(m.encode(), msg);
    }
    // Unknown codes keep their bytes; a trailing TLV extension is kept, not refused.
    let m = FailureMessage::decode(&[0x12, 0x34, 1, 2, 3]).unwrap();
    assert_eq!((m.name(), m.extra.as_slice()), (None, &[1u8, 2, 3][..]));
    let mut ext = sample_message(0x400F, &[]);
    ext.extend_from_slice(&[0xfd, 0x84, 0xd1, 3, 0x80, 0x80, 0x80]);
    assert_eq!(FailureMessage::decode(&ext).unwrap().extra.len(), 7);
    // Old 0x400F replies without fields; a half field is truncation.
    assert!(!FailureMessage::decode(&[0x40, 0x0f]).unwrap().truncated);
    assert!(FailureMessage::decode(&[0x40, 0x0f, 0, 0, 1]).unwrap().truncated);
    assert!(FailureMessage::decode(&[0x10, 0x07, 0, 200, 1]).unwrap().truncated);
    assert!(FailureMessage::decode(&[0x10]).is_none());
}

fn random_secrets(n: usize, seed: u8) -> Vec<SharedSecret> {
    (0..n).map(|i| SharedSecret::from_bytes([seed.wrapping_add(i as u8).wrapping_mul(31) ^ 0x5a; 32])).collect()
}

fn route_of(n: usize) -> (Vec<SecretKey>, Route) {
    let keys: Vec<SecretKey> = (0..n).map(|i| SecretKey::from_bytes(&[i as u8 + 1; 32]).unwrap()).collect();
    let hops = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Hop {
            node_id: k.public_key(),
            channel: ShortChannelId::new(100 + i as u32, 1, 0).unwrap(),
            direction: None,
            amount: Msat(1000),
            delay: 9,
        })
        .collect();
    (keys, Route::from_hops(hops))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_hop_every_code_round_trips(n in 1usize..=20, k_frac in 0.0f64..1.0, code_i in 0usize..22, seed in any::<u8>()) {
        let codes = all_codes();
        let code = codes[code_i].0;
        let k = ((n as f64) * k_frac) as usize;
        let secrets = random_secrets(n, seed);
        let (keys, route) = route_of(n);
        let upd = UnsignedChannelUpdate { short_channel_id: route.hops.get(k + 1).map_or(ShortChannelId(1), |h| h.channel), ..Default::default() }
            .sign(&keys[k]).unwrap();
        let msg = sample_message(code, &upd.to_bytes_with_type());
        let reply = failure::reply_from_hop(&secrets, k, &msg).unwrap();
        let d = failure::unwrap_reply(&secrets, &reply).unwrap();
        prop_assert_eq!(d.origin_index, k);
        prop_assert_eq!(&d.message, &msg);
        let f = RoutingFailure::from_reply(&secrets, &reply, Some(&route), None);
        prop_assert_eq!(f.erring_index, Some(k as u32 + 1));
        prop_assert_eq!(f.failcode, Some(code));
        let dest = k + 1 == n;
        let badonion = code & failure::BADONION != 0;
        let want = if dest && badonion { 202 } else if dest && code & failure::PERM != 0 { 203 } else { 204 };
        prop_assert_eq!(f.code, want);
        if dest {
            prop_assert_eq!(f.erring_channel, Some(ErringChannel::Destination));
            prop_assert_eq!(f.erring_node, Some(route.hops[k].node_id));
        } else {
            // BADONION relayed by hop k blames hop k+1; the channel is hop k's outgoing one.
            prop_assert_eq!(f.erring_node, Some(route.hops[if badonion { k + 1 } else { k }].node_id));
            prop_assert_eq!(f.erring_channel, Some(ErringChannel::Channel(route.hops[k + 1].channel)));
        }
        if code & failure::UPDATE != 0 {
            prop_assert_eq!(f.channel_update_verified, Some(true));
            // The destination has no outgoing channel to compare the update with.
            prop_assert_eq!(f.channel_update_matches_route, (!dest).then_some(true));
        } else {
            prop_assert!(f.channel_update.is_none());
        }
    }

    #[test]
    fn corrupted_replies_never_blame_a_hop(n in 1usize..=20, k_frac in 0.0f64..1.0, bit in 0usize..(292 * 8), cut in 1usize..292, seed in any::<u8>()) {
        let k = ((n as f64) * k_frac) as usize;
        let secrets = random_secrets(n, seed);
        let reply = failure::reply_from_hop(&secrets, k, &[0x20, 0x02]).unwrap();
        let mut flipped = reply.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let mut extra_layer = reply.clone();
        failure::wrap_reply(&SharedSecret::from_bytes([0xee; 32]), &mut extra_layer);
        for bad in [flipped, reply[..reply.len() - cut].to_vec(), extra_layer] {
            prop_assert!(failure::unwrap_reply(&secrets, &bad).is_err());
            let f = RoutingFailure::from_reply(&secrets, &bad, None, None);
            prop_assert_eq!(f.code, 202);
            prop_assert_eq!(f.erring_index, None);
            prop_assert_eq!(f.onionreply.as_deref(), Some(bad.as_slice()));
        }
    }

    #[test]
    fn reply_decoder_never_panics(b in prop::collection::vec(any::<u8>(), 0..400), n in 0usize..30) {
        let secrets = random_secrets(n, 1);
        let _ = RoutingFailure::from_reply(&secrets, &b, None, failure::AttributionData::from_slice(&[0u8; 920]).as_ref());
        let _ = FailureMessage::decode(&b);
        let _ = ChannelUpdate::decode(&b, Some(&SecretKey::from_bytes(&[3; 32]).unwrap().public_key()));
    }

    #[test]
    fn attribution_reports_hold_times_and_names_a_corrupting_hop(
        n in 1usize..=20, e_frac in 0.0f64..1.0, c_frac in 0.0f64..1.0, holds in prop::collection::vec(0u32..1000, 20), seed in any::<u8>(), corrupt in any::<bool>(),
    ) {
        let e = ((n as f64) * e_frac) as usize;
        let c = ((e as f64) * c_frac) as usize; // a hop at or before the erring one
        let secrets = random_secrets(n, seed);
        let mut pkt = failure::failure_packet(&secrets[e], &[0x10, 0x07, 0, 0]);
        let mut att = failure::add_attribution(&secrets[e], &pkt, None, holds[e]);
        failure::wrap_reply(&secrets[e], &mut pkt);
        if corrupt && c == e { pkt[40] ^= 1; }
        for j in (0..e).rev() {
            att = failure::add_attribution(&secrets[j], &pkt, Some(&att), holds[j]);
            failure::wrap_reply(&secrets[j], &mut pkt);
            // Hop j tampers with the reply after adding its own (honest) layer.
            if corrupt && j == c { pkt[40] ^= 1; }
        }
        let d = failure::decode_reply(&secrets, &pkt, Some(&att));
        let a = d.attribution.clone().unwrap();
        if !corrupt {
            prop_assert_eq!(d.result.clone().unwrap().origin_index, e);
            prop_assert_eq!(&a.hold_times, &holds[..=e].to_vec());
            prop_assert_eq!(a.failing_hop, None);
        } else {
            prop_assert!(d.result.is_err());
            // The corrupting hop c is one of the pair the attribution blames.
            let blamed = a.failing_hop.unwrap();
            prop_assert!(blamed == c || blamed == c + 1, "corrupted at {c}, blamed {blamed}");
            prop_assert_eq!(&a.hold_times, &holds[..blamed].to_vec());
            let (_, route) = route_of(n);
            let f = RoutingFailure::from_decoded(&d, n, &pkt, Some(&route));
            prop_assert_eq!(f.code, 202);
            prop_assert_eq!(f.erring_node, Some(route.hops[blamed].node_id));
        }
    }
}

#[test]
fn channel_update_shapes_and_signatures() {
    let key = SecretKey::from_bytes(&[0x21; 32]).unwrap();
    let other = SecretKey::from_bytes(&[0x22; 32]).unwrap();
    let u = UnsignedChannelUpdate {
        chain_hash: [6; 32],
        short_channel_id: ShortChannelId::parse("103x1x0").unwrap(),
        timestamp: 1_738_000_000,
        channel_flags: 3,
        cltv_expiry_delta: 40,
        htlc_minimum_msat: 1,
        fee_base_msat: 1000,
        fee_proportional_millionths: 100,
        htlc_maximum_msat: 990_000_000,
    }
    .sign(&key)
    .unwrap();
    assert!(u.verify(&key.public_key()) && !u.verify(&other.public_key()));
    assert_eq!((u.direction(), u.disabled(), u.htlc_maximum_msat), (1, true, Some(990_000_000)));
    for bytes in [u.to_bytes_with_type(), u.body()] {
        let (d, ok) = ChannelUpdate::decode(&bytes, Some(&key.public_key())).unwrap();
        assert_eq!(ok, Some(true));
        assert_eq!(d.has_type_prefix, bytes.len() == 138);
        assert_eq!((d.short_channel_id, d.fee_base_msat, d.cltv_expiry_delta), (u.short_channel_id, 1000, 40));
    }
    // A flipped signed byte no longer verifies.
    let mut bad = u.to_bytes_with_type();
    bad[120] ^= 1;
    assert_eq!(ChannelUpdate::decode(&bad, Some(&key.public_key())).unwrap().1, Some(false));
    assert!(ChannelUpdate::decode(&bad[..100], None).is_none());
}

#[test]
fn failures_reported_by_a_node_take_the_same_shape() {
    let (keys, route) = route_of(3);
    let upd =
        UnsignedChannelUpdate { short_channel_id: route.hops[2].channel, ..Default::default() }.sign(&keys[1]).unwrap();
    let msg = sample_message(0x100C, &upd.to_bytes_with_type());
    let data = json::object([
        ("erring_index", Value::u64(2)),
        ("failcode", Value::u64(0x100C)),
        ("failcodename", Value::str("WIRE_FEE_INSUFFICIENT")),
        ("erring_node", Value::String(route.hops[1].node_id.to_hex())),
        ("erring_channel", Value::String(route.hops[2].channel.to_string_form())),
        ("erring_direction", Value::u64(0)),
        ("raw_message", Value::String(hex::encode(&msg))),
    ]);
    let reported = RoutingFailure::from_rpc_error(
        204,
        "failed: WIRE_FEE_INSUFFICIENT (reply from remote)",
        Some(&data),
        Some(&route),
        None,
    )
    .unwrap();
    let secrets = random_secrets(3, 4);
    let decoded =
        RoutingFailure::from_reply(&secrets, &failure::reply_from_hop(&secrets, 1, &msg).unwrap(), Some(&route), None);
    for f in [&reported, &decoded] {
        assert_eq!(f.code, 204);
        assert_eq!(f.erring_index, Some(2));
        assert_eq!(f.channel_update.as_deref(), Some(upd.to_bytes_with_type().as_slice()));
        assert_eq!(f.channel_update_verified, Some(true));
        assert_eq!(f.channel_update_matches_route, Some(true));
        assert_eq!(f.failure.as_ref().unwrap().htlc_msat, Some(Msat(123_456)));
    }
    assert_eq!(reported.erring_channel, decoded.erring_channel);
    assert_eq!(reported.erring_node, decoded.erring_node);

    // A destination failure names the last channel today; the man page says 0:0:0.
    let data = json::object([
        ("erring_index", Value::u64(3)),
        ("failcode", Value::u64(0x400F)),
        ("erring_node", Value::String(route.hops[2].node_id.to_hex())),
        ("erring_channel", Value::String(route.hops[2].channel.to_string_form())),
        ("erring_direction", Value::u64(1)),
        ("raw_message", Value::str("400f00000000000003e8000c3500")),
    ]);
    let f = RoutingFailure::from_rpc_error(
        203,
        "failed: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS (reply from remote)",
        Some(&data),
        Some(&route),
        None,
    )
    .unwrap();
    assert_eq!((f.code, f.erring_channel, f.erring_direction), (203, Some(ErringChannel::Destination), None));
    assert_eq!(f.to_json().get("erring_channel").unwrap().as_str(), Some("0:0:0"));
    assert_eq!(f.failure.as_ref().unwrap().height, Some(800_000));

    // A 202 with an onionreply is decoded here when the secrets are known.
    let reply = failure::reply_from_hop(&secrets, 0, &[0x40, 0x0a]).unwrap();
    let data = json::object([("onionreply", Value::String(hex::encode(&reply)))]);
    let f = RoutingFailure::from_rpc_error(202, "Malformed error reply", Some(&data), Some(&route), Some(&secrets))
        .unwrap();
    assert_eq!((f.code, f.erring_index, f.failcodename), (204, Some(1), Some("WIRE_UNKNOWN_NEXT_PEER")));
    let f = RoutingFailure::from_rpc_error(202, "Malformed error reply", Some(&data), Some(&route), None).unwrap();
    assert_eq!((f.code, f.onionreply.as_deref()), (202, Some(reply.as_slice())));
    // Not routing failures.
    assert!(RoutingFailure::from_rpc_error(201, "Already succeeded", None, None, None).is_none());
    assert!(RoutingFailure::from_rpc_error(-32602, "bad", None, None, None).is_none());
}

#[test]
fn cli_failure_wrap_then_decode() {
    let v = shared("vectors/bolt04/onion-error-test.json");
    let g = v.get("generate").unwrap();
    let secrets = Value::Array(arr(g, "hops").iter().map(|h| Value::str(s(h, "hop_shared_secret"))).collect());
    let input = json::object([
        ("shared_secrets", secrets.clone()),
        ("erring_index", Value::u64(4)),
        ("failure_message", Value::str("2002")),
    ]);
    let out = commands::failure_wrap(&input).unwrap();
    assert_eq!(out.get("reply").unwrap().as_str(), Some(s(&v, "errorpacket")));
    let dec = commands::failure_decode(&json::object([
        ("reply", Value::str(s(&v, "errorpacket"))),
        ("shared_secrets", secrets.clone()),
    ]))
    .unwrap();
    assert_eq!(dec.get("origin_index").unwrap().as_u64(), Some(4));
    assert_eq!(dec.get("failure_message").unwrap().as_str(), Some("2002"));
    assert_eq!(dec.get("failcodename").unwrap().as_str(), Some("WIRE_TEMPORARY_NODE_FAILURE"));
    // With hold times: attribution data comes back and decodes.
    let input = json::object([
        ("shared_secrets", secrets.clone()),
        ("erring_index", Value::u64(2)),
        ("failure_message", Value::str("1007")),
        ("hold_times", Value::Array((1..=3).map(Value::u64).collect())),
    ]);
    let out = commands::failure_wrap(&input).unwrap();
    let dec = commands::failure_decode(&json::object([
        ("reply", out.get("reply").unwrap().clone()),
        ("shared_secrets", secrets.clone()),
        ("attribution_data", out.get("attribution_data").unwrap().clone()),
    ]))
    .unwrap();
    assert_eq!(dec.get("attribution").unwrap().get("hold_times").unwrap().to_json(), "[1,2,3]");
    assert_eq!(dec.get("failure").unwrap().get("truncated"), Some(&Value::Bool(true)));
    // Nothing matches: 202 with the reply.
    let dec = commands::failure_decode(&json::object([
        ("reply", Value::String("00".repeat(292))),
        ("shared_secrets", secrets),
    ]))
    .unwrap();
    assert_eq!(dec.get("code").unwrap().token_text(), Some("202"));
    assert_eq!(dec.get("onionreply").unwrap().as_str().unwrap().len(), 584);
}

#[test]
fn found_by_fuzzing_old_payment_details_round_trip() {
    for bytes in [&[0x40, 0x0f][..], &[0x40, 0x0f, 0, 0, 0, 0, 0, 0, 3, 0xe8][..]] {
        assert_eq!(FailureMessage::decode(bytes).unwrap().encode(), bytes);
    }
}

#[test]
fn found_by_fuzzing_a_bare_update_whose_signature_starts_0102() {
    // Find a key whose signature over this update starts with 01 02 (about 1 in 65536
    // candidates; the search is bounded) — or build the shape directly: a body whose first
    // two bytes are 01 02 is ambiguous without a signer, and the signer settles it.
    let key = SecretKey::from_bytes(&[0x31; 32]).unwrap();
    let u = UnsignedChannelUpdate { short_channel_id: ShortChannelId(77), ..Default::default() }.sign(&key).unwrap();
    let mut body = u.body();
    body[0] = 1;
    body[1] = 2; // the signature no longer verifies, but the shape is what matters here
    let (d, _) = ChannelUpdate::decode(&body, None).unwrap();
    assert!(d.has_type_prefix, "without a signer, a leading 0102 reads as the type");
    let (d, ok) = ChannelUpdate::decode(&body, Some(&key.public_key())).unwrap();
    assert_eq!(ok, Some(false));
    assert!(d.has_type_prefix);
    // With a genuine signature, decoding the typed bytes is unambiguous.
    let (d, ok) = ChannelUpdate::decode(&u.to_bytes_with_type(), None).unwrap();
    assert_eq!((d.short_channel_id, ok), (ShortChannelId(77), None));
}

/// Core Lightning v26.06's channeld: `temporary_channel_failure` with `len = 0` and then the
/// whole type-prefixed update (sendpay-contract §16.2, from a live node). The update is read,
/// and its signature verifies against B.
#[test]
fn channelds_zero_length_update_is_read_and_verified() {
    let msg = hex::decode("10070000010250b31b6b4adcff4cea719897cabcba547c324d31657f45ce0ae2115ac0a1d1dd59e3a6b48c4e29c84d0ab3bfef2e36b780cc1b1bee9118a6d64856a185e59bfb06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f00006a00000200006b0f465c010000060000000000000000000003e80000000a000000003b023380").unwrap();
    let b = NodeId::from_hex("02361f13fbda1743f74b5efebcc999bdaaa756f2acbfe52e73f374198352c4f414").unwrap();
    let m = failure::FailureMessage::decode(&msg).unwrap();
    let upd = m.channel_update.as_deref().expect("the update after the zero length");
    assert_eq!(upd.len(), 138);
    let (u, verified) = failure::ChannelUpdate::decode(upd, Some(&b)).unwrap();
    assert_eq!(verified, Some(true));
    assert_eq!(u.short_channel_id.to_string_form(), "106x2x0");
    assert!(!m.truncated && m.extra.is_empty() && m.update_after_zero_len);
    assert_eq!(m.encode(), msg, "re-encoded in channeld's form");
    // Through a routing failure from B (hop 1 of A → B → C), as a reply decoded here.
    let (_, mut route) = route_of(3);
    route.hops[1].node_id = b;
    route.hops[2].channel = ShortChannelId::parse("106x2x0").unwrap();
    let f = RoutingFailure::from_message(1, 3, &msg, Some(&route), failure::DECODED_HERE);
    assert_eq!((f.channel_update_verified, f.channel_update_matches_route), (Some(true), Some(true)));
    assert!(f.message.ends_with("(reply from remote, decoded here)"), "{}", f.message);
    // A proper zero length with nothing after it still means "no update".
    assert_eq!(failure::FailureMessage::decode(&[0x10, 0x07, 0, 0]).unwrap().channel_update, None);
}

/// `sendonion` with `shared_secrets`: the node decodes, and reports the destination's
/// permanent failure as 204 without naming nodes (sendpay-contract §16.3). With the route
/// known it is the man page's 203, named from the route, as `decodeFailure` gives it.
#[test]
fn a_node_decoded_destination_failure_is_203_named_from_the_route() {
    let (keys, route) = route_of(2);
    let raw = "400f00000000000f424000000070";
    let data = json::object([
        ("erring_index", Value::u64(2)),
        ("failcode", Value::u64(16399)),
        ("failcodename", Value::str("WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS")),
        ("raw_message", Value::str(raw)),
    ]);
    let msg = "failed: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS (reply from remote)";
    let f = RoutingFailure::from_rpc_error(204, msg, Some(&data), Some(&route), None).unwrap();
    assert_eq!(f.code, 203);
    assert_eq!(f.erring_node, Some(route.hops[1].node_id));
    assert_eq!(f.erring_channel, Some(ErringChannel::Destination));
    assert_eq!(f.message, msg);
    let secrets = random_secrets(2, 9);
    let reply = failure::reply_from_hop(&secrets, 1, &hex::decode(raw).unwrap()).unwrap();
    let decoded = RoutingFailure::from_reply(&secrets, &reply, Some(&route), None);
    assert_eq!((decoded.code, decoded.erring_node, decoded.erring_channel), (f.code, f.erring_node, f.erring_channel));
    assert_eq!(decoded.failure, f.failure);
    // An intermediate hop's failure (index 1 of 2) names hop 1 and the channel out of it.
    let data = json::object([
        ("erring_index", Value::u64(1)),
        ("failcode", Value::u64(0x1007)),
        ("raw_message", Value::str("10070000")),
    ]);
    let f = RoutingFailure::from_rpc_error(204, "failed", Some(&data), Some(&route), None).unwrap();
    assert_eq!((f.code, f.erring_node), (204, Some(route.hops[0].node_id)));
    assert_eq!(f.erring_channel, Some(ErringChannel::Channel(route.hops[1].channel)));
    let _ = keys;
    // No raw message, only the code: still 203 at the destination, named from the route.
    let data = json::object([("erring_index", Value::u64(2)), ("failcode", Value::u64(16399))]);
    let f = RoutingFailure::from_rpc_error(204, "failed", Some(&data), Some(&route), None).unwrap();
    assert_eq!((f.code, f.erring_node), (203, Some(route.hops[1].node_id)));
}

/// A route given to decode a failure only names nodes: its ids are checked for form, not
/// decompressed (the cost of a square root a hop), so an id off the curve is named as it is;
/// building an onion with the same route refuses it.
#[test]
fn a_route_that_only_names_nodes_is_not_decompressed() {
    let v = shared("vectors/bolt04/onion-error-test.json");
    let g = v.get("generate").unwrap();
    let hops = arr(g, "hops");
    let secrets = Value::Array(hops.iter().map(|h| Value::str(s(h, "hop_shared_secret"))).collect());
    let off_curve = format!("02{}05", "00".repeat(31)); // x = 5: x³ + 7 is not a square mod p
    let route_with = |last: &str| {
        let ids: Vec<String> = hops
            .iter()
            .enumerate()
            .map(|(i, h)| if i == 4 { last.to_string() } else { s(h, "pubkey").to_string() })
            .collect();
        let hop = |i: usize| {
            format!(
                r#"{{"id":"{}","channel":"{}x1x0","amount_msat":{},"delay":{}}}"#,
                ids[i],
                100 + i,
                5000 - i,
                50 - i
            )
        };
        format!("[{}]", (0..5).map(hop).collect::<Vec<_>>().join(","))
    };
    let decode = |route: String| {
        commands::failure_decode(&json::object([
            ("reply", Value::str(s(&v, "errorpacket"))),
            ("shared_secrets", secrets.clone()),
            ("route", Value::String(route)),
        ]))
    };
    let named = decode(route_with(&off_curve)).unwrap();
    assert_eq!(named.get("erring_index").unwrap().as_u64(), Some(5));
    assert_eq!(named.get("erring_node").unwrap().as_str(), Some(off_curve.as_str()));
    // Its form is still checked: a prefix other than 02/03 is refused, naming the field.
    let e = decode(route_with(&format!("04{}", "11".repeat(32)))).unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("NOT_ON_CURVE", Some("route[4].id")));
    // An onion cannot be built to it.
    let e = commands::build_onion(
        &json::object([
            ("route", Value::String(route_with(&off_curve))),
            ("payment_hash", Value::str(&"42".repeat(32))),
            ("block_height", Value::u64(800_000)),
        ]),
        Some([0x41; 32]),
    )
    .unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("NOT_ON_CURVE", Some("route[4].id")));
}
