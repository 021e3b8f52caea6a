//! Pay with retries and in parts, sans I/O: [`Payer`] says what to send; the driver sends
//! it, feeds back what came, and may have several requests in flight — the payment's own
//! sequence (getinfo, layers, reservations, routes, sends, settles) on [`Lane::Main`], and
//! one `waitsendpay` per part in flight on that part's [`Lane::Part`].

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::AttemptStatus;
use crate::amount::Msat;
use crate::failure::{ErringChannel, PAY_TRY_OTHER_ROUTE, RoutingFailure};
use crate::ids::NodeId;
use crate::json::Value;
use crate::payload::{self, FinalHopData};
use crate::route::Route;
use crate::rpc::{self, AnswerError, ChannelChange, Exclusion, NodeError, PaymentStatus, Request};
use crate::sphinx::{self, OnionHop, SecretKey, SharedSecret};

/// How routes are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Router {
    /// `getroutes` (askrene), exclusions and fee updates through a layer of this payment's.
    /// Falls back to `getroute` when the node does not know `getroutes`.
    GetRoutes,
    /// `getroute` with `exclude` (deprecated since v26.06): one part.
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
    /// The invoice's payment secret (without one, a payment is one part).
    pub payment_secret: Option<[u8; 32]>,
    /// The invoice's payment metadata.
    pub payment_metadata: Option<alloc::vec::Vec<u8>>,
    /// The payee's final CLTV delta (18 when the invoice says nothing).
    pub final_cltv: u32,
    /// How many routes to try, parts included.
    pub max_attempts: u32,
    /// The most fees to pay, for the whole payment across its parts and retries: the first
    /// hops' amounts less what the parts deliver (an overpayment counts).
    pub maxfee: Msat,
    /// The most blocks the payment may be locked up: the route's total CLTV (its first
    /// hop's `delay`). Core Lightning's `pay`: 2016.
    pub max_delay: u32,
    /// The longest `waitsendpay` to ask for, in seconds (the client's per-request timeout).
    pub wait_timeout: u32,
    /// How to ask for routes.
    pub router: Router,
    /// The most parts (`getroutes`' `maxparts`); `None`: as many as the node's router uses.
    /// `Some(1)`, no payment secret or `getroute`: one part.
    pub max_parts: Option<u32>,
    /// A label for the node's records.
    pub label: Option<String>,
    /// The block height to build onions at; `None`: the node's, from `getinfo`.
    pub block_height: Option<u32>,
    /// The invoice's route hints (`r`): private channels towards the payee, added to this
    /// payment's askrene layer before the first `getroutes` (not used with `getroute`).
    pub route_hints: Vec<Vec<crate::bolt11::RouteHintHop>>,
    /// The invoice's network, checked against the node's (`getinfo`) before anything is sent.
    pub network: Option<crate::bolt11::Network>,
    /// Custom records for the payee (types ≥ 65536), in every part's final payload.
    pub custom_records: Vec<(u64, Vec<u8>)>,
    /// A keysend: the preimage drawn for it, sent to the payee in its final payload (type
    /// 5482373484); `payment_hash` is its SHA-256.
    pub keysend: Option<KeysendPreimage>,
    /// A BOLT 12 invoice's blinded paths, most preferred first: the payment is routed to a
    /// path's introduction node (the amount plus the path's fee, its CLTV delta) and goes on
    /// inside the path; `destination` is then the invoice's node id.
    pub blinded: Vec<BlindedTarget>,
    /// The invoice allows parts (its MPP feature, optional or compulsory): what one path
    /// cannot carry goes over others, a part each.
    pub blinded_mpp: bool,
}

/// One blinded path of an invoice and what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindedTarget {
    /// The path (its introduction node by id).
    pub path: crate::blinding::BlindedPath,
    /// Its fees and CLTV delta.
    pub payinfo: crate::blinding::BlindedPayInfo,
    /// The smallest and largest HTLC it takes.
    pub htlc_minimum_msat: Msat,
    /// See `htlc_minimum_msat`.
    pub htlc_maximum_msat: Msat,
}

/// A keysend payment's preimage: ours until the payee reveals it, zeroized when dropped,
/// never printed.
#[derive(Clone)]
pub struct KeysendPreimage(zeroize::Zeroizing<[u8; 32]>);

impl KeysendPreimage {
    /// Take `bytes` (fresh randomness) as the preimage.
    pub fn new(bytes: &[u8; 32]) -> Self {
        KeysendPreimage(zeroize::Zeroizing::new(*bytes))
    }

