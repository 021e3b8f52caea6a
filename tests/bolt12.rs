//! BOLT 12: the spec's vectors (format strings, offers valid and invalid by reason, the
//! Merkle roots and a signature), and messages written here (an invoice request and an
//! invoice signed with BIP-340) read back and checked against their offer.

use ln_sendpay::bolt12::{self, Bolt12Error, Kind, merkle_root, signature_digest};
use ln_sendpay::hex;
use ln_sendpay::json::{self, Value};
use ln_sendpay::wire::{self, Record};

fn shared(path: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(path);
    json::parse(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_else(|| panic!("{k}"))
}

#[test]
fn format_strings_join_and_refuse_as_the_spec_says() {
    let v = shared("vectors/bolt12/format-string-test.json");
    for c in v.as_array().unwrap() {
        let r = bolt12::decode(s(c, "string"));
        match c.get("valid") {
            Some(Value::Bool(true)) => assert!(r.is_ok(), "{}: {r:?}", s(c, "comment")),
            _ => assert!(
                matches!(r, Err(Bolt12Error::MixedCase | Bolt12Error::BadContinuation)),
                "{}: {r:?}",
                s(c, "comment")
            ),
        }
    }
}

/// The reason each invalid offer must fail for (by its description).
fn expected_code(description: &str) -> &'static str {
    match description {
        "Malformed: fields out of order" => "TLV_ORDER",
        "Malformed: unknown even TLV type 78" => "TLV_UNKNOWN_EVEN",
        // These two write their 4-byte type after an `fd` prefix (`fd 3b9aca02`, `fd 77359400`):
        // a reader takes `fd 3b9a` as the type and the next byte as a length past the end.
        "Contains unknown even type (1000000002)" | "Contains type > 1999999999" => "WIRE_TRUNCATED",
        "Malformed: empty" => "BOLT12_EMPTY",
        "Malformed: truncated at type"
        | "Malformed: truncated in length"
        | "Malformed: truncated after length"
        | "Malformed: truncated in description" => "WIRE_TRUNCATED",
        "Malformed: invalid offer_chains length" | "offer_chains with zero entries" => "BOLT12_BAD_FIELD",
        "Malformed: truncated currency UTF-8"
        | "Malformed: invalid currency UTF-8"
        | "Malformed: truncated description UTF-8"
        | "Malformed: invalid description UTF-8"
        | "Malformed: truncated issuer UTF-8"
        | "Malformed: invalid issuer UTF-8" => "BOLT12_BAD_FIELD",
        "Malformed: truncated offer_paths" => "BOLT12_FIELD_TRUNCATED",
        // These vectors' bytes have no length after type 16 (the path follows the type
        // directly: `10 02 02 02…`), so a reader fails them on the stream before the path:
        // the point's first byte read as the length, the next as a type lower than 16.
        "Malformed: zero num_hops in blinded_path"
        | "Malformed: truncated onionmsg_hop in blinded_path"
        | "Malformed: bad first_node_id in blinded_path"
        | "Malformed: bad path_key in blinded_path"
        | "Malformed: bad blinded_node_id in onionmsg_hop" => "TLV_ORDER",
        "Second offer_path is empty" => "BOLT12_EMPTY_PATH",
        "Malformed: invalid offer_issuer_id" => "BOLT12_BAD_POINT",
        "Contains type >= 80" => "BOLT12_TYPE_OUT_OF_RANGE",
        "Contains unknown feature 122" => "BOLT12_UNKNOWN_FEATURE",
        "Missing offer_description, but has offer_amount"
        | "Missing offer_amount with offer_currency"
        | "Missing offer_issuer_id and no offer_path" => "BOLT12_MISSING_FIELD",
        "Invalid: zero offer_amount" | "Invalid: zero offer_amount with currency" => "BOLT12_BAD_FIELD",
        "Bech32 padding exceeds 4-bit limit" => "BOLT12_BAD_PADDING",
        d => panic!("an invalid offer this test does not know: {d}"),
    }
}

