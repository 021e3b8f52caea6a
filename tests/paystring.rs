//! `parsePaymentString`'s core: every form people paste, BOLT 12's string vectors, and
//! properties: random URIs round-trip, malformed ones get typed errors, never a panic.

use ln_sendpay::amount::Msat;
use ln_sendpay::bolt11::{bytes_to_groups, encode_signed, field_groups};
use ln_sendpay::json::{self, Value};
use ln_sendpay::paystring::{PayStringError, PaymentString, parse};
use proptest::prelude::*;

const KEY: [u8; 32] = [0x11; 32];

/// A signed invoice (`lnbcrt`), `amount` in the prefix's form (`""`, `"10u"`…).
fn invoice(amount: &str) -> String {
    let mut d: Vec<u8> = (0..7).rev().map(|i| ((1_700_000_000u64 >> (5 * i)) & 31) as u8).collect();
    d.extend(field_groups(1, &bytes_to_groups(&[7; 32])));
    d.extend(field_groups(16, &bytes_to_groups(&[9; 32])));
    d.extend(field_groups(13, &bytes_to_groups(b"coffee")));
    encode_signed(&format!("lnbcrt{amount}"), &d, &KEY).unwrap()
}

fn shared(path: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(path);
    json::parse(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn code(s: &str) -> &'static str {
    parse(s).err().map_or("ok", |e| e.code())
}

fn part(s: &str) -> Option<&'static str> {
    parse(s).err().and_then(|e| e.part())
}

#[test]
fn bolt12_format_string_vectors_pass_valid_and_invalid() {
    let v = shared("vectors/bolt12/format-string-test.json");
    let cases = v.as_array().unwrap();
    assert!(cases.len() >= 12);
    let whole = cases[0].get("string").unwrap().as_str().unwrap();
    for c in cases {
        let s = c.get("string").unwrap().as_str().unwrap();
        let what = c.get("comment").unwrap().as_str().unwrap();
        match (c.get("valid"), parse(s)) {
            (Some(Value::Bool(true)), Ok(p)) => {
                assert_eq!(p.what, PaymentString::Bolt12 { kind: "offer", text: whole.into() }, "{what}");
            }
            (Some(Value::Bool(false)), Err(e)) => assert_eq!(e.code(), "PAYMENT_STRING_BAD_PART", "{what}"),
            (valid, got) => panic!("{what}: valid {valid:?}, got {got:?}"),
        }
    }
}

#[test]
fn every_offer_vector_is_recognised_as_an_offer_never_a_checksum_error() {
    let v = shared("vectors/bolt12/offers-test.json");
    let mut n = 0;
    for c in v.as_array().unwrap() {
        let s = c.get("bolt12").unwrap().as_str().unwrap();
        // Valid or not as an offer (its TLVs are issue 17's), each is an offer by its form.
        if let Ok(p) = parse(s) {
            assert!(matches!(p.what, PaymentString::Bolt12 { kind: "offer", .. }), "{s}");
            n += 1;
        } else {
            assert!(!code(s).starts_with("BOLT11"), "{s}: {}", code(s));
        }
    }
    assert!(n > 20);
}

