#![no_main]
//! The TLV reader and the hop-payload decoder: accepted streams are canonical.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::{payload, wire};

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = wire::read_stream(data, |t| t % 4 == 0) {
        assert_eq!(wire::write_stream(&records).unwrap(), data);
    }
    let _ = payload::decode_payload(data);
});
