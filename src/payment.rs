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

// ─── Pay with retries, sans I/O ─────────────────────────────────────────────────────────────

use alloc::vec::Vec;

use crate::failure::{ErringChannel, PAY_TRY_OTHER_ROUTE, RoutingFailure};
use crate::json::Value;
use crate::payload::{self, FinalHopData};
use crate::route::Route;
use crate::rpc::{self, AnswerError, ChannelChange, Exclusion, NodeError, Request};
use crate::sphinx::{self, OnionHop, SecretKey, SharedSecret};

/// How routes are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Router {
    /// `getroutes` (askrene), exclusions and fee updates through a layer of this payment's.
    /// Falls back to `getroute` when the node does not know `getroutes`.
    GetRoutes,
    /// `getroute` with `exclude` (deprecated since v26.06).
    GetRoute,
}

/// What to pay.
#[derive(Debug, Clone)]
pub struct PayConfig {
    /// The payee.
    pub destination: NodeId,
    /// What the payee must receive (the man page's msatoshi: up to twice this may arrive).
    pub amount: Msat,
    /// The payment hash.
    pub payment_hash: [u8; 32],
    /// The invoice's payment secret.
    pub payment_secret: Option<[u8; 32]>,
    /// The invoice's payment metadata.
    pub payment_metadata: Option<alloc::vec::Vec<u8>>,
    /// The payee's final CLTV delta (18 when the invoice says nothing).
    pub final_cltv: u32,
    /// How many routes to try.
    pub max_attempts: u32,
    /// The most fees to pay: the first hop's amount less `amount` (an overpayment counts).
    pub maxfee: Msat,
    /// The most blocks the payment may be locked up: the route's total CLTV (its first
    /// hop's `delay`). Core Lightning's `pay`: 2016.
    pub max_delay: u32,
    /// The longest `waitsendpay` to ask for, in seconds (the client's per-request timeout).
    pub wait_timeout: u32,
    /// How to ask for routes.
    pub router: Router,
    /// A label for the node's records.
    pub label: Option<String>,
    /// The block height to build onions at; `None`: the node's, from `getinfo`.
    pub block_height: Option<u32>,
    /// The invoice's route hints (`r`): private channels towards the payee, added to this
    /// payment's askrene layer before the first `getroutes` (not used with `getroute`).
    pub route_hints: Vec<Vec<crate::bolt11::RouteHintHop>>,
    /// The invoice's network, checked against the node's (`getinfo`) before anything is sent.
    pub network: Option<crate::bolt11::Network>,
}

/// What a step is for (progress for UIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Learning our node id and the block height.
    GetInfo,
    /// Preparing this payment's askrene layer.
    Layer,
    /// Asking for a route (attempt number, 1-based).
    FindRoute(u32),
    /// Sending the onion.
    Send(u32),
    /// Waiting for the outcome.
    Wait(u32),
    /// Asking the node what became of an attempt the transport lost.
    Settle(u32),
}

/// The answer to the last request.
#[derive(Debug, Clone, Copy)]
pub enum Reply<'a> {
    /// The node's result.
    Answer(&'a Value),
    /// The node's error object `{code, message, data}`.
    NodeError(&'a Value),
    /// The transport failed: the node may or may not have acted.
    TransportFailed,
}

/// One attempt, for the log.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// The route tried.
    pub route: Route,
    /// Its group id (fresh for each attempt): Core Lightning's duplicate check then refuses
    /// a second client's send for the same hash while this one is pending.
    pub groupid: u64,
    /// The onion's shared secrets (kept to decode the failure).
    pub shared_secrets: Vec<SharedSecret>,
    /// What became of it.
    pub status: AttemptStatus,
    /// Its routing failure, when it failed along the way.
    pub failure: Option<RoutingFailure>,
}

