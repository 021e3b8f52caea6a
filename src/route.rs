//! Routes as `getroute` returns them and `sendpay` takes them, and paths as `getroutes`
//! returns them.
//!
//! A [`Hop`] describes the far end of one channel: the node reached (`id`), the channel
//! that arrives there (`channel`), the amount that node must receive (`amount_msat`) and
//! its CLTV delta relative to the current block (`delay`). Accepted spellings, new name
//! first (as Core Lightning v26.06 reads them):
//!
//! | meaning | names |
//! |---|---|
//! | node | `node_id_out`, `id`, `next_node_id` |
//! | channel | `short_channel_id_dir`, `channel` (`BxTxO` or `BxTxO/D`) |
//! | amount at the far end | `amount_out_msat`, `amount_msat`, `msatoshi` |
//! | delay at the far end | `cltv_out`, `delay` |
//!
//! A `getroutes` path element's deprecated `amount_msat` and `delay` describe the hop's
//! *near* end (what enters it); they are read as such, and the far-end values come from
//! the next element, or from the route's `amount_msat`/`final_cltv` for the last one.

use alloc::vec::Vec;
use core::fmt;

use crate::amount::{AmountError, MAX_MONEY, Msat};
use crate::ids::{IdError, NodeId, ShortChannelId};
use crate::json::{self, Value};

/// The most hops a route may have. The real limit is the 1300 bytes of the onion; 27 is
/// the most that fit with the smallest possible TLV payloads (and BOLT 4's decoding bound).
pub const MAX_HOPS: usize = 27;

/// One hop of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The node at the far end of this hop.
    pub node_id: NodeId,
    /// The channel that arrives at `node_id`.
    pub channel: ShortChannelId,
    /// The direction of that channel, when known (0 or 1, BOLT 7).
    pub direction: Option<u8>,
    /// The amount `node_id` must receive.
    pub amount: Msat,
    /// The CLTV delta `node_id` must receive, relative to the current block height.
    pub delay: u32,
}

/// A route: hops in order, first peer first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    /// The hops.
    pub hops: Vec<Hop>,
}

/// What was wrong with a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteErrorKind {
    /// The value has the wrong JSON type.
    WrongType {
        /// What was expected.
        expected: &'static str,
    },
    /// The field is missing (names are alternatives, see the module docs).
    Missing,
    /// A bad amount.
    Amount(AmountError),
    /// A bad node id or channel id.
    Id(IdError),
    /// A delay that is not an integer from 0 to 4294967295.
    BadDelay,
    /// A `style` other than `"tlv"`.
    Style,
    /// `direction` disagrees with the `/D` of `short_channel_id_dir`.
    DirectionMismatch,
    /// No hops.
    Empty,
    /// More hops than fit.
    TooManyHops,
    /// More than one route given where one is needed.
    AmbiguousRoutes,
    /// The amount is larger than the previous hop's.
    AmountIncreasing,
    /// The delay is larger than the previous hop's.
    DelayIncreasing,
    /// An amount above 21 million BTC.
    AmountTooLarge,
    /// The final amount is below `msatoshi`.
    BelowMsatoshi,
    /// The final amount is more than twice `msatoshi`.
    AboveTwiceMsatoshi,
}

/// A route error: which hop (if any), which field, and what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteError {
    /// The hop index, when the error concerns one hop.
    pub hop: Option<usize>,
    /// The field, by its classic name (`route`, `id`, `channel`, `amount_msat`, `delay`,
    /// `direction`, `style`, `msatoshi`).
    pub field: &'static str,
    /// What was wrong.
    pub kind: RouteErrorKind,
}

impl RouteError {
    fn at(hop: usize, field: &'static str, kind: RouteErrorKind) -> Self {
        RouteError { hop: Some(hop), field, kind }
    }
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self.kind {
            RouteErrorKind::WrongType { .. } => "ROUTE_WRONG_TYPE",
            RouteErrorKind::Missing => "ROUTE_MISSING_FIELD",
            RouteErrorKind::Amount(e) => e.code(),
            RouteErrorKind::Id(e) => e.code(),
            RouteErrorKind::BadDelay => "ROUTE_BAD_DELAY",
            RouteErrorKind::Style => "ROUTE_BAD_STYLE",
            RouteErrorKind::DirectionMismatch => "ROUTE_DIRECTION_MISMATCH",
            RouteErrorKind::Empty => "ROUTE_EMPTY",
            RouteErrorKind::TooManyHops => "ROUTE_TOO_LONG",
            RouteErrorKind::AmbiguousRoutes => "ROUTE_AMBIGUOUS",
            RouteErrorKind::AmountIncreasing => "ROUTE_AMOUNT_INCREASING",
            RouteErrorKind::DelayIncreasing => "ROUTE_DELAY_INCREASING",
            RouteErrorKind::AmountTooLarge => "ROUTE_AMOUNT_TOO_LARGE",
            RouteErrorKind::BelowMsatoshi => "ROUTE_BELOW_MSATOSHI",
            RouteErrorKind::AboveTwiceMsatoshi => "ROUTE_ABOVE_TWICE_MSATOSHI",
        }
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.hop {
            Some(i) => write!(f, "route[{i}].{}: ", self.field)?,
            None => write!(f, "{}: ", self.field)?,
        }
        self.kind_message(f)
    }
}

