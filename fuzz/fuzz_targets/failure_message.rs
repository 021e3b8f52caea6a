#![no_main]
//! The failure-message decoder: never panics; what it decodes re-encodes to the same bytes.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::failure::FailureMessage;

fuzz_target!(|data: &[u8]| {
    if let Some(m) = FailureMessage::decode(data) {
        if !m.truncated {
            assert_eq!(m.encode(), data);
        }
    }
});
