#![no_main]
//! BOLT 12 strings → decode (never a panic); what decodes re-encodes to a string that decodes
//! the same, reads the same in upper case, and its JSON and the invoice checks are total.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::{bolt12, commands};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(b) = bolt12::decode(text) else { return };
    let again = bolt12::encode(b.kind, &b.records).expect("decoded records are in order");
    assert_eq!(bolt12::decode(&again).as_ref(), Ok(&b));
    assert_eq!(bolt12::decode(&again.to_ascii_uppercase()).as_ref(), Ok(&b));
    let _ = commands::bolt12_json(&b, Some(0));
    let _ = bolt12::check_invoice(&b, &b, Some(&b));
    let _ = bolt12::usable_paths(&b.fields);
    let _ = b.chains();
});