    /// The payment hash it proves: its SHA-256.
    pub fn payment_hash(&self) -> [u8; 32] {
        crate::crypto::sha256(&[&self.0[..]])
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::fmt::Debug for KeysendPreimage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeysendPreimage(..)")
    }
}

/// What a step is for (progress for UIs). Attempt numbers count routes tried, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Learning our node id and the block height.
    GetInfo,
    /// Preparing this payment's askrene layer.
    Layer,
    /// Holding (or releasing) a part's amounts on its channels (`askrene-reserve`/`-unreserve`).
    Reserve(u32),
    /// Asking for a route (the next attempt's number).
    FindRoute(u32),
    /// Sending a part's onion.
    Send(u32),
    /// Waiting for a part's outcome.
    Wait(u32),
    /// Asking the node what became of a part whose request the transport lost.
    Settle(u32),
}

/// Which of the payer's requests a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The payment's own sequence: one request at a time.
    Main,
    /// A part's `waitsendpay` (or its settling `listsendpays`), by attempt number.
    Part(u32),
}

/// The answer to a request.
#[derive(Debug, Clone, Copy)]
pub enum Reply<'a> {
    /// The node's result.
    Answer(&'a Value),
    /// The node's error object `{code, message, data}`.
    NodeError(&'a Value),
    /// The transport failed: the node may or may not have acted.
    TransportFailed,
}

/// One attempt (a route tried, as one part of the payment), for the log.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// The route tried.
    pub route: Route,
    /// Its part id: 0 when it alone carried the payment, else 1, 2, … (never reused).
    pub partid: u64,
    /// Its group id. A single-part attempt takes a fresh one; the parts of a payment share
    /// one. Core Lightning's duplicate check then refuses a second client's send for the same
    /// hash while this one is pending.
    pub groupid: u64,
    /// What it delivers to the payee.
    pub amount: Msat,
    /// The onion's shared secrets (kept to decode the failure).
    pub shared_secrets: Vec<SharedSecret>,
    /// What became of it.
    pub status: AttemptStatus,
    /// Its routing failure, when it failed along the way.
    pub failure: Option<RoutingFailure>,
    /// The onion's layers as built: each hop's id (a blinded hop's blinded id), its payload's
    /// length, and whether it is inside a blinded path (for pictures of the onion).
    pub layers: Vec<OnionLayer>,
}

/// One layer of an attempt's onion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnionLayer {
    /// Who peels it (a blinded hop by its blinded id).
    pub node_id: NodeId,
    /// Its payload's length (without the length prefix and the HMAC).
    pub payload_length: usize,
    /// Inside a blinded path (its introduction node is not: it peels with its own key).
    pub blinded: bool,
}

