//! BOLT #11: every example of the spec (`../shared/vectors/bolt11.json`), read in place, and
//! invoices written here (every network prefix, no amount, truncated and overlong fields,
//! wrong signatures) with the spec's signing key.

mod common;
use common::{arr, s, shared};
use ln_sendpay::bolt11::{self, Bolt11Error, Network, bytes_to_groups, encode_signed, field_groups};
use ln_sendpay::json::Value;
use ln_sendpay::{Msat, hex};

fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

fn code_of(invoice: &str) -> &'static str {
    match bolt11::decode(invoice) {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

#[test]
fn every_valid_example_decodes_field_by_field() {
    let file = shared("vectors/bolt11.json");
    let mut checked = 0;
    for case in arr(&file, "valid") {
        let title = s(case, "title");
        let e = case.get("expected").unwrap();
        let decoded = bolt11::decode(s(case, "invoice"));
        if e.get("ignored_fields").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
            // The spec disagrees with itself here (README: the newer rule wins): wrong-length
            // p/h/s/n fields fail the invoice.
            let err = decoded.expect_err(title);
            assert!(matches!(err, Bolt11Error::FieldLength { .. }), "{title}: {err:?}");
            continue;
        }
        let inv = decoded.unwrap_or_else(|err| panic!("{title}: {err} ({})", err.code()));
        assert_eq!(inv.network.prefix(), s(e, "network"), "{title}");
        assert_eq!(inv.amount.map(|m| m.0.to_string()), opt_str(e, "amount_msat"), "{title}");
        assert_eq!(inv.timestamp, e.get("timestamp").unwrap().as_u64().unwrap(), "{title}");
        assert_eq!(hex::encode(&inv.payment_hash), s(e, "payment_hash"), "{title}");
        assert_eq!(hex::encode(&inv.payment_secret), s(e, "payment_secret"), "{title}");
        assert_eq!(inv.description, opt_str(e, "description"), "{title}");
        assert_eq!(inv.description_hash.map(|h| hex::encode(&h)), opt_str(e, "description_hash"), "{title}");
        if let Some(text) = opt_str(e, "hashed_description") {
            inv.check_description(&text).unwrap();
            assert!(inv.check_description("something else").is_err());
        }
        let opt_u64 = |k: &str| e.get(k).and_then(Value::as_u64);
        assert_eq!(inv.expiry_field, opt_u64("expiry"), "{title}");
        assert_eq!(inv.expiry(), opt_u64("expiry").unwrap_or(3600));
        assert_eq!(inv.min_final_cltv_field, opt_u64("min_final_cltv_expiry"), "{title}");
        assert_eq!(inv.min_final_cltv_expiry(), opt_u64("min_final_cltv_expiry").unwrap_or(18));
        let fallbacks: Vec<(u64, String)> = arr(e, "fallback_addresses")
            .iter()
            .map(|f| (f.get("version").unwrap().as_u64().unwrap(), s(f, "program").to_string()))
            .collect();
        let got: Vec<(u64, String)> =
            inv.fallbacks.iter().map(|f| (u64::from(f.version), hex::encode(&f.program))).collect();
        assert_eq!(got, fallbacks, "{title}");
        let hints: Vec<Vec<String>> = arr(e, "route_hints")
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|h| {
                        format!(
                            "{} {} {} {} {}",
                            s(h, "pubkey"),
                            s(h, "short_channel_id"),
                            h.get("fee_base_msat").unwrap().as_u64().unwrap(),
                            h.get("fee_proportional_millionths").unwrap().as_u64().unwrap(),
                            h.get("cltv_expiry_delta").unwrap().as_u64().unwrap()
                        )
                    })
                    .collect()
            })
            .collect();
        let got: Vec<Vec<String>> = inv
            .route_hints
            .iter()
            .map(|r| {
                r.iter()
                    .map(|h| {
                        format!(
                            "{} {} {} {} {}",
                            h.pubkey.to_hex(),
                            h.short_channel_id,
                            h.fee_base_msat,
                            h.fee_proportional_millionths,
                            h.cltv_expiry_delta
                        )
                    })
                    .collect()
            })
            .collect();
        assert_eq!(got, hints, "{title}");
        let bits: Vec<u64> = arr(e, "feature_bits").iter().map(|b| b.as_u64().unwrap()).collect();
        assert_eq!(inv.feature_bits().iter().map(|b| u64::from(*b)).collect::<Vec<_>>(), bits, "{title}");
        assert_eq!(hex::encode(&inv.features), s(e, "features_hex"), "{title}");
        assert_eq!(inv.payment_metadata.as_ref().map(|m| hex::encode(m)), opt_str(e, "payment_metadata"), "{title}");
        assert_eq!(inv.payee.to_hex(), s(e, "payee"), "{title}");
        assert_eq!(inv.payee_from_n, s(e, "payee_source") == "n", "{title}");
        assert_eq!(hex::encode(&inv.signature), s(e, "signature"), "{title}");
        assert_eq!(u64::from(inv.recovery_id), e.get("recovery_flag").unwrap().as_u64().unwrap(), "{title}");
        assert_eq!(hex::encode(&inv.signed_hash), s(e, "signed_hash"), "{title}");
        let unknown: Vec<(u64, String)> = arr(e, "unknown_fields")
            .iter()
            .map(|u| (u.get("type").unwrap().as_u64().unwrap(), s(u, "data_bech32").to_string()))
            .collect();
        let got: Vec<(u64, String)> = inv
            .unknown_fields
            .iter()
            .map(|u| (u64::from(u.kind), u.data.iter().map(|g| bolt11::tag_letter(*g)).collect()))
            .collect();
        assert_eq!(got, unknown, "{title}");
        checked += 1;
    }
    assert_eq!(checked, 15, "15 of the 16 valid examples decode; the 16th is the spec's self-contradiction");
}