impl RouteError {
    /// What was wrong, without the field path.
    pub fn kind_message(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            RouteErrorKind::WrongType { expected } => write!(f, "should be {expected}"),
            RouteErrorKind::Missing => match self.field {
                "id" => f.write_str("missing: give node_id_out or id"),
                "channel" => f.write_str("missing: give short_channel_id_dir or channel"),
                "amount_msat" => f.write_str("missing: give amount_out_msat or amount_msat"),
                "delay" => f.write_str("missing: give cltv_out or delay"),
                _ => f.write_str("missing"),
            },
            RouteErrorKind::Amount(e) => fmt::Display::fmt(&e, f),
            RouteErrorKind::Id(e) => fmt::Display::fmt(&e, f),
            RouteErrorKind::BadDelay => f.write_str("should be an integer from 0 to 4294967295"),
            RouteErrorKind::Style => f.write_str("only style \"tlv\" is supported"),
            RouteErrorKind::DirectionMismatch => f.write_str("direction disagrees with the /D of short_channel_id_dir"),
            RouteErrorKind::Empty => f.write_str("a route needs at least one hop"),
            RouteErrorKind::TooManyHops => write!(f, "a route has at most {MAX_HOPS} hops"),
            RouteErrorKind::AmbiguousRoutes => {
                f.write_str("getroutes answered several routes (one per MPP part): pass one route")
            }
            RouteErrorKind::AmountIncreasing => f.write_str("amount is larger than the previous hop's"),
            RouteErrorKind::DelayIncreasing => f.write_str("delay is larger than the previous hop's"),
            RouteErrorKind::AmountTooLarge => f.write_str("amount exceeds 21 million BTC"),
            RouteErrorKind::BelowMsatoshi => {
                f.write_str("the route delivers less than msatoshi (the man page allows msatoshi to 2×msatoshi)")
            }
            RouteErrorKind::AboveTwiceMsatoshi => {
                f.write_str("the route delivers more than twice msatoshi (the man page allows msatoshi to 2×msatoshi)")
            }
        }
    }
}

/// Read an amount from a JSON number (its literal text) or string, as Core Lightning does.
pub fn amount_from_json(v: &Value) -> Result<Msat, RouteErrorKind> {
    let t = v.token_text().ok_or(RouteErrorKind::WrongType { expected: "an amount (number or string)" })?;
    Msat::parse(t).map_err(RouteErrorKind::Amount)
}

fn u32_from_json(v: &Value) -> Result<u32, RouteErrorKind> {
    let t = v.token_text().ok_or(RouteErrorKind::BadDelay)?;
    json::parse_u64_digits(t).and_then(|n| u32::try_from(n).ok()).ok_or(RouteErrorKind::BadDelay)
}

/// How a route's node ids are read: as keys (decompressed: an onion is built with them) or
/// as labels (a route that only names nodes, e.g. to decode a failure).
#[derive(Clone, Copy)]
enum Ids {
    Keys,
    Labels,
}

/// One hop as read, before near-end values are resolved.
struct RawHop {
    node_id: NodeId,
    channel: ShortChannelId,
    direction: Option<u8>,
    amount_out: Option<Msat>,
    amount_in: Option<Msat>,
    delay_out: Option<u32>,
    delay_in: Option<u32>,
}

fn first<'a>(h: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| h.get(n))
}

