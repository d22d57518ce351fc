//! The executor loop: claims due operations per provider up to that provider's concurrency,
//! sends them (or reconciles the unknown ones) through an [`OpExecutor`], and writes each
//! outcome before taking the next step. No provider write happens anywhere else (docs/design.md §4.1).

use super::model::{
    after_reconcile, after_send, bounded, Backoff, Op, OpOutcome, OpState, Reconciled, Transition,
};
use super::queue::Flushed;
use super::watchdog::WatchdogConfig;
use crate::clock::{Clock, SystemClock};
use crate::provider::{ProviderError, ProviderId};
use crate::store::{Store, StoreError};
use async_trait::async_trait;
use backon::BackoffBuilder;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;

/// What a provider client offers the outbox: the provider's side of each kind of operation.
/// Implemented in `kassa-providers`, one per provider.
#[async_trait]
pub trait OpExecutor: Send + Sync {
    fn provider(&self) -> ProviderId;

    /// Sends the operation, with its id as the idempotency key (or our reference where the
    /// provider has no key).
    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError>;

    /// Settles an operation whose outcome is unknown. Providers with an idempotency key answer
    /// [`Reconciled::NotApplied`] without asking (sending again with the same key is safe);
    /// the others read their records first (docs/design.md §4.2).
    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError>;

    /// Whether sending `op` again with the same key is answered as the first time (the
    /// provider dedupes this kind by our idempotency key), so that losing its claim or outcome
    /// to a power cut is harmless: then the engine's flush of it may skip the disk flush
    /// (`queue::flush`). `false` unless the provider's contract says so for the kind.
    fn resend_is_safe(&self, _op: &Op) -> bool {
        false
    }

    /// At most this many operations per window (the provider's rate limit), if it has one.
    fn rate_budget(&self) -> Option<(u32, Duration)> {
        None
    }

    /// How long after a send without an answer the provider may still apply it. The engine
    /// does not reconcile an unknown outcome sooner: a provider without an idempotency key
    /// could otherwise apply the first request after the reconciliation found nothing, and the
    /// second one too.
    fn settle_time(&self) -> Duration {
        Duration::ZERO
    }
}

/// Exponential backoff with jitter (the `backon` crate), by attempt number.
#[derive(Debug, Clone)]
pub struct ExpBackoff {
    builder: backon::ExponentialBuilder,
}

impl ExpBackoff {
    /// Delays from `min` doubling up to `max`, each with a random jitter of up to `min`.
    pub fn new(min: Duration, max: Duration) -> Self {
        ExpBackoff {
            builder: backon::ExponentialBuilder::new()
                .with_min_delay(min)
                .with_max_delay(max)
                .with_factor(2.0)
                .with_jitter()
                .without_max_times(),
        }
    }
}

impl Backoff for ExpBackoff {
    fn delay(&self, attempts: u32) -> Duration {
        self.builder
            .build()
            .nth(attempts.saturating_sub(1) as usize)
            .unwrap_or_default()
    }
}

/// How the engine paces itself.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Requests in flight at once per provider (when not set per provider).
    pub concurrency: usize,
    pub concurrency_per_provider: BTreeMap<ProviderId, usize>,
    /// The first retry's delay; it doubles from there.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// How often to look for newly due work while waiting.
    pub poll: Duration,
    /// An outcome still unknown after this many attempts goes to the review list.
    pub max_unknown_attempts: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            concurrency: 4,
            concurrency_per_provider: BTreeMap::new(),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            poll: Duration::from_secs(1),
            max_unknown_attempts: 20,
        }
    }
}

/// What a run did, by outcome of each step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunStats {
    pub steps: u64,
    pub succeeded: u64,
    pub declined: u64,
    pub retried: u64,
    pub unknown: u64,
    pub to_review: u64,
    /// Flushes of outcomes and claims, and how many of them were committed without a disk
    /// flush (every operation in them safe to send again: `queue::flush`).
    pub flushes: u64,
    pub unsynced_flushes: u64,
}