impl Attempt {
    /// What it costs in fees: what it sends into the first channel less what it delivers.
    pub fn fee(&self) -> Msat {
        let sent = self.route.hops.first().map_or(0, |h| h.amount.0);
        Msat(sent.saturating_sub(self.amount.0))
    }
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
/// BOLT 4's `mpp_timeout`: the payee gave up waiting for the other parts.
const WIRE_MPP_TIMEOUT: u16 = 23;

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
    /// Send this request, then ask again ([`Payer::step`] with `None`): more may go at once.
    /// Feed its reply back with its lane.
    Send {
        /// Whose request it is.
        lane: Lane,
        /// What it is for.
        stage: Stage,
        /// The request.
        request: Request,
    },
    /// Nothing to send until a reply comes.
    Idle,
    /// Finished. Every part's fate is known, unless the time ran out or the transport gave
    /// up (then what is unknown stays recorded).
    Done(alloc::boxed::Box<PayOutcome>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Main {
    Start,
    Idle,
    Info,
    Layer,
    Reserve,
    Route,
    Send(usize),
    Settle(usize),
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    Reserve(usize),
    Unreserve(usize),
}

/// Per part in flight: whether its `waitsendpay` (or settle) is out, and how often it went.
#[derive(Debug, Clone, Copy, Default)]
struct Watch {
    out: bool,
    settling: bool,
    waits: u32,
    settles: u32,
    /// Its reservation: queued (once), and sent (then released when it settles).
    reserve_queued: bool,
    reserved: bool,
    /// No longer watched: its fate is known, or will stay unknown.
    done: bool,
    /// Its share of the payment: what is routed again if it fails (a lone route may deliver
    /// more than its share: the man page's overpayment).
    share: Msat,
    /// The blinded path it goes over (`None` for a payment without blinded paths).
    path: Option<usize>,
}

/// A payment as a state machine: feed it the node's replies, send what it asks for.
#[derive(Debug)]
pub struct Payer {
    cfg: PayConfig,
    main: Main,
    our_id: Option<NodeId>,
    height: u32,
    layer_created: bool,
    /// The route hints' channels (source, destination, channel, policy), and how many of
    /// their layer requests (create, then enable: two each) were sent.
    hints: Vec<(NodeId, NodeId, crate::ids::ShortChannelId, ChannelChange)>,
    hint_requests: usize,
    /// The layer request in flight may fail without ending the payment: creating the layer
    /// (it exists already after an earlier `pay` of this hash) or a hint (a channel the node
    /// knows). (A refused reservation turns reservations off: its own arm.)
    optional_inflight: bool,
    changes: Vec<(Exclusion, ChannelChange, bool)>,
    attempts: Vec<Attempt>,
    watch: Vec<Watch>,
    /// Routes the node gave, not yet sent, each with its share of the payment.
    batch: VecDeque<(Route, Msat)>,
    /// What still needs a route, and what the route request in flight asked for.
    unrouted: Msat,
    routing: Msat,
    jobs: VecDeque<Job>,
    reservations: bool,
    next_partid: u64,
    set_groupid: Option<u64>,
    main_settles: u32,
    /// Paid: the preimage (no new parts; the rest settle).
    preimage: Option<[u8; 32]>,
    /// Stopping: no new parts; this is the outcome once nothing is in flight.
    stop: Option<PayError>,
    /// `maxparts: 1` (v25.09 on) or the `auto.no_mpp_support` layer (older nodes), when one
    /// part is asked for.
    maxparts_param: bool,
    /// The other way was tried after the node refused one.
    mpp_switched: bool,
    /// Seconds left of the payment's time, as the driver last said (`None`: no limit).
    time_left: Option<u32>,
    /// Blinded paths that failed (their introduction node answered, or the route to it
    /// cannot be found): the next one is tried.
    failed_paths: Vec<bool>,
    /// Blinded paths that carry a part (in flight or paid): the next part prefers another.
    paths_in_use: Vec<bool>,
    /// The blinded path the route request in flight is for (`None` for a payment without
    /// blinded paths).
    routing_path: Option<usize>,
}

const SETTLE_TRIES: u32 = 3;
const WAIT_TRIES: u32 = 5;

mod parts;
mod routes;

impl Payer {
    /// A payment to make.
    pub fn new(cfg: PayConfig) -> Payer {
        let cfg_blinded_len = cfg.blinded.len();
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
            unrouted: cfg.amount,
            routing: Msat(0),
            cfg,
            main: Main::Start,
            our_id: None,
            height: 0,
            layer_created: false,
            changes: Vec::new(),
            attempts: Vec::new(),
            watch: Vec::new(),
            batch: VecDeque::new(),
            jobs: VecDeque::new(),
            reservations: true,
            next_partid: 1,
            set_groupid: None,
            main_settles: 0,
            preimage: None,
            stop: None,
            maxparts_param: true,
            mpp_switched: false,
            time_left: None,
            failed_paths: alloc::vec![false; cfg_blinded_len],
            paths_in_use: alloc::vec![false; cfg_blinded_len],
            routing_path: None,
        }
    }

    /// The blinded path for (up to) `amount`, and the part it takes: one part, the first
    /// path not failed whose limits take it all; in parts, the first not failed (one not yet
    /// carrying a part first) that takes its smallest HTLC, for as much as its largest.
    pub(super) fn pick_path(&self, amount: Msat) -> Option<(usize, Msat)> {
        let open = |i: usize| !self.failed_paths[i];
        let paths = &self.cfg.blinded;
        if !self.multipart() {
            return (0..paths.len())
                .find(|&i| open(i) && amount >= paths[i].htlc_minimum_msat && amount <= paths[i].htlc_maximum_msat)
                .map(|i| (i, amount));
        }
        // A free path that takes it all; else a free one for as much as it takes; else any
        // path still open (a second HTLC over it).
        let takes = |i: usize| open(i) && amount >= paths[i].htlc_minimum_msat;
        let free = |i: usize| takes(i) && !self.paths_in_use[i];
        let i = (0..paths.len())
            .find(|&i| free(i) && amount <= paths[i].htlc_maximum_msat)
            .or_else(|| (0..paths.len()).find(|&i| free(i)))
            .or_else(|| (0..paths.len()).find(|&i| takes(i)))?;
        Some((i, Msat(amount.0.min(paths[i].htlc_maximum_msat.0))))
    }

    /// Where a route goes and what it must deliver there: the payee and the amount, or blinded
    /// path `path`'s introduction node with the amount plus the path's fee (its CLTV delta as
    /// the final CLTV).
    pub(super) fn target_of(&self, path: Option<usize>, amount: Msat) -> Option<(NodeId, Msat, u32)> {
        let Some(p) = path else { return Some((self.cfg.destination, amount, self.cfg.final_cltv)) };
        let t = self.cfg.blinded.get(p)?;
        let fee = t.payinfo.fee(amount.0)?;
        Some((t.path.introduction_node, Msat(amount.0.checked_add(fee)?), u32::from(t.payinfo.cltv_expiry_delta)))
    }

    /// A route request for blinded path `p` failed (no route to its introduction node): that
    /// path is dropped; `true` when another can carry what is left.
    pub(super) fn blinded_route_failed(&mut self, e: &Value) -> bool {
        let Some(p) = self.routing_path else { return false };
        if error_code(e) != Some(205) {
            return false;
        }
        self.failed_paths[p] = true;
        self.pick_path(self.unrouted).is_some()
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

    /// Whether this payment may be split: a payment secret to tie the parts together, a
    /// router that splits, and no one-part limit.
    fn multipart(&self) -> bool {
        // What ties the parts together: the payment secret, or (BOLT 12) the blinded paths.
        let tied = if self.cfg.blinded.is_empty() { self.cfg.payment_secret.is_some() } else { self.cfg.blinded_mpp };
        tied && self.cfg.router == Router::GetRoutes && self.cfg.max_parts != Some(1)
    }

    /// Whether a route request asks for one route: a payment in one part, or a blinded one
    /// (its parts are split here, a path each).
    fn one_route_per_request(&self) -> bool {
        !self.multipart() || !self.cfg.blinded.is_empty()
    }

    fn done(&mut self, preimage: Option<[u8; 32]>, error: Option<PayError>) -> Step {
        self.main = Main::Done;
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

    /// The attempt being sent (the latest), with its route and shared secrets: what a client
    /// records before it sends the onion.
    pub fn current_attempt(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    /// An attempt by number (1-based): the part a lane's reply is about.
    pub fn attempt(&self, number: u32) -> Option<&Attempt> {
        self.attempts.get((number as usize).checked_sub(1)?)
    }

    /// What an earlier attempt for this payment taught, before the payment starts: `reply`,
    /// the failure reply the node kept for it (`listsendpays`' `erroronion`), decoded here
    /// with the attempt's route and shared secrets (nothing the store says is taken on
    /// trust). A failure along the route is applied to the first route asked for, as a
    /// failure of this payment's own would be; anything else teaches nothing. Returns the
    /// decoded failure.
    pub fn learn(&mut self, route: &Route, shared_secrets: &[SharedSecret], reply: &[u8]) -> Option<RoutingFailure> {
        if self.main != Main::Start {
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

    /// Parts of an earlier run of this payment are on record up to `partid`: this one's parts
    /// start after it, so no part id of this hash is ever used twice (the node's
    /// `(partid, groupid)` pairs and the store's records stay apart). Before the first step.
    pub fn parts_after(&mut self, partid: u64) {
        if self.main == Main::Start {
            self.next_partid = self.next_partid.max(partid.saturating_add(1));
        }
    }

    /// The next step. Call with `None` to start and after each `Send` (more may go at once),
    /// and with a request's lane and reply when one comes. `random` is 32 fresh bytes from a
    /// CSPRNG (a session key, when an onion is built).
    pub fn step(&mut self, reply: Option<(Lane, Reply<'_>)>, random: &[u8; 32]) -> Step {
        if self.main == Main::Done {
            return self.done(None, Some(PayError::Transport));
        }
        if let Some((lane, reply)) = reply {
            let step = match lane {
                Lane::Main => self.on_main(reply, random),
                Lane::Part(n) => self.on_part(n, reply),
            };
            if step.is_some() {
                return step.unwrap_or(Step::Idle);
            }
        }
        self.schedule(random)
    }

    /// What to send next: the main lane's next request when it is free, else a part's wait;
    /// the end once nothing is in flight and nothing is left to do.
    fn schedule(&mut self, random: &[u8; 32]) -> Step {
        if self.main == Main::Start {
            self.main = Main::Info;
            return Step::Send { lane: Lane::Main, stage: Stage::GetInfo, request: rpc::getinfo() };
        }
        if self.main == Main::Idle
            && let Some(s) = self.next_main(random)
        {
            return s;
        }
        if self.main == Main::Done {
            return self.done(None, Some(PayError::Transport));
        }
        // A part that went out and is not being watched: its waitsendpay.
        if !self.out_of_time() {
            for i in 0..self.attempts.len() {
                if self.in_flight(i)
                    && !self.watch[i].out
                    && let Some(s) = self.wait(i)
                {
                    return s;
                }
            }
        }
        let busy = self.main != Main::Idle || self.watch.iter().any(|w| w.out);
        if busy {
            return Step::Idle;
        }
        // Nothing in flight.
        if let Some(p) = self.preimage {
            return self.done(Some(p), None);
        }
        if self.out_of_time() {
            let in_flight = (0..self.attempts.len()).any(|i| self.in_flight(i));
            let e = self.stop.take().unwrap_or(PayError::Timeout { in_flight });
            return self.done(None, Some(e));
        }
        let e = self.stop.take().unwrap_or(PayError::Transport);
        self.done(None, Some(e))
    }

    fn in_flight(&self, i: usize) -> bool {
        matches!(self.attempts[i].status, AttemptStatus::Pending | AttemptStatus::Unknown)
            && !self.watch[i].done
            && self.main != Main::Send(i)
            && self.main != Main::Settle(i)
    }

    fn stopping(&self) -> bool {
        self.preimage.is_some() || self.stop.is_some()
    }

    fn fees_committed(&self) -> Msat {
        Msat(
            self.attempts
                .iter()
                .filter(|a| a.status != AttemptStatus::Failed)
                .map(|a| a.fee().0)
                .fold(0u64, u64::saturating_add),
        )
    }

    /// The main lane is free: a reservation job, the next route of the batch, or new routes.
    fn next_main(&mut self, random: &[u8; 32]) -> Option<Step> {
        self.optional_inflight = false;
        while let Some(job) = self.jobs.pop_front() {
            let (i, reserve) = match job {
                Job::Reserve(i) => (i, true),
                Job::Unreserve(i) => (i, false),
            };
            // A part that settled before its reservation went out (its wait came back while
            // the main lane was busy), or once paid: nothing to hold.
            if reserve && (self.watch[i].done || self.attempts[i].status != AttemptStatus::Pending || self.stopping()) {
                continue;
            }
            let our_id = self.our_id?;
            self.main = Main::Reserve;
            self.watch[i].reserved = reserve;
            let n = self.attempts[i].number;
            let request = rpc::askrene_reservation(reserve, &our_id, &self.attempts[i].route);
            return Some(Step::Send { lane: Lane::Main, stage: Stage::Reserve(n), request });
        }
        if self.stopping() {
            self.batch.clear();
            return None;
        }
        if let Some((route, share)) = self.batch.pop_front() {
            return self.send(route, share, random);
        }
        if self.unrouted.0 == 0 {
            return None;
        }
        if self.out_of_time() {
            self.stop =
                Some(PayError::Timeout { in_flight: self.attempts.iter().any(|a| a.status == AttemptStatus::Pending) });
            return None;
        }
        let n = self.attempts.len() as u32 + 1;
        if n > self.cfg.max_attempts {
            let last = self.attempts.iter().rev().find_map(|a| a.failure.clone());
            self.stop = Some(PayError::TooManyAttempts(last));
            return None;
        }
        Some(self.find_route(n))
    }

    /// A reply on the main lane. `Some(step)` ends here; `None`: go on scheduling.
    fn on_main(&mut self, reply: Reply<'_>, random: &[u8; 32]) -> Option<Step> {
        let state = self.main;
        self.main = Main::Idle;
        match (state, reply) {
            (Main::Info, Reply::Answer(v)) => match rpc::getinfo_answer(v) {
                Ok(info) => {
                    if let (Some(want), Some(node)) = (self.cfg.network, info.network)
                        && !want.is_node_network(&node)
                    {
                        let e = crate::bolt11::Bolt11Error::WrongNetwork { invoice: want, node };
                        return Some(
                            self.done(None, Some(PayError::Invoice(crate::error::Error::from(e).in_field("bolt11")))),
                        );
                    }
                    self.our_id = Some(info.id);
                    self.height = self.cfg.block_height.unwrap_or(info.blockheight);
                    // `maxparts` came with v25.09; an unknown version tries it first.
                    self.maxparts_param = rpc::cln_version(v).is_none_or(|ver| ver >= (25, 9));
                    None
                }
                Err(e) => Some(self.done(None, Some(PayError::BadAnswer(e)))),
            },
            (Main::Layer, Reply::Answer(_)) => None,
            // The layer exists already, or the node refuses a hint: go on without it.
            (Main::Layer, Reply::NodeError(_)) if self.optional_inflight => None,
            (Main::Reserve, Reply::Answer(_)) => None,
            // A node without askrene-reserve: no more reservations (the routes may then share
            // a channel with a part in flight; the hop refuses what does not fit).
            (Main::Reserve, Reply::NodeError(_) | Reply::TransportFailed) => {
                self.reservations = false;
                self.jobs.clear();
                None
            }
            (Main::Route, Reply::Answer(v)) => self.got_routes(v, random),
            (Main::Route, Reply::NodeError(e))
                if self.cfg.router == Router::GetRoutes && error_code(e) == Some(-32601) =>
            {
                // An older node, or getroutes disabled: getroute with exclude, one part.
                self.cfg.router = Router::GetRoute;
                None
            }
            (Main::Route, Reply::NodeError(e))
                if self.cfg.router == Router::GetRoutes && !self.mpp_switched && self.refuses_parts_style(e) =>
            {
                // A node with deprecated APIs off refuses the layer; one before v25.09 the
                // parameter: the other way, once.
                self.mpp_switched = true;
                if self.multipart() {
                    // A node before v25.09: no maxparts (its split is checked when it comes).
                    self.maxparts_param = false;
                } else {
                    self.maxparts_param = !self.maxparts_param;
                }
                None
            }
            // No route to a blinded path's introduction node: another path, if one is left.
            (Main::Route, Reply::NodeError(e)) if self.blinded_route_failed(e) => None,
            (Main::Route, Reply::NodeError(e)) if self.attempts.iter().any(|a| a.status != AttemptStatus::Failed) => {
                // No route for a part while others are out: the payment cannot complete.
                let (code, message) = error_parts(e);
                self.stop = Some(PayError::Rpc { code, message });
                None
            }
            (Main::Send(i), Reply::Answer(v)) => match rpc::payment(v, "") {
                Ok(p) => self.answered(i, &p),
                Err(e) => {
                    self.stop_with(PayError::BadAnswer(e));
                    None
                }
            },
            (Main::Send(i), Reply::NodeError(e)) if error_code(e) == Some(i64::from(PAY_IN_PROGRESS)) => {
                // Another payment for this hash (another tab, another Worker) is pending at
                // the node: ours was not sent. Never send another.
                self.set(i, AttemptStatus::Failed, None);
                let (code, message) = error_parts(e);
                self.stop_with(PayError::Rpc { code, message });
                None
            }
            (Main::Send(i), Reply::NodeError(e)) => self.failed(i, e),
            (Main::Send(i) | Main::Settle(i), Reply::TransportFailed) => self.settle_main(i),
            (Main::Settle(i), Reply::Answer(v)) => self.settled(i, v, true),
            (_, Reply::NodeError(e)) => {
                let (code, message) = error_parts(e);
                self.end_or_stop(PayError::Rpc { code, message })
            }
            (_, Reply::TransportFailed) => self.end_or_stop(PayError::Transport),
            (_, Reply::Answer(_)) => Some(self.done(None, Some(PayError::Transport))),
        }
    }

    fn stop_with(&mut self, e: PayError) {
        if self.stop.is_none() {
            self.stop = Some(e);
        }
    }

    fn set(&mut self, i: usize, status: AttemptStatus, failure: Option<RoutingFailure>) {
        let a = &mut self.attempts[i];
        a.status = status;
        if failure.is_some() {
            a.failure = failure;
        }
    }

    /// The payment ends here if nothing is out (`Some`: the end); else it stops sending and
    /// lets the rest settle (`None`: go on scheduling).
    fn end_or_stop(&mut self, e: PayError) -> Option<Step> {
        if self.attempts.iter().any(|a| a.status == AttemptStatus::Pending) {
            self.stop_with(e);
            return None;
        }
        Some(self.done(None, Some(e)))
    }
}

/// A fresh group id, from the step's random bytes: 53 bits, so it stays exact through any
/// JSON reader on the way (a node's own group ids may be larger).
fn fresh_groupid(random: &[u8; 32]) -> u64 {
    let d = crate::crypto::sha256(&[b"ln-sendpay groupid", random]);
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
