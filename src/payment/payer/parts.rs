//! The parts in flight: their waits and settles, what the node says of each, and what a
//! failure means for the rest of the payment.

use alloc::string::String;

use super::*;

impl Payer {
    /// A reply on a part's lane (its waitsendpay, or the listsendpays settling it).
    pub(super) fn on_part(&mut self, number: u32, reply: Reply<'_>) -> Option<Step> {
        let i = (number as usize).checked_sub(1).filter(|&i| i < self.attempts.len() && self.watch[i].out)?;
        let settling = self.watch[i].settling;
        self.watch[i].out = false;
        self.watch[i].settling = false;
        match (settling, reply) {
            (false, Reply::Answer(v)) => match rpc::payment(v, "") {
                Ok(p) => self.answered(i, &p),
                Err(e) => {
                    // Unreadable: its fate unknown; asked again (within the waits allowed).
                    self.stop_with(PayError::BadAnswer(e));
                    self.set(i, AttemptStatus::Unknown, None);
                    None
                }
            },
            (false, Reply::NodeError(e)) => self.failed(i, e),
            (true, Reply::Answer(v)) => self.settled(i, v, false),
            (_, Reply::TransportFailed) | (true, Reply::NodeError(_)) => {
                self.watch[i].settles += 1;
                if self.watch[i].settles > SETTLE_TRIES {
                    // Its fate unknown: it stays recorded so; the payment cannot say it is paid.
                    self.stop_with(PayError::Transport);
                    self.finish_part(i);
                    return None;
                }
                self.watch[i].settling = true;
                None
            }
        }
    }

    /// A part is settled one way or the other (or given up on): its reservation goes.
    pub(super) fn finish_part(&mut self, i: usize) {
        self.watch[i].done = true;
        if self.watch[i].reserved && self.reservations {
            self.jobs.push_back(Job::Unreserve(i));
        }
        self.watch[i].reserved = false;
    }

    /// A payment answer for part `i`: complete only with proof.
    pub(super) fn answered(&mut self, i: usize, p: &rpc::Payment) -> Option<Step> {
        if let Err(e) = rpc::check_proof(p, &self.cfg.payment_hash) {
            if p.status != PaymentStatus::Complete {
                let field = String::from("payment_hash");
                self.stop_with(PayError::BadAnswer(AnswerError { field, expected: "our payment hash" }));
                self.set(i, AttemptStatus::Unknown, None);
                self.finish_part(i);
                return None;
            }
            self.set(i, AttemptStatus::Disputed, None);
            self.finish_part(i);
            // Disputed wins over anything else: nothing more is sent for this hash.
            self.stop = Some(PayError::Disputed(e));
            self.preimage = None;
            return None;
        }
        match p.status {
            PaymentStatus::Complete => {
                self.set(i, AttemptStatus::Complete, None);
                self.finish_part(i);
                if !matches!(self.stop, Some(PayError::Disputed(_))) {
                    self.preimage = p.payment_preimage;
                }
                None
            }
            _ => {
                self.set(i, AttemptStatus::Pending, None);
                // A part among others holds its amounts while it is out.
                if self.attempts[i].partid != 0 && self.reservations && !self.watch[i].reserve_queued {
                    self.watch[i].reserve_queued = true;
                    self.jobs.push_back(Job::Reserve(i));
                }
                // The scheduler sends its wait.
                None
            }
        }
    }

    /// Part `i`'s waitsendpay (or its settling listsendpays); `None` when every wait allowed
    /// is spent (it stays unknown).
    pub(super) fn wait(&mut self, i: usize) -> Option<Step> {
        let w = &mut self.watch[i];
        w.out = true;
        let a = &self.attempts[i];
        let n = a.number;
        if w.settling {
            return Some(Step::Send {
                lane: Lane::Part(n),
                stage: Stage::Settle(n),
                request: rpc::listsendpays(Some(&self.cfg.payment_hash)),
            });
        }
        w.waits += 1;
        if w.waits > WAIT_TRIES {
            // The node keeps saying "still pending" (or nothing readable) past every wait allowed.
            w.out = false;
            self.attempts[i].status = AttemptStatus::Unknown;
            self.stop_with(PayError::Transport);
            self.finish_part(i);
            return None;
        }
        let timeout = self.cfg.wait_timeout.min(self.time_left.unwrap_or(u32::MAX)).max(1);
        let partid = Some(a.partid).filter(|&p| p != 0);
        Some(Step::Send {
            lane: Lane::Part(n),
            stage: Stage::Wait(n),
            request: rpc::waitsendpay(&self.cfg.payment_hash, Some(timeout), partid, Some(a.groupid)),
        })
    }