#[test]
fn every_offer_vector_valid_field_by_field_and_invalid_by_reason() {
    let v = shared("vectors/bolt12/offers-test.json");
    let (mut valid, mut invalid) = (0, 0);
    for c in v.as_array().unwrap() {
        let d = s(c, "description");
        let r = bolt12::decode(s(c, "bolt12"));
        if c.get("valid") == Some(&Value::Bool(true)) {
            let o = r.unwrap_or_else(|e| panic!("{d}: {e} ({})", e.code()));
            assert_eq!(o.kind, Kind::Offer);
            let want: Vec<(u64, String)> = c
                .get("fields")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f.get("type").unwrap().as_u64().unwrap(), String::from(s(f, "hex"))))
                .collect();
            let got: Vec<(u64, String)> = o.records.iter().map(|r| (r.tlv_type, hex::encode(&r.value))).collect();
            assert_eq!(got, want, "{d}");
            assert_eq!((o.merkle_root, o.signature_verified), (None, None), "{d}: offers are not signed");
            valid += 1;
        } else {
            let e = r.err().unwrap_or_else(|| panic!("{d}: decoded"));
            assert_eq!(e.code(), expected_code(d), "{d}: {e}");
            invalid += 1;
        }
    }
    assert!(valid >= 20 && invalid >= 30, "{valid} valid, {invalid} invalid");
}

#[test]
fn offer_fields_read_from_the_vectors() {
    let v = shared("vectors/bolt12/offers-test.json");
    let find = |d: &str| {
        let c = v.as_array().unwrap().iter().find(|c| s(c, "description") == d).unwrap();
        bolt12::decode(s(c, "bolt12")).unwrap()
    };
    let o = find("with currency");
    assert_eq!(
        (o.fields.offer_currency.as_deref(), o.fields.offer_amount),
        (Some("USD"), Some(10_000)),
        "USD 100.00 in cents"
    );
    let p = find("with blinded path via Bob (0x424242...), path_key 020202...");
    let path = &p.fields.offer_paths.as_ref().unwrap()[0];
    assert_eq!(path.first_path_key.to_hex(), format!("02{}", "02".repeat(32)));
    assert_eq!(path.hops.len(), 2);
    let sciddir = find("same, with blinded path first_node_id using sciddir");
    assert!(matches!(
        sciddir.fields.offer_paths.as_ref().unwrap()[0].first_node,
        bolt12::FirstNode::Channel { direction: 0, .. }
    ));
    assert_eq!(find("with quantity").fields.offer_quantity_max, Some(5));
    assert_eq!(find("for testnet").chains().len(), 1);
    assert_ne!(find("for testnet").chains()[0], bolt12::BITCOIN_CHAIN);
    assert_eq!(find("with description (but no amount)").chains(), vec![bolt12::BITCOIN_CHAIN]);
}

/// The records of a vector's stream, from its leaves' `H(LnLeaf, tlv)` keys.
fn leaf_records(c: &Value) -> Vec<Record> {
    c.get("leaves")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let key = l.as_object().unwrap().iter().find(|(k, _)| k.starts_with("H(`LnLeaf`,")).unwrap().0.clone();
            let tlv = hex::decode(&key["H(`LnLeaf`,".len()..key.len() - 1]).unwrap();
            let mut recs = wire::read_stream(&tlv, |_| true).unwrap();
            recs.remove(0)
        })
        .collect()
}

#[test]
fn merkle_roots_and_the_invoice_request_signature() {
    let v = shared("vectors/bolt12/signature-test.json");
    let cases = v.as_array().unwrap();
    for c in cases {
        let root = merkle_root(&leaf_records(c)).unwrap();
        assert_eq!(hex::encode(&root), s(c, "merkle"), "{}", s(c, "comment"));
    }
    let c = cases.iter().find(|c| c.get("bolt12").is_some()).unwrap();
    let r = bolt12::decode(s(c, "bolt12")).unwrap();
    assert_eq!(r.kind, Kind::InvoiceRequest);
    assert_eq!(hex::encode(&r.merkle_root.unwrap()), s(c, "merkle"));
    assert_eq!(
        hex::encode(&signature_digest("invoice_request", "signature", &r.merkle_root.unwrap())),
        s(c, "H(signature_tag,merkle)")
    );
    assert_eq!(hex::encode(&r.fields.signature.unwrap()), s(c, "signature"));
    assert_eq!(r.signature_verified, Some(true));
    assert_eq!(r.fields.offer_description.as_deref(), Some("A Mathematical Treatise"));
    // One bit changed in the description: still a request, no longer signed by its payer.
    let mut bytes = bolt12::string_bytes(s(c, "bolt12")).unwrap().1;
    let at = bytes.windows(4).position(|w| w == b"Math").unwrap();
    bytes[at] ^= 0x20;
    let t = bolt12::decode_bytes(Kind::InvoiceRequest, &bytes).unwrap();
    assert_eq!(t.signature_verified, Some(false));
}