impl RunStats {
    fn count(&mut self, transition: &Transition) {
        self.steps += 1;
        match transition {
            Transition::Succeeded(_) => self.succeeded += 1,
            Transition::Declined { .. } => self.declined += 1,
            Transition::Retry { .. } => self.retried += 1,
            Transition::Unknown { .. } => self.unknown += 1,
            Transition::Review { .. } => self.to_review += 1,
        }
    }
}

/// How a provider answered lately: the status bar's health light.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Its latest answer was an answer (success or refusal).
    Up,
    /// Its latest request failed in transport or was turned away (5xx, 429).
    Down,
}

pub struct Engine {
    store: Arc<Store>,
    executors: BTreeMap<ProviderId, Arc<dyn OpExecutor>>,
    config: EngineConfig,
    backoff: Arc<ExpBackoff>,
    clock: Arc<dyn Clock>,
    health: watch::Sender<BTreeMap<ProviderId, Health>>,
    activity: Arc<Notify>,
    link: OutboxLink,
    written: watch::Sender<u64>,
    watchdog: Option<WatchdogConfig>,
}

/// What a use case that waits for its operations holds of the engine: a nudge that makes the
/// engine claim new work at once, and a counter bumped each time it has written outcomes.
#[derive(Clone)]
pub struct OutboxLink {
    wake: Arc<Notify>,
    written: watch::Receiver<u64>,
}

impl OutboxLink {
    /// A link to no engine: nudges go nowhere and nothing is ever written (tests of what needs
    /// no provider).
    #[cfg(test)]
    pub(crate) fn detached() -> Self {
        OutboxLink {
            wake: Arc::new(Notify::new()),
            written: watch::channel(0).1,
        }
    }

