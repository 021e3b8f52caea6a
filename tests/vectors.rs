//! Byte-exact checks against the BOLT #4 and Core Lightning vectors in `../shared/vectors`,
//! and Core Lightning's `createonion` example #2.

mod common;
use common::*;

use ln_sendpay::blinding::{self, BlindedHop, BlindedPath, BlindedPayInfo};
use ln_sendpay::hex;
use ln_sendpay::ids::{NodeId, ShortChannelId};
use ln_sendpay::payload::{self, BlindedPayment};
use ln_sendpay::route::{Hop, Route};
use ln_sendpay::sphinx::{self, OnionHop, SecretKey};
use ln_sendpay::{Msat, SharedSecret};

fn key(hexs: &str) -> SecretKey {
    SecretKey::from_hex(hexs).unwrap()
}
fn node(hexs: &str) -> NodeId {
    NodeId::from_hex(hexs).unwrap()
}

#[test]
fn amounts_json_every_case() {
    let cases = shared("vectors/amounts.json");
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 100);
    for c in cases {
        let input = s(c, "input");
        let want = c.get("msat").unwrap().as_u64();
        let got = Msat::parse(input).ok().map(|m| m.0);
        assert_eq!(got, want, "input {input:?}");
    }
}

#[test]
fn bolt04_onion_test_byte_exact_and_peeled_at_every_hop() {
    let v = shared("vectors/bolt04/onion-test.json");
    let g = v.get("generate").unwrap();
    let session = key(s(g, "session_key"));
    let ad = h(g, "associated_data");
    let hops = arr(g, "hops");
    let pubkeys: Vec<NodeId> = hops.iter().map(|x| node(s(x, "pubkey"))).collect();
    let frames: Vec<Vec<u8>> = hops.iter().map(|x| h(x, "payload")).collect();
    let input: Vec<OnionHop> = pubkeys.iter().zip(&frames).map(|(p, f)| OnionHop { pubkey: p, frame: f }).collect();
    for (i, f) in frames.iter().enumerate() {
        sphinx::check_length_prefix(i, f).unwrap();
    }
    let (onion, secrets) = sphinx::build_onion(&session, &input, &ad).unwrap();
    assert_eq!(onion.to_hex(), s(&v, "onion"));
    assert_eq!(onion.as_bytes().len(), sphinx::PACKET_SIZE);
    // bolt04-notes.md §12: the shared secrets of this session key and these hops.
    assert_eq!(secrets[0].to_hex(), "53eb63ea8a3fec3b3cd433b85cd62a4b145e1dda09391b348c4e1cd36a03ea66");
    assert_eq!(secrets[4].to_hex(), "b5756b9b542727dbafc6765a49488b023a725d631af688fc031217e90770c328");

    let mut packet = onion.into_bytes();
    for (i, privkey) in arr(&v, "decode").iter().enumerate() {
        let k = key(privkey.as_str().unwrap());
        let peeled = sphinx::peel_onion(&k, &packet, &ad).unwrap();
        assert_eq!(peeled.frame(), frames[i], "hop {i} payload");
        assert_eq!(&peeled.shared_secret, &secrets[i]);
        // Payloads carry unknown odd types (301, 513) that a reader keeps.
        let p = payload::decode_payload(&peeled.payload).unwrap();
        assert!(p.amt_to_forward.is_some());
        match peeled.next {
            Some(next) => {
                assert!(i < 4, "only hop 4 is final");
                packet = next.into_bytes();
            }
            None => assert_eq!(i, 4, "hop {i} saw a zero HMAC"),
        }
    }
}

