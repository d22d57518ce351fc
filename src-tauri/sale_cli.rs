//! `kassa sale`, `kassa sale show` and `kassa sales`: the checkout from the command line,
//! through the same core as the sale screen (`kassa_core::checkout::Checkout`).
//!
//! `kassa sale` runs the outbox engine in its own process while it works, since Complete waits
//! for the providers' answers; once the sale is paid (or abandoned) it lets the engine work a
//! bounded while more, then stops it after the requests in flight. What is still queued then
//! stays for `kassa sync` or the window. Before it starts, it settles the sales an earlier,
//! killed `kassa sale` left unfinished.

use crate::boot::Booted;
use crate::cli::{fail, open_store, with_till};
use crate::dto::{ErrorCode, ErrorDto};
use crate::paths::Paths;
use crate::sale_dto::SaleDto;
use clap::{Args, Subcommand};
use kassa_core::card::CardCode;
use kassa_core::checkout::model::validate_line;
use kassa_core::checkout::{
    Checkout, CheckoutError, Completion, OpProgress, Sale, Tender, TenderKind,
};
use kassa_core::config::Config;
use kassa_core::money::{parse_amount, Currency, Money};
use kassa_core::outbox::{Op, OpState};
use kassa_core::store::Store;
use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// After the sale, the engine works at most this long more on its operations.
const AFTER_SALE: Duration = Duration::from_secs(5);

/// `kassa sale --line … --pay …`, or `kassa sale show ID`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "\
LINES: --line DESCRIPTION=PRICE[xQTY], e.g. --line \"Coffee beans=12.50\" --line \"Mug=7.95x2\"
  (the last '=' ends the description; a quantity is 1 to 9999).

TENDERS, applied in the order given (--pay, repeated):
  --pay CODE            a gift card or wallet: it pays what it can of the rest
  --pay CODE=5.00       the same, at most 5.00
  --pay cash=20.00      cash handed over: what is beyond the rest is change
  --pay terminal=5.00   what an external card terminal took
  A code that itself ends in '=digits' (a QR link) is given with a '=' after it: 'URL='.

Amounts are typed as on a receipt (12.50 or 12,50), more than 0. The sale is completed when
everything is paid, and the command exits 0 only then. Otherwise (a card refused or not found,
not enough paid, a card over the offline limits: no manager can approve here) the sale is
abandoned, everything taken is undone or queued to be, and the command says why and exits 1.
Sales an earlier `kassa sale` left unfinished (it was killed) are settled first.

kassa sale show ID    one sale (ID: its number or its id), with each tender's operations"
)]
pub struct SaleArgs {
    #[command(subcommand)]
    pub command: Option<SaleCommand>,
    /// A line: DESCRIPTION=PRICE[xQTY] (repeat for more lines).
    #[arg(
        long = "line",
        value_name = "DESCRIPTION=PRICE[xQTY]",
        required = true,
        allow_hyphen_values = true
    )]
    pub lines: Vec<String>,
    /// A tender: CODE, CODE=MAX, cash=GIVEN or terminal=AMOUNT (repeat; applied in order).
    #[arg(
        long = "pay",
        value_name = "TENDER",
        required = true,
        allow_hyphen_values = true
    )]
    pub pays: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SaleCommand {
    /// One sale with its lines, tenders and each tender's operations.
    Show {
        /// The sale's number (as on the receipt) or its id.
        id: String,
    },
}

/// `kassa sales`.
#[derive(Debug, Args)]
pub struct SalesArgs {
    /// Only the sales made today (since 00:00 UTC).
    #[arg(long)]
    pub today: bool,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
}

/// A line as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSpec {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// A tender as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaySpec {
    /// A card: what it can pay of the rest, at most `cap`.
    Card {
        code: String,
        cap: Option<i64>,
    },
    /// Cash handed over.
    Cash(i64),
    Terminal(i64),
}

fn amount(text: &str, currency: &Currency) -> Result<i64, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!(
            "'{}' is negative: an amount must be more than 0",
            text.trim()
        ));
    }
    parse_amount(text, currency)
}