    /// Tells the engine that new operations are due.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Resolves once the engine has written outcomes since the last call, or never when no
    /// engine runs.
    pub async fn written(&mut self) {
        if self.written.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Engine {
    pub fn new(store: Arc<Store>, config: EngineConfig) -> Self {
        let (written, written_rx) = watch::channel(0);
        Engine {
            link: OutboxLink {
                wake: Arc::new(Notify::new()),
                written: written_rx,
            },
            written,
            store,
            executors: BTreeMap::new(),
            backoff: Arc::new(ExpBackoff::new(config.min_backoff, config.max_backoff)),
            config,
            clock: Arc::new(SystemClock),
            health: watch::channel(BTreeMap::new()).0,
            activity: Arc::new(Notify::new()),
            watchdog: None,
        }
    }

    /// Runs the hold watchdog on start and every `config.interval` while running.
    pub fn with_watchdog(mut self, config: WatchdogConfig) -> Self {
        self.watchdog = Some(config);
        self
    }

    /// Runs the engine on another clock (tests of expiry).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Adds the executor of one provider; operations of providers without one wait.
    pub fn with_executor(mut self, executor: Arc<dyn OpExecutor>) -> Self {
        self.executors.insert(executor.provider(), executor);
        self
    }

    /// Each provider's health as the engine last saw it.
    pub fn health(&self) -> watch::Receiver<BTreeMap<ProviderId, Health>> {
        self.health.subscribe()
    }

    /// Notified each time the engine has written outcomes or watched the holds: the queue's
    /// figures may have changed. One waiter (the status bar's feed).
    pub fn activity(&self) -> Arc<Notify> {
        self.activity.clone()
    }

    /// The link a use case waits on for its operations' outcomes.
    pub fn link(&self) -> OutboxLink {
        self.link.clone()
    }

    fn concurrency(&self, provider: ProviderId) -> usize {
        self.config
            .concurrency_per_provider
            .get(&provider)
            .copied()
            .unwrap_or(self.config.concurrency)
            .max(1)
    }

    /// Works until nothing is left that the engine can do by itself: what remains waits for a
    /// person (the review list) or for a provider without an executor.
    pub async fn run_until_idle(&self) -> Result<RunStats, StoreError> {
        let (_keep, stop) = watch::channel(false);
        self.drive(Until::Idle, stop).await
    }

    /// One pass (`kassa sync --once`): sends what is due now and what falls due while answers
    /// are still awaited, then returns as soon as nothing is in flight and nothing is due —
    /// it never sleeps out a retry's delay (up to `max_backoff`, or a provider's `Retry-After`).
    /// What is left stays queued for the next run.
    pub async fn run_once(&self) -> Result<RunStats, StoreError> {
        let (_keep, stop) = watch::channel(false);
        self.drive(Until::Pass, stop).await
    }

    /// Works until `stop` turns true, then lets the requests in flight finish and returns.
    pub async fn run(&self, stop: watch::Receiver<bool>) -> Result<RunStats, StoreError> {
        self.drive(Until::Stopped, stop).await
    }

    async fn drive(
        &self,
        mode: Until,
        mut stop: watch::Receiver<bool>,
    ) -> Result<RunStats, StoreError> {
        let recovered = self.store.recover_in_flight(|provider| {
            self.executors
                .get(&provider)
                .map_or(Duration::ZERO, |e| e.settle_time())
        })?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "operations were in flight when Kassa stopped: reconciling them"
            );
        }
        let permits: BTreeMap<ProviderId, Arc<Semaphore>> = self
            .executors
            .keys()
            .map(|p| (*p, Arc::new(Semaphore::new(self.concurrency(*p)))))
            .collect();
        let mut tasks: JoinSet<(Op, Transition)> = JoinSet::new();
        // Outcomes of finished steps, written with the next flush.
        let mut finished: Vec<(Op, Transition)> = Vec::new();
        // The flush under way, if any: at most one, on a blocking thread, while the steps in
        // flight go on and those that finish meanwhile wait in `finished` for the next one.
        let mut flushing: Option<tokio::task::JoinHandle<FlushResult>> = None;
        // Whether a claim may find due work that the latest one did not: at the start, after a
        // nudge or a poll's wait, and after a claim that got all it asked for.
        let mut claim_again = true;
        let mut stats = RunStats::default();
        let mut watched: Option<std::time::Instant> = None;
        // When each provider's recent operations were claimed, for its rate budget.
        let mut claimed_at: BTreeMap<ProviderId, VecDeque<std::time::Instant>> = BTreeMap::new();
        loop {
            let stopping = *stop.borrow();
            if flushing.is_none() {
                if stopping && tasks.is_empty() && finished.is_empty() {
                    return Ok(stats);
                }
                if let Some(config) = &self.watchdog {
                    if watched.is_none_or(|at| at.elapsed() >= config.interval) {
                        self.store.watch_holds(self.clock.now(), config)?;
                        watched = Some(std::time::Instant::now());
                        self.activity.notify_one();
                    }
                }
                // The soonest a provider out of budget may send again.
                let mut budget_wait: Option<Duration> = None;
                // How many each provider may take now: its free permits, within its budget.
                // Outcomes always come with the claim of the work that replaces them.
                let mut wants = Vec::with_capacity(self.executors.len());
                if !stopping && (claim_again || !finished.is_empty()) {
                    for (provider, executor) in &self.executors {
                        let mut free = permits[provider].available_permits();
                        let recent = claimed_at.entry(*provider).or_default();
                        if let Some((limit, window)) = executor.rate_budget() {
                            while recent.front().is_some_and(|t| t.elapsed() >= window) {
                                recent.pop_front();
                            }
                            free = free.min((limit as usize).saturating_sub(recent.len()));
                            if free == 0 {
                                let oldest = recent.front().map_or(Duration::ZERO, |t| t.elapsed());
                                let wait =
                                    window.saturating_sub(oldest).max(Duration::from_millis(1));
                                budget_wait = Some(budget_wait.map_or(wait, |w| w.min(wait)));
                            }
                        }
                        wants.push((*provider, free));
                    }
                }
                if !finished.is_empty() || wants.iter().any(|(_, free)| *free > 0) {
                    // The outcomes that arrived and every provider's new work: one flush.
                    flushing = Some(self.record_and_claim(
                        std::mem::take(&mut finished),
                        wants,
                        self.clock.now(),
                    ));
                    claim_again = false;
                } else if tasks.is_empty() {
                    let wait = match self.next_due()? {
                        None if mode != Until::Stopped => return Ok(stats),
                        Some(at) if mode == Until::Pass && at > self.clock.now() => {
                            return Ok(stats)
                        }
                        None => self.config.poll,
                        Some(at) => {
                            let until = at - self.clock.now();
                            let due = Duration::try_from(until).unwrap_or_default();
                            // Due now but out of budget: wait for the budget, not in a busy
                            // loop.
                            due.max(budget_wait.unwrap_or_default())
                                .min(self.config.poll)
                        }
                    };
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop_signal(&mut stop) => {}
                        _ = self.link.wake.notified() => {}
                    }
                    claim_again = true;
                    continue;
                }
            }
            tokio::select! {
                flushed = async { flushing.as_mut().expect("polled only while flushing").await },
                    if flushing.is_some() =>
                {
                    flushing = None;
                    let (written, wants, flushed) = flushed
                        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
                    let claimed = flushed.claimed;
                    if !written.is_empty() || claimed.iter().any(|ops| !ops.is_empty()) {
                        stats.flushes += 1;
                        stats.unsynced_flushes += u64::from(!flushed.synced);
                    }
                    if !written.is_empty() {
                        self.written.send_modify(|n| *n += 1);
                        self.activity.notify_one();
                        for (_, transition) in &written {
                            stats.count(transition);
                        }
                    }
                    // A claim that got all it asked for may have left more due work; so may a
                    // nudge that came while it was under way (kept: it may have come too late
                    // for the claim to see its operations).
                    claim_again |= wants
                        .iter()
                        .zip(&claimed)
                        .any(|((_, free), ops)| *free > 0 && ops.len() == *free);
                    for ((provider, _), ops) in wants.iter().zip(claimed) {
                        let executor = &self.executors[provider];
                        let recent = claimed_at.entry(*provider).or_default();
                        for op in ops {
                            recent.push_back(std::time::Instant::now());
                            // Permits are taken only here, and the claim asked for no more
                            // than were free when it started.
                            let permit = permits[provider]
                                .clone()
                                .try_acquire_owned()
                                .expect("claimed no more than the free permits");
                            let step = Step {
                                executor: executor.clone(),
                                backoff: self.backoff.clone(),
                                max_unknown_attempts: self.config.max_unknown_attempts,
                                health: self.health.clone(),
                            };
                            tasks.spawn(async move {
                                let _permit = permit;
                                step.run_guarded(op).await
                            });
                        }
                    }
                }
                Some(joined) = tasks.join_next() => {
                    // Group commit: the steps finished by now go into the next flush, with the
                    // claim of the work that replaces them. A step's panic is caught inside it
                    // (`run_guarded`); a join fails only if the runtime is going away.
                    let mut next = Some(joined);
                    while let Some(joined) = next {
                        match joined {
                            Ok(outcome) => finished.push(outcome),
                            Err(e) => tracing::error!(error = %e, "an outbox step was lost"),
                        }
                        next = tasks.try_join_next();
                    }
                }
                _ = tokio::time::sleep(self.config.poll) => claim_again = true,
                _ = stop_signal(&mut stop) => {}
                _ = self.link.wake.notified() => claim_again = true,
            }
        }
    }

    /// [`Store::flush`] on a blocking thread: its disk flush would stall the runtime's thread,
    /// and with it the requests in flight. Each operation's provider says whether it may skip
    /// the disk flush. Gives the outcomes and what was asked back.
    fn record_and_claim(
        &self,
        outcomes: Vec<(Op, Transition)>,
        wants: Vec<(ProviderId, usize)>,
        now: time::OffsetDateTime,
    ) -> tokio::task::JoinHandle<FlushResult> {
        let store = self.store.clone();
        let executors = self.executors.clone();
        tokio::task::spawn_blocking(move || {
            let resend_is_safe = |op: &Op| {
                executors
                    .get(&op.provider)
                    .is_some_and(|e| e.resend_is_safe(op))
            };
            let flushed = store.flush(&outcomes, &wants, now, &resend_is_safe)?;
            Ok((outcomes, wants, flushed))
        })
    }

    fn next_due(&self) -> Result<Option<time::OffsetDateTime>, StoreError> {
        let mut next = None;
        for provider in self.executors.keys() {
            if let Some(at) = self.store.next_due(*provider)? {
                next = Some(next.map_or(at, |n: time::OffsetDateTime| n.min(at)));
            }
        }
        Ok(next)
    }
}

