#![no_main]
//! The origin's reply decoder. Mode 0: arbitrary reply bytes (and attribution data).
//! Mode 1: a valid reply around an arbitrary failure message from an arbitrary hop, so the
//! message, channel_update and routing-object code runs on fuzzed content.
use libfuzzer_sys::fuzz_target;
use ln_sendpay::amount::Msat;
use ln_sendpay::failure::{self, AttributionData, RoutingFailure};
use ln_sendpay::ids::ShortChannelId;
use ln_sendpay::route::{Hop, Route};
use ln_sendpay::sphinx::{SecretKey, SharedSecret};

/// The 27 hops' node ids: fixed setup, computed once (27 EC multiplications per execution
/// otherwise).
fn node_ids() -> &'static [ln_sendpay::ids::NodeId] {
    static IDS: std::sync::OnceLock<Vec<ln_sendpay::ids::NodeId>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| (0..27u8).map(|i| SecretKey::from_bytes(&[i + 1; 32]).unwrap().public_key()).collect())
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else { return };
    let n = usize::from(ctl % 27) + 1;
    let secrets: Vec<SharedSecret> = (0..n).map(|i| SharedSecret::from_bytes([i as u8; 32])).collect();
    if ctl & 0x80 == 0 {
        let (att, reply) = if rest.len() > 920 && n % 2 == 0 { rest.split_at(920) } else { (&[][..], rest) };
        let _ = RoutingFailure::from_reply(&secrets, reply, None, AttributionData::from_slice(att).as_ref()).to_json();
    } else {
        let Some((&k, msg)) = rest.split_first() else { return };
        let k = usize::from(k) % n;
        let hops = (0..n)
            .map(|i| Hop {
                node_id: node_ids()[i],
                channel: ShortChannelId(i as u64),
                direction: None,
                amount: Msat(1000),
                delay: 9,
            })
            .collect();
        let route = Route::from_hops(hops);
        if let Some(reply) = failure::reply_from_hop(&secrets, k, msg) {
            let f = RoutingFailure::from_reply(&secrets, &reply, Some(&route), None);
            assert!(msg.is_empty() || f.erring_index == Some(k as u32 + 1));
            let _ = f.to_json();
        }
    }
});