fn rec(t: u64, v: &[u8]) -> Record {
    Record { tlv_type: t, value: v.to_vec() }
}

const ISSUER: &str = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619";

#[test]
fn ranges_and_unknown_types_with_proper_bigsizes() {
    let id = hex::decode(ISSUER).unwrap();
    let offer = |extra: Vec<Record>| {
        let mut r = vec![rec(10, b"x"), rec(22, &id)];
        r.extend(extra);
        r.sort_by_key(|x| x.tlv_type);
        bolt12::encode(Kind::Offer, &r).unwrap()
    };
    let code = |s: &str| bolt12::decode(s).err().map_or("ok", |e| e.code());
    assert_eq!(code(&offer(vec![])), "ok");
    assert_eq!(code(&offer(vec![rec(1_000_000_001, b"odd")])), "ok", "an unknown odd experimental type is kept");
    assert_eq!(code(&offer(vec![rec(1_000_000_002, b"even")])), "TLV_UNKNOWN_EVEN");
    assert_eq!(code(&offer(vec![rec(2_000_000_001, b"")])), "BOLT12_TYPE_OUT_OF_RANGE");
    assert_eq!(code(&offer(vec![rec(81, b"")])), "BOLT12_TYPE_OUT_OF_RANGE", "odd, but outside an offer's ranges");
    // Features: an unknown odd bit is ignored, an unknown even one refused and named.
    assert_eq!(code(&offer(vec![rec(12, &[0x02])])), "ok");
    match bolt12::decode(&offer(vec![rec(12, &[0x01, 0x00])])) {
        Err(Bolt12Error::UnknownFeature { field: "offer_features", bit: 8 }) => {}
        other => panic!("{other:?}"),
    }
    // Round trip: the records come back in order, exactly.
    let o = bolt12::decode(&offer(vec![rec(1_000_000_001, b"odd")])).unwrap();
    assert_eq!(bolt12::encode(Kind::Offer, &o.records).unwrap(), offer(vec![rec(1_000_000_001, b"odd")]));
}

/// `records` with a `signature` (240) by `secret` appended: BIP-340 over the Merkle root.
fn signed(kind: Kind, mut records: Vec<Record>, secret: [u8; 32]) -> String {
    let root = merkle_root(&records).unwrap();
    let digest = signature_digest(kind.name(), "signature", &root);
    let sk = k256::schnorr::SigningKey::from_bytes(&secret.into()).unwrap();
    let sig = sk.sign_raw(&digest, &[7; 32]).unwrap();
    records.push(rec(240, &sig.to_bytes()));
    records.sort_by_key(|r| r.tlv_type);
    bolt12::encode(kind, &records).unwrap()
}

fn node_id(secret: [u8; 32]) -> Vec<u8> {
    ln_sendpay::sphinx::SecretKey::from_bytes(&secret).unwrap().public_key().as_bytes().to_vec()
}

