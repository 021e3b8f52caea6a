//! BOLT 12's signature calculation: the Merkle root of a TLV stream and the BIP-340
//! signature over it.

use alloc::vec::Vec;

use crate::crypto::{TaggedHash as Tag, schnorr_verify, tagged_hash};
use crate::wire::{Record, write_bigsize, write_record};

/// Signature TLVs (240 to 1000 inclusive) are outside the Merkle tree.
pub fn is_signature_type(t: u64) -> bool {
    (240..=1000).contains(&t)
}

/// The Merkle root of `records` (in stream order; signature records skipped), or `None` when
/// nothing is left to hash. Leaves: `H("LnLeaf", tlv)` paired with `H("LnNonce" ‖ first-tlv,
/// type)`; inner nodes `H("LnBranch", lesser ‖ greater)`; an odd node out is carried up, so
/// the deepest subtrees are on the lowest-order leaves.
pub fn merkle_root(records: &[Record]) -> Option<[u8; 32]> {
    let signed: Vec<&Record> = records.iter().filter(|r| !is_signature_type(r.tlv_type)).collect();
    let first = signed.first()?;
    let mut first_tlv = Vec::new();
    write_record(&mut first_tlv, first.tlv_type, &first.value);
    let leaf = Tag::new(&[b"LnLeaf"]);
    let nonce = Tag::new(&[b"LnNonce", &first_tlv]);
    let branch = Tag::new(&[b"LnBranch"]);
    let pair = |a: &[u8; 32], b: &[u8; 32]| if a <= b { branch.hash(&[a, b]) } else { branch.hash(&[b, a]) };
    let mut level: Vec<[u8; 32]> = signed
        .iter()
        .map(|r| {
            let mut tlv = Vec::with_capacity(r.value.len() + 18);
            write_record(&mut tlv, r.tlv_type, &r.value);
            let mut ty = Vec::with_capacity(9);
            write_bigsize(&mut ty, r.tlv_type);
            pair(&leaf.hash(&[&tlv]), &nonce.hash(&[&ty]))
        })
        .collect();
    // Level by level: node i joins node i + 2^k, when there is one.
    let mut step = 1;
    while step < level.len() {
        let mut i = 0;
        while i + step < level.len() {
            level[i] = pair(&level[i], &level[i + step]);
            i += 2 * step;
        }
        step *= 2;
    }
    Some(level[0])
}

/// `H("lightning" ‖ message ‖ field, root)`: what a signature element signs.
pub fn signature_digest(message: &str, field: &str, root: &[u8; 32]) -> [u8; 32] {
    tagged_hash(&[b"lightning", message.as_bytes(), field.as_bytes()].concat(), &[root])
}

/// Whether `sig` is `key`'s BIP-340 signature of `message`'s `signature` field over `root`.
pub fn verify(message: &str, root: &[u8; 32], key: &crate::ids::NodeId, sig: &[u8; 64]) -> bool {
    let mut x = [0u8; 32];
    x.copy_from_slice(&key.as_bytes()[1..]);
    schnorr_verify(&x, &signature_digest(message, "signature", root), sig)
}