/// Why a payment stopped without succeeding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum PayError {
    /// A final routing failure (203 at the destination, or an unattributable 202).
    Routing(RoutingFailure),
    /// The node refused (201 already paid, 205 no route…).
    Rpc {
        /// Its code.
        code: i64,
        /// Its message.
        message: String,
    },
    /// Every attempt allowed failed along the route (the last failure).
    TooManyAttempts(Option<RoutingFailure>),
    /// The transport kept failing; the last attempt's fate is unknown.
    Transport,
    /// The node's answer was malformed.
    BadAnswer(AnswerError),
    /// The route the node gave does not pay what was asked.
    BadRoute(crate::error::Error),
    /// The route the node gave costs more than the payer allows (Core Lightning's 206).
    TooExpensive {
        /// The limit: `maxfee_msat` or `max_delay`.
        limit: &'static str,
        /// What the route asked and what is allowed.
        message: String,
    },
    /// The node said complete without proof; the attempt is disputed.
    Disputed(crate::rpc::ProofError),
    /// The invoice does not fit the node (another network): nothing was sent.
    Invoice(crate::error::Error),
    /// The payment's time ran out (`retry_for`); `in_flight`: an attempt may still settle
    /// (it stays recorded, for `waitsendpay`/`listsendpays`).
    Timeout {
        /// Whether an attempt is still pending or unknown.
        in_flight: bool,
    },
}

/// Core Lightning's 206: the route is too expensive (fee or delay).
pub const PAY_ROUTE_TOO_EXPENSIVE: i32 = 206;
/// Core Lightning's 200: another payment for this hash is in progress.
pub const PAY_IN_PROGRESS: i32 = 200;

/// The end of a payment.
#[derive(Debug, Clone)]
pub struct PayOutcome {
    /// The preimage, when paid.
    pub preimage: Option<[u8; 32]>,
    /// Why not, otherwise.
    pub error: Option<PayError>,
    /// Every attempt, first first.
    pub attempts: Vec<Attempt>,
}

/// What to do next.
#[derive(Debug, Clone)]
pub enum Step {
    /// Send this request and call [`Payer::step`] with what came back.
    Send {
        /// What it is for.
        stage: Stage,
        /// The request.
        request: Request,
    },
    /// Finished.
    Done(alloc::boxed::Box<PayOutcome>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Info,
    Layer,
    Route,
    Send,
    Wait,
    Settle,
    Done,
}

/// A payment as a state machine: feed it the node's replies, send what it asks for.
#[derive(Debug)]
pub struct Payer {
    cfg: PayConfig,
    state: State,
    our_id: Option<NodeId>,
    height: u32,
    layer_created: bool,
    /// The route hints' channels (source, destination, channel, policy), and how many of
    /// their layer requests (create, then enable: two each) were sent.
    hints: Vec<(NodeId, NodeId, crate::ids::ShortChannelId, ChannelChange)>,
    hint_requests: usize,
    /// The request in flight may fail without ending the payment: creating the layer (it
    /// exists already after an earlier `pay` of this hash) or a hint (a channel the node knows).
    optional_inflight: bool,
    changes: Vec<(Exclusion, ChannelChange, bool)>,
    attempts: Vec<Attempt>,
    settle_tries: u32,
    wait_tries: u32,
    /// `maxparts: 1` (v25.09 on) or the `auto.no_mpp_support` layer (older nodes).
    maxparts: bool,
    /// The other way was tried after the node refused one.
    mpp_switched: bool,
    /// Seconds left of the payment's time, as the driver last said (`None`: no limit).
    time_left: Option<u32>,
}

const SETTLE_TRIES: u32 = 3;
const WAIT_TRIES: u32 = 5;

impl Payer {
    /// A payment to make.
    pub fn new(cfg: PayConfig) -> Payer {
        // Each hint hop is a channel from its `pubkey` to the next hop's, the last to the payee.
        let mut hints = Vec::new();
        for r in &cfg.route_hints {
            for (i, h) in r.iter().enumerate() {
                let to = r.get(i + 1).map_or(cfg.destination, |n| n.pubkey);
                let policy = ChannelChange::Hint {
                    fee_base_msat: h.fee_base_msat,
                    fee_proportional_millionths: h.fee_proportional_millionths,
                    cltv_expiry_delta: h.cltv_expiry_delta,
                };
                hints.push((h.pubkey, to, h.short_channel_id, policy));
            }
        }
        Payer {
            hints,
            hint_requests: 0,
            optional_inflight: false,
            cfg,
            state: State::Start,
            our_id: None,
            height: 0,
            layer_created: false,
            changes: Vec::new(),
            attempts: Vec::new(),
            settle_tries: 0,
            wait_tries: 0,
            maxparts: true,
            mpp_switched: false,
            time_left: None,
        }
    }

    /// Tell the payer how many seconds the payment has left (call before each step): every
    /// `waitsendpay` asks for at most that, and at 0 the payment ends (an attempt in flight
    /// stays recorded as it is).
    pub fn set_time_left(&mut self, secs: Option<u32>) {
        self.time_left = secs;
    }

