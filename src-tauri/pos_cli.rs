//! `kassa pos push-test`, for installers: records a small test sale in the configured POS
//! back-office (Shopwave) the way the outbox does ([`record_sale`]), reads it back by its
//! basket's id and says whether the back-office holds what was sent. In a configured till this
//! is a real (small) sale in the back-office.

use crate::boot::Booted;
use crate::cli::fail;
use crate::dto::{ErrorCode, ErrorDto};
use clap::Subcommand;
use kassa_core::money::{Currency, Money};
use kassa_core::pos::{
    PaymentKind, PosLine, PosPayment, PosRecorder, PosSale, RecordedBasket, RecordedPayment,
};
use kassa_core::provider::ProviderError;
use kassa_providers::executor::{new_basket, record_sale};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Subcommand)]
pub enum PosCommand {
    /// Record a small test sale (two lines, paid in cash and by voucher) in the back-office and
    /// read it back; exits 0 only when it reads back as sent.
    PushTest,
}

/// The test sale: two lines (2 × 2.50 and 1 × 4.99), paid 5.00 in cash and 4.99 by voucher.
/// Its references carry `stamp`, so every run is a sale of its own.
pub fn test_sale(stamp: u128) -> PosSale {
    let reference = format!("kassa-push-test-{stamp}");
    let payment = |suffix: &str, kind, amount_minor| PosPayment {
        reference: format!("{reference}.{suffix}"),
        kind,
        amount_minor,
        tip_minor: 0,
        note: Some("Kassa push-test".into()),
    };
    PosSale {
        store_id: None,
        lines: vec![
            PosLine {
                name: "Kassa push-test item A".into(),
                unit_price_minor: 250,
                quantity: 2,
                product_instance_id: None,
            },
            PosLine {
                name: "Kassa push-test item B".into(),
                unit_price_minor: 499,
                quantity: 1,
                product_instance_id: None,
            },
        ],
        payments: vec![
            payment("cash", PaymentKind::Cash, 500),
            payment("voucher", PaymentKind::Voucher, 499),
        ],
        note: Some("Kassa push-test: not a real sale".into()),
        reference,
    }
}

/// A provider failure at one step of the test.
#[derive(Debug)]
struct StepError {
    step: &'static str,
    error: ProviderError,
}

/// How many times the sale is sent while answers are lost (each send reads back first).
const SENDS: u32 = 3;

/// Sends the sale as the outbox does: a basket pre-generated, then [`record_sale`] into it,
/// again while an answer is lost. Answers the basket's id.
async fn send(pos: &dyn PosRecorder, sale: &PosSale) -> Result<String, StepError> {
    let basket_id = new_basket(pos, sale).await.map_err(|error| StepError {
        step: "make the basket",
        error,
    })?;
    let mut sends = 1;
    loop {
        match record_sale(pos, sale, &basket_id).await {
            Ok(_) => return Ok(basket_id),
            Err(ProviderError::OutcomeUnknown { .. }) if sends < SENDS => sends += 1,
            Err(error) => {
                return Err(StepError {
                    step: "record the sale",
                    error,
                })
            }
        }
    }
}

/// What the back-office holds that differs from what was sent; empty when all is there.
pub fn compare(
    sale: &PosSale,
    basket: Option<&RecordedBasket>,
    payments: &[RecordedPayment],
) -> Vec<String> {
    let Some(basket) = basket else {
        return vec![format!("the back-office has no basket {}", sale.reference)];
    };
    let mut out = vec![];
    if !basket.completed {
        out.push(format!("basket #{} is not complete", basket.id));
    }
    if basket.lines != sale.lines {
        out.push(format!(
            "basket #{} has other lines than were sent: {:?}",
            basket.id, basket.lines
        ));
    }
    for sent in &sale.payments {
        let Some(found) = payments.iter().find(|p| p.reference == sent.reference) else {
            out.push(format!("payment {} is missing", sent.reference));
            continue;
        };
        if (found.kind, found.amount_minor, found.tip_minor)
            != (sent.kind, sent.amount_minor, sent.tip_minor)
        {
            out.push(format!(
                "payment #{} reads {} {} (tip {}), sent {} {} (tip {})",
                found.id,
                found.kind,
                found.amount_minor,
                found.tip_minor,
                sent.kind,
                sent.amount_minor,
                sent.tip_minor
            ));
        }
        if !found.completed {
            out.push(format!("payment #{} is not complete", found.id));
        }
        if found.basket_id != basket.id {
            out.push(format!(
                "payment #{} belongs to basket #{}, not #{}",
                found.id, found.basket_id, basket.id
            ));
        }
    }
    out
}

fn error_dto(e: &ProviderError, step: &str) -> ErrorDto {
    let code = ErrorCode::from(e);
    ErrorDto {
        code,
        message: format!("push-test could not {step}: {e}"),
    }
}

