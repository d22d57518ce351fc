//! Fault injection shared by every simulator: latency, server errors, 429 with Retry-After,
//! maintenance, connections dropped before or after the request was applied, and requests
//! applied late, after the client gave up on them.
//!
//! Faults are scripted (the next matching request gets this fault) or random by rates from a
//! fixed seed, so chaos runs repeat exactly. The simulator renders the error bodies itself, in
//! its provider's format, through a [`Renderer`].

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (500, 502, ...) without applying the request.
    ServerError(u16),
    /// Answer 429 with `Retry-After` without applying the request.
    RateLimited { retry_after_secs: u64 },
    /// Answer 503 (maintenance) without applying the request.
    Maintenance,
    /// Close the connection without applying the request and without an answer.
    DropBeforeApply,
    /// Apply the request, then close the connection without an answer.
    DropAfterApply,
    /// Apply the request, then answer only after this long (past a client's timeout).
    SlowAnswer(Duration),
    /// Close the connection without an answer at once, and apply the request only this long
    /// later: a request held up on its way, applied after the till gave up waiting (within
    /// the provider's settle time, for the till to find it when it looks).
    ApplyLate(Duration),
}

/// Which requests a scripted fault waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Any,
    /// POST, PUT, PATCH, DELETE.
    Writes,
}

impl Target {
    fn matches(self, method: &Method) -> bool {
        match self {
            Target::Any => true,
            Target::Writes => !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS),
        }
    }
}

/// Random faults, each a probability per request in 0.0..=1.0.
#[derive(Debug, Clone, Default)]
pub struct Rates {
    pub latency: Option<Duration>,
    pub server_error: f64,
    pub rate_limited: f64,
    pub maintenance: f64,
    pub drop_before_apply: f64,
    pub drop_after_apply: f64,
    /// Applies only to writes.
    pub slow_answer: f64,
    pub slow_answer_after: Duration,
    /// Applies only to writes.
    pub apply_late: f64,
    pub apply_late_after: Duration,
    pub retry_after_secs: u64,
}

/// Renders a fault's answer in the provider's own format.
pub type Renderer = Arc<dyn Fn(&Fault) -> Response + Send + Sync>;

#[derive(Clone)]
pub struct Faults {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    scripted: VecDeque<(Fault, Target)>,
    rates: Rates,
    rng: fastrand::Rng,
    injected: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::new(0)
    }
}

impl Faults {
    pub fn new(seed: u64) -> Self {
        Faults {
            inner: Arc::new(Mutex::new(Inner {
                scripted: VecDeque::new(),
                rates: Rates::default(),
                rng: fastrand::Rng::with_seed(seed),
                injected: 0,
            })),
        }
    }

    /// The next request that matches `target` gets `fault`; scripted faults go in order.
    pub fn inject(&self, fault: Fault, target: Target) {
        self.lock().scripted.push_back((fault, target));
    }

    pub fn set_rates(&self, rates: Rates) {
        self.lock().rates = rates;
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> u64 {
        self.lock().injected
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn pick(&self, method: &Method) -> (Option<Fault>, Option<Duration>) {
        let mut inner = self.lock();
        let latency = inner.rates.latency;
        if let Some(i) = inner.scripted.iter().position(|(_, t)| t.matches(method)) {
            inner.injected += 1;
            return (inner.scripted.remove(i).map(|(f, _)| f), latency);
        }
        let r = inner.rates.clone();
        let write = Target::Writes.matches(method);
        let mut roll = |p: f64| p > 0.0 && inner.rng.f64() < p;
        let fault = if roll(r.server_error) {
            Some(Fault::ServerError(500))
        } else if roll(r.rate_limited) {
            Some(Fault::RateLimited {
                retry_after_secs: r.retry_after_secs,
            })
        } else if roll(r.maintenance) {
            Some(Fault::Maintenance)
        } else if roll(r.drop_before_apply) {
            Some(Fault::DropBeforeApply)
        } else if write && roll(r.drop_after_apply) {
            Some(Fault::DropAfterApply)
        } else if write && roll(r.slow_answer) {
            Some(Fault::SlowAnswer(r.slow_answer_after))
        } else if write && roll(r.apply_late) {
            Some(Fault::ApplyLate(r.apply_late_after))
        } else {
            None
        };
        if fault.is_some() {
            inner.injected += 1;
        }
        (fault, latency)
    }

    /// Wraps a simulator's router so that every request passes through the fault plan.
    pub fn layer(&self, router: axum::Router, render: Renderer) -> axum::Router {
        router.layer(middleware::from_fn_with_state(
            (self.clone(), render),
            inject_faults,
        ))
    }
}

/// Ends the connection task without an answer. The unwind is caught by the server's task and
/// the socket is closed; `resume_unwind` skips the panic hook, so nothing is printed.
fn drop_connection() -> ! {
    std::panic::resume_unwind(Box::new("kassa-sim: injected connection drop"))
}

async fn inject_faults(
    State((faults, render)): State<(Faults, Renderer)>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let (fault, latency) = faults.pick(request.method());
    if let Some(latency) = latency {
        tokio::time::sleep(latency).await;
    }
    match fault {
        None => next.run(request).await,
        Some(Fault::DropBeforeApply) => drop_connection(),
        Some(Fault::DropAfterApply) => {
            let _applied = next.run(request).await;
            drop_connection()
        }
        Some(Fault::SlowAnswer(after)) => {
            let response = next.run(request).await;
            tokio::time::sleep(after).await;
            response
        }
        Some(Fault::ApplyLate(after)) => {
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                let _applied = next.run(request).await;
            });
            drop_connection()
        }
        Some(fault) => render(&fault),
    }
}

/// A plain rendering, for simulators whose provider documents no error body for a status.
pub fn plain(fault: &Fault) -> Response {
    let (status, retry_after) = match fault {
        Fault::ServerError(code) => (
            StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            None,
        ),
        Fault::RateLimited { retry_after_secs } => {
            (StatusCode::TOO_MANY_REQUESTS, Some(*retry_after_secs))
        }
        _ => (StatusCode::SERVICE_UNAVAILABLE, None),
    };
    let mut response = Response::new(Body::from(status.canonical_reason().unwrap_or("error")));
    *response.status_mut() = status;
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("Retry-After", secs.to_string().parse().expect("digits"));
    }
    response
}
