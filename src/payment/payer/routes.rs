//! Routes: asking the node for them (layers, hints, limits), reading its answer, building
//! each part's onion, and what a failure teaches the next request.

use alloc::format;
use alloc::vec::Vec;
use zeroize::Zeroize;

use super::*;

impl Payer {
    pub(super) fn find_route(&mut self, n: u32) -> Step {
        let Some(our_id) = self.our_id else { return self.done(None, Some(PayError::Transport)) };
        // A blinded payment routes to a path's introduction node, a part per path when it
        // goes in parts.
        let (path, part) = if self.cfg.blinded.is_empty() {
            (None, self.unrouted)
        } else {
            match self.pick_path(self.unrouted) {
                Some((p, part)) => (Some(p), part),
                None => {
                    // Every blinded path failed (or none takes the amount).
                    let last = self.attempts.iter().rev().find_map(|a| a.failure.clone());
                    return self.end_or_stop(PayError::TooManyAttempts(last)).unwrap_or(Step::Idle);
                }
            }
        };
        self.routing = part;
        self.routing_path = path;
        let Some((destination, amount, cltv)) = self.target_of(path, part) else {
            return self.end_or_stop(PayError::Transport).unwrap_or(Step::Idle);
        };
        // The fee budget is the payment's: what parts in flight or paid already cost is spent.
        let maxfee = Msat(self.cfg.maxfee.0.saturating_sub(self.fees_committed().0));
        match self.cfg.router {
            Router::GetRoute => {
                self.main = Main::Route;
                let exclude: Vec<Exclusion> = self.changes.iter().map(|(e, _, _)| *e).collect();
                Step::Send {
                    lane: Lane::Main,
                    stage: Stage::FindRoute(n),
                    request: rpc::getroute(&destination, amount, 10, cltv, &exclude),
                }
            }
            Router::GetRoutes => {
                let layer = self.layer();
                if (!self.changes.is_empty() || !self.hints.is_empty()) && !self.layer_created {
                    self.layer_created = true;
                    self.main = Main::Layer;
                    self.optional_inflight = true;
                    return Step::Send {
                        lane: Lane::Main,
                        stage: Stage::Layer,
                        request: rpc::askrene_create_layer(&layer),
                    };
                }
                // A hop that starts at our own node is ours: askrene knows it (xpay skips it).
                while self.hints.get(self.hint_requests / 2).is_some_and(|h| h.0 == our_id) {
                    self.hint_requests += 2;
                }
                if let Some(&(from, to, scid, policy)) = self.hints.get(self.hint_requests / 2) {
                    let create = self.hint_requests.is_multiple_of(2);
                    self.hint_requests += 1;
                    self.main = Main::Layer;
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
                    return Step::Send { lane: Lane::Main, stage: Stage::Layer, request };
                }
                if let Some(c) = self.changes.iter_mut().find(|c| !c.2) {
                    c.2 = true;
                    if let Exclusion::Channel(scid, dir) = c.0 {
                        self.main = Main::Layer;
                        return Step::Send {
                            lane: Lane::Main,
                            stage: Stage::Layer,
                            request: rpc::askrene_update_channel(&layer, scid, dir, c.1),
                        };
                    }
                    // Nodes cannot be disabled through update-channel: retry without them.
                    return self.find_route(n);
                }
                let one_part = self.one_route_per_request();
                let mut layers = alloc::vec!["auto.localchans", "auto.sourcefree"];
                if one_part && !self.maxparts_param {
                    layers.push("auto.no_mpp_support");
                }
                if self.layer_created {
                    layers.push(&layer);
                }
                self.main = Main::Route;
                // maxAttempts counts routes: no more parts than attempts are left (where the
                // node knows maxparts; an older one's split is checked when it comes).
                let left = self.cfg.max_attempts.saturating_sub(n - 1).max(1);
                let maxparts = match (one_part, self.cfg.max_parts) {
                    (true, _) => self.maxparts_param.then_some(1),
                    (false, limit) => self.maxparts_param.then(|| limit.unwrap_or(left).min(left)),
                };
                let limits =
                    rpc::RouteLimits { maxfee, final_cltv: cltv, maxdelay: Some(self.cfg.max_delay), maxparts };
                let request = rpc::getroutes(&our_id, &destination, amount, &layers, &limits);
                Step::Send { lane: Lane::Main, stage: Stage::FindRoute(n), request }
            }
        }
    }

    /// Whether a `getroutes` error is the node refusing the way we said how many parts.
    pub(super) fn refuses_parts_style(&self, e: &Value) -> bool {
        let (code, message) = error_parts(e);
        let one_part = !self.multipart();
        code == -32602
            && if one_part && !self.maxparts_param {
                has_words(&message, "auto.no_mpp_support")
            } else {
                has_words(&message, "maxparts")
            }
    }