#[test]
fn the_high_s_example_recovers_the_key_its_recovery_id_names() {
    // The second place where the spec disagrees with itself (README): the key recovered with
    // the signature as written is not the signing key of the other examples.
    let file = shared("vectors/bolt11.json");
    let case = arr(&file, "valid").iter().find(|c| s(c, "title").contains("high-S")).unwrap();
    let inv = bolt11::decode(s(case, "invoice")).unwrap();
    assert_ne!(inv.payee.to_hex(), s(&file, "payee_node_id"));
    assert!(inv.payee.to_hex().starts_with("02d0139c"));
}

#[test]
fn every_invalid_example_fails_for_its_reason() {
    let file = shared("vectors/bolt11.json");
    let invalid = arr(&file, "invalid");
    assert_eq!(invalid.len(), 10);
    for case in invalid {
        let title = s(case, "title");
        let expected = match title {
            t if t.contains("feature 100") => "BOLT11_UNKNOWN_REQUIRED_FEATURE",
            t if t.contains("checksum is invalid") => "BOLT11_BAD_CHECKSUM",
            t if t.contains("(no 1)") => "BOLT11_NO_SEPARATOR",
            t if t.contains("mixed case") => "BOLT11_MIXED_CASE",
            t if t.contains("not recoverable") => "BOLT11_UNRECOVERABLE_SIGNATURE",
            t if t.contains("too short") => "BOLT11_TOO_SHORT",
            t if t.contains("Invalid multiplier") => "BOLT11_UNKNOWN_MULTIPLIER",
            t if t.contains("sub-millisatoshi") => "BOLT11_SUB_MSAT",
            t if t.contains("Missing required `s`") => "BOLT11_MISSING_PAYMENT_SECRET",
            t if t.contains("high-S") => "BOLT11_HIGH_S",
            t => panic!("an invalid case this test does not know: {t}"),
        };
        assert_eq!(code_of(s(case, "invoice")), expected, "{title}");
    }
    match bolt11::decode(s(&invalid[0], "invoice")) {
        Err(Bolt11Error::UnknownRequiredFeature(100)) => {}
        other => panic!("{other:?}"),
    }
}

// ─── invoices written here ──────────────────────────────────────────────────────────────

