//! `kassa sale`, `kassa sale show` and `kassa sales`: the checkout from the command line,
//! through the same core as the sale screen (`kassa_core::checkout::Checkout`).
//!
//! `kassa sale` runs the outbox engine in its own process while it works, since Complete waits
//! for the providers' answers; once the sale is paid (or abandoned) it lets the engine work a
//! bounded while more, then stops it after the requests in flight. What is still queued then
//! stays for `kassa sync` or the window. Before it starts, it settles the sales an earlier,
//! killed `kassa sale` left unfinished.

use crate::boot::Booted;
use crate::cli::{fail, open_store, with_outbox};
use crate::dto::{ErrorCode, ErrorDto};
use crate::paths::Paths;
use crate::sale_args::{parse_all, LineSpec, PaySpec, SaleCommand};
// cli.rs takes the arguments from here, with the commands that run them.
pub use crate::sale_args::{SaleArgs, SalesArgs};
use crate::sale_dto::SaleDto;
use kassa_core::checkout::{
    Checkout, CheckoutError, Completion, OpProgress, Sale, SaleState, Tender, TenderKind,
};
use kassa_core::config::Config;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Op, OpState};
use kassa_core::store::Store;
use serde_json::{json, Value};
use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// After the sale, the engine works at most this long more on its operations.
const AFTER_SALE: Duration = Duration::from_secs(5);

fn money(minor: i64, currency: &Currency) -> String {
    Money::new(minor, currency.clone()).to_string()
}

fn time_text(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// Every operation a sale names: (tender id, role, op id).
fn sale_ops(sale: &Sale) -> Vec<(Option<String>, &'static str, String)> {
    let mut out = Vec::new();
    for t in &sale.tenders {
        let charge = if t.is_held_kind() { "hold" } else { "charge" };
        for (role, id) in [
            (charge, &t.op_id),
            ("confirm", &t.confirm_op_id),
            ("undo", &t.undo_op_id),
        ] {
            if let Some(id) = id {
                out.push((Some(t.id.clone()), role, id.clone()));
            }
        }
    }
    if let Some(id) = &sale.record_op_id {
        out.push((None, "record", id.clone()));
    }
    out
}

fn op_json(tender: &Option<String>, role: &str, op: &Op) -> Value {
    json!({
        "tender_id": tender,
        "role": role,
        "id": op.id,
        "provider": op.provider.as_str(),
        "kind": op.kind.as_str(),
        "amount_minor": op.amount.minor,
        "state": op.state.as_str(),
        "attempts": op.attempts,
        "last_error": op.last_error,
        "review_reason": op.review_reason,
    })
}

/// The sale's operations as they stand.
fn ops_of(store: &Store, sale: &Sale) -> Vec<(Option<String>, &'static str, Op)> {
    sale_ops(sale)
        .into_iter()
        .filter_map(|(tender, role, id)| store.op(&id).ok().flatten().map(|op| (tender, role, op)))
        .collect()
}

fn tender_title(t: &Tender, currency: &Currency) -> String {
    match t.kind {
        TenderKind::Cash => match t.given_minor {
            Some(given) => format!("cash (given {})", money(given, currency)),
            None => "cash".into(),
        },
        TenderKind::Terminal => "card terminal".into(),
        TenderKind::GiftCard | TenderKind::Wallet => format!(
            "{} {} {}",
            t.provider.map_or("", |p| p.display_name()),
            if t.kind == TenderKind::Wallet {
                "wallet"
            } else {
                "gift card"
            },
            t.card_masked.as_deref().unwrap_or("")
        ),
    }
}

/// The sale as a cashier reads it; with `ops`, each tender's operations under it.
fn print_sale(store: &Store, sale: &Sale, ops: bool) {
    let dto = SaleDto::new(store, sale);
    let c = &sale.currency;
    println!(
        "Sale {}  {}  {}",
        sale.number,
        sale.state,
        time_text(sale.created_at)
    );
    for l in &sale.lines {
        println!(
            "  {:<32} {:>4} x {:>12} {:>14}",
            l.description,
            l.quantity,
            money(l.unit_price_minor, c),
            money(l.total_minor(), c)
        );
    }
    let listed = if ops { ops_of(store, sale) } else { Vec::new() };
    for (t, shown) in sale.tenders.iter().zip(&dto.tenders) {
        println!(
            "  {:<40} {:>14}  {}{}",
            tender_title(t, c),
            money(t.amount_minor, c),
            shown.status,
            t.message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        );
        for (_, role, op) in listed
            .iter()
            .filter(|(tid, _, _)| tid.as_deref() == Some(t.id.as_str()))
        {
            println!(
                "      {role:<8} {:<8} {:<10} {}{}",
                op.kind.as_str(),
                op.state.as_str(),
                op.id,
                op.review_reason
                    .as_deref()
                    .or(op.last_error.as_deref())
                    .map(|m| format!("  {m}"))
                    .unwrap_or_default()
            );
        }
    }
    println!("  total    {:>14}", money(sale.total_minor(), c));
    if sale.rounding_minor() != 0 {
        println!("  rounding {:>14}", money(sale.rounding_minor(), c));
    }
    println!("  paid     {:>14}", money(sale.paid_minor(), c));
    if sale.remaining_minor() > 0 && !sale.state.is_final() {
        println!("  to pay   {:>14}", money(sale.remaining_minor(), c));
    }
    println!("  change   {:>14}", money(sale.change_minor(), c));
    for (_, _, op) in listed.iter().filter(|(tid, _, _)| tid.is_none()) {
        println!(
            "  back-office record  {:<10} {}{}",
            op.state.as_str(),
            op.id,
            op.last_error
                .as_deref()
                .map(|m| format!("  {m}"))
                .unwrap_or_default()
        );
    }
    if let Some(note) = &sale.note {
        println!("  note: {note}");
    }
}

/// What `kassa sale` prints as it ends.
struct Outcome<'a> {
    booted: &'a Booted,
    json_out: bool,
    settled: Vec<Sale>,
}