    pub(super) fn got_routes(&mut self, v: &Value, random: &[u8; 32]) -> Option<Step> {
        let routes = match rpc::routes_answer(v) {
            Ok(r) => r,
            Err(e) => return self.end_or_stop(PayError::BadAnswer(e)),
        };
        // What the routes must deliver where: the payee and the amount, or a blinded path's
        // introduction node and the amount plus the path's fee.
        let Some((target, asked, _)) = self.target_of(self.routing_path, self.routing) else {
            return self.end_or_stop(PayError::Transport);
        };
        let blinded_fee = asked.0.saturating_sub(self.routing.0);
        let one = routes.len() == 1;
        let left = self.cfg.max_attempts.saturating_sub(self.attempts.len() as u32);
        if routes.len() as u32 > left {
            let last = self.attempts.iter().rev().find_map(|a| a.failure.clone());
            return self.end_or_stop(PayError::TooManyAttempts(last));
        }
        if routes.is_empty() || (!one && self.one_route_per_request()) {
            let e =
                crate::error::Error::Param { field: "routes".into(), expected: "one route (one part was asked for)" };
            return self.end_or_stop(PayError::BadRoute(e));
        }
        let mut delivered = 0u64;
        let mut fees = self.fees_committed().0;
        for (_, route) in &routes {
            // One route alone may deliver up to twice what was asked (the man page's rule);
            // parts add up to it exactly.
            let check = if one { route.validate(Some(asked)) } else { route.validate(None) };
            if let Err(e) = check {
                return self.end_or_stop(PayError::BadRoute(e.into()));
            }
            if route.destination() != Some(&target) {
                let e = crate::error::Error::Param { field: "route".into(), expected: "a route to the destination" };
                return self.end_or_stop(PayError::BadRoute(e));
            }
            let (Some(first), Some(last)) = (route.hops.first(), route.hops.last()) else {
                let e = crate::error::Error::Param { field: "route".into(), expected: "a hop" };
                return self.end_or_stop(PayError::BadRoute(e));
            };
            delivered = delivered.saturating_add(last.amount.0);
            fees = fees.saturating_add(first.amount.0.saturating_sub(last.amount.0)).saturating_add(blinded_fee);
            if let Err(e) = self.within_limits(route) {
                return self.end_or_stop(e);
            }
        }
        if !one && delivered != asked.0 {
            let e = crate::error::Error::Param {
                field: "routes".into(),
                expected: "parts that add up to the amount asked",
            };
            return self.end_or_stop(PayError::BadRoute(e));
        }
        // The payment's fee budget, across its parts and retries (an overpayment counts).
        let over = Msat(delivered.saturating_sub(asked.0));
        let fees = Msat(fees.saturating_add(over.0));
        if fees > self.cfg.maxfee {
            let e = PayError::TooExpensive {
                limit: "maxfee_msat",
                message: format!(
                    "the routes cost {} in fees (the payment's parts so far included), over `maxfee_msat` {}",
                    fees.to_msat_string(),
                    self.cfg.maxfee.to_msat_string()
                ),
            };
            return self.end_or_stop(e);
        }
        self.unrouted = Msat(self.unrouted.0.saturating_sub(self.routing.0));
        let routed = self.routing;
        self.batch = routes
            .into_iter()
            .map(|(_, r)| {
                let share = if one { routed } else { r.hops.last().map_or(Msat(0), |h| h.amount) };
                (r, share)
            })
            .collect();
        let (route, share) = self.batch.pop_front()?;
        self.send(route, share, random)
    }