const KEY: [u8; 32] = [
    0xe1, 0x26, 0xf6, 0x8f, 0x7e, 0xaf, 0xcc, 0x8b, 0x74, 0xf5, 0x4d, 0x26, 0x9f, 0xe2, 0x06, 0xbe, 0x71, 0x50, 0x00,
    0xf9, 0x4d, 0xac, 0x06, 0x7d, 0x1c, 0x04, 0xa8, 0xca, 0x3b, 0x2d, 0xb7, 0x34,
];
const PAYEE: &str = "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad";

fn timestamp(t: u64) -> Vec<u8> {
    (0..7).rev().map(|i| ((t >> (5 * i)) & 31) as u8).collect()
}

/// Timestamp, p, s, d and the extra fields; signed with the spec's key.
fn invoice(hrp: &str, extra: &[Vec<u8>]) -> String {
    let mut d = timestamp(1_700_000_000);
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    d.extend(field_groups(13, &bytes_to_groups(b"coffee")));
    for f in extra {
        d.extend(f);
    }
    encode_signed(hrp, &d, &KEY).unwrap()
}

#[test]
fn every_network_prefix_with_and_without_an_amount() {
    for (hrp, net, amount) in [
        ("lnbc", Network::Bitcoin, None),
        ("lntb20m", Network::Testnet, Some(2_000_000_000)),
        ("lntbs1u", Network::Signet, Some(100_000)),
        ("lnbcrt500n", Network::Regtest, Some(50_000)),
        ("lnbcrt10p", Network::Regtest, Some(1)),
        ("lnbc1", Network::Bitcoin, Some(100_000_000_000)),
        // Pico-BTC past u64 before the division: still a valid msat amount.
        ("lnbc20000000000000000010p", Network::Bitcoin, Some(2_000_000_000_000_000_001)),
    ] {
        let text = invoice(hrp, &[]);
        let inv = bolt11::decode(&text).unwrap_or_else(|e| panic!("{hrp}: {e}"));
        assert_eq!(inv.network, net, "{hrp}");
        assert_eq!(inv.amount, amount.map(Msat), "{hrp}");
        assert_eq!(inv.payee.to_hex(), PAYEE, "{hrp}: recovered");
        assert_eq!(inv.description.as_deref(), Some("coffee"));
        // Upper case reads the same.
        assert_eq!(bolt11::decode(&text.to_uppercase()).unwrap(), inv);
    }
    for (hrp, code) in [
        ("lnxx", "BOLT11_UNKNOWN_NETWORK"),
        ("lnsb", "BOLT11_UNKNOWN_NETWORK"),
        ("bc", "BOLT11_NOT_LIGHTNING"),
        ("lnbc0", "BOLT11_AMOUNT_RANGE"),
        ("lnbc99999999999999999999m", "BOLT11_AMOUNT_RANGE"),
        ("lnbc1.5m", "BOLT11_AMOUNT_NOT_DIGITS"),
        ("lnbcm", "BOLT11_UNKNOWN_NETWORK"),
        ("lnbc5x5m", "BOLT11_AMOUNT_NOT_DIGITS"),
        ("lnbc15p", "BOLT11_SUB_MSAT"),
    ] {
        assert_eq!(code_of(&invoice(hrp, &[])), code, "{hrp}");
    }
}

#[test]
fn n_is_checked_and_recovery_is_skipped() {
    let payee = hex::decode(PAYEE).unwrap();
    let inv = bolt11::decode(&invoice("lnbc1m", &[field_groups(19, &bytes_to_groups(&payee))])).unwrap();
    assert!(inv.payee_from_n);
    assert_eq!(inv.payee.to_hex(), PAYEE);
    // Another key in n: the signature is not its.
    let other = hex::decode("02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27").unwrap();
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(19, &bytes_to_groups(&other))])), "BOLT11_SIGNATURE_MISMATCH");
    // Not a point.
    let mut bad = payee.clone();
    bad[0] = 5;
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(19, &bytes_to_groups(&bad))])), "BOLT11_BAD_PAYEE_KEY");
}