pub async fn push_test(booted: Booted, json_out: bool) -> ExitCode {
    let Some(pos) = booted.pos.clone() else {
        let message = format!(
            "no POS back-office is configured: add a [providers.shopwave] section to {}",
            booted.paths.config_file.display()
        );
        return fail(&ErrorDto::config(message), json_out);
    };
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let sale = test_sale(stamp);
    let ids = match send(pos.as_ref(), &sale).await {
        Ok(basket_id) => [basket_id],
        Err(StepError { step, error }) => return fail(&error_dto(&error, step), json_out),
    };
    let basket = match pos.find_baskets(&ids).await {
        Ok(mut found) => found.pop(),
        Err(e) => return fail(&error_dto(&e, "read the basket back"), json_out),
    };
    let payments = match pos.find_payments(&ids).await {
        Ok(found) => found,
        Err(e) => return fail(&error_dto(&e, "read the payments back"), json_out),
    };
    let mismatches = compare(&sale, basket.as_ref(), &payments);
    let report = Report {
        provider: pos.id().display_name(),
        training: booted.till.is_training(),
        currency: booted.config.register.currency.clone(),
        sale: &sale,
        basket: basket.as_ref(),
        payments: &payments,
        mismatches: &mismatches,
    };
    if json_out {
        println!("{}", report.json());
    } else {
        report.print();
    }
    if mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the test found, for people and for scripts.
struct Report<'a> {
    provider: &'static str,
    training: bool,
    currency: Currency,
    sale: &'a PosSale,
    basket: Option<&'a RecordedBasket>,
    payments: &'a [RecordedPayment],
    mismatches: &'a [String],
}

impl Report<'_> {
    fn money(&self, minor: i64) -> String {
        Money::new(minor, self.currency.clone()).to_string()
    }

    fn json(&self) -> Value {
        let basket = self.basket.map(|b| {
            json!({
                "id": b.id,
                "reference": b.reference,
                "store_id": b.store_id,
                "completed": b.completed,
                "total_minor": b.total_minor(),
                "lines": b.lines.iter().map(|l| json!({
                    "name": l.name,
                    "unit_price_minor": l.unit_price_minor,
                    "quantity": l.quantity,
                })).collect::<Vec<_>>(),
            })
        });
        let payments: Vec<Value> = self
            .payments
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "reference": p.reference,
                    "kind": p.kind.as_str(),
                    "amount_minor": p.amount_minor,
                    "tip_minor": p.tip_minor,
                    "completed": p.completed,
                })
            })
            .collect();
        json!({
            "ok": self.mismatches.is_empty(),
            "training": self.training,
            "provider": self.provider,
            "sale": self.sale.reference,
            "currency": self.currency.code(),
            "sent_total_minor": self.sale.total_minor(),
            "basket": basket,
            "payments": payments,
            "mismatches": self.mismatches,
        })
    }

    fn print(&self) {
        let training = if self.training { "  [TRAINING]" } else { "" };
        println!("{} back-office push-test{training}", self.provider);
        println!("  test sale  {}", self.sale.reference);
        let sent: Vec<String> = self
            .sale
            .payments
            .iter()
            .map(|p| format!("{} {}", p.kind, self.money(p.amount_minor)))
            .collect();
        println!(
            "  sent       {} lines, {}; paid {}",
            self.sale.lines.len(),
            self.money(self.sale.total_minor()),
            sent.join(", ")
        );
        let state = |done: bool| if done { "complete" } else { "OPEN" };
        match self.basket {
            Some(b) => {
                println!(
                    "  basket     #{} in store {}, {}, {} lines, {}",
                    b.id,
                    b.store_id,
                    state(b.completed),
                    b.lines.len(),
                    self.money(b.total_minor())
                );
                for l in &b.lines {
                    println!(
                        "               {} x {}  {}",
                        l.quantity,
                        self.money(l.unit_price_minor),
                        l.name
                    );
                }
            }
            None => println!("  basket     not found"),
        }
        for p in self.payments {
            println!(
                "  payment    #{} {:<8} {}  {}",
                p.id,
                p.kind.as_str(),
                self.money(p.amount_minor),
                state(p.completed)
            );
        }
        if self.mismatches.is_empty() {
            println!("  result     the back-office holds the test sale as sent");
        } else {
            for m in self.mismatches {
                println!("  MISMATCH   {m}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(sale: &PosSale) -> (RecordedBasket, Vec<RecordedPayment>) {
        let basket = RecordedBasket {
            reference: sale.reference.clone(),
            id: "5541".into(),
            store_id: "1".into(),
            lines: sale.lines.clone(),
            note: sale.note.clone(),
            completed: true,
        };
        let payments = sale
            .payments
            .iter()
            .enumerate()
            .map(|(i, p)| RecordedPayment {
                reference: p.reference.clone(),
                id: (9001 + i).to_string(),
                basket_id: "5541".into(),
                kind: p.kind,
                amount_minor: p.amount_minor,
                tip_minor: p.tip_minor,
                note: p.note.clone(),
                completed: true,
            })
            .collect();
        (basket, payments)
    }

    #[test]
    fn the_test_sale_is_two_lines_paid_in_cash_and_by_voucher() {
        let sale = test_sale(1);
        assert_eq!(sale.total_minor(), 999);
        let paid: i64 = sale.payments.iter().map(|p| p.amount_minor).sum();
        assert_eq!(paid, 999);
        let kinds: Vec<_> = sale.payments.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [PaymentKind::Cash, PaymentKind::Voucher]);
        assert!(sale
            .payments
            .iter()
            .all(|p| kassa_core::pos::is_valid_reference(&p.reference)));
    }

    #[test]
    fn a_faithful_read_back_matches_and_every_difference_is_named() {
        let sale = test_sale(2);
        let (basket, payments) = recorded(&sale);
        assert!(compare(&sale, Some(&basket), &payments).is_empty());

        assert_eq!(
            compare(&sale, None, &payments),
            [format!("the back-office has no basket {}", sale.reference)]
        );
        let mut open = basket.clone();
        open.completed = false;
        open.lines[1].unit_price_minor = 500;
        let mut changed = payments.clone();
        changed[0].amount_minor = 400;
        changed.pop();
        let found = compare(&sale, Some(&open), &changed);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].contains("not complete"));
        assert!(found[1].contains("other lines"));
        assert!(found[2].contains("CASH 400"));
        assert!(found[3].ends_with(".voucher is missing"));
    }
}