    /// Build the onion for `route` and send it: one part of the payment.
    pub(super) fn send(&mut self, route: Route, share: Msat, random: &[u8; 32]) -> Option<Step> {
        let path = self.routing_path;
        // A blinded payment delivers its share at the end of the path; the route ends at its
        // introduction node.
        let amount = if path.is_some() { share } else { route.hops.last().map_or(Msat(0), |h| h.amount) };
        // It carries the payment alone (partid 0, as a single-part payment has always gone)
        // unless it is one of several, or others are out or paid.
        let alone = self.batch.is_empty()
            && share.0 >= self.cfg.amount.0
            && self.attempts.iter().all(|a| a.status == AttemptStatus::Failed)
            && self.attempts.iter().all(|a| a.partid == 0);
        let (partid, groupid) = if alone {
            (0, fresh_groupid(random))
        } else {
            let g = *self.set_groupid.get_or_insert_with(|| fresh_groupid(random));
            let p = self.next_partid;
            self.next_partid += 1;
            (p, g)
        };
        let mut custom_records = self.cfg.custom_records.clone();
        if let Some(k) = &self.cfg.keysend {
            custom_records.push((payload::tlv::KEYSEND_PREIMAGE, k.as_bytes().to_vec()));
        }
        let mut fin = FinalHopData {
            payment_secret: self.cfg.payment_secret,
            payment_metadata: self.cfg.payment_metadata.clone(),
            total_msat: (partid != 0).then_some(self.cfg.amount),
            custom_records,
        };
        let built = match path.map(|i| &self.cfg.blinded[i]) {
            None => payload::route_payloads(&route, self.height, &fin),
            Some(t) => payload::blinded_route_payloads(
                &route,
                self.height,
                &payload::BlindedPayment {
                    path: &t.path,
                    payinfo: t.payinfo,
                    amount: share,
                    total: self.cfg.amount,
                    // The recipient's HTLC expires at least its own delta after the
                    // introduction node's (the path's delta covers both).
                    final_cltv: self.height.saturating_add(1),
                    custom_records: &fin.custom_records,
                },
            ),
        };
        // A keysend preimage is in these copies: wiped once the payloads are built.
        fin.custom_records.iter_mut().for_each(|(_, v)| v.zeroize());
        let mut frames = match built {
            Ok(f) => f,
            Err(e) => return self.end_or_stop(PayError::BadRoute(e.into())),
        };
        let session = match SecretKey::from_bytes(random) {
            Ok(k) => k,
            Err(e) => return self.end_or_stop(PayError::BadRoute(e.into())),
        };
        let unblinded = route.hops.len();
        let layers: Vec<OnionLayer> = frames
            .iter()
            .enumerate()
            .map(|(k, f)| OnionLayer {
                node_id: f.pubkey,
                payload_length: crate::wire::read_bigsize(&f.frame, &mut 0).map_or(0, |n| n as usize),
                blinded: k >= unblinded,
            })
            .collect();
        let hops: Vec<OnionHop<'_>> = frames.iter().map(|f| OnionHop { pubkey: &f.pubkey, frame: &f.frame }).collect();
        let built = sphinx::build_onion(&session, &hops, &self.cfg.payment_hash);
        drop(hops);
        frames.iter_mut().for_each(|f| f.frame.zeroize());
        let (onion, secrets) = match built {
            Ok(x) => x,
            Err(e) => return self.end_or_stop(PayError::BadRoute(e.into())),
        };
        let n = self.attempts.len() as u32 + 1;
        let opts = rpc::SendOptions {
            label: self.cfg.label.clone(),
            groupid: Some(groupid),
            partid: (partid != 0).then_some(partid),
            total_msat: (partid != 0).then_some(self.cfg.amount),
            deliver: path.map(|_| (self.cfg.destination, share)),
            ..Default::default()
        };
        let request = rpc::sendonion(onion.as_bytes(), &route, &self.cfg.payment_hash, &opts);
        self.attempts.push(Attempt {
            number: n,
            route,
            partid,
            groupid,
            amount,
            shared_secrets: secrets,
            status: AttemptStatus::Unknown,
            failure: None,
            layers,
        });
        self.watch.push(Watch { share, path, ..Watch::default() });
        if let Some(p) = path {
            self.paths_in_use[p] = true;
        }
        let i = self.attempts.len() - 1;
        self.main = Main::Send(i);
        self.main_settles = 0;
        Some(Step::Send { lane: Lane::Main, stage: Stage::Send(n), request })
    }

    /// The route's total CLTV within `max_delay`, and the payee's final CLTV honoured: a
    /// node's route is not trusted. (Fees are checked for all the parts together.)
    #[allow(clippy::result_large_err)] // PayError is what the outcome carries anyway
    pub(super) fn within_limits(&self, route: &Route) -> Result<(), PayError> {
        let (Some(first), Some(last)) = (route.hops.first(), route.hops.last()) else {
            return Err(PayError::BadRoute(crate::error::Error::Param { field: "route".into(), expected: "a hop" }));
        };
        if first.delay > self.cfg.max_delay {
            return Err(PayError::TooExpensive {
                limit: "max_delay",
                message: format!(
                    "the route locks the payment up for {} blocks, over `max_delay` {}",
                    first.delay, self.cfg.max_delay
                ),
            });
        }
        // The payee's final CLTV, or a blinded path's delta at its introduction node.
        let need = self.target_of(self.routing_path, self.routing).map_or(self.cfg.final_cltv, |t| t.2);
        if last.delay < need {
            let e = crate::error::Error::Param {
                field: "route".into(),
                expected: "a last hop whose delay is at least the payee's final CLTV",
            };
            return Err(PayError::BadRoute(e));
        }
        Ok(())
    }

    /// What to change before the next route: the erring channel direction disabled, or — when
    /// the failure carried a verified update for the route's channel — its new policy.
    pub(super) fn blame_on(&self, route: &Route, f: &RoutingFailure) -> Option<(Exclusion, ChannelChange)> {
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

/// Whether `text` holds `words` (a byte search: `str::contains`' two-way searcher is ~2 KB of
/// wasm for two short, fixed needles in an error message).
fn has_words(text: &str, words: &str) -> bool {
    words.is_empty() || text.as_bytes().windows(words.len()).any(|w| w == words.as_bytes())
}