#[test]
fn fields_of_every_kind_and_their_errors() {
    let mut hop = hex::decode(PAYEE).unwrap();
    hop.extend([0, 0, 0x67, 0, 0, 1, 0, 0]); // 103x1x0
    hop.extend(1000u32.to_be_bytes());
    hop.extend(100u32.to_be_bytes());
    hop.extend(40u16.to_be_bytes());
    let inv = bolt11::decode(&invoice(
        "lnbc1m",
        &[
            field_groups(6, &[1, 0]),                // x = 32
            field_groups(24, &[2, 8]),               // c = 72
            field_groups(3, &bytes_to_groups(&hop)), // r
            field_groups(27, &bytes_to_groups(&[1, 2, 3])),
            field_groups(5, &[0, 16, 0, 0]), // bit 14 (payment_secret) alone
            field_groups(10, &[1, 2, 3]),    // unknown type 10 ('2')
        ],
    ));
    // payment_secret without var_onion_optin (bit 8), which it depends on.
    assert_eq!(inv.unwrap_err().code(), "BOLT11_FEATURE_DEPENDENCY");
    let inv = bolt11::decode(&invoice(
        "lnbc1m",
        &[
            field_groups(6, &[1, 0]),
            field_groups(24, &[2, 8]),
            field_groups(3, &bytes_to_groups(&hop)),
            field_groups(27, &bytes_to_groups(&[1, 2, 3])),
            field_groups(5, &[16, 8, 0]), // bits 14 and 8
            field_groups(10, &[1, 2, 3]),
        ],
    ))
    .unwrap();
    assert_eq!(inv.expiry(), 32);
    assert_eq!(inv.expires_at(), 1_700_000_032);
    assert_eq!(inv.min_final_cltv_expiry(), 72);
    assert_eq!(inv.route_hints[0][0].short_channel_id.to_string(), "103x1x0");
    assert_eq!(inv.route_hints[0][0].fee_base_msat, 1000);
    assert_eq!(inv.route_hints[0][0].cltv_expiry_delta, 40);
    assert_eq!(inv.payment_metadata.as_deref(), Some(&[1u8, 2, 3][..]));
    assert_eq!(inv.feature_bits(), vec![8, 14]);
    assert_eq!(inv.unknown_fields[0].kind, 10);
    assert_eq!(inv.unknown_fields[0].data, vec![1, 2, 3]);
    assert!(inv.check_expiry(1_700_000_031).is_ok());
    assert_eq!(inv.check_expiry(1_700_000_032).unwrap_err().code(), "INVOICE_EXPIRED");

    // Dependencies: payment_secret without var_onion_optin.
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(5, &[16, 0, 0])])), "BOLT11_FEATURE_DEPENDENCY");
    // Odd unknown bits are fine; even ones are not.
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(5, &[2, 0, 0, 0, 0, 0, 0])])), "OK"); // bit 31
    assert_eq!(
        code_of(&invoice("lnbc1m", &[field_groups(5, &[1, 0, 0, 0, 0, 0, 0])])),
        "BOLT11_UNKNOWN_REQUIRED_FEATURE"
    );
    // Wrong lengths of fixed fields; bad route hints; bad UTF-8; integers past 64 bits.
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(1, &[0; 51])])), "BOLT11_FIELD_LENGTH");
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(3, &bytes_to_groups(&hop[..50]))])), "BOLT11_BAD_ROUTE_HINT");
    // A repeated field: the first is used, every one is checked.
    assert_eq!(
        code_of(&invoice("lnbc1m", &[field_groups(13, &bytes_to_groups(&[0xff, 0xfe]))])),
        "BOLT11_DESCRIPTION_NOT_UTF8"
    );
    assert_eq!(
        bolt11::decode(&invoice("lnbc1m", &[field_groups(13, &bytes_to_groups(b"tea"))]))
            .unwrap()
            .description
            .as_deref(),
        Some("coffee")
    );
    let mut d = timestamp(1);
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    d.extend(field_groups(13, &bytes_to_groups(&[0xff, 0xfe])));
    assert_eq!(code_of(&encode_signed("lnbc", &d, &KEY).unwrap()), "BOLT11_DESCRIPTION_NOT_UTF8");
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(6, &[31; 14])])), "BOLT11_INTEGER_TOO_LARGE");
    assert_eq!(code_of(&invoice("lnbc1m", &[field_groups(6, &[1; 12])])), "OK");
    // Missing fields.
    let mut d = timestamp(1);
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    d.extend(field_groups(13, &bytes_to_groups(b"x")));
    assert_eq!(code_of(&encode_signed("lnbc", &d, &KEY).unwrap()), "BOLT11_MISSING_PAYMENT_HASH");
    let mut d = timestamp(1);
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    assert_eq!(code_of(&encode_signed("lnbc", &d, &KEY).unwrap()), "BOLT11_MISSING_DESCRIPTION");
}