fn read_hop(i: usize, h: &Value, ids: Ids) -> Result<RawHop, RouteError> {
    if h.as_object().is_none() {
        return Err(RouteError::at(i, "route", RouteErrorKind::WrongType { expected: "an object" }));
    }
    let e = |field, kind| RouteError::at(i, field, kind);
    // A getroutes path element (no classic `id`) uses `amount_msat`/`delay` for the near end.
    let getroutes_shape = h.get("id").is_none() && (h.get("next_node_id").is_some() || h.get("node_id_in").is_some());

    let node_v = first(h, &["node_id_out", "id", "next_node_id"]).ok_or(e("id", RouteErrorKind::Missing))?;
    let node_s = node_v.as_str().ok_or(e("id", RouteErrorKind::WrongType { expected: "a node id (hex string)" }))?;
    let node_id = match ids {
        Ids::Keys => NodeId::from_hex(node_s),
        Ids::Labels => NodeId::label(node_s),
    }
    .map_err(|x| e("id", RouteErrorKind::Id(x)))?;

    let chan_v = first(h, &["short_channel_id_dir", "channel"]).ok_or(e("channel", RouteErrorKind::Missing))?;
    let (channel, scid_dir) = match chan_v {
        Value::String(s) => ShortChannelId::parse_with_direction(s).map_err(|x| e("channel", RouteErrorKind::Id(x)))?,
        Value::Number(_) => match chan_v.as_u64() {
            Some(n) => (ShortChannelId::from_u64(n), None),
            None => return Err(e("channel", RouteErrorKind::Id(IdError::ScidSyntax))),
        },
        _ => return Err(e("channel", RouteErrorKind::WrongType { expected: "a short channel id string" })),
    };
    let direction = match h.get("direction") {
        None => scid_dir,
        Some(v) => {
            let d = match v.as_u64() {
                Some(d @ (0 | 1)) => d as u8,
                _ => return Err(e("direction", RouteErrorKind::Id(IdError::Direction))),
            };
            if scid_dir.is_some_and(|s| s != d) {
                return Err(e("direction", RouteErrorKind::DirectionMismatch));
            }
            Some(d)
        }
    };
    if let Some(style) = h.get("style")
        && style.as_str() != Some("tlv")
    {
        return Err(e("style", RouteErrorKind::Style));
    }

    let amt = |names: &[&str]| -> Result<Option<Msat>, RouteError> {
        first(h, names).map(amount_from_json).transpose().map_err(|k| e("amount_msat", k))
    };
    let dly = |names: &[&str]| -> Result<Option<u32>, RouteError> {
        first(h, names).map(u32_from_json).transpose().map_err(|k| e("delay", k))
    };
    let (amount_out, amount_in, delay_out, delay_in) = if getroutes_shape {
        (
            amt(&["amount_out_msat"])?,
            amt(&["amount_in_msat", "amount_msat"])?,
            dly(&["cltv_out"])?,
            dly(&["cltv_in", "delay"])?,
        )
    } else {
        (amt(&["amount_out_msat", "amount_msat", "msatoshi"])?, None, dly(&["cltv_out", "delay"])?, None)
    };
    Ok(RawHop { node_id, channel, direction, amount_out, amount_in, delay_out, delay_in })
}

impl Route {
    /// A route from hops already built.
    pub fn from_hops(hops: Vec<Hop>) -> Route {
        Route { hops }
    }

    /// Parse a route: an array of hops (getroute/sendpay), a getroute answer `{"route":[…]}`,
    /// a getroutes route `{"amount_msat","final_cltv","path":[…]}`, or a getroutes answer
    /// with exactly one route. Checks each field; see [`Route::validate`] for the route rules.
    pub fn from_json(v: &Value) -> Result<Route, RouteError> {
        Route::read(v, Ids::Keys)
    }

    /// [`Route::from_json`] for a route that only names nodes (to decode a failure along
    /// it): node ids are checked for form (`02`/`03` and 32 bytes) but not decompressed, so
    /// they cannot key an onion ([`NodeId::label`]).
    pub fn from_json_names(v: &Value) -> Result<Route, RouteError> {
        Route::read(v, Ids::Labels)
    }

