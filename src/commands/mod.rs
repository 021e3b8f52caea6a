//! The command-line tool's commands as JSON-in, JSON-out functions (no I/O), so the Rust
//! binary and the npm package's CLI give the same answers. In the spirit of Core
//! Lightning's `devtools/onion`. One file an area: onions, failure replies, invoices, the
//! node's requests and answers, `pay`, the command line; `params` reads what they are given.

#[cfg(feature = "wallet")]
mod bolt12;
mod cli;
#[cfg(feature = "wallet")]
mod invoice;
#[cfg(feature = "wallet")]
mod node;
mod onion;
mod params;
#[cfg(feature = "wallet")]
mod pay;
mod reply;

#[cfg(feature = "wallet")]
pub use bolt12::{bolt12_decode, bolt12_invoice_check, bolt12_json};
pub use cli::{CliOutput, USAGE, amount, error_json, run, short_channel_id};
#[cfg(feature = "wallet")]
pub use invoice::{invoice_decode, invoice_json, payment_string_parse};
#[cfg(feature = "wallet")]
pub use node::{rpc_answer, rpc_error, rpc_request};
pub use onion::{build_onion, onion_decode, onion_generate, onion_runtest, route_payloads};
#[cfg(feature = "wallet")]
pub use pay::{keysend_config, pay_config, pay_learn, pay_step, pay_step_json, payment_guard};
pub use reply::{channel_update_decode, failure_create, failure_decode, failure_forward, failure_wrap};

#[cfg(feature = "wallet")]
use invoice::with_invoice;
#[cfg(feature = "wallet")]
use node::{attempt_json, request_json};
#[cfg(feature = "wallet")]
use onion::{checked_route, prepare};
use params::*;