/// An offer by `issuer` (0x41…), a request by a payer (0x42…), the invoice by the issuer
/// with one one-hop blinded path.
fn offer_request_invoice() -> (Vec<Record>, Vec<Record>, Vec<Record>) {
    let issuer = node_id([0x41; 32]);
    let payer = node_id([0x42; 32]);
    let offer = vec![rec(8, &[0x27, 0x10]), rec(10, b"coffee"), rec(22, &issuer)];
    let mut req = offer.clone();
    req.insert(0, rec(0, &[9; 16]));
    req.extend([rec(82, &[0x27, 0x10]), rec(88, &payer), rec(89, b"thanks")]);
    let mut inv = req.clone();
    // invoice_paths: one path, first_node_id = the issuer, path key, one hop.
    let mut path = issuer.clone();
    path.extend(node_id([0x43; 32]));
    path.push(1);
    path.extend(node_id([0x44; 32]));
    path.extend([0, 3, 1, 2, 3]);
    let mut payinfo = vec![];
    payinfo.extend(1000u32.to_be_bytes());
    payinfo.extend(100u32.to_be_bytes());
    payinfo.extend(40u16.to_be_bytes());
    payinfo.extend(1u64.to_be_bytes());
    payinfo.extend(1_000_000_000u64.to_be_bytes());
    payinfo.extend(0u16.to_be_bytes());
    inv.extend([
        rec(160, &path),
        rec(162, &payinfo),
        rec(164, &[0x65, 0x00, 0x00, 0x00]),
        rec(168, &[5; 32]),
        rec(170, &[0x27, 0x10]),
        rec(176, &issuer),
    ]);
    (offer, req, inv)
}

#[test]
fn an_invoice_answers_its_offer_and_request_signed_by_the_issuer() {
    let (offer, req, inv) = offer_request_invoice();
    let o = bolt12::decode(&bolt12::encode(Kind::Offer, &offer).unwrap()).unwrap();
    let r = bolt12::decode(&signed(Kind::InvoiceRequest, req.clone(), [0x42; 32])).unwrap();
    assert_eq!(r.signature_verified, Some(true));
    let i = bolt12::decode(&signed(Kind::Invoice, inv.clone(), [0x41; 32])).unwrap();
    assert_eq!(i.signature_verified, Some(true));
    assert_eq!(i.fields.invoice_amount, Some(ln_sendpay::Msat(10_000)));
    assert_eq!(i.expires_at(), Some(0x6500_0000 + 7200));
    assert_eq!(i.fields.invoice_blindedpay.as_ref().unwrap()[0].cltv_expiry_delta, 40);
    assert_eq!(bolt12::usable_paths(&i.fields), vec![0]);
    bolt12::check_invoice(&i, &o, Some(&r)).unwrap();
    bolt12::check_invoice(&i, &o, None).unwrap();

    // Signed by someone else: decodes, does not verify, and is refused against the offer.
    let forged = bolt12::decode(&signed(Kind::Invoice, inv.clone(), [0x45; 32])).unwrap();
    assert_eq!(forged.signature_verified, Some(false));
    assert_eq!(bolt12::check_invoice(&forged, &o, Some(&r)).unwrap_err().field, "signature");
    // A node id that is not the offer's issuer, properly signed by that node.
    let mut other = inv.clone();
    other.iter_mut().find(|x| x.tlv_type == 176).unwrap().value = node_id([0x45; 32]);
    let other = bolt12::decode(&signed(Kind::Invoice, other, [0x45; 32])).unwrap();
    assert_eq!(other.signature_verified, Some(true));
    assert_eq!(bolt12::check_invoice(&other, &o, Some(&r)).unwrap_err().field, "invoice_node_id");
    // A mirrored field changed (the description), or a request field dropped.
    let mut changed = inv.clone();
    changed.iter_mut().find(|x| x.tlv_type == 10).unwrap().value = b"tea".to_vec();
    let changed = bolt12::decode(&signed(Kind::Invoice, changed, [0x41; 32])).unwrap();
    assert_eq!(bolt12::check_invoice(&changed, &o, Some(&r)).unwrap_err().field, "offer_description");
    let dropped: Vec<Record> = inv.iter().filter(|x| x.tlv_type != 89).cloned().collect();
    let dropped = bolt12::decode(&signed(Kind::Invoice, dropped, [0x41; 32])).unwrap();
    assert!(bolt12::check_invoice(&dropped, &o, Some(&r)).is_err());
    // The reader's own rules: an amount other than the request's, a path without a payinfo.
    let mut amt = inv.clone();
    amt.iter_mut().find(|x| x.tlv_type == 170).unwrap().value = vec![0x27, 0x11];
    assert_eq!(bolt12::decode(&signed(Kind::Invoice, amt, [0x41; 32])).unwrap_err().field(), Some("invoice_amount"));
    let nopay: Vec<Record> = inv.iter().filter(|x| x.tlv_type != 162).cloned().collect();
    assert_eq!(
        bolt12::decode(&signed(Kind::Invoice, nopay, [0x41; 32])).unwrap_err().field(),
        Some("invoice_blindedpay")
    );
    let nohash: Vec<Record> = inv.iter().filter(|x| x.tlv_type != 168).cloned().collect();
    assert_eq!(
        bolt12::decode(&signed(Kind::Invoice, nohash, [0x41; 32])).unwrap_err().field(),
        Some("invoice_payment_hash")
    );
    // An invoice request needs its payer id; a quantity only where the offer has a maximum.
    let nopayer: Vec<Record> = req.iter().filter(|x| x.tlv_type != 88).cloned().collect();
    assert_eq!(
        bolt12::decode(&signed(Kind::InvoiceRequest, nopayer, [0x42; 32])).unwrap_err().field(),
        Some("invreq_payer_id")
    );
    let mut qty = req.clone();
    qty.push(rec(86, &[2]));
    qty.sort_by_key(|r| r.tlv_type);
    assert_eq!(
        bolt12::decode(&signed(Kind::InvoiceRequest, qty, [0x42; 32])).unwrap_err().field(),
        Some("invreq_quantity")
    );
}

