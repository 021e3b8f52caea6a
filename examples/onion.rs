//! Build an onion from a route as `getroute` returns it, with the Rust API (`docs/reference.md`
//! quotes this): `cargo run --example onion`. The route's nodes are BOLT #4's test nodes.
use std::io::Read;

use ln_sendpay::{
    error::Error,
    json, payload,
    route::Route,
    sphinx::{self, OnionHop, SecretKey},
};

const GETROUTE_ANSWER: &str = r#"[
  {"id": "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619", "channel": "800000x1x0", "direction": 1,
   "amount_msat": 1001000, "delay": 58, "style": "tlv"},
  {"id": "0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c", "channel": "800001x1x0", "direction": 0,
   "amount_msat": 1000000, "delay": 18, "style": "tlv"}
]"#;

fn build(
    getroute_answer: &str,
    secret: [u8; 32],
    payment_hash: [u8; 32],
    block_height: u32,
    fresh_random_32: &[u8; 32],
) -> Result<(sphinx::OnionPacket, Vec<sphinx::SharedSecret>), Error> {
    let route = Route::from_json(&json::parse(getroute_answer)?)?;
    route.validate(None)?;
    let fin = payload::FinalHopData { payment_secret: Some(secret), ..Default::default() };
    let frames = payload::route_payloads(&route, block_height, &fin)?;
    let hops: Vec<OnionHop> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
    let (onion, shared_secrets) = sphinx::build_onion(&SecretKey::from_bytes(fresh_random_32)?, &hops, &payment_hash)?;
    Ok((onion, shared_secrets))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A session key is 32 fresh random bytes, every time (the core has no randomness of its own).
    let mut fresh_random_32 = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut fresh_random_32)?;
    let (onion, shared_secrets) = build(GETROUTE_ANSWER, [0x11; 32], [0x42; 32], 800_000, &fresh_random_32)?;
    println!("onion: {} bytes, {} shared secrets", onion.as_bytes().len(), shared_secrets.len());
    assert_eq!(onion.as_bytes().len(), 1366);
    Ok(())
}
