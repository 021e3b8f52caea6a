//! BOLT 12's subtypes: blinded paths (as onion messages and payments use them), the payment
//! info of an invoice's paths, and on-chain fallbacks; each read strictly from a field's bytes.

use alloc::vec::Vec;

use super::Bolt12Error;
use crate::ids::{NodeId, ShortChannelId};

/// A cursor over a field's bytes; every read names the field when it runs short.
pub(super) struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    field: &'static str,
}

impl<'a> Reader<'a> {
    pub(super) fn new(b: &'a [u8], field: &'static str) -> Self {
        Reader { b, pos: 0, field }
    }
    pub(super) fn done(&self) -> bool {
        self.pos == self.b.len()
    }
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], Bolt12Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(Bolt12Error::Truncated { field: self.field })?;
        let out = &self.b[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    pub(super) fn u8(&mut self) -> Result<u8, Bolt12Error> {
        Ok(self.take(1)?[0])
    }
    pub(super) fn u16(&mut self) -> Result<u16, Bolt12Error> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    pub(super) fn u32(&mut self) -> Result<u32, Bolt12Error> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(super) fn u64(&mut self) -> Result<u64, Bolt12Error> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(a))
    }
    pub(super) fn point(&mut self) -> Result<NodeId, Bolt12Error> {
        let mut a = [0u8; 33];
        a.copy_from_slice(self.take(33)?);
        NodeId::from_bytes(&a).map_err(|_| Bolt12Error::BadPoint { field: self.field })
    }
}

/// Where a blinded path starts: a node id, or a channel and the direction out of it
/// (`sciddir_or_pubkey`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstNode {
    /// The introduction node's id.
    Node(NodeId),
    /// A channel's end: the node on side `direction` (0 or 1) of `scid`.
    Channel {
        /// The channel.
        scid: ShortChannelId,
        /// Which end.
        direction: u8,
    },
}

/// One hop of a blinded path (`onionmsg_hop`): the payment side's type.
pub use crate::blinding::BlindedHop as Hop;

/// A blinded path (`blinded_path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindedPath {
    /// The introduction node.
    pub first_node: FirstNode,
    /// `first_path_key`.
    pub first_path_key: NodeId,
    /// The hops (at least one).
    pub hops: Vec<Hop>,
}

impl BlindedPath {
    /// The final hop's blinded node id: who signs an invoice requested over this path.
    pub fn final_node(&self) -> Option<&NodeId> {
        self.hops.last().map(|h| &h.blinded_node_id)
    }
}

/// `...*blinded_path`: one or more, to the end of the field.
pub(super) fn blinded_paths(b: &[u8], field: &'static str) -> Result<Vec<BlindedPath>, Bolt12Error> {
    let mut r = Reader::new(b, field);
    let mut out = Vec::new();
    while !r.done() {
        let first_node = match r.b.get(r.pos) {
            Some(0 | 1) => {
                let direction = r.u8()?;
                FirstNode::Channel { scid: ShortChannelId(r.u64()?), direction }
            }
            _ => FirstNode::Node(r.point()?),
        };
        let first_path_key = r.point()?;
        let n = r.u8()?;
        if n == 0 {
            return Err(Bolt12Error::EmptyPath { field });
        }
        let mut hops = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let blinded_node_id = r.point()?;
            let len = r.u16()?;
            hops.push(Hop { blinded_node_id, encrypted_recipient_data: r.take(usize::from(len))?.to_vec() });
        }
        out.push(BlindedPath { first_node, first_path_key, hops });
    }
    Ok(out)
}

/// What a path of an invoice costs (`blinded_payinfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayInfo {
    /// Base fee, msat.
    pub fee_base_msat: u32,
    /// Proportional fee, millionths.
    pub fee_proportional_millionths: u32,
    /// The path's CLTV delta.
    pub cltv_expiry_delta: u16,
    /// The smallest HTLC it takes.
    pub htlc_minimum_msat: u64,
    /// The largest HTLC it takes.
    pub htlc_maximum_msat: u64,
    /// Its features (the path's `allowed_features`).
    pub features: Vec<u8>,
}

pub(super) fn payinfos(b: &[u8]) -> Result<Vec<PayInfo>, Bolt12Error> {
    let mut r = Reader::new(b, "invoice_blindedpay");
    let mut out = Vec::new();
    while !r.done() {
        let (fee_base_msat, fee_proportional_millionths, cltv_expiry_delta) = (r.u32()?, r.u32()?, r.u16()?);
        let (htlc_minimum_msat, htlc_maximum_msat) = (r.u64()?, r.u64()?);
        let flen = r.u16()?;
        let features = r.take(usize::from(flen))?.to_vec();
        out.push(PayInfo {
            fee_base_msat,
            fee_proportional_millionths,
            cltv_expiry_delta,
            htlc_minimum_msat,
            htlc_maximum_msat,
            features,
        });
    }
    Ok(out)
}

/// An on-chain fallback (`fallback_address`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// Witness version.
    pub version: u8,
    /// Witness program.
    pub address: Vec<u8>,
}

pub(super) fn fallbacks(b: &[u8]) -> Result<Vec<Fallback>, Bolt12Error> {
    let mut r = Reader::new(b, "invoice_fallbacks");
    let mut out = Vec::new();
    while !r.done() {
        let version = r.u8()?;
        let len = r.u16()?;
        out.push(Fallback { version, address: r.take(usize::from(len))?.to_vec() });
    }
    Ok(out)
}