    pub(super) fn settle_main(&mut self, i: usize) -> Option<Step> {
        self.main_settles += 1;
        if self.main_settles > SETTLE_TRIES || self.out_of_time() {
            // The send's fate is unknown: it stays recorded so.
            self.set(i, AttemptStatus::Unknown, None);
            let e = if self.out_of_time() { PayError::Timeout { in_flight: true } } else { PayError::Transport };
            if self.attempts.iter().enumerate().any(|(j, a)| j != i && a.status == AttemptStatus::Pending) {
                self.stop_with(e);
                return None;
            }
            return Some(self.done(None, Some(e)));
        }
        self.main = Main::Settle(i);
        let n = self.attempts[i].number;
        Some(Step::Send {
            lane: Lane::Main,
            stage: Stage::Settle(n),
            request: rpc::listsendpays(Some(&self.cfg.payment_hash)),
        })
    }

    /// What `listsendpays` says of part `i` (its partid and group).
    pub(super) fn settled(&mut self, i: usize, v: &Value, main: bool) -> Option<Step> {
        let payments = match rpc::payments(v) {
            Ok(p) => p,
            Err(e) => {
                self.stop_with(PayError::BadAnswer(e));
                self.set(i, AttemptStatus::Unknown, None);
                return None;
            }
        };
        let (partid, groupid) = (self.attempts[i].partid, self.attempts[i].groupid);
        let ours =
            payments.iter().filter(|p| p.partid == partid && p.groupid == groupid).max_by_key(|p| p.created_index);
        match ours {
            Some(p) if p.status == PaymentStatus::Complete => self.answered(i, p),
            // Pending, or failed: waitsendpay tells the outcome (and the failure).
            Some(_) => {
                self.set(i, AttemptStatus::Pending, None);
                None
            }
            None if main => {
                // Never reached the node: route its amount again.
                self.set(i, AttemptStatus::Failed, None);
                self.unrouted = Msat(self.unrouted.0.saturating_add(self.watch[i].share.0));
                None
            }
            None => {
                self.set(i, AttemptStatus::Failed, None);
                self.finish_part(i);
                self.unrouted = Msat(self.unrouted.0.saturating_add(self.watch[i].share.0));
                None
            }
        }
    }

    /// A node error for part `i` (its send or its wait).
    pub(super) fn failed(&mut self, i: usize, e: &Value) -> Option<Step> {
        let route = self.attempts[i].route.clone();
        let secrets = self.attempts[i].shared_secrets.clone();
        // A blinded attempt's onion goes on past the route (which names its first hops).
        let path = self.watch[i].path;
        match rpc::node_error(e, Some(&route), Some(&secrets)) {
            Err(e) => {
                self.stop_with(PayError::BadAnswer(e));
                self.set(i, AttemptStatus::Unknown, None);
                self.finish_part(i);
                None
            }
            // waitsendpay's "Timed out while waiting": still pending; ask again.
            Ok(NodeError::Rpc { code: 200, .. }) => {
                self.set(i, AttemptStatus::Pending, None);
                None
            }
            Ok(NodeError::Rpc { code, message, .. }) => {
                self.set(i, AttemptStatus::Failed, None);
                self.finish_part(i);
                self.stop_with(PayError::Rpc { code, message });
                None
            }
            Ok(NodeError::Routing(f)) => {
                self.set(i, AttemptStatus::Failed, Some(f.clone()));
                self.finish_part(i);
                // Inside a blinded path only its introduction node answers (BOLT 4:
                // invalid_onion_blinding): the path failed, try the next one.
                if let Some(p) = path
                    && f.erring_index.is_some_and(|k| k as usize >= route.hops.len())
                {
                    self.failed_paths[p] = true;
                    self.paths_in_use[p] = false;
                    let share = self.watch[i].share;
                    if self.pick_path(Msat(self.unrouted.0.saturating_add(share.0))).is_some()
                        && (f.code == PAY_TRY_OTHER_ROUTE
                            || f.erring_index.is_some_and(|k| (k as usize) < secrets.len()))
                    {
                        self.unrouted = Msat(self.unrouted.0.saturating_add(share.0));
                    } else {
                        self.stop_with(PayError::Routing(f));
                    }
                    return None;
                }
                let at_destination = f.erring_index.is_some_and(|k| k as usize == secrets.len());
                let retry = f.code == PAY_TRY_OTHER_ROUTE || f.code == crate::failure::PAY_UNPARSEABLE_ONION;
                if at_destination && f.failcode == Some(WIRE_MPP_TIMEOUT) {
                    // The payee gave up waiting for the other parts: send this part again.
                    self.unrouted = Msat(self.unrouted.0.saturating_add(self.watch[i].share.0));
                    return None;
                }
                match self.blame_on(&route, &f) {
                    Some(change) if retry && !at_destination => {
                        self.changes.push((change.0, change.1, false));
                        self.unrouted = Msat(self.unrouted.0.saturating_add(self.watch[i].share.0));
                        None
                    }
                    _ => {
                        self.stop_with(PayError::Routing(f));
                        None
                    }
                }
            }
        }
    }
}