/// `DESCRIPTION=PRICE[xQTY]`.
pub fn parse_line(text: &str, currency: &Currency) -> Result<LineSpec, String> {
    let wrap = |e: String| format!("--line \"{text}\": {e}");
    let Some((description, rest)) = text.rsplit_once('=') else {
        return Err(wrap(
            "a line is DESCRIPTION=PRICE or DESCRIPTION=PRICExQUANTITY, e.g. \"Mug=7.95x2\"".into(),
        ));
    };
    let (price, quantity) = match rest.rsplit_once(['x', 'X', '×', '*']) {
        Some((price, quantity)) => {
            let q = quantity.trim();
            let quantity = q
                .parse::<i64>()
                .ok()
                .filter(|_| q.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    wrap(format!(
                        "the quantity '{q}' must be a whole number from 1 to 9999"
                    ))
                })?;
            (price, quantity)
        }
        None => (rest, 1),
    };
    let unit_price_minor = amount(price, currency).map_err(wrap)?;
    validate_line(description, quantity, unit_price_minor).map_err(wrap)?;
    Ok(LineSpec {
        description: description.trim().to_string(),
        quantity,
        unit_price_minor,
    })
}

/// Looks like an amount someone meant to type (digits, a decimal mark, a sign).
fn amount_shaped(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
}

/// `CODE`, `CODE=MAX`, `cash=GIVEN`, `terminal=AMOUNT`.
pub fn parse_pay(text: &str, currency: &Currency) -> Result<PaySpec, String> {
    let wrap = |e: String| format!("--pay \"{text}\": {e}");
    let t = text.trim();
    let keyword = t
        .split_once('=')
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v));
    match keyword.as_ref().map(|(k, v)| (k.as_str(), *v)) {
        Some(("cash", given)) => return Ok(PaySpec::Cash(amount(given, currency).map_err(wrap)?)),
        Some(("terminal", taken)) => {
            return Ok(PaySpec::Terminal(amount(taken, currency).map_err(wrap)?))
        }
        _ => {}
    }
    if t.eq_ignore_ascii_case("cash") || t.eq_ignore_ascii_case("terminal") {
        return Err(wrap(format!(
            "say how much: {}=AMOUNT, e.g. {}=20.00",
            t.to_ascii_lowercase(),
            t.to_ascii_lowercase()
        )));
    }
    let (code, cap) = match t.rsplit_once('=') {
        Some((code, "")) => (code, None),
        Some((code, cap)) if amount_shaped(cap) => {
            (code, Some(amount(cap, currency).map_err(wrap)?))
        }
        _ => (t, None),
    };
    let code = CardCode::parse(code).map_err(|e| wrap(e.to_string()))?;
    Ok(PaySpec::Card {
        code: code.as_str().to_string(),
        cap,
    })
}

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

/// Parses everything typed before a sale is made: a bad line or amount makes no sale.
fn parse_all(
    lines: &[String],
    pays: &[String],
    currency: &Currency,
) -> Result<(Vec<LineSpec>, Vec<PaySpec>), String> {
    let lines = lines
        .iter()
        .map(|l| parse_line(l, currency))
        .collect::<Result<Vec<_>, _>>()?;
    let pays = pays
        .iter()
        .map(|p| parse_pay(p, currency))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((lines, pays))
}