#[test]
fn peel_rejects_wrong_key_wrong_ad_and_bad_packets() {
    let v = shared("vectors/bolt04/onion-test.json");
    let onion = h(&v, "onion");
    let ad = h(v.get("generate").unwrap(), "associated_data");
    let hop0 = key(arr(&v, "decode")[0].as_str().unwrap());
    let hop1 = key(arr(&v, "decode")[1].as_str().unwrap());
    assert_eq!(sphinx::peel_onion(&hop1, &onion, &ad).unwrap_err(), sphinx::OnionError::BadHmac);
    assert_eq!(sphinx::peel_onion(&hop0, &onion, &[0u8; 32]).unwrap_err(), sphinx::OnionError::BadHmac);
    let mut bad = onion.clone();
    bad[0] = 1;
    assert_eq!(sphinx::peel_onion(&hop0, &bad, &ad).unwrap_err().failcode(), Some(0xC004));
    let mut bad = onion.clone();
    bad[1] = 4;
    assert_eq!(sphinx::peel_onion(&hop0, &bad, &ad).unwrap_err().failcode(), Some(0xC006));
    let mut bad = onion.clone();
    bad[500] ^= 1;
    assert_eq!(sphinx::peel_onion(&hop0, &bad, &ad).unwrap_err().failcode(), Some(0xC005));
    assert!(matches!(sphinx::peel_onion(&hop0, &onion[..1365], &ad), Err(sphinx::OnionError::PacketLength { .. })));
}

#[test]
fn cln_multi_frame_byte_exact() {
    let v = shared("vectors/cln/onion-test-multi-frame.json");
    let g = v.get("generate").unwrap();
    let session = key(s(g, "session_key"));
    let ad = h(g, "associated_data");
    let mut pubkeys = vec![];
    let mut frames = vec![];
    for hop in arr(g, "hops") {
        pubkeys.push(node(s(hop, "pubkey")));
        let p = h(hop, "payload");
        let frame = if s(hop, "type") == "legacy" {
            // realm 0 ‖ payload zero-padded to 32 bytes
            let mut f = vec![0u8];
            f.extend_from_slice(&p);
            f.resize(33, 0);
            f
        } else {
            let mut f = vec![];
            ln_sendpay::wire::write_bigsize(&mut f, p.len() as u64);
            f.extend_from_slice(&p);
            f
        };
        frames.push(frame);
    }
    let input: Vec<OnionHop> = pubkeys.iter().zip(&frames).map(|(p, f)| OnionHop { pubkey: p, frame: f }).collect();
    let (onion, _) = sphinx::build_onion(&session, &input, &ad).unwrap();
    assert_eq!(onion.to_hex(), s(&v, "onion"));
    // Hop 2 (raw, 256 bytes, 3-byte prefix) peels back; hop 0 is legacy, which a current
    // reader refuses as a zero-length payload.
    let hop0 = key(arr(&v, "decode")[0].as_str().unwrap());
    assert_eq!(sphinx::peel_onion(&hop0, onion.as_bytes(), &ad).unwrap_err(), sphinx::OnionError::BadFrame);
}

#[test]
fn cln_createonion_example_2_is_a_golden_vector() {
    let schema = shared("reference/cln-schemas/createonion.json");
    let ex = arr(&schema, "examples")
        .iter()
        .find(|e| e.get("request").and_then(|r| r.get("params")).and_then(|p| p.get("session_key")).is_some())
        .expect("example with a session_key");
    let params = ex.get("request").unwrap().get("params").unwrap();
    let resp = ex.get("response").unwrap();
    let session = key(s(params, "session_key"));
    let ad = h(params, "assocdata");
    let hops = arr(params, "hops");
    let pubkeys: Vec<NodeId> = hops.iter().map(|x| node(s(x, "pubkey"))).collect();
    let frames: Vec<Vec<u8>> = hops.iter().map(|x| h(x, "payload")).collect();
    let input: Vec<OnionHop> = pubkeys.iter().zip(&frames).map(|(p, f)| OnionHop { pubkey: p, frame: f }).collect();
    let (onion, secrets) = sphinx::build_onion(&session, &input, &ad).unwrap();
    assert_eq!(onion.to_hex(), s(resp, "onion"));
    let want: Vec<&str> = arr(resp, "shared_secrets").iter().map(|x| x.as_str().unwrap()).collect();
    let got: Vec<String> = secrets.iter().map(SharedSecret::to_hex).collect();
    assert_eq!(got, want);
}

fn blinded_path_from(route: &ln_sendpay::json::Value, data_key: &str) -> BlindedPath {
    BlindedPath {
        introduction_node: node(s(route, "first_node_id")),
        first_path_key: node(s(route, "first_path_key")),
        hops: arr(route, "hops")
            .iter()
            .map(|x| BlindedHop {
                blinded_node_id: node(s(x, "blinded_node_id")),
                encrypted_recipient_data: h(x, data_key),
            })
            .collect(),
    }
}