#[test]
fn each_form_and_its_errors() {
    let inv = invoice("10u");
    // Bare, any case, whitespace around; lightning: in any case.
    for s in [inv.clone(), inv.to_uppercase(), format!("  {inv}\n"), format!("LIGHTNING:{}", inv.to_uppercase())] {
        let p = parse(&s).unwrap();
        assert!(matches!(&p.what, PaymentString::Bolt11 { invoice, .. } if *invoice == inv), "{s}");
    }
    assert_eq!(code(&format!("{}{}", &inv[..10].to_uppercase(), &inv[10..])), "BOLT11_MIXED_CASE");
    assert_eq!(code(&inv[..inv.len() - 1]), "BOLT11_BAD_CHECKSUM");
    // BIP 21: the invoice, the amount (equal to the invoice's), label and message decoded.
    let uri =
        format!("bitcoin:BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ?amount=0.00001&label=Caf%C3%A9&lightning={inv}");
    let p = parse(&uri).unwrap();
    assert!(matches!(p.what, PaymentString::Bolt11 { .. }));
    let oc = p.on_chain.unwrap();
    assert_eq!((oc.amount, oc.label.as_deref()), (Some(Msat(1_000_000)), Some("Café")));
    assert_eq!(part(&uri.replace("0.00001", "0.00002")), Some("amount"), "an amount other than the invoice's");
    assert_eq!(part(&format!("{uri}&amount=1")), Some("amount"), "twice");
    assert_eq!(part(&format!("{uri}&req-pop=x")), Some("query"), "an unknown required parameter");
    assert!(parse(&format!("{uri}&pj=https://x")).is_ok(), "an unknown optional parameter is ignored");
    assert_eq!(part(&uri.replace(&inv, &inv[..inv.len() - 1])), Some("lightning"));
    assert_eq!(part("bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=1e3"), Some("amount"));
    assert_eq!(part("bitcoin:not_an_address"), Some("address"));
    assert_eq!(part("bitcoin:bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"), Some("address"), "mixed case");
    assert!(matches!(parse("bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT").unwrap().what, PaymentString::Bitcoin));
    assert_eq!(part("bitcoin:?label=x"), Some("address"), "nothing to pay");
    let offer = "lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese";
    assert!(matches!(
        parse(&format!("bitcoin:?lno={offer}")).unwrap().what,
        PaymentString::Bolt12 { kind: "offer", .. }
    ));
    // Nodes, with and without an address.
    let id = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619";
    let node = |s: &str| match parse(s).map(|p| p.what) {
        Ok(PaymentString::Node { host, port, .. }) => (host, port),
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(node(id), (None, None));
    assert_eq!(node(&format!("{id}@Node.Example.com")), (Some("node.example.com".into()), Some(9735)));
    assert_eq!(node(&format!("{id}@10.0.0.1:19735")), (Some("10.0.0.1".into()), Some(19735)));
    assert_eq!(node(&format!("{id}@[2001:db8::1]:9736")), (Some("[2001:db8::1]".into()), Some(9736)));
    assert_eq!(part(&format!("{id}@host:0")), Some("port"));
    assert_eq!(part(&format!("{id}@host:65536")), Some("port"));
    assert_eq!(part(&format!("{id}@bad_host")), Some("host"));
    assert_eq!(part(&format!("{id}@[zz]:1")), Some("host"));
    assert_eq!(part(&format!("04{}", &id[2..])), Some("node_id"));
    // Recognised, not paid here: each with its kind, never a bech32 error.
    assert!(matches!(parse("lni1qqqq").unwrap().what, PaymentString::Bolt12 { kind: "bolt12_invoice", .. }));
    assert!(matches!(parse("LNR1QQQQ").unwrap().what, PaymentString::Bolt12 { kind: "invoice_request", .. }));
    let lnurl = "LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35XVUKXEFCV5MKVV34X5EKZD3EV56NYD3HXQURZEPEXEJXXEPNXSCRVWFNV9NXZCN9XQ6XYEFHVGCXXCMYXYMNSERXFQ5FNS"; // LUD-01's example
    match parse(lnurl).map(|p| p.what) {
        Ok(PaymentString::Lnurl { url, .. }) => assert!(url.starts_with("https://service.com/api?q="), "{url}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(part(&lnurl[..lnurl.len() - 1]), Some("lnurl"));
    match parse("lnurlp://Example.com/pay?x=1").map(|p| (p.what, p.scheme)) {
        Ok((PaymentString::Lnurl { url, bech32: None }, Some(s))) => {
            assert_eq!((url.as_str(), s.as_str()), ("https://Example.com/pay?x=1", "lnurlp"))
        }
        other => panic!("{other:?}"),
    }
    match parse("Satoshi+tips@Example.COM").map(|p| p.what) {
        Ok(PaymentString::LightningAddress { address, url }) => {
            assert_eq!(address, "satoshi+tips@example.com");
            assert_eq!(url, "https://example.com/.well-known/lnurlp/satoshi+tips");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(part("sat oshi@example.com"), Some("user"));
    assert_eq!(part("satoshi@localhost"), Some("domain"));
    assert_eq!(part(&format!("lightning:{id}")), Some("lightning"), "lightning: carries an invoice, offer or LNURL");
    assert_eq!(code(""), "PAYMENT_STRING_EMPTY");
    assert_eq!(code(" \n\t"), "PAYMENT_STRING_EMPTY");
    assert_eq!(code("hello"), "PAYMENT_STRING_UNRECOGNIZED");
    assert_eq!(code(&"x".repeat(9000)), "PAYMENT_STRING_TOO_LONG");
    assert!(matches!(parse("lightning:").unwrap_err(), PayStringError::Empty));
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A BIP 21 URI from random parts reads back as those parts.
    #[test]
    fn bip21_uris_round_trip(
        sats in 1u64..2_100_000_000_000_000,
        label in "\\PC{0,20}",
        message in proptest::option::of("\\PC{0,20}"),
        upper_scheme in any::<bool>(),
        with_invoice in any::<bool>(),
    ) {
        let btc = format!("{}.{:08}", sats / 100_000_000, sats % 100_000_000);
        let inv = invoice("");
        let scheme = if upper_scheme { "BITCOIN" } else { "bitcoin" };
        let mut uri = format!("{scheme}:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount={btc}&label={}", percent(&label));
        if let Some(m) = &message { uri.push_str(&format!("&message={}", percent(m))); }
        if with_invoice { uri.push_str(&format!("&lightning={inv}")); }
        let p = parse(&uri).unwrap();
        let oc = p.on_chain.unwrap();
        prop_assert_eq!(oc.amount, Some(Msat(sats * 1000)));
        prop_assert_eq!(oc.label.as_deref(), Some(label.as_str()));
        prop_assert_eq!(oc.message, message);
        prop_assert_eq!(matches!(p.what, PaymentString::Bolt11 { .. }), with_invoice);
    }

    /// A node address from random parts reads back.
    #[test]
    fn node_addresses_round_trip(key in 1u8..=254, port in 1u16..=65535, v6 in any::<bool>()) {
        let id = ln_sendpay::sphinx::SecretKey::from_bytes(&[key; 32]).unwrap().public_key().to_hex();
        let host = if v6 { format!("[2001:db8::{key:x}]") } else { format!("10.0.{key}.1") };
        match parse(&format!("{}@{host}:{port}", id.to_uppercase())).map(|p| p.what) {
            Ok(PaymentString::Node { id: got, host: h, port: p }) => {
                prop_assert_eq!(got.to_hex(), id);
                prop_assert_eq!((h, p), (Some(host), Some(port)));
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    /// An offer split by `+` (and whitespace after it) anywhere reads as the whole.
    #[test]
    fn bolt12_continuations_join(cuts in proptest::collection::btree_set(1usize..58, 0..6), ws in "[ \r\n\t]{0,3}") {
        let offer = "lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese";
        let mut s = String::new();
        for (i, c) in offer.chars().enumerate() {
            if cuts.contains(&i) { s.push('+'); s.push_str(&ws); }
            s.push(c);
        }
        prop_assert_eq!(parse(&s).map(|p| p.what), Ok(PaymentString::Bolt12 { kind: "offer", text: offer.into() }));
    }

    /// Anything at all: a result or a typed error with a stable code, never a panic; and the
    /// JSON command agrees.
    #[test]
    fn anything_gets_a_result_or_a_typed_error(s in "\\PC{0,80}|(lightning:|bitcoin:|lnurlp://|lno1|lnbc)[ -~]{0,60}") {
        let r = parse(&s);
        if let Err(e) = &r { prop_assert!(e.code().starts_with("PAYMENT_STRING_") || e.code().starts_with("BOLT11_") || e.code().starts_with("INVOICE_")); }
        let input = Value::Object(vec![("payment_string".into(), Value::String(s.clone()))]);
        prop_assert_eq!(ln_sendpay::commands::payment_string_parse(&input).is_ok(), r.is_ok());
    }
}
