//! The payment rules, without I/O. [`guard`] applies the man page's rules to a new attempt
//! given what is known of earlier attempts for the same payment hash, so a wallet cannot pay
//! twice: the client asks it before anything reaches the node.

use alloc::format;
use alloc::string::String;

use crate::amount::Msat;
use crate::ids::NodeId;

/// What is known of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Sent; the node said pending.
    Pending,
    /// Paid.
    Complete,
    /// Failed.
    Failed,
    /// The transport failed mid-call: the node may or may not have it (settle it with
    /// `listsendpays`/`waitsendpay`).
    Unknown,
    /// The node said complete, but its preimage does not hash to the payment hash (or it
    /// gave none): never complete, and nothing more is sent for this hash.
    Disputed,
}

/// An earlier attempt for a payment hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The part id (0 for a single-part payment).
    pub partid: u64,
    /// Where it goes.
    pub destination: Option<NodeId>,
    /// The man page's `msatoshi`: what the payment is for (the target), not what its route
    /// happened to deliver (a route may deliver more, up to twice).
    pub amount: Msat,
    /// Its status.
    pub status: AttemptStatus,
}

/// A new attempt about to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    /// The part id.
    pub partid: u64,
    /// Where it goes.
    pub destination: NodeId,
    /// The man page's `msatoshi` (the target).
    pub amount: Msat,
}

/// What to do with a new attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Send it.
    Proceed,
    /// Already paid with the same amount and destination: return that payment, send nothing.
    AlreadyComplete {
        /// The record (index into the records given).
        index: usize,
    },
    /// The same attempt is in flight (or unknown): settle that one, send nothing.
    InFlight {
        /// The record.
        index: usize,
    },
    /// Refused with Core Lightning's code (201: already paid or pending with another amount
    /// or destination).
    Refuse {
        /// The code.
        code: i32,
        /// Core Lightning's message for the same case.
        message: String,
    },
}

/// Core Lightning's "already paid with this hash" code.
pub const PAY_RHASH_ALREADY_USED: i32 = 201;

/// Apply the man page's rules (and `check_progress`'s, for parts) to `new`, given the earlier
/// attempts for the same payment hash.
pub fn guard(new: &NewAttempt, records: &[AttemptRecord]) -> Guard {
    let refuse = |message: String| Guard::Refuse { code: PAY_RHASH_ALREADY_USED, message };
    let mut other_part_complete = false;
    for (index, r) in records.iter().enumerate() {
        let same_dest = r.destination.is_none_or(|d| d == new.destination);
        match r.status {
            AttemptStatus::Complete if r.partid != new.partid => other_part_complete = true,
            AttemptStatus::Complete if r.amount != new.amount => {
                return refuse(format!("Already succeeded with amount {} (not {})", r.amount, new.amount));
            }
            AttemptStatus::Complete if !same_dest => {
                return refuse(format!(
                    "Already succeeded to {}",
                    r.destination.map(|d| d.to_hex()).unwrap_or_default()
                ));
            }
            AttemptStatus::Complete => return Guard::AlreadyComplete { index },
            AttemptStatus::Disputed => {
                return Guard::Refuse {
                    code: crate::rpc::PREIMAGE_MISMATCH,
                    message: String::from(
                        "an earlier attempt for this payment hash was reported complete without a valid preimage: \
                         not paying again",
                    ),
                };
            }
            AttemptStatus::Pending | AttemptStatus::Unknown if r.partid == new.partid => {
                if r.amount != new.amount {
                    return refuse(format!("Already pending with amount {} (not {})", r.amount, new.amount));
                }
                if !same_dest {
                    return refuse(format!(
                        "Already pending to {}",
                        r.destination.map(|d| d.to_hex()).unwrap_or_default()
                    ));
                }
                return Guard::InFlight { index };
            }
            _ => {}
        }
    }
    if other_part_complete {
        return refuse(String::from("Already succeeded other parts"));
    }
    Guard::Proceed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sphinx::SecretKey;

    fn node(b: u8) -> NodeId {
        SecretKey::from_bytes(&[b; 32]).unwrap().public_key()
    }

    #[test]
    fn the_man_page_rules() {
        let new = NewAttempt { partid: 0, destination: node(1), amount: Msat(1000) };
        let rec = |status, amount, dest| AttemptRecord {
            partid: 0,
            destination: Some(node(dest)),
            amount: Msat(amount),
            status,
        };
        assert_eq!(guard(&new, &[]), Guard::Proceed);
        assert_eq!(guard(&new, &[rec(AttemptStatus::Failed, 1000, 1)]), Guard::Proceed);
        assert_eq!(
            guard(&new, &[rec(AttemptStatus::Failed, 1, 1), rec(AttemptStatus::Complete, 1000, 1)]),
            Guard::AlreadyComplete { index: 1 }
        );
        assert!(matches!(guard(&new, &[rec(AttemptStatus::Complete, 999, 1)]), Guard::Refuse { code: 201, .. }));
        assert!(matches!(guard(&new, &[rec(AttemptStatus::Complete, 1000, 2)]), Guard::Refuse { code: 201, .. }));
        assert_eq!(guard(&new, &[rec(AttemptStatus::Unknown, 1000, 1)]), Guard::InFlight { index: 0 });
        assert!(matches!(guard(&new, &[rec(AttemptStatus::Pending, 2000, 1)]), Guard::Refuse { code: 201, .. }));
        let other_part = AttemptRecord { partid: 3, ..rec(AttemptStatus::Complete, 1000, 1) };
        assert!(
            matches!(guard(&new, &[other_part]), Guard::Refuse { message, .. } if message == "Already succeeded other parts")
        );
    }
}

mod payer;
pub use payer::*;