/// What a flush wrote and claimed: the outcomes, what each provider asked for, and the claims.
type FlushResult = Result<(Vec<(Op, Transition)>, Vec<(ProviderId, usize)>, Flushed), StoreError>;

/// When [`Engine::drive`] returns (besides when asked to stop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    /// Only when stopped.
    Stopped,
    /// When nothing is left but what waits for a person.
    Idle,
    /// When nothing is in flight and nothing is due now.
    Pass,
}

/// Resolves when `stop` changes; never, once its sender is gone (nobody can ask to stop).
async fn stop_signal(stop: &mut watch::Receiver<bool>) {
    if stop.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// One send or reconciliation of one claimed operation; the engine records its outcome.
struct Step {
    executor: Arc<dyn OpExecutor>,
    backoff: Arc<ExpBackoff>,
    max_unknown_attempts: u32,
    health: watch::Sender<BTreeMap<ProviderId, Health>>,
}

impl Step {
    /// [`Step::run`], with a panic (a bug in a client) caught: the operation goes to the review
    /// list with what is known, and the engine runs on.
    async fn run_guarded(self, op: Op) -> (Op, Transition) {
        let kept = op.clone();
        match tokio::spawn(self.run(op)).await {
            Ok(outcome) => outcome,
            Err(e) => {
                let why = match e.try_into_panic() {
                    Ok(panic) => panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "a panic".into()),
                    Err(e) => e.to_string(),
                };
                tracing::error!(op = %kept.id, provider = %kept.provider, %why, "an outbox step failed");
                let reason = format!(
                    "The till failed while {} this ({why}): it may or may not have reached {}; check there.",
                    if kept.state == OpState::Sending { "sending" } else { "checking" },
                    kept.provider.display_name()
                );
                (kept, Transition::Review { reason })
            }
        }
    }

    async fn run(self, op: Op) -> (Op, Transition) {
        let (transition, error) = if op.state == OpState::Sending {
            let result = self.executor.execute(&op).await;
            let mut transition = after_send(&result, op.attempts, self.backoff.as_ref());
            if let Transition::Unknown { delay, .. } = &mut transition {
                *delay = (*delay).max(self.executor.settle_time());
            }
            (transition, result.err())
        } else {
            let result = self.executor.reconcile(&op).await;
            (
                after_reconcile(&result, op.attempts, self.backoff.as_ref()),
                result.err(),
            )
        };
        let transition = bounded(transition, op.attempts, self.max_unknown_attempts);
        let health = match &error {
            Some(e) if e.is_retryable() => Health::Down,
            Some(ProviderError::OutcomeUnknown { .. }) => Health::Down,
            _ => Health::Up,
        };
        self.health
            .send_if_modified(|map| map.insert(op.provider, health) != Some(health));
        match &transition {
            Transition::Succeeded(_) => {
                tracing::info!(op = %op.id, provider = %op.provider, kind = %op.kind, "operation done")
            }
            Transition::Declined { reason } => {
                tracing::warn!(op = %op.id, provider = %op.provider, kind = %op.kind, %reason, "operation refused: to review")
            }
            Transition::Review { reason } => {
                tracing::warn!(op = %op.id, provider = %op.provider, kind = %op.kind, %reason, "outcome cannot be settled: to review")
            }
            Transition::Retry { delay, error } | Transition::Unknown { delay, error } => {
                tracing::debug!(op = %op.id, provider = %op.provider, ?delay, %error, "operation to try again")
            }
        }
        (op, transition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::outbox::{NewOp, OpKind};

    /// Succeeds, except on the card `BOOM`, where it panics (a bug in a client).
    struct Fragile;

    /// A Leat redemption of 1.00 on each card, queued in this order.
    fn redemptions(store: &Store, cards: [&str; 2]) -> [NewOp; 2] {
        let eur = Currency::try_from("EUR".to_string()).unwrap();
        let ops = cards.map(|card| {
            NewOp::new(
                ProviderId::Leat,
                OpKind::Redeem,
                Some(card),
                Money::new(100, eur.clone()),
            )
        });
        store.enqueue(&ops).unwrap();
        ops
    }

    #[async_trait]
    impl OpExecutor for Fragile {
        fn provider(&self) -> ProviderId {
            ProviderId::Leat
        }
        async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
            assert_ne!(op.card_code.as_deref(), Some("BOOM"), "index out of range");
            Ok(OpOutcome::default())
        }
        async fn reconcile(&self, _op: &Op) -> Result<Reconciled, ProviderError> {
            Ok(Reconciled::NotApplied)
        }
    }

    #[tokio::test]
    async fn a_panic_in_one_step_sends_that_operation_to_review_and_the_engine_runs_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let [boom, fine] = redemptions(&store, ["BOOM", "OK"]);
        let engine =
            Engine::new(store.clone(), EngineConfig::default()).with_executor(Arc::new(Fragile));
        let stats = engine.run_until_idle().await.unwrap();
        assert_eq!(stats.succeeded, 1);
        assert_eq!(stats.to_review, 1);
        assert_eq!(
            store.op(&fine.id).unwrap().unwrap().state,
            OpState::Succeeded
        );
        let review = store.review_list().unwrap();
        assert_eq!(review.len(), 1);
        assert_eq!(review[0].op.id, boom.id);
        assert!(
            review[0].reason.contains("index out of range"),
            "{}",
            review[0].reason
        );
    }

    /// Succeeds, except on the card `DOWN`, which its provider answers with a 503.
    struct HalfDown;

    #[async_trait]
    impl OpExecutor for HalfDown {
        fn provider(&self) -> ProviderId {
            ProviderId::Leat
        }
        async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
            if op.card_code.as_deref() == Some("DOWN") {
                return Err(ProviderError::Unavailable {
                    message: "503".into(),
                    retry_after: Some(Duration::from_secs(3_600)),
                });
            }
            Ok(OpOutcome::default())
        }
        async fn reconcile(&self, _op: &Op) -> Result<Reconciled, ProviderError> {
            Ok(Reconciled::NotApplied)
        }
    }

    #[tokio::test]
    async fn one_pass_sends_what_is_due_and_does_not_sleep_out_a_retry() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let [down, fine] = redemptions(&store, ["DOWN", "OK"]);
        let engine =
            Engine::new(store.clone(), EngineConfig::default()).with_executor(Arc::new(HalfDown));
        let stats = engine.run_once().await.unwrap();
        assert_eq!((stats.succeeded, stats.retried), (1, 1));
        assert_eq!(
            store.op(&fine.id).unwrap().unwrap().state,
            OpState::Succeeded
        );
        let left = store.op(&down.id).unwrap().unwrap();
        assert_eq!(left.state, OpState::Pending, "left for the next run");
        assert_eq!(left.attempts, 1, "sent once, its retry an hour away");
    }
}
