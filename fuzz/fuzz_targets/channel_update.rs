#![no_main]
//! The channel_update decoder, with and without a signer.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::failure::ChannelUpdate;
use ln_sendpay::sphinx::SecretKey;

fuzz_target!(|data: &[u8]| {
    let signer = SecretKey::from_bytes(&[0x21; 32]).unwrap().public_key();
    if let Some((u, _)) = ChannelUpdate::decode(data, Some(&signer)) {
        // With the type prefix the shape is unambiguous (a bare body whose signature starts
        // with 0102 is ambiguous without a signer, by design).
        let again = ChannelUpdate::decode(&u.to_bytes_with_type(), None).unwrap().0;
        assert_eq!(again, u.clone_with_prefix(true));
    }
    let _ = ChannelUpdate::decode(data, None);
});