#[test]
fn pay_takes_a_verified_invoice_and_its_paths() {
    use ln_sendpay::commands::pay_config;
    let (offer, _, inv) = offer_request_invoice();
    let text = signed(Kind::Invoice, inv.clone(), [0x41; 32]);
    let cfg_of =
        |extra: &str, invoice: &str| pay_config(&json::parse(&format!(r#"{{"bolt12":"{invoice}"{extra}}}"#)).unwrap());
    let cfg = cfg_of("", &text).unwrap();
    assert_eq!(cfg.destination.to_hex(), hex::encode(&node_id([0x41; 32])));
    assert_eq!(
        (cfg.amount, cfg.payment_hash, cfg.payment_secret, cfg.max_parts),
        (ln_sendpay::Msat(10_000), [5; 32], None, Some(1))
    );
    assert_eq!(cfg.blinded.len(), 1);
    assert_eq!(cfg.blinded[0].path.introduction_node.to_hex(), hex::encode(&node_id([0x41; 32])));
    assert_eq!(cfg.blinded[0].payinfo.cltv_expiry_delta, 40);
    assert_eq!(cfg.network, Some(ln_sendpay::bolt11::Network::Bitcoin));
    let field = |r: Result<_, ln_sendpay::Error>| r.err().and_then(|e| e.field());
    assert_eq!(
        field(cfg_of("", &signed(Kind::Invoice, inv.clone(), [0x45; 32]))).as_deref(),
        Some("bolt12"),
        "not signed by its node"
    );
    assert_eq!(
        field(cfg_of("", &bolt12::encode(Kind::Offer, &offer).unwrap())).as_deref(),
        Some("bolt12"),
        "an offer is fetched first"
    );
    assert_eq!(field(cfg_of(r#","amount_msat":"1sat""#, &text)).as_deref(), Some("amount_msat"));
    assert_eq!(field(cfg_of(r#","payment_hash":"00""#, &text)).as_deref(), Some("payment_hash"));
    assert_eq!(field(cfg_of(r#","now":4000000000"#, &text)).as_deref(), Some("bolt12"), "expired");
    // An invoice that allows or requires parts: paid in parts over its paths where one path
    // cannot carry it all; one that requires them cannot be asked for one part.
    let mut mpp = inv.clone();
    mpp.push(rec(174, &[0x01, 0x00, 0x00]));
    mpp.sort_by_key(|r| r.tlv_type);
    let mpp = signed(Kind::Invoice, mpp, [0x41; 32]);
    let cfg = cfg_of("", &mpp).unwrap();
    assert_eq!((cfg.blinded_mpp, cfg.max_parts), (true, None));
    assert_eq!(field(cfg_of(r#","max_parts":1"#, &mpp)).as_deref(), Some("max_parts"));
    assert_eq!(cfg.max_parts, None);
}