    fn out_of_time(&self) -> bool {
        self.time_left == Some(0)
    }

    fn layer(&self) -> String {
        format!("ln-sendpay-{}", crate::hex::encode(&self.cfg.payment_hash[..8]))
    }

    fn done(&mut self, preimage: Option<[u8; 32]>, error: Option<PayError>) -> Step {
        self.state = State::Done;
        Step::Done(alloc::boxed::Box::new(PayOutcome {
            preimage,
            error,
            attempts: core::mem::take(&mut self.attempts),
        }))
    }

    /// End the payment now (the driver gave up, or could not read an answer): the outcome
    /// logs the attempts so far.
    pub fn abort(&mut self, error: PayError) -> Step {
        self.done(None, Some(error))
    }

    /// The payment hash.
    pub fn payment_hash(&self) -> [u8; 32] {
        self.cfg.payment_hash
    }

    /// What is being paid, as configured (from a bolt11 where one was given).
    pub fn config(&self) -> &PayConfig {
        &self.cfg
    }

    /// The attempt being made (the latest), with its route and shared secrets: what a client
    /// records before it sends the onion.
    pub fn current_attempt(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    fn attempt_no(&self) -> u32 {
        self.attempts.len() as u32
    }

    /// The next step. Call first with `None`, then with the reply to each request sent.
    /// `random` is 32 fresh bytes from a CSPRNG (used as a session key when an onion is built).
    pub fn step(&mut self, reply: Option<Reply<'_>>, random: &[u8; 32]) -> Step {
        match (self.state, reply) {
            (State::Start, _) => {
                self.state = State::Info;
                Step::Send { stage: Stage::GetInfo, request: rpc::getinfo() }
            }
            (State::Done, _) => self.done(None, Some(PayError::Transport)),
            (_, None) => self.done(None, Some(PayError::Transport)),
            (State::Info, Some(Reply::Answer(v))) => match rpc::getinfo_answer(v) {
                Ok(info) => {
                    if let (Some(want), Some(node)) = (self.cfg.network, info.network)
                        && !want.is_node_network(&node)
                    {
                        let e = crate::bolt11::Bolt11Error::WrongNetwork { invoice: want, node };
                        return self
                            .done(None, Some(PayError::Invoice(crate::error::Error::from(e).in_field("bolt11"))));
                    }
                    self.our_id = Some(info.id);
                    self.height = self.cfg.block_height.unwrap_or(info.blockheight);
                    // `maxparts` came with v25.09; an unknown version tries it first.
                    self.maxparts = rpc::cln_version(v).is_none_or(|ver| ver >= (25, 9));
                    self.next_route()
                }
                Err(e) => self.done(None, Some(PayError::BadAnswer(e))),
            },
            (State::Layer, Some(Reply::Answer(_))) => self.next_route(),
            // The layer exists already, or the node refuses a hint: go on without it.
            (State::Layer, Some(Reply::NodeError(_))) if self.optional_inflight => self.next_route(),
            (State::Route, Some(Reply::Answer(v))) => self.got_routes(v, random),
            (State::Route, Some(Reply::NodeError(e)))
                if self.cfg.router == Router::GetRoutes && error_code(e) == Some(-32601) =>
            {
                // An older node, or getroutes disabled: getroute with exclude.
                self.cfg.router = Router::GetRoute;
                self.next_route()
            }
            (State::Route, Some(Reply::NodeError(e)))
                if self.cfg.router == Router::GetRoutes && !self.mpp_switched && self.refuses_mpp_style(e) =>
            {
                // A node with deprecated APIs off refuses the layer; one before v25.09 the
                // parameter: the other way, once.
                self.mpp_switched = true;
                self.maxparts = !self.maxparts;
                self.next_route()
            }
            (State::Send | State::Wait, Some(Reply::Answer(v))) => match rpc::payment(v, "") {
                Ok(p) => self.answered(&p),
                Err(e) => self.done(None, Some(PayError::BadAnswer(e))),
            },
            (State::Send, Some(Reply::NodeError(e))) if error_code(e) == Some(i64::from(PAY_IN_PROGRESS)) => {
                // Another payment for this hash (another tab, another Worker) is pending at
                // the node: ours was not sent. Never send a second one.
                self.set_last(AttemptStatus::Failed, None);
                let (code, message) = error_parts(e);
                self.done(None, Some(PayError::Rpc { code, message }))
            }
            (State::Send | State::Wait, Some(Reply::NodeError(e))) => self.failed(e),
            (State::Send | State::Wait | State::Settle, Some(Reply::TransportFailed)) => self.settle(),
            (State::Settle, Some(Reply::Answer(v))) => self.settled(v),
            (_, Some(Reply::NodeError(e))) => {
                let (code, message) = error_parts(e);
                self.done(None, Some(PayError::Rpc { code, message }))
            }
            (_, Some(Reply::TransportFailed)) => self.done(None, Some(PayError::Transport)),
        }
    }

    /// Whether a `getroutes` error is the node refusing the way we said "one part".
    fn refuses_mpp_style(&self, e: &Value) -> bool {
        let (code, message) = error_parts(e);
        code == -32602 && message.contains(if self.maxparts { "maxparts" } else { "auto.no_mpp_support" })
    }

    /// A payment answer for the attempt in flight: complete only with proof.
    fn answered(&mut self, p: &rpc::Payment) -> Step {
        if let Err(e) = rpc::check_proof(p, &self.cfg.payment_hash) {
            if p.status != PaymentStatus::Complete {
                let field = String::from("payment_hash");
                return self.done(None, Some(PayError::BadAnswer(AnswerError { field, expected: "our payment hash" })));
            }
            self.set_last(AttemptStatus::Disputed, None);
            return self.done(None, Some(PayError::Disputed(e)));
        }
        match p.status {
            PaymentStatus::Complete => {
                self.set_last(AttemptStatus::Complete, None);
                self.done(p.payment_preimage, None)
            }
            _ => self.wait(),
        }
    }

    fn next_route(&mut self) -> Step {
        self.optional_inflight = false;
        if self.out_of_time() {
            return self.done(None, Some(PayError::Timeout { in_flight: false }));
        }
        let n = self.attempt_no() + 1;
        if n > self.cfg.max_attempts {
            let last = self.attempts.last().and_then(|a| a.failure.clone());
            return self.done(None, Some(PayError::TooManyAttempts(last)));
        }
        let Some(our_id) = self.our_id else { return self.done(None, Some(PayError::Transport)) };
        let cltv = self.cfg.final_cltv;
        match self.cfg.router {
            Router::GetRoute => {
                self.state = State::Route;
                let exclude: Vec<Exclusion> = self.changes.iter().map(|(e, _, _)| *e).collect();
                Step::Send {
                    stage: Stage::FindRoute(n),
                    request: rpc::getroute(&self.cfg.destination, self.cfg.amount, 10, cltv, &exclude),
                }
            }
            Router::GetRoutes => {
                let layer = self.layer();
                if (!self.changes.is_empty() || !self.hints.is_empty()) && !self.layer_created {
                    self.layer_created = true;
                    self.state = State::Layer;
                    self.optional_inflight = true;
                    return Step::Send { stage: Stage::Layer, request: rpc::askrene_create_layer(&layer) };
                }
                // A hop that starts at our own node is ours: askrene knows it (xpay skips it).
                while self.hints.get(self.hint_requests / 2).is_some_and(|h| h.0 == our_id) {
                    self.hint_requests += 2;
                }
                if let Some(&(from, to, scid, policy)) = self.hints.get(self.hint_requests / 2) {
                    let create = self.hint_requests.is_multiple_of(2);
                    self.hint_requests += 1;
                    self.state = State::Layer;
                    self.optional_inflight = true;
                    let request = if create {
                        // As xpay: room for the payment a hundred times over, not 21M BTC over a
                        // public channel's real capacity.
                        let capacity = self.cfg.amount.0.saturating_add(self.cfg.maxfee.0).saturating_mul(100);
                        let capacity = Msat(capacity.min(crate::amount::MAX_MONEY.0));
                        rpc::askrene_create_channel(&layer, &from, &to, scid, capacity)
                    } else {
                        rpc::askrene_update_channel(&layer, scid, crate::ids::direction(&from, &to), policy)
                    };
                    return Step::Send { stage: Stage::Layer, request };
                }
                if let Some(c) = self.changes.iter_mut().find(|c| !c.2) {
                    c.2 = true;
                    if let Exclusion::Channel(scid, dir) = c.0 {
                        self.state = State::Layer;
                        return Step::Send {
                            stage: Stage::Layer,
                            request: rpc::askrene_update_channel(&layer, scid, dir, c.1),
                        };
                    }
                    // Nodes cannot be disabled through update-channel: retry without them.
                    return self.next_route();
                }
                let mut layers = alloc::vec!["auto.localchans", "auto.sourcefree"];
                if !self.maxparts {
                    layers.push("auto.no_mpp_support");
                }
                if self.layer_created {
                    layers.push(&layer);
                }
                self.state = State::Route;
                let limits = rpc::RouteLimits {
                    maxfee: self.cfg.maxfee,
                    final_cltv: cltv,
                    maxdelay: Some(self.cfg.max_delay),
                    maxparts: self.maxparts.then_some(1),
                };
                let request = rpc::getroutes(&our_id, &self.cfg.destination, self.cfg.amount, &layers, &limits);
                Step::Send { stage: Stage::FindRoute(n), request }
            }
        }
    }

    fn got_routes(&mut self, v: &Value, random: &[u8; 32]) -> Step {
        let routes = match rpc::routes_answer(v) {
            Ok(r) => r,
            Err(e) => return self.done(None, Some(PayError::BadAnswer(e))),
        };
        let route = match routes.as_slice() {
            [(_, r)] => r.clone(),
            _ => {
                return self.done(
                    None,
                    Some(PayError::Rpc {
                        code: 205,
                        message: String::from(
                            "the node split the payment into several routes (MPP is not supported yet)",
                        ),
                    }),
                );
            }
        };
        if let Err(e) = route.validate(Some(self.cfg.amount)) {
            return self.done(None, Some(PayError::BadRoute(e.into())));
        }
        if route.destination() != Some(&self.cfg.destination) {
            let e = crate::error::Error::Param { field: "route".into(), expected: "a route to the destination" };
            return self.done(None, Some(PayError::BadRoute(e)));
        }
        if let Err(e) = self.within_limits(&route) {
            return self.done(None, Some(e));
        }
        let fin = FinalHopData {
            payment_secret: self.cfg.payment_secret,
            payment_metadata: self.cfg.payment_metadata.clone(),
            ..Default::default()
        };
        let frames = match payload::route_payloads(&route, self.height, &fin) {
            Ok(f) => f,
            Err(e) => return self.done(None, Some(PayError::BadRoute(e.into()))),
        };
        let session = match SecretKey::from_bytes(random) {
            Ok(k) => k,
            Err(e) => return self.done(None, Some(PayError::BadRoute(e.into()))),
        };
        let hops: Vec<OnionHop<'_>> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
        let (onion, secrets) = match sphinx::build_onion(&session, &hops, &self.cfg.payment_hash) {
            Ok(x) => x,
            Err(e) => return self.done(None, Some(PayError::BadRoute(e.into()))),
        };
        let n = self.attempt_no() + 1;
        let groupid = fresh_groupid(random);
        let opts = rpc::SendOptions { label: self.cfg.label.clone(), groupid: Some(groupid), ..Default::default() };
        let request = rpc::sendonion(onion.as_bytes(), &route, &self.cfg.payment_hash, &opts);
        self.attempts.push(Attempt {
            number: n,
            route,
            groupid,
            shared_secrets: secrets,
            status: AttemptStatus::Unknown,
            failure: None,
        });
        self.state = State::Send;
        self.settle_tries = 0;
        self.wait_tries = 0;
        Step::Send { stage: Stage::Send(n), request }
    }

    fn set_last(&mut self, status: AttemptStatus, failure: Option<RoutingFailure>) {
        if let Some(a) = self.attempts.last_mut() {
            a.status = status;
            if failure.is_some() {
                a.failure = failure;
            }
        }
    }

    /// The route's fee (an overpayment included) within `maxfee`, its total CLTV within
    /// `max_delay`, and the payee's final CLTV honoured: a node's route is not trusted.
    #[allow(clippy::result_large_err)] // PayError is what the outcome carries anyway
    fn within_limits(&self, route: &Route) -> Result<(), PayError> {
        let (Some(first), Some(last)) = (route.hops.first(), route.hops.last()) else {
            return Err(PayError::BadRoute(crate::error::Error::Param { field: "route".into(), expected: "a hop" }));
        };
        let fee = Msat(first.amount.0.saturating_sub(self.cfg.amount.0));
        if fee > self.cfg.maxfee {
            return Err(PayError::TooExpensive {
                limit: "maxfee_msat",
                message: format!(
                    "the route costs {} in fees (it sends {} to deliver {}), over maxfee_msat {}",
                    fee.to_msat_string(),
                    first.amount.to_msat_string(),
                    self.cfg.amount.to_msat_string(),
                    self.cfg.maxfee.to_msat_string()
                ),
            });
        }
        if first.delay > self.cfg.max_delay {
            return Err(PayError::TooExpensive {
                limit: "max_delay",
                message: format!(
                    "the route locks the payment up for {} blocks, over max_delay {}",
                    first.delay, self.cfg.max_delay
                ),
            });
        }
        if last.delay < self.cfg.final_cltv {
            let e = crate::error::Error::Param {
                field: "route".into(),
                expected: "a last hop whose delay is at least the payee's final CLTV",
            };
            return Err(PayError::BadRoute(e));
        }
        Ok(())
    }

    fn wait(&mut self) -> Step {
        self.wait_tries += 1;
        if self.wait_tries > WAIT_TRIES {
            return self.done(None, Some(PayError::Transport));
        }
        self.set_last(AttemptStatus::Pending, None);
        if self.out_of_time() {
            return self.done(None, Some(PayError::Timeout { in_flight: true }));
        }
        self.state = State::Wait;
        let timeout = self.cfg.wait_timeout.min(self.time_left.unwrap_or(u32::MAX)).max(1);
        let groupid = self.attempts.last().map(|a| a.groupid);
        Step::Send {
            stage: Stage::Wait(self.attempt_no()),
            request: rpc::waitsendpay(&self.cfg.payment_hash, Some(timeout), None, groupid),
        }
    }

    fn settle(&mut self) -> Step {
        if self.out_of_time() {
            return self.done(None, Some(PayError::Timeout { in_flight: true }));
        }
        self.settle_tries += 1;
        if self.settle_tries > SETTLE_TRIES {
            return self.done(None, Some(PayError::Transport));
        }
        self.state = State::Settle;
        Step::Send { stage: Stage::Settle(self.attempt_no()), request: rpc::listsendpays(Some(&self.cfg.payment_hash)) }
    }

    fn settled(&mut self, v: &Value) -> Step {
        let payments = match rpc::payments(v) {
            Ok(p) => p,
            Err(e) => return self.done(None, Some(PayError::BadAnswer(e))),
        };
        // Our attempt's record (its part and group) tells what became of the lost request.
        let groupid = self.attempts.last().map(|a| a.groupid);
        let ours = payments
            .iter()
            .filter(|p| p.partid == 0 && groupid.is_none_or(|g| g == p.groupid))
            .max_by_key(|p| p.created_index);
        match ours {
            Some(p) if p.status == PaymentStatus::Complete => self.answered(p),
            Some(p) if p.status == PaymentStatus::Pending => self.wait(),
            // Never sent, or failed: ask waitsendpay for the failure when there is one.
            Some(_) => self.wait(),
            None => {
                self.set_last(AttemptStatus::Failed, None);
                self.next_route()
            }
        }
    }

    fn failed(&mut self, e: &Value) -> Step {
        let (route, secrets) = match self.attempts.last() {
            Some(a) => (Some(a.route.clone()), Some(a.shared_secrets.clone())),
            None => (None, None),
        };
        match rpc::node_error(e, route.as_ref(), secrets.as_deref()) {
            Err(e) => self.done(None, Some(PayError::BadAnswer(e))),
            // waitsendpay's "Timed out while waiting": still pending.
            Ok(NodeError::Rpc { code: 200, .. }) => self.wait(),
            Ok(NodeError::Rpc { code, message, .. }) => {
                self.set_last(AttemptStatus::Failed, None);
                self.done(None, Some(PayError::Rpc { code, message }))
            }
            Ok(NodeError::Routing(f)) => {
                self.set_last(AttemptStatus::Failed, Some(f.clone()));
                match self.blame(&f) {
                    Some(change)
                        if f.code == PAY_TRY_OTHER_ROUTE || f.code == crate::failure::PAY_UNPARSEABLE_ONION =>
                    {
                        self.changes.push((change.0, change.1, false));
                        self.next_route()
                    }
                    _ => self.done(None, Some(PayError::Routing(f))),
                }
            }
        }
    }

    /// What an earlier attempt for this payment taught, before the payment starts: `reply`,
    /// the failure reply the node kept for it (`listsendpays`' `erroronion`), decoded here
    /// with the attempt's route and shared secrets (nothing the store says is taken on
    /// trust). A failure along the route is applied to the first route asked for, as a
    /// failure of this payment's own would be; anything else teaches nothing. Returns the
    /// decoded failure.
    pub fn learn(&mut self, route: &Route, shared_secrets: &[SharedSecret], reply: &[u8]) -> Option<RoutingFailure> {
        if self.state != State::Start {
            return None;
        }
        let f = RoutingFailure::from_reply(shared_secrets, reply, Some(route), None);
        if f.code == PAY_TRY_OTHER_ROUTE
            && let Some((e, c)) = self.blame_on(route, &f)
            && !self.changes.iter().any(|(x, y, _)| *x == e && *y == c)
        {
            self.changes.push((e, c, false));
        }
        Some(f)
    }

    /// What to change before the next route: the erring channel direction disabled, or — when
    /// the failure carried a verified update for the route's channel — its new policy.
    fn blame(&self, f: &RoutingFailure) -> Option<(Exclusion, ChannelChange)> {
        self.blame_on(&self.attempts.last()?.route, f)
    }

    fn blame_on(&self, route: &Route, f: &RoutingFailure) -> Option<(Exclusion, ChannelChange)> {
        // A local failure (erring_index 0: our own channel refused) names no channel after
        // sendonion; we know it: the route's first, from us.
        if f.erring_index == Some(0) && f.erring_channel.is_none() {
            let first = route.hops.first()?;
            let dir = crate::ids::direction(&self.our_id?, &first.node_id);
            return Some((Exclusion::Channel(first.channel, dir), ChannelChange::Disable));
        }
        let ErringChannel::Channel(scid) = f.erring_channel? else {
            return None;
        };
        let dir = f.erring_direction.unwrap_or(0);
        let already =
            self.changes.iter().any(|(e, c, _)| *e == Exclusion::Channel(scid, dir) && *c != ChannelChange::Disable);
        // A verified update for the route's channel is used, as Core Lightning's pay plugins
        // apply it: a failure about the policy (fee_insufficient, incorrect_cltv_expiry) is
        // mended by its fees and delta; temporary_channel_failure (channeld sends an update
        // with it) also says the channel cannot carry what it was sent, so its largest HTLC
        // becomes one msat less. Anything else, or an update that cannot be used, disables it.
        let disable = Some((Exclusion::Channel(scid, dir), ChannelChange::Disable));
        let cap = match f.failcode {
            Some(0x100c) | Some(0x100d) => None,
            Some(0x1007) => {
                let hop = f.erring_index.and_then(|i| route.hops.get(i as usize));
                match hop.and_then(|h| h.amount.0.checked_sub(1)).filter(|&m| m > 0) {
                    Some(m) => Some(Msat(m)),
                    None => return disable,
                }
            }
            _ => return disable,
        };
        match (&f.channel_update_decoded, f.channel_update_verified, f.channel_update_matches_route) {
            (Some(u), Some(true), Some(true)) if !already && self.cfg.router == Router::GetRoutes && !u.disabled() => {
                let policy = ChannelChange::Policy {
                    fee_base_msat: u.fee_base_msat,
                    fee_proportional_millionths: u.fee_proportional_millionths,
                    cltv_expiry_delta: u.cltv_expiry_delta,
                    htlc_maximum_msat: cap.map(|c| Msat(u.htlc_maximum_msat.map_or(c.0, |m| c.0.min(m)))),
                };
                Some((Exclusion::Channel(scid, dir), policy))
            }
            _ => disable,
        }
    }
}

/// A fresh group id for an attempt, from the step's random bytes: 53 bits, so it stays
/// exact through any JSON reader on the way (a node's own group ids may be larger).
fn fresh_groupid(random: &[u8; 32]) -> u64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"ln-sendpay groupid");
    h.update(random);
    let d: [u8; 32] = h.finalize().into();
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]) >> 11
}

fn error_code(e: &Value) -> Option<i64> {
    let t = e.get("code")?.token_text()?;
    match t.strip_prefix('-') {
        Some(d) => crate::json::parse_u64_digits(d).and_then(|x| i64::try_from(x).ok()).map(|x| -x),
        None => crate::json::parse_u64_digits(t).and_then(|x| i64::try_from(x).ok()),
    }
}

fn error_parts(e: &Value) -> (i64, String) {
    (error_code(e).unwrap_or(-1), e.get("message").and_then(Value::as_str).map(String::from).unwrap_or_default())
}

use crate::rpc::PaymentStatus;