#[test]
fn blinded_payment_onion_payloads_and_packet_byte_exact() {
    let v = shared("vectors/bolt04/blinded-payment-onion-test.json");
    let g = v.get("generate").unwrap();
    let path = blinded_path_from(g.get("blinded_route").unwrap(), "encrypted_data");
    let pi = g.get("blinded_payinfo").unwrap();
    let payinfo = BlindedPayInfo {
        fee_base_msat: pi.get("fee_base_msat").unwrap().as_u64().unwrap() as u32,
        fee_proportional_millionths: pi.get("fee_proportional_millionths").unwrap().as_u64().unwrap() as u32,
        cltv_expiry_delta: pi.get("cltv_expiry_delta").unwrap().as_u64().unwrap() as u16,
    };
    let final_amount = g.get("final_amount_msat").unwrap().as_u64().unwrap();
    let final_cltv = g.get("final_cltv").unwrap().as_u64().unwrap() as u32;
    let full = arr(g.get("full_route").unwrap(), "hops");
    // The sender's route: our channel to Alice, then Alice's channel 0x0x10 to Bob, who
    // must receive final + fee and final_cltv + delta.
    let block_height = 748_000;
    let alice = node(s(&full[0], "pubkey"));
    let intro_amount = final_amount + payinfo.fee(final_amount).unwrap();
    assert_eq!(intro_amount, 110_125);
    let intro_cltv = final_cltv + u32::from(payinfo.cltv_expiry_delta);
    let route = Route::from_hops(vec![
        Hop {
            node_id: alice,
            channel: ShortChannelId::parse("1x1x1").unwrap(),
            direction: None,
            amount: Msat(intro_amount),
            delay: intro_cltv - block_height - 1 + 100,
        },
        Hop {
            node_id: path.introduction_node,
            channel: ShortChannelId::parse("0x0x10").unwrap(),
            direction: None,
            amount: Msat(intro_amount),
            delay: intro_cltv - block_height - 1,
        },
    ]);
    let frames = payload::blinded_route_payloads(
        &route,
        block_height,
        &BlindedPayment {
            path: &path,
            payinfo,
            amount: Msat(final_amount),
            total: Msat(150_000),
            final_cltv,
            custom_records: &[],
        },
    )
    .unwrap();
    assert_eq!(frames.len(), full.len());
    for (i, (f, want)) in frames.iter().zip(full).enumerate() {
        assert_eq!(hex::encode(&f.frame), s(want, "payload"), "hop {i} payload");
        assert_eq!(f.pubkey, node(s(want, "pubkey")), "hop {i} pubkey");
    }
    let session = key(s(g, "session_key"));
    let ad = h(g, "associated_data");
    let input: Vec<OnionHop> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
    let (onion, _) = sphinx::build_onion(&session, &input, &ad).unwrap();
    assert_eq!(onion.to_hex(), s(g, "onion"));

    // Peel at every hop: Alice and Bob with their own keys, then Carol, Dave and Eve
    // with the path key the previous blinded hop derived.
    let dec = arr(v.get("decrypt").unwrap(), "hops");
    let mut packet = onion.into_bytes();
    let mut path_key: Option<NodeId> = None;
    for (i, hop) in dec.iter().enumerate() {
        assert_eq!(hex::encode(&packet), s(hop, "onion"), "packet reaching hop {i}");
        let k = key(s(hop, "node_privkey"));
        let (peeled, ss) = match path_key {
            None => (sphinx::peel_onion(&k, &packet, &ad).unwrap(), None),
            Some(pk) => {
                let (p, ss) = blinding::peel_blinded(&k, &pk, &packet, &ad).unwrap();
                (p, Some((pk, ss)))
            }
        };
        assert_eq!(hex::encode(&peeled.frame()), s(&full[i], "payload"));
        let p = payload::decode_payload(&peeled.payload).unwrap();
        if let Some(intro_key) = p.current_path_key {
            // The introduction node: path key from its payload.
            let ss = blinding::path_shared_secret(&k, &intro_key);
            blinding::decrypt_recipient_data(&ss, p.encrypted_recipient_data.as_ref().unwrap()).unwrap();
            path_key = Some(blinding::next_path_key(&intro_key, &ss));
        } else if let Some((pk, ss)) = ss {
            let data = blinding::decrypt_recipient_data(&ss, p.encrypted_recipient_data.as_ref().unwrap()).unwrap();
            // next_path_key_override (type 8) replaces the derived key.
            let tlvs = ln_sendpay::wire::read_stream(&data, |_| true).unwrap();
            path_key = Some(match tlvs.iter().find(|r| r.tlv_type == 8) {
                Some(r) => NodeId::from_bytes(r.value.as_slice().try_into().unwrap()).unwrap(),
                None => blinding::next_path_key(&pk, &ss),
            });
        }
        if let Some(want) = hop.get("next_path_key") {
            assert_eq!(path_key.unwrap().to_hex(), want.as_str().unwrap(), "next_path_key at hop {i}");
        }
        match peeled.next {
            Some(n) => packet = n.into_bytes(),
            None => assert_eq!(i, dec.len() - 1),
        }
    }
}