impl Outcome<'_> {
    fn settled_json(&self) -> Vec<SaleDto> {
        self.settled
            .iter()
            .map(|s| SaleDto::new(&self.booted.store, s))
            .collect()
    }

    /// Says (on stderr) how the sales an earlier run left unfinished were settled.
    fn tell_settled(&self) {
        if self.json_out {
            return;
        }
        for s in &self.settled {
            eprintln!(
                "Sale {}, left unfinished by an earlier run, was {}{}.",
                s.number,
                s.state,
                if s.state == SaleState::Abandoned {
                    " (its tenders are undone or queued to be)"
                } else {
                    ""
                }
            );
        }
    }

    fn paid(&self, sale: &Sale, queued: usize) -> ExitCode {
        let store = &self.booted.store;
        if self.json_out {
            println!(
                "{}",
                json!({
                    "ok": true,
                    "training": self.booted.till.is_training(),
                    "sale": SaleDto::new(store, sale),
                    "settled": self.settled_json(),
                    "queued": queued,
                })
            );
            return ExitCode::SUCCESS;
        }
        print_sale(store, sale, false);
        println!(
            "Paid{}",
            if self.booted.till.is_training() {
                "  [TRAINING]"
            } else {
                ""
            }
        );
        if queued > 0 {
            println!(
                "{queued} of its operations are still queued: `kassa sync` or the window sends them."
            );
        }
        ExitCode::SUCCESS
    }

    fn failed(&self, error: ErrorDto, sale: Option<&Sale>, queued: usize) -> ExitCode {
        let store = &self.booted.store;
        if self.json_out {
            println!(
                "{}",
                json!({
                    "ok": false,
                    "error": error,
                    "sale": sale.map(|s| SaleDto::new(store, s)),
                    "settled": self.settled_json(),
                    "queued": queued,
                })
            );
            return ExitCode::FAILURE;
        }
        if let Some(sale) = sale {
            print_sale(store, sale, false);
            if queued > 0 {
                println!(
                    "{queued} operations that undo its tenders are still queued: `kassa sync` or the window sends them."
                );
            }
        }
        eprintln!("error: {}", error.message);
        ExitCode::FAILURE
    }
}

fn invalid(message: String) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::Invalid,
        message,
    }
}

