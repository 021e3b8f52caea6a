//! ln-sendpay's hot loops: SHA-256, HMAC-SHA256 and the ChaCha20 stream of BOLT #4.
//!
//! Why a crate of its own: RustCrypto's hashes and ciphers are generic, so their code is
//! generated in the crate that names the concrete types, at *that* crate's opt-level.
//! ln-sendpay's wasm build compiles its own code (JSON glue, state machines) at `"z"` for
//! size and every dependency at `3` (Cargo.toml, `[profile.wasm.package."*"]`): the
//! functions here are not generic, so they are instantiated and optimised in this crate, at
//! `3`. Measured in `docs/wasm.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// HMAC-SHA256 with `key` as the key, over the concatenation of `parts`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // Keyed once and used once: no copy of the keyed state.
    HmacKey::new(key).0.map_or([0; 32], |mac| finish(mac, parts))
}

/// HMAC-SHA256 with a key fixed once: the key's inner and outer blocks are hashed when it is
/// made, so each MAC costs two compressions fewer (BOLT #4's named keys — `rho`, `mu`, `um`,
/// `ammag` — are HMACs keyed by their name, taken once per hop or per unwrap round).
#[derive(Clone)]
pub struct HmacKey(Option<Hmac<Sha256>>);

impl HmacKey {
    /// Key the MAC (any length).
    pub fn new(key: &[u8]) -> HmacKey {
        // HMAC takes keys of any length: `new_from_slice` cannot fail.
        HmacKey(Hmac::<Sha256>::new_from_slice(key).ok())
    }

    /// HMAC-SHA256 over the concatenation of `parts`.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.0.clone().map_or([0; 32], |mac| finish(mac, parts))
    }
}

fn finish(mut mac: Hmac<Sha256>, parts: &[&[u8]]) -> [u8; 32] {
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// XOR `buf` with the ChaCha20 stream of `key` (zero nonce), starting `offset` bytes into it.
pub fn chacha20_xor(key: &[u8; 32], offset: u64, buf: &mut [u8]) {
    let mut c = ChaCha20::new(key.into(), &[0u8; 12].into());
    if offset != 0 {
        c.seek(offset);
    }
    c.apply_keystream(buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> alloc_free::Hex<'_> {
        alloc_free::Hex(b)
    }

    mod alloc_free {
        pub struct Hex<'a>(pub &'a [u8]);
        impl PartialEq<&str> for Hex<'_> {
            fn eq(&self, s: &&str) -> bool {
                s.len() == 2 * self.0.len()
                    && self.0.iter().zip(s.as_bytes().chunks(2)).all(|(b, h)| {
                        let d = |c: u8| (c as char).to_digit(16).unwrap_or(99) as u8;
                        h.len() == 2 && d(h[0]) * 16 + d(h[1]) == *b
                    })
            }
        }
        impl core::fmt::Debug for Hex<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }
    }

    #[test]
    fn sha256_of_abc_in_parts() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            hex(&sha256(&[b"a", b"", b"bc"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hmac_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    /// A key made once and used many times gives what a fresh `hmac` crate MAC gives.
    #[test]
    fn a_fixed_key_gives_the_same_macs_as_a_fresh_one() {
        let fresh = |key: &[u8], msg: &[u8]| -> [u8; 32] {
            let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
            m.update(msg);
            m.finalize().into_bytes().into()
        };
        let k = HmacKey::new(b"ammag");
        for secret in [[0u8; 32], [7; 32], [0xab; 32]] {
            assert_eq!(k.mac(&[&secret]), fresh(b"ammag", &secret));
        }
        let long = [0x5au8; 100]; // longer than a block: hashed first
        assert_eq!(HmacKey::new(&long).mac(&[b"x", b"yz"]), fresh(&long, b"xyz"));
    }

    #[test]
    fn chacha20_rfc8439_keystream_and_seek() {
        // RFC 8439 §2.3.2's key with a zero nonce and counter 0 (A.1 test vector 2 uses a zero
        // key): check that seeking gives the same bytes as the stream read from its start.
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let mut whole = [0u8; 200];
        chacha20_xor(&key, 0, &mut whole);
        for offset in [1usize, 63, 64, 65, 130] {
            let mut part = [0u8; 50];
            chacha20_xor(&key, offset as u64, &mut part);
            assert_eq!(part[..], whole[offset..offset + 50], "offset {offset}");
        }
        // RFC 8439 A.1, test vector 1: all-zero key and nonce, block 0.
        let mut z = [0u8; 16];
        chacha20_xor(&[0; 32], 0, &mut z);
        assert_eq!(hex(&z), "76b8e0ada0f13d90405d6ae55386bd28");
    }
}