/// The data part's groups (signature included, checksum removed) of an invoice written here.
fn data_groups(text: &str) -> Vec<u8> {
    let (_, rest) = text.split_at(text.rfind('1').unwrap() + 1);
    let mut groups: Vec<u8> =
        rest.bytes().map(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".iter().position(|c| *c == b).unwrap() as u8).collect();
    groups.truncate(groups.len() - 6);
    groups
}

#[test]
fn truncated_tampered_and_overlong_strings() {
    let good = invoice("lnbc1m", &[]);
    // A field whose length runs into the signature.
    let mut d = timestamp(1);
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend([13, 31, 31]); // d with data_length 1023
    assert_eq!(code_of(&encode_signed("lnbc", &d, &KEY).unwrap()), "BOLT11_FIELD_TRUNCATED");
    // Every truncation of a valid invoice fails without panicking.
    for cut in 0..good.len() {
        assert_ne!(code_of(&good[..cut]), "OK", "cut at {cut}");
    }
    // A changed character: the checksum catches it.
    let mut chars: Vec<char> = good.chars().collect();
    let i = chars.len() - 20;
    chars[i] = if chars[i] == 'q' { 'p' } else { 'q' };
    assert_eq!(code_of(&chars.iter().collect::<String>()), "BOLT11_BAD_CHECKSUM");
    // A field changed and the checksum recomputed: the signature no longer matches (recovery
    // gives another key).
    let mut d = timestamp(1_700_000_000);
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    d.extend(field_groups(13, &bytes_to_groups(b"coffee")));
    let signed = encode_signed("lnbc1m", &d, &KEY).unwrap();
    let mut tampered = data_groups(&signed);
    tampered[7 + 3] ^= 1; // a bit of the payment hash
    let forged = bolt11::bech32_encode("lnbc1m", &tampered);
    let inv = bolt11::decode(&forged).unwrap();
    assert_ne!(inv.payee.to_hex(), PAYEE, "a tampered invoice recovers some other key");
    // With n, the same tampering is refused.
    let payee = hex::decode(PAYEE).unwrap();
    let with_n_text = |payee: &[u8]| invoice("lnbc1m", &[field_groups(19, &bytes_to_groups(payee))]);
    let with_n = with_n_text(&payee);
    let mut groups = data_groups(&with_n);
    groups[7 + 3] ^= 1;
    assert_eq!(code_of(&bolt11::bech32_encode("lnbc1m", &groups)), "BOLT11_SIGNATURE_MISMATCH");
    // Recovery ids past 3 (the id is the signature's last byte: its low 5 bits are the last group).
    for with_n in [false, true] {
        let text = if with_n { with_n_text(&payee) } else { invoice("lnbc1m", &[]) };
        let mut groups = data_groups(&text);
        let last = groups.len() - 1;
        groups[last] |= 0b100;
        assert_eq!(code_of(&bolt11::bech32_encode("lnbc1m", &groups)), "BOLT11_BAD_RECOVERY_ID");
    }
    // Overlong strings are refused before any work, whatever they hold.
    let long = format!("lnbc1{}", "q".repeat(bolt11::MAX_LENGTH));
    assert_eq!(code_of(&long), "BOLT11_TOO_LONG");
    let long_fields = invoice("lnbc1m", &[field_groups(13, &[0; 1023]), field_groups(13, &[0; 1023])]);
    assert!(long_fields.len() < bolt11::MAX_LENGTH);
    assert_eq!(code_of(&long_fields), "OK");
    let too_many = invoice(
        "lnbc1m",
        &[
            field_groups(10, &[0; 1023]),
            field_groups(10, &[0; 1023]),
            field_groups(10, &[0; 1023]),
            field_groups(10, &[0; 1023]),
            field_groups(10, &[0; 1023]),
        ],
    );
    assert_eq!(code_of(&too_many), "BOLT11_TOO_LONG");
    // Non-ASCII and characters outside the alphabet.
    assert_eq!(code_of("lnbc1ö"), "BOLT11_BAD_CHAR");
    assert_eq!(code_of(&good.replacen("1m1", "1m1b", 1)), "BOLT11_BAD_CHAR");
    assert_eq!(code_of(""), "BOLT11_NO_SEPARATOR");
}

#[test]
fn cross_checks_name_both_values() {
    let inv = bolt11::decode(&invoice("lnbc1m", &[])).unwrap();
    let e = bolt11::check_same("payment_hash", &inv.payment_hash, &[8; 32]).unwrap_err();
    assert_eq!(e.code(), "INVOICE_PAYMENT_HASH_MISMATCH");
    let text = e.to_string();
    assert!(text.contains(&"07".repeat(32)) && text.contains(&"08".repeat(32)), "{text}");
    assert_eq!(inv.amount_to_pay(None).unwrap(), Msat(100_000_000));
    let e = inv.amount_to_pay(Some(Msat(5))).unwrap_err();
    assert!(e.to_string().contains("100000000msat") && e.to_string().contains("5msat"));
    let no_amount = bolt11::decode(&invoice("lnbc", &[])).unwrap();
    assert_eq!(no_amount.amount_to_pay(None).unwrap_err().code(), "INVOICE_NO_AMOUNT");
    assert_eq!(no_amount.amount_to_pay(Some(Msat(5))).unwrap(), Msat(5));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// Random invoices written and signed here decode to what was written, whatever the
        /// amount, fields and their order of extras.
        #[test]
        fn written_invoices_read_back(
            amount in proptest::option::of(1u64..2_100_000_000_000_000_000),
            ts in 0u64..(1 << 35),
            hash in any::<[u8; 32]>(),
            secret in any::<[u8; 32]>(),
            desc in "[ -~]{0,60}",
            expiry in proptest::option::of(0u64..(1 << 40)),
            cltv in proptest::option::of(0u64..100_000),
            meta in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
            unknown in proptest::collection::vec((prop::sample::select(vec![0u8, 2, 4, 7, 8, 10, 11, 12]), proptest::collection::vec(0u8..32, 0..20)), 0..3),
        ) {
            let hrp = match amount { Some(a) => format!("lnbcrt{}p", u128::from(a) * 10), None => "lnbcrt".into() };
            let mut d: Vec<u8> = (0..7).rev().map(|i| ((ts >> (5 * i)) & 31) as u8).collect();
            d.extend(field_groups(1, &bytes_to_groups(&hash)));
            d.extend(field_groups(16, &bytes_to_groups(&secret)));
            d.extend(field_groups(13, &bytes_to_groups(desc.as_bytes())));
            let int = |v: u64| -> Vec<u8> { let mut g: Vec<u8> = (0..13).rev().map(|i| ((v >> (5 * i)) & 31) as u8).skip_while(|x| *x == 0).collect(); if g.is_empty() { g.push(0) } g };
            if let Some(x) = expiry { d.extend(field_groups(6, &int(x))); }
            if let Some(c) = cltv { d.extend(field_groups(24, &int(c))); }
            if let Some(m) = &meta { d.extend(field_groups(27, &bytes_to_groups(m))); }
            for (kind, data) in &unknown { d.extend(field_groups(*kind, data)); }
            let text = encode_signed(&hrp, &d, &KEY).unwrap();
            let long = text.len() > bolt11::MAX_LENGTH;
            let inv = match bolt11::decode(&text) {
                Err(e) if long => { prop_assert_eq!(e.code(), "BOLT11_TOO_LONG"); return Ok(()); }
                r => r.unwrap(),
            };
            prop_assert_eq!(inv.network, Network::Regtest);
            prop_assert_eq!(inv.amount, amount.map(Msat));
            prop_assert_eq!(inv.timestamp, ts);
            prop_assert_eq!(inv.payment_hash, hash);
            prop_assert_eq!(inv.payment_secret, secret);
            prop_assert_eq!(inv.description.as_deref(), Some(desc.as_str()));
            prop_assert_eq!(inv.expiry_field, expiry);
            prop_assert_eq!(inv.min_final_cltv_field, cltv);
            prop_assert_eq!(inv.payment_metadata, meta);
            prop_assert_eq!(inv.payee.to_hex(), PAYEE);
            let kinds: Vec<u8> = inv.unknown_fields.iter().map(|u| u.kind).collect();
            prop_assert_eq!(kinds, unknown.iter().map(|(k, _)| *k).collect::<Vec<_>>());
        }
    }
}