/// `kassa sale` and `kassa sale show`.
pub fn run(paths: Paths, args: SaleArgs, json_out: bool) -> ExitCode {
    if let Some(SaleCommand::Show { id }) = args.command {
        return match open_store(&paths) {
            Ok(store) => show(&store, &id, json_out),
            Err(message) => fail(&ErrorDto::config(message), json_out),
        };
    }
    let currency = match Config::load(&paths.config_file) {
        Ok(config) => config.register.currency,
        Err(e) => return fail(&ErrorDto::config(e.to_string()), json_out),
    };
    let (lines, pays) = match parse_all(&args.lines, &args.pays, &currency) {
        Ok(parsed) => parsed,
        Err(message) => {
            // Nothing was made: no sale to show.
            if json_out {
                println!(
                    "{}",
                    json!({"ok": false, "error": invalid(message), "sale": null})
                );
                return ExitCode::FAILURE;
            }
            return fail(&invalid(message), json_out);
        }
    };
    with_till(paths, json_out, |booted| async move {
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let engine = booted.engine.clone();
        let runner = tokio::spawn(async move { engine.run(stop).await });
        let code = sell(&booted, &lines, &pays, json_out).await;
        let _ = stop_tx.send(true);
        match runner.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the outbox stopped during `kassa sale`"),
            Err(e) => tracing::error!(error = %e, "the outbox task failed"),
        }
        code
    })
}

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
    if !json_out {
        for s in &out.settled {
            eprintln!(
                "Sale {}, left unfinished by an earlier run, was {}{}.",
                s.number,
                s.state,
                if s.state == kassa_core::checkout::SaleState::Abandoned {
                    " (its tenders are undone or queued to be)"
                } else {
                    ""
                }
            );
        }
    }
    let sale = match checkout.open().await {
        Ok(sale) if sale.lines.is_empty() && sale.tenders.is_empty() => sale,
        Ok(sale) => {
            return out.failed(
                invalid(format!(
                    "Sale {} is open on this till (the window?): finish it there first.",
                    sale.number
                )),
                None,
                0,
            )
        }
        Err(e) => return out.failed(ErrorDto::from(&e), None, 0),
    };
    match ring_up_and_pay(checkout, &sale.id, lines, pays).await {
        Ok(paid) => {
            let queued = settle_a_while(booted, &paid, &out.settled).await;
            let paid = checkout.sale(&paid.id).unwrap_or(paid);
            out.paid(&paid, queued)
        }
        Err(error) => {
            let reason = format!("kassa sale: {}", error.message);
            match checkout.abandon(&sale.id, &reason).await {
                Ok(abandoned) => {
                    let queued = settle_a_while(booted, &abandoned, &out.settled).await;
                    let abandoned = checkout.sale(&abandoned.id).unwrap_or(abandoned);
                    out.failed(error, Some(&abandoned), queued)
                }
                Err(e) => {
                    let sale = checkout.sale(&sale.id).ok();
                    out.failed(
                        ErrorDto {
                            code: error.code,
                            message: format!(
                                "{} The sale could not be abandoned: {e}",
                                error.message
                            ),
                        },
                        sale.as_ref(),
                        0,
                    )
                }
            }
        }
    }
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
    match checkout.complete(sale_id, false).await.map_err(err)? {
        Completion::Paid(sale) => Ok(sale),
        Completion::Refused { reasons, .. } => Err(ErrorDto {
            code: ErrorCode::Declined,
            message: format!("Refused: {}", reasons.join("; ")),
        }),
        Completion::NeedsApproval { reasons, .. } => Err(ErrorDto {
            code: ErrorCode::Declined,
            message: format!(
                "A card's provider did not answer and the tender is over the offline limits; \
                 a manager could accept it at the till, not on the command line: {}",
                reasons.join("; ")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::try_from("EUR".to_string()).unwrap()
    }

    #[test]
    fn lines_are_description_price_and_quantity() {
        let line = parse_line("Coffee beans=12.50", &eur()).unwrap();
        assert_eq!(
            (
                line.description.as_str(),
                line.quantity,
                line.unit_price_minor
            ),
            ("Coffee beans", 1, 1250)
        );
        let line = parse_line("Mug=7,95x2", &eur()).unwrap();
        assert_eq!((line.quantity, line.unit_price_minor), (2, 795));
        let line = parse_line("A=B=1", &eur()).unwrap();
        assert_eq!(line.description, "A=B");
        for bad in [
            "Mug",
            "Mug=",
            "Mug=0",
            "Mug=-5",
            "Mug=abc",
            "Mug=1.234",
            "=5",
            "Mug=5x0",
            "Mug=5x-1",
            "Mug=5xtwo",
            "Mug=5x10000",
        ] {
            let e = parse_line(bad, &eur()).unwrap_err();
            assert!(e.starts_with("--line"), "{bad}: {e}");
        }
        assert!(parse_line("Mug=-5", &eur())
            .unwrap_err()
            .contains("negative"));
    }

    #[test]
    fn tenders_are_cards_cash_or_terminal() {
        assert_eq!(
            parse_pay("4165100001", &eur()).unwrap(),
            PaySpec::Card {
                code: "4165100001".into(),
                cap: None
            }
        );
        assert_eq!(
            parse_pay("4165100001=5.00", &eur()).unwrap(),
            PaySpec::Card {
                code: "4165100001".into(),
                cap: Some(500)
            }
        );
        assert_eq!(parse_pay("cash=20", &eur()).unwrap(), PaySpec::Cash(2000));
        assert_eq!(
            parse_pay("Terminal=5.00", &eur()).unwrap(),
            PaySpec::Terminal(500)
        );
        let qr = kassa_sim::training::DEMO_ZMYLE_QR;
        assert_eq!(
            parse_pay(qr, &eur()).unwrap(),
            PaySpec::Card {
                code: qr.into(),
                cap: None
            }
        );
        assert_eq!(
            parse_pay("https://x/g/abc?rt=123=", &eur()).unwrap(),
            PaySpec::Card {
                code: "https://x/g/abc?rt=123".into(),
                cap: None
            }
        );
        for bad in [
            "cash",
            "cash=0",
            "cash=-1",
            "cash=x",
            "terminal=",
            "4165100001=0",
            "4165100001=-2",
            "",
            "=5",
        ] {
            let e = parse_pay(bad, &eur()).unwrap_err();
            assert!(e.starts_with("--pay"), "{bad}: {e}");
        }
    }
}