/// `kassa sale` and `kassa sale show`.
pub fn run(paths: Paths, args: SaleArgs, json_out: bool) -> ExitCode {
    if let Some(SaleCommand::Show { id }) = args.command {
        return match open_store(&paths) {
            Ok(store) => show(&store, &id, json_out),
            Err(message) => fail(&ErrorDto::config(message), json_out),
        };
    }
    let (lines, pays) = match read_typed(&paths, &args, json_out) {
        Ok(typed) => typed,
        Err(code) => return code,
    };
    with_outbox(paths, json_out, "kassa sale", |booted| async move {
        let sold = sell(&booted, &lines, &pays, json_out);
        with_engine_running(&booted, sold).await
    })
}

/// Reads every `--line` and `--pay` in the register's currency, before the till opens: a bad
/// line or amount makes no sale.
fn read_typed(
    paths: &Paths,
    args: &SaleArgs,
    json_out: bool,
) -> Result<(Vec<LineSpec>, Vec<PaySpec>), ExitCode> {
    let currency = match Config::load(&paths.config_file) {
        Ok(config) => config.register.currency,
        Err(e) => return Err(fail(&ErrorDto::config(e.to_string()), json_out)),
    };
    parse_all(&args.lines, &args.pays, &currency).map_err(|message| {
        // Nothing was made: no sale to show.
        if json_out {
            println!(
                "{}",
                json!({"ok": false, "error": invalid(message), "sale": null})
            );
            return ExitCode::FAILURE;
        }
        fail(&invalid(message), json_out)
    })
}

/// Runs the outbox engine in this process while `work` runs (Complete waits for the
/// providers' answers), then stops it after the requests in flight.
async fn with_engine_running(booted: &Booted, work: impl Future<Output = ExitCode>) -> ExitCode {
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let engine = booted.engine.clone();
    let runner = tokio::spawn(async move { engine.run(stop).await });
    let code = work.await;
    let _ = stop_tx.send(true);
    match runner.await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "the outbox stopped during `kassa sale`"),
        Err(e) => tracing::error!(error = %e, "the outbox task failed"),
    }
    code
}

/// Settles the sales an earlier run left unfinished, then opens a sale, rings it up and pays
/// it; a sale that is not paid is abandoned.
async fn sell(booted: &Booted, lines: &[LineSpec], pays: &[PaySpec], json_out: bool) -> ExitCode {
    let checkout = &booted.checkout;
    let mut out = Outcome {
        booted,
        json_out,
        settled: Vec::new(),
    };
    match checkout.settle_interrupted().await {
        Ok(settled) => out.settled = settled,
        Err(e) => return out.failed(ErrorDto::from(&e), None, 0),
    }
    out.tell_settled();
    let sale = match open_empty(checkout).await {
        Ok(sale) => sale,
        Err(error) => return out.failed(error, None, 0),
    };
    match ring_up_and_pay(checkout, &sale.id, lines, pays).await {
        Ok(paid) => {
            let (paid, queued) = after_a_while(booted, paid, &out.settled).await;
            out.paid(&paid, queued)
        }
        Err(error) => abandon(&out, &sale.id, error).await,
    }
}

/// A new sale. One the window left open with lines or tenders on it is not taken over.
async fn open_empty(checkout: &Checkout) -> Result<Sale, ErrorDto> {
    match checkout.open().await {
        Ok(sale) if sale.lines.is_empty() && sale.tenders.is_empty() => Ok(sale),
        Ok(sale) => Err(invalid(format!(
            "Sale {} is open on this till (the window?): finish it there first.",
            sale.number
        ))),
        Err(e) => Err(ErrorDto::from(&e)),
    }
}

/// Abandons the sale that `error` stopped (undoing its tenders) and says why.
async fn abandon(out: &Outcome<'_>, sale_id: &str, error: ErrorDto) -> ExitCode {
    let checkout = &out.booted.checkout;
    let reason = format!("kassa sale: {}", error.message);
    match checkout.abandon(sale_id, &reason).await {
        Ok(abandoned) => {
            let (abandoned, queued) = after_a_while(out.booted, abandoned, &out.settled).await;
            out.failed(error, Some(&abandoned), queued)
        }
        Err(e) => {
            let sale = checkout.sale(sale_id).ok();
            out.failed(
                ErrorDto {
                    code: error.code,
                    message: format!("{} The sale could not be abandoned: {e}", error.message),
                },
                sale.as_ref(),
                0,
            )
        }
    }
}