#[test]
fn route_blinding_sender_and_hop_maths() {
    let v = shared("vectors/bolt04/route-blinding-test.json");
    // The recipient's construction, hop by hop, from each path_privkey.
    for hop in arr(v.get("generate").unwrap(), "hops") {
        let e = key(s(hop, "path_privkey"));
        assert_eq!(e.public_key().to_hex(), s(hop, "path_key"));
        let n = node(s(hop, "node_id"));
        // A one-hop path from this hop's path key reproduces its blinded id and data.
        let p = blinding::create_blinded_path(&e, &[(n, &h(hop, "encoded_tlvs"))]).unwrap();
        assert_eq!(p.first_path_key.to_hex(), s(hop, "path_key"));
        assert_eq!(p.hops[0].blinded_node_id.to_hex(), s(hop, "blinded_node_id"));
        assert_eq!(hex::encode(&p.hops[0].encrypted_recipient_data), s(hop, "encrypted_data"));
    }
    // Two concatenated paths: Bob→Carol from session 02…, Dave→Eve from session 01….
    let g = arr(v.get("generate").unwrap(), "hops");
    let tl: Vec<Vec<u8>> = g.iter().map(|x| h(x, "encoded_tlvs")).collect();
    let nodes: Vec<NodeId> = g.iter().map(|x| node(s(x, "node_id"))).collect();
    let first = blinding::create_blinded_path(&key(s(&g[0], "session_key")), &[(nodes[0], &tl[0]), (nodes[1], &tl[1])])
        .unwrap();
    let second =
        blinding::create_blinded_path(&key(s(&g[2], "session_key")), &[(nodes[2], &tl[2]), (nodes[3], &tl[3])])
            .unwrap();
    let want = blinded_path_from(v.get("route").unwrap(), "encrypted_data");
    assert_eq!(first.introduction_node, want.introduction_node);
    assert_eq!(first.first_path_key, want.first_path_key);
    let mut hops = first.hops.clone();
    hops.extend(second.hops.clone());
    assert_eq!(hops, want.hops);

    // The hop side: blinded private keys, decrypted data and next path keys.
    for hop in arr(v.get("unblind").unwrap(), "hops") {
        let k = key(s(hop, "node_privkey"));
        let pk = node(s(hop, "path_key"));
        let bk = blinding::blinded_node_key(&k, &pk).unwrap();
        assert_eq!(hex::encode(&*bk.to_bytes()), s(hop, "blinded_privkey"));
        let ss = blinding::path_shared_secret(&k, &pk);
        let idx = nodes.iter().position(|n| *n == k.public_key()).unwrap();
        let data = blinding::decrypt_recipient_data(&ss, &hops[idx].encrypted_recipient_data).unwrap();
        assert_eq!(hex::encode(&data), s(hop, "decrypted_data"));
        assert_eq!(blinding::next_path_key(&pk, &ss).to_hex(), s(hop, "next_path_key"));
        assert!(
            blinding::decrypt_recipient_data(
                &blinding::path_shared_secret(&bk, &pk),
                &hops[idx].encrypted_recipient_data
            )
            .is_err()
        );
    }
}
