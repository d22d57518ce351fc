//! Many tills: 10 till processes, each with its own data folder (database) and config, selling
//! at once for a minute against one set of simulators (the test kit's four, served in this
//! process, faults off). Each till runs `kassa --json sale` in a loop — one process per sale,
//! as a script at a till would: process start (reading the credentials from the OS keyring,
//! opening the database) is part of every sale. Each sale: one line, a Lightspeed card, a Leat
//! card and a zmyle card paying €0.10 each, cash the rest. Before it, in the same run, one more
//! till of the retailer alone for a quarter of the time (a till alone sells fast enough to use
//! up its share of Lightspeed's budget in a minute, and then waits for it, as it should).
//!
//! Afterwards each till drains what is left (`kassa sync --once`) and the simulators' own
//! records are checked: every sale a till said completed is one basket at Shopwave, every card's
//! balance moved by exactly its completed sales' tenders (lost: less; doubled: more), and the
//! Lightspeed simulator's count of requests stays within Lightspeed's budget for the retailer's
//! 11 registers (300 × 11 + 50 per 5 minutes; the whole run falls in one window): each till is
//! configured with the retailer's 11 registers and keeps to its share. Prints BENCH lines.
//!
//! The credentials go through the OS keyring (`kassa secret set`), so this runs in a D-Bus
//! session with GNOME Keyring unlocked, as `make test` and `make bench` provide.
//!
//! cargo bench --bench many_tills

#[path = "../tests/crash_support/mod.rs"]
mod crash_support;

use kassa_sim::faults::Rates;
use kassa_testkit::sims::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const COMMAND: &str = "cargo bench --bench many_tills";
/// Cents each card pays per sale.
const PART: i64 = 10;
/// Lightspeed's budget for one retailer with one register per till.
fn lightspeed_budget(tills: usize) -> u32 {
    300 * tills as u32 + 50
}

/// How many tills, for how long: the benchmark under `cargo bench`; a short check that it
/// still runs under `cargo test --all-targets`.
fn scale() -> (usize, Duration) {
    if std::env::args().any(|a| a == "--bench") {
        (10, Duration::from_secs(60))
    } else {
        (2, Duration::from_secs(2))
    }
}

/// One till: its folder (crash_support's), and its number.
struct Till {
    till: crash_support::Till,
    n: usize,
}

impl Till {
    /// Till `n` of a retailer with `registers` tills.
    fn new(n: usize, registers: usize, urls: &Urls) -> Till {
        let keyring_service = format!("eu.kassa.bench.many-tills.{}.{n}", std::process::id());
        Till {
            till: crash_support::Till::with_config(&config(urls, &keyring_service, registers)),
            n,
        }
    }

    fn kassa<S: AsRef<std::ffi::OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Command {
        let mut command = self.till.kassa(args);
        command.env("KASSA_LOG", "warn");
        command
    }

    /// Sells for `length`, one `kassa sale` after the other.
    fn sell_for(&self, length: Duration) -> Vec<Sold> {
        let began = Instant::now();
        let mut sold = Vec::new();
        let mut i = 0;
        while began.elapsed() < length {
            sold.push(self.sell(i));
            i += 1;
        }
        sold
    }

    /// One sale of €1.00: €0.10 on each provider's card (the till's next ones), cash the rest.
    fn sell(&self, i: usize) -> Sold {
        let card = (self.n * 7 + i) % CARDS_PER_PROVIDER;
        let cards = [
            ("lightspeed", lightspeed_card(card)),
            ("leat", leat_card(card)),
            ("zmyle", zmyle_card(card).1),
        ];
        let mut args = vec![
            "--json".to_string(),
            "sale".into(),
            "--line".into(),
            format!("Till {} item {i}=1.00", self.n),
        ];
        for (_, code) in &cards {
            args.extend(["--pay".into(), format!("{code}=0.{PART:02}")]);
        }
        args.extend(["--pay".into(), "cash=1.00".into()]);
        let out = self.kassa(&args).output().expect("kassa runs");
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let sale = &answer["sale"];
        let completed = out.status.success() && sale["state"] == "completed";
        if !completed {
            eprintln!("till {}: sale {i} not completed: {}", self.n, text(&out));
        }
        // The card tenders the completed sale took, by provider.
        let taken = sale["tenders"]
            .as_array()
            .into_iter()
            .flatten()
            // A tender that pays (docs/design.md §5: not refused, not taken off).
            .filter(|t| completed && !matches!(t["state"].as_str(), Some("refused" | "removed")))
            .filter_map(|t| {
                let provider = t["provider"].as_str()?;
                let (_, code) = cards.iter().find(|(p, _)| *p == provider)?;
                Some((
                    provider.to_string(),
                    code.clone(),
                    t["amount_minor"].as_i64()?,
                ))
            })
            .collect();
        Sold {
            id: sale["id"].as_str().map(str::to_string),
            completed,
            taken,
        }
    }