/// The sale as it stands once the engine worked on its operations a while
/// ([`settle_a_while`]), and how many of them are still unfinished.
async fn after_a_while(booted: &Booted, sale: Sale, settled: &[Sale]) -> (Sale, usize) {
    let queued = settle_a_while(booted, &sale, settled).await;
    let sale = booted.checkout.sale(&sale.id).unwrap_or(sale);
    (sale, queued)
}

/// Rings the lines up, applies the tenders in order and completes the sale.
async fn ring_up_and_pay(
    checkout: &Checkout,
    sale_id: &str,
    lines: &[LineSpec],
    pays: &[PaySpec],
) -> Result<Sale, ErrorDto> {
    let err = |e: CheckoutError| ErrorDto::from(&e);
    let currency = checkout.currency().clone();
    let mut sale = None;
    for l in lines {
        sale = Some(
            checkout
                .add_line(sale_id, &l.description, l.quantity, l.unit_price_minor)
                .await
                .map_err(err)?,
        );
    }
    let mut sale = sale.expect("at least one line (clap requires it)");
    for (index, pay) in pays.iter().enumerate() {
        if sale.remaining_minor() == 0 {
            return Err(invalid(format!(
                "Tender {} is not needed: the sale is paid in full by the tenders before it.",
                index + 1
            )));
        }
        sale = match pay {
            PaySpec::Card { code, cap } => {
                let proposal = checkout.propose(sale_id, code).await.map_err(err)?;
                let amount = cap.map_or(proposal.amount_minor, |c| c.min(proposal.amount_minor));
                checkout
                    .tender_card(sale_id, code, amount)
                    .await
                    .map_err(err)?
            }
            PaySpec::Cash(given) => checkout.tender_cash(sale_id, *given).await.map_err(err)?,
            PaySpec::Terminal(taken) => checkout
                .tender_terminal(sale_id, *taken)
                .await
                .map_err(err)?,
        };
    }
    if sale.remaining_minor() > 0 {
        return Err(invalid(format!(
            "{} is still to pay: add a tender (--pay).",
            money(sale.remaining_minor(), &currency)
        )));
    }
    match checkout.complete(sale_id, None).await.map_err(err)? {
        Completion::Paid(sale) => Ok(sale),
        Completion::Refused { reasons, .. } => Err(ErrorDto {
            code: ErrorCode::Declined,
            message: format!(
                "Refused: {}",
                reasons
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }),
        Completion::NeedsApproval { reasons, .. } => Err(ErrorDto {
            code: ErrorCode::Declined,
            message: format!(
                "A card's provider did not answer and the tender is over the offline limits; \
                 a manager could accept it at the till, not on the command line: {}",
                reasons
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }),
    }
}

/// Lets the engine work on these sales' operations until each is done, cannot be done before
/// the bound (it waits for a retry or a settle time), or [`AFTER_SALE`] passes. Returns how
/// many of `sale`'s operations are still unfinished.
async fn settle_a_while(booted: &Booted, sale: &Sale, settled: &[Sale]) -> usize {
    let ids: Vec<String> = std::iter::once(sale)
        .chain(settled)
        .flat_map(|s| sale_ops(s).into_iter().map(|(_, _, id)| id))
        .collect();
    let own: Vec<String> = sale_ops(sale).into_iter().map(|(_, _, id)| id).collect();
    let started = Instant::now();
    let deadline = OffsetDateTime::now_utc() + AFTER_SALE;
    let mut link = booted.engine.link();
    loop {
        let Ok(progress) = booted.store.op_progress(&ids) else {
            break;
        };
        // Done, or waiting for a retry or a settle time that comes after the bound.
        let answered = |p: &OpProgress| {
            p.state.is_final()
                || (p.attempts > 0
                    && matches!(p.state, OpState::Pending | OpState::Unknown)
                    && p.next_attempt_at.is_none_or(|next| next > deadline))
        };
        let working = progress.iter().any(|p| !answered(p));
        let left = AFTER_SALE.saturating_sub(started.elapsed());
        if !working || left.is_zero() {
            break;
        }
        tokio::select! {
            _ = link.written() => {}
            _ = tokio::time::sleep(left.min(Duration::from_millis(50))) => {}
        }
    }
    booted
        .store
        .op_progress(&own)
        .map(|p| p.iter().filter(|p| !p.state.is_final()).count())
        .unwrap_or(0)
}

/// The sale with this id, or this number.
fn find_sale(store: &Store, id: &str) -> Result<Option<Sale>, String> {
    if let Some(sale) = store.sale(id).map_err(|e| e.to_string())? {
        return Ok(Some(sale));
    }
    let Ok(number) = id.trim().parse::<i64>() else {
        return Ok(None);
    };
    // Numbers are 1, 2, 3... on this till: sale N is max - N + 1 places from the newest.
    let newest = store.sales_since(None, 1).map_err(|e| e.to_string())?;
    let Some(max) = newest.first().map(|s| s.number) else {
        return Ok(None);
    };
    if number < 1 || number > max {
        return Ok(None);
    }
    let span = u32::try_from(max - number + 1).unwrap_or(u32::MAX);
    let sales = store.sales_since(None, span).map_err(|e| e.to_string())?;
    Ok(sales.into_iter().find(|s| s.number == number))
}

/// `kassa sale show ID`.
fn show(store: &Store, id: &str, json_out: bool) -> ExitCode {
    let sale = match find_sale(store, id) {
        Ok(Some(sale)) => sale,
        Ok(None) => return fail(&invalid(format!("There is no sale '{id}'.")), json_out),
        Err(e) => {
            return fail(
                &ErrorDto::config(format!("the sales cannot be read: {e}")),
                json_out,
            )
        }
    };
    if json_out {
        let ops: Vec<Value> = ops_of(store, &sale)
            .iter()
            .map(|(tender, role, op)| op_json(tender, role, op))
            .collect();
        println!(
            "{}",
            json!({"ok": true, "sale": SaleDto::new(store, &sale), "operations": ops})
        );
    } else {
        print_sale(store, &sale, true);
    }
    ExitCode::SUCCESS
}

/// `kassa sales`.
pub fn list(paths: &Paths, args: &SalesArgs, json_out: bool) -> ExitCode {
    let store = match open_store(paths) {
        Ok(store) => store,
        Err(message) => return fail(&ErrorDto::config(message), json_out),
    };
    let since = args.today.then(|| {
        let now = OffsetDateTime::now_utc();
        now.replace_time(time::Time::MIDNIGHT)
    });
    let sales = match store.sales_since(since, args.limit) {
        Ok(sales) => sales,
        Err(e) => {
            return fail(
                &ErrorDto::config(format!("the sales cannot be read: {e}")),
                json_out,
            )
        }
    };
    if json_out {
        let sales: Vec<SaleDto> = sales.iter().map(|s| SaleDto::new(&store, s)).collect();
        println!("{}", json!({"ok": true, "sales": sales}));
        return ExitCode::SUCCESS;
    }
    if sales.is_empty() {
        println!("No sales{}.", if args.today { " today" } else { "" });
    }
    for sale in &sales {
        let c = &sale.currency;
        let tenders: Vec<String> = sale
            .tenders
            .iter()
            .filter(|t| t.state.counts())
            .map(|t| {
                let name = match t.kind {
                    TenderKind::Cash => "cash".to_string(),
                    TenderKind::Terminal => "terminal".to_string(),
                    _ => format!(
                        "{} {}",
                        t.provider.map_or("", |p| p.display_name()),
                        t.card_masked.as_deref().unwrap_or("")
                    ),
                };
                format!("{name} {}", money(t.amount_minor, c))
            })
            .collect();
        println!(
            "{:>6}  {}  {:<10} {:>14}  {}",
            sale.number,
            time_text(sale.created_at),
            sale.state.as_str(),
            money(sale.total_minor(), c),
            tenders.join(", ")
        );
    }
    ExitCode::SUCCESS
}