/// What users paste: `lightning:` (any case) and whitespace are stripped, and the invoice sent
/// on is the bare one; BOLT 12 strings and LNURLs say what they are.
#[test]
fn pasted_invoices_and_other_payment_strings() {
    let inv = invoice("lnbcrt10u", &[]);
    let want = bolt11::decode(&inv).unwrap().payment_hash;
    for pasted in [
        format!("lightning:{inv}"),
        format!("  LIGHTNING:{}\n", inv.to_uppercase()),
        format!("\t{inv} "),
        format!("Lightning: {inv}"),
    ] {
        assert_eq!(bolt11::decode(&pasted).map(|i| i.payment_hash), Ok(want), "{pasted:?}");
    }
    assert_eq!(bolt11::normalize(&format!(" lightning:{inv}\n")), inv);
    for (text, code) in [
        (
            "lno1pgx9getnwss8vetrw3hhyucs5ypjgef743p5fzqq9nqxh0ah7y87rzv3ud0eleps9kl2d5348hq2k8qzqqq",
            "INVOICE_IS_BOLT12_OFFER",
        ),
        ("lightning:LNO1PGX9GETNWSS8VETRW3HHYUCS", "INVOICE_IS_BOLT12_OFFER"),
        (
            "lni1qqgz2d7u2smys9dc5q2447e8thjlgq3qqc3xu3s3rg94nj40zfsy866mhu5vxne6tcej5878k2mneuvgjy8s",
            "INVOICE_IS_BOLT12_INVOICE",
        ),
        ("lnr1qqswuyqyqzpsxlrzsjgsarcmyqgpcxk0yqsqp3z", "INVOICE_IS_BOLT12_INVOICE_REQUEST"),
        (
            "LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35XVUKXEFCV5MKVV34X5EKZD3EV56NYD3HXQURZEPEXEJXXEPNXSCRVWFNV9NXZCN9XQ6XYEFHVGCXXCMYXYMNSERXFQ5FNS",
            "INVOICE_IS_LNURL",
        ),
    ] {
        let e = bolt11::decode(text).unwrap_err();
        assert_eq!(e.code(), code, "{text}");
        assert!(e.to_string().contains("this call takes a BOLT 11 invoice"), "{e}");
    }
    // Through a command: the invoice given to the node is the bare one.
    let req = ln_sendpay::commands::rpc_request(
        &ln_sendpay::json::parse(&format!(
            r#"{{"method":"sendpay","bolt11":"lightning:{inv}","route":[{{"id":"{}","channel":"1x1x1","amount_msat":"1000000","delay":18}}]}}"#,
            bolt11::decode(&inv).unwrap().payee.to_hex()
        ))
        .unwrap(),
        None,
    );
    let r = req.unwrap().to_json();
    assert!(r.contains(&format!("\"bolt11\":\"{inv}\"")), "{r}");
}