    /// `kassa sync --once` until nothing is left (exit 0), at most `tries` times.
    fn drain(&self, tries: usize) {
        let mut last = String::new();
        for _ in 0..tries {
            let out = self.kassa(["sync", "--once"]).output().expect("kassa runs");
            if out.status.success() {
                return;
            }
            last = text(&out);
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "till {}: `kassa sync --once` leaves work after {tries} runs; the last said: {last}",
            self.n
        );
    }
}

fn text(out: &Output) -> String {
    format!(
        "{} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// What one `kassa sale` said.
struct Sold {
    id: Option<String>,
    completed: bool,
    /// (provider, card code, amount) of each card tender of a completed sale.
    taken: Vec<(String, String, i64)>,
}

/// A till at the simulators: one of the retailer's `registers` (its share of Lightspeed's
/// budget), the window's outbox settings, its own keyring service.
fn config(urls: &Urls, keyring_service: &str, registers: usize) -> String {
    format!(
        r#"[secrets]
keyring_service = "{keyring_service}"

[outbox]
concurrency = 4

[providers.leat]
base_url = "{leat}"
api = "register"
shop_uuid = "{LEAT_SHOP}"

[providers.lightspeed]
base_url = "{lightspeed}"
registers = {registers}

[providers.zmyle]
base_url = "{zmyle}"
store = "bench"

[providers.shopwave]
base_url = "{shopwave}"
token_url = "{shopwave}/oauth/token"
client_id = "{SHOPWAVE_CLIENT_ID}"
redirect_uri = "{SHOPWAVE_REDIRECT}"
store_id = "{SHOPWAVE_STORE}"
"#,
        leat = urls.leat,
        lightspeed = urls.lightspeed,
        zmyle = urls.zmyle,
        shopwave = urls.shopwave,
    )
}

/// Every till sells at once for `length`; returns what each said, and how long it took.
fn sell_at_once(tills: &[&Till], length: Duration) -> (Vec<Sold>, Duration) {
    let began = Instant::now();
    let sold = std::thread::scope(|s| {
        let running: Vec<_> = tills
            .iter()
            .map(|till| s.spawn(move || till.sell_for(length)))
            .collect();
        running
            .into_iter()
            .flat_map(|r| r.join().expect("a till's thread"))
            .collect()
    });
    (sold, began.elapsed())
}

fn per_second(sold: &[Sold], took: Duration) -> f64 {
    sold.iter().filter(|s| s.completed).count() as f64 / took.as_secs_f64()
}

/// Lost and doubled, by the simulators' own records: (lost, doubled, what was checked).
fn check(sims: &Sims, sold: &[Sold]) -> (i64, i64, String) {
    let completed: Vec<&Sold> = sold.iter().filter(|s| s.completed).collect();
    // Shopwave: one basket per completed sale, none twice.
    let mut baskets: BTreeMap<String, i64> = BTreeMap::new();
    for basket in sims.shopwave.baskets() {
        if let Some(sale) = kassa_testkit::shopwave::sale_of(&basket) {
            *baskets.entry(sale).or_default() += 1;
        }
    }
    let mut lost = 0;
    let mut doubled: i64 = baskets.values().map(|n| (n - 1).max(0)).sum();
    for sale in &completed {
        let id = sale.id.as_ref().expect("a completed sale has an id");
        if !baskets.contains_key(id) {
            lost += 1;
        }
    }
    // Cards: each balance moved by exactly the tenders the completed sales took from it.
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (provider, code, amount) in completed.iter().flat_map(|s| &s.taken) {
        *expected
            .entry((provider.clone(), code.clone()))
            .or_default() += amount;
    }
    let mut tenders = 0;
    for i in 0..CARDS_PER_PROVIDER {
        for (provider, code, balance) in [
            (
                "lightspeed",
                lightspeed_card(i),
                sims.lightspeed.balance(&lightspeed_card(i)),
            ),
            ("leat", leat_card(i), sims.leat.balance(&leat_card(i))),
            (
                "zmyle",
                zmyle_card(i).1,
                sims.zmyle.balances(&zmyle_card(i).1).map(|b| b.0),
            ),
        ] {
            let moved = START_BALANCE - balance.expect("the simulator knows the card");
            let want = expected
                .get(&(provider.to_string(), code))
                .copied()
                .unwrap_or(0);
            tenders += want / PART;
            lost += (want - moved).max(0) / PART;
            doubled += (moved - want).max(0) / PART;
        }
    }
    let checked = format!(
        "{} completed sales: their Shopwave baskets and {tenders} card tenders in the providers' ledgers",
        completed.len()
    );
    (lost, doubled, checked)
}

fn bench(line: Value) {
    println!("BENCH {line}");
}

fn main() {
    let (count, length) = scale();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sims = runtime.block_on(sims(kassa_testkit::seed()));
    for faults in [
        &sims.leat.faults,
        &sims.lightspeed.faults,
        &sims.zmyle.faults,
        &sims.shopwave.faults,
    ] {
        faults.set_rates(Rates::default());
    }
    // The tills that sell together, and one more of the same retailer that sells alone first.
    let registers = count + 1;
    let budget = lightspeed_budget(registers);
    let tills: Vec<Till> = (0..count)
        .map(|n| Till::new(n, registers, &sims.urls))
        .collect();
    let lone = Till::new(count, registers, &sims.urls);

    // One till alone, then all of them; the Lightspeed window opens as the run starts and the
    // whole run (both, and the drain) falls in it.
    let window = Duration::from_secs(300);
    sims.lightspeed.set_rate_limit(budget, window);
    let window_opened = Instant::now();
    let before = sims.lightspeed.requests();
    let (alone, alone_took) = sell_at_once(&[&lone], length / 4);
    let all: Vec<&Till> = tills.iter().collect();
    let (together, together_took) = sell_at_once(&all, length);
    for till in tills.iter().chain([&lone]) {
        till.drain(50);
    }
    let in_window = window_opened.elapsed();
    let lightspeed_requests = sims.lightspeed.requests() - before;

    let mut sold = alone;
    let alone_rate = per_second(&sold, alone_took);
    let together_rate = per_second(&together, together_took);
    let together_sales = together.iter().filter(|s| s.completed).count();
    let refused = together.iter().filter(|s| !s.completed).count();
    sold.extend(together);
    let (lost, doubled, checked) = check(&sims, &sold);
    println!(
        "many tills: {count} tills {together_rate:.1} sales/s ({together_sales} completed, \
         {refused} not, {:.0} s); one till alone {alone_rate:.1} sales/s; lost {lost}, doubled \
         {doubled} ({checked}); Lightspeed requests {lightspeed_requests} of {budget} in {:.0} s",
        together_took.as_secs_f64(),
        in_window.as_secs_f64()
    );
    let what = format!(
        "{count} tills at once (each `kassa sale` in a loop, own database), one set of simulators, {} s",
        length.as_secs()
    );
    bench(json!({
        "measure": format!("Many tills: sales per second, {what}"),
        "figure": format!("{together_rate:.1} sales/s ({together_sales} sales, {refused} not completed)"),
        "baseline": format!("one more till alone before them, same run ({:.0} s): {alone_rate:.1} sales/s", alone_took.as_secs_f64()),
        "ratio": (together_rate / alone_rate * 100.0).round() / 100.0,
        "target": "none set (docs/design.md §10)",
        "met": null,
        "command": COMMAND,
    }));
    for (name, n) in [("lost", lost), ("doubled", doubled)] {
        bench(json!({
            "measure": format!("Many tills: sales {name}, {what}"),
            "figure": format!("{n} {name}"),
            "baseline": checked,
            "ratio": null,
            "target": format!("0 {name}"),
            "met": n == 0,
            "command": COMMAND,
        }));
    }
    bench(json!({
        "measure": format!("Many tills: Lightspeed requests in one 5-minute window (the simulator's count), {what}"),
        "figure": format!("{lightspeed_requests} requests in {:.0} s", in_window.as_secs_f64()),
        "baseline": format!("budget 300 × {registers} registers + 50 = {budget}"),
        "ratio": (f64::from(lightspeed_requests as u32) / f64::from(budget) * 100.0).round() / 100.0,
        "target": "≤ the budget",
        "met": in_window < window && lightspeed_requests <= u64::from(budget),
        "command": COMMAND,
    }));
    assert_eq!((lost, doubled), (0, 0), "sales lost or doubled");
}
