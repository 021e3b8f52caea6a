#![no_main]
//! Pasted strings → `paystring::parse` (never a panic); what parses, parses the same after
//! surrounding whitespace and in its JSON form; a parsed BOLT 12 string or LNURL re-reads as
//! itself; and the JSON command is total.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::paystring::{self, PaymentString};
use ln_sendpay::{commands, json::Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = paystring::parse(text);
    assert_eq!(paystring::parse(&format!(" \n{text}\t ")), parsed);
    if let Ok(p) = &parsed {
        match &p.what {
            PaymentString::Bolt12 { text: t, .. } if p.scheme.is_none() => {
                assert_eq!(paystring::parse(t).map(|q| q.what), Ok(p.what.clone()));
            }
            PaymentString::Lnurl { bech32: Some(b), .. } if p.scheme.is_none() => {
                assert_eq!(paystring::parse(b).map(|q| q.what), Ok(p.what.clone()));
            }
            PaymentString::Node { id, host: None, .. } => assert_eq!(id.to_hex(), text.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    let input = Value::Object(vec![("payment_string".into(), Value::String(text.into()))]);
    assert_eq!(commands::payment_string_parse(&input).is_ok(), parsed.is_ok());
});