    fn read(v: &Value, ids: Ids) -> Result<Route, RouteError> {
        let mut final_amount = None;
        let mut final_cltv = None;
        let hops = match v {
            Value::Array(a) => a.as_slice(),
            Value::Object(_) => {
                if let Some(routes) = v.get("routes") {
                    let routes = routes.as_array().ok_or(RouteError {
                        hop: None,
                        field: "routes",
                        kind: RouteErrorKind::WrongType { expected: "an array" },
                    })?;
                    return match routes {
                        [one] => Route::read(one, ids),
                        [] => Err(RouteError { hop: None, field: "routes", kind: RouteErrorKind::Empty }),
                        _ => Err(RouteError { hop: None, field: "routes", kind: RouteErrorKind::AmbiguousRoutes }),
                    };
                }
                if let Some(r) = v.get("route") {
                    return Route::read(r, ids);
                }
                let path = v.get("path").ok_or(RouteError {
                    hop: None,
                    field: "route",
                    kind: RouteErrorKind::WrongType { expected: "an array of hops" },
                })?;
                final_amount = v.get("amount_msat").map(amount_from_json).transpose().map_err(|kind| RouteError {
                    hop: None,
                    field: "amount_msat",
                    kind,
                })?;
                final_cltv = v.get("final_cltv").map(u32_from_json).transpose().map_err(|kind| RouteError {
                    hop: None,
                    field: "final_cltv",
                    kind,
                })?;
                path.as_array().ok_or(RouteError {
                    hop: None,
                    field: "path",
                    kind: RouteErrorKind::WrongType { expected: "an array of hops" },
                })?
            }
            _ => {
                return Err(RouteError {
                    hop: None,
                    field: "route",
                    kind: RouteErrorKind::WrongType { expected: "an array of hops" },
                });
            }
        };
        if hops.is_empty() {
            return Err(RouteError { hop: None, field: "route", kind: RouteErrorKind::Empty });
        }
        if hops.len() > MAX_HOPS {
            return Err(RouteError { hop: None, field: "route", kind: RouteErrorKind::TooManyHops });
        }
        let raw = hops.iter().enumerate().map(|(i, h)| read_hop(i, h, ids)).collect::<Result<Vec<_>, _>>()?;
        let n = raw.len();
        let mut out = Vec::with_capacity(n);
        for (i, r) in raw.iter().enumerate() {
            let next = raw.get(i + 1);
            let amount = r
                .amount_out
                .or_else(|| next.and_then(|x| x.amount_in))
                .or(if i == n - 1 { final_amount } else { None })
                .ok_or(RouteError::at(i, "amount_msat", RouteErrorKind::Missing))?;
            let delay = r
                .delay_out
                .or_else(|| next.and_then(|x| x.delay_in))
                .or(if i == n - 1 { final_cltv } else { None })
                .ok_or(RouteError::at(i, "delay", RouteErrorKind::Missing))?;
            out.push(Hop { node_id: r.node_id, channel: r.channel, direction: r.direction, amount, delay });
        }
        Ok(Route { hops: out })
    }

    /// Check the route: 1 to [`MAX_HOPS`] hops, amounts and delays never increasing along
    /// it, no amount above 21M BTC, and with `msatoshi` given the final amount within
    /// `[msatoshi, 2×msatoshi]` (the man page's rule).
    pub fn validate(&self, msatoshi: Option<Msat>) -> Result<(), RouteError> {
        let Some(last) = self.hops.last() else {
            return Err(RouteError { hop: None, field: "route", kind: RouteErrorKind::Empty });
        };
        if self.hops.len() > MAX_HOPS {
            return Err(RouteError { hop: None, field: "route", kind: RouteErrorKind::TooManyHops });
        }
        for (i, h) in self.hops.iter().enumerate() {
            if h.amount > MAX_MONEY {
                return Err(RouteError::at(i, "amount_msat", RouteErrorKind::AmountTooLarge));
            }
            if i > 0 {
                let prev = &self.hops[i - 1];
                if h.amount > prev.amount {
                    return Err(RouteError::at(i, "amount_msat", RouteErrorKind::AmountIncreasing));
                }
                if h.delay > prev.delay {
                    return Err(RouteError::at(i, "delay", RouteErrorKind::DelayIncreasing));
                }
            }
        }
        if let Some(m) = msatoshi {
            if last.amount < m {
                return Err(RouteError { hop: None, field: "msatoshi", kind: RouteErrorKind::BelowMsatoshi });
            }
            if u128::from(last.amount.0) > 2 * u128::from(m.0) {
                return Err(RouteError { hop: None, field: "msatoshi", kind: RouteErrorKind::AboveTwiceMsatoshi });
            }
        }
        Ok(())
    }

    /// The destination (the last hop's node).
    pub fn destination(&self) -> Option<&NodeId> {
        self.hops.last().map(|h| &h.node_id)
    }

    /// The route in the shape every Core Lightning version's `sendpay` accepts:
    /// `{id, channel, direction?, amount_msat, delay, style: "tlv"}` with integer amounts.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.hops
                .iter()
                .map(|h| {
                    let mut m = alloc::vec![
                        ("id".into(), Value::String(h.node_id.to_hex())),
                        ("channel".into(), Value::String(h.channel.to_string_form())),
                    ];
                    if let Some(d) = h.direction {
                        m.push(("direction".into(), Value::u64(u64::from(d))));
                    }
                    m.push(("amount_msat".into(), Value::u64(h.amount.0)));
                    m.push(("delay".into(), Value::u64(u64::from(h.delay))));
                    m.push(("style".into(), Value::str("tlv")));
                    Value::Object(m)
                })
                .collect(),
        )
    }
}
