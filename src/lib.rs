//! # ln-sendpay
//!
//! The client side of Core Lightning's `sendpay`, as a `#![no_std]` + `alloc` core:
//! the man page's amount grammar, node and channel ids, routes as `getroute`/`getroutes`
//! return them, BOLT #4 hop payloads, and byte-exact Sphinx onions (build and peel).
//!
//! The core does no I/O, reads no clock and draws no randomness: a session key is an
//! input. Every parser returns a typed error (never panics) whose `code()` is stable and
//! whose `field()` names what was wrong.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod amount;
pub mod blinding;
#[cfg(feature = "wallet")]
pub mod bolt11;
#[cfg(feature = "wallet")]
pub mod bolt12;
pub mod commands;
mod crypto;
pub mod error;
pub mod failure;
pub mod hex;
pub mod ids;
pub mod json;
pub mod payload;
#[cfg(feature = "wallet")]
pub mod payment;
#[cfg(feature = "wallet")]
pub mod paystring;
pub mod route;
#[cfg(feature = "wallet")]
pub mod rpc;
pub mod sphinx;
#[cfg(feature = "wasm-onion")]
pub mod wasm;
pub mod wire;

pub use amount::Msat;
pub use error::Error;
pub use ids::{NodeId, ShortChannelId};
pub use route::{Hop, Route};
pub use sphinx::{OnionPacket, SecretKey, SharedSecret};
