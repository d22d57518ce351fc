use super::*;
use crate::checkout::{Line, TenderState};
use crate::money::Money;
use crate::outbox::{NewOp, OpKind, OpOutcome, Transition};
use crate::provider::ProviderId;
use time::macros::datetime;

fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).unwrap()
}

const FULL_CODE: &str = "https://zmyle.example/c/QTHX-7834-SECRET-ACCESS";

fn tender(pos: i64, kind: TenderKind) -> Tender {
    Tender::new(format!("t{pos}"), pos, kind, 0)
}

/// Sale 42: two lines (one with a long description), a zmyle card that paid 25.00 of the
/// 30.00 it had, and cash 5.00 given for the 3.40 left, rounded to 3.40.
fn sale(confirm_op: Option<String>) -> Sale {
    let mut card = tender(1, TenderKind::GiftCard);
    card.provider = Some(ProviderId::Zmyle);
    // A finished sale holds no code; one that still did must not reach the receipt.
    card.card_code = Some(FULL_CODE.into());
    card.card_masked = Some(crate::card::mask(FULL_CODE));
    card.amount_minor = 2500;
    card.balance_minor = Some(3000);
    card.confirm_op_id = confirm_op;
    let mut cash = tender(2, TenderKind::Cash);
    cash.amount_minor = 340;
    cash.given_minor = Some(500);
    let mut refused = tender(3, TenderKind::Terminal);
    refused.amount_minor = 999;
    refused.state = TenderState::Removed;
    Sale {
        id: "0190-sale".into(),
        number: 42,
        state: SaleState::Completed,
        currency: eur(),
        lines: vec![
            Line {
                pos: 1,
                description:
                    "Single-origin Ethiopian Yirgacheffe coffee beans, washed process, 1 kg bag"
                        .into(),
                quantity: 1,
                unit_price_minor: 1250,
                card: None,
            },
            Line {
                pos: 2,
                description: "Mug".into(),
                quantity: 2,
                unit_price_minor: 795,
                card: None,
            },
        ],
        tenders: vec![card, cash, refused],
        record_op_id: None,
        note: None,
        created_at: datetime!(2026-11-30 9:20 UTC),
        finished_at: Some(datetime!(2026-11-30 9:24 UTC)),
    }
}

fn register() -> RegisterConfig {
    RegisterConfig {
        shop: "Koffie & Co".into(),
        ..RegisterConfig::default()
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
    (dir, store)
}

fn receipt(training: bool) -> Receipt {
    let (_dir, store) = store();
    Receipt::for_sale(&sale(None), &store, &register(), training, UtcOffset::UTC).unwrap()
}

#[test]
fn a_sale_receipt_holds_what_the_customer_paid() {
    let (_dir, store) = store();
    let confirm = NewOp::new(
        ProviderId::Zmyle,
        OpKind::Confirm,
        Some(FULL_CODE),
        Money::new(2500, eur()),
    );
    store.enqueue(std::slice::from_ref(&confirm)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let sent = store.claim_due(ProviderId::Zmyle, now, 1).unwrap();
    let answer = Transition::Succeeded(OpOutcome {
        provider_ref: Some("ctx-88812".into()),
        hold_expires_at: None,
    });
    store.record(&sent[0], &answer, now).unwrap();
    let r = Receipt::for_sale(
        &sale(Some(confirm.id.clone())),
        &store,
        &register(),
        true,
        UtcOffset::UTC,
    )
    .unwrap();
    assert_eq!(r.title, "Sale");
    assert_eq!(r.number, 42);
    assert_eq!(r.barcode, "KS42");
    assert_eq!(r.total_minor, 2840);
    assert_eq!(r.change_minor, 160);
    assert!(r.training);
    assert_eq!(r.tenders.len(), 2, "a removed tender is not on the receipt");
    let card = &r.tenders[0];
    assert_eq!(card.label, "Gift card zmyle");
    assert_eq!(card.card_masked.as_deref(), Some("••••CESS"));
    assert_eq!(card.amount_minor, 2500);
    assert_eq!(card.balance_after_minor, Some(500));
    assert_eq!(card.provider_ref.as_deref(), Some("ctx-88812"));
    assert_eq!(r.tenders[1].label, "Cash");
    assert_eq!(
        r.tenders[1].amount_minor, 500,
        "cash shows what was handed over"
    );
    let text = r.text(48).join("\n");
    for expected in [
        "Koffie & Co",
        "Till 1 (till-1)",
        "Sale 42",
        "2026-11-30 09:24 UTC",
        "EUR 28.40",
        "Card ••••CESS",
        "Balance left",
        "EUR 5.00",
        "Ref ctx-88812",
        "Change",
        "EUR 1.60",
        "TRAINING",
        "KS42",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
    assert!(
        !text.contains("SECRET"),
        "the full code is never printed:\n{text}"
    );
}

#[test]
fn no_line_is_wider_than_the_paper() {
    let r = receipt(true);
    for columns in [MIN_COLUMNS, 32, 42, 48, 64] {
        let lines = r.text(columns);
        for l in &lines {
            assert!(
                l.chars().count() <= columns,
                "{columns} columns: {:?} is {}",
                l,
                l.chars().count()
            );
        }
        let text = lines.join(" ");
        let words: Vec<&str> = text.split_whitespace().collect();
        for word in "Single-origin Ethiopian Yirgacheffe coffee beans, washed process, 1 kg bag"
            .split_whitespace()
            .filter(|w| w.chars().count() <= columns)
        {
            assert!(
                words.contains(&word),
                "{columns}: {word} lost in\n{}",
                lines.join("\n")
            );
        }
    }
}

#[test]
fn a_long_description_wraps_and_its_amount_stays_on_the_right() {
    let lines = receipt(false).text(32);
    let at = lines
        .iter()
        .position(|l| l.starts_with("Single-origin"))
        .unwrap();
    assert!(!lines[at].contains("EUR"), "{lines:#?}");
    let last = lines[at + 1..]
        .iter()
        .find(|l| l.ends_with("EUR 12.50"))
        .expect("the line's total after its description");
    assert_eq!(last.chars().count(), 32);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("  2 x EUR 7.95") && l.ends_with("EUR 15.90")));
    assert!(!lines.join("\n").contains("TRAINING"));
}

#[test]
fn a_word_longer_than_the_line_is_broken_and_indents_are_kept() {
    assert_eq!(
        layout::wrap("  Ref 0123456789abcdef0123", 10),
        vec!["  Ref", "  01234567", "  89abcdef", "  0123"]
    );
    assert_eq!(layout::wrap("", 10), vec![""]);
    assert_eq!(layout::centered("KS42", 10), "   KS42");
}

#[test]
fn a_refund_is_the_same_receipt_with_negative_amounts() {
    let mut r = receipt(false);
    r.title = "Refund".into();
    r.reference = Some("of sale 42".into());
    r.reason =
        Some("The mug arrived broken and the customer wants the money back on the card".into());
    r.lines.truncate(1);
    r.lines[0].total_minor = -1250;
    r.total_minor = -1250;
    r.tenders.truncate(1);
    r.tenders[0].amount_minor = -1250;
    r.tenders[0].balance_after_minor = Some(1750);
    r.change_minor = 0;
    let lines = r.text(42);
    let text = lines.join("\n");
    assert!(lines.iter().all(|l| l.chars().count() <= 42), "{text}");
    for expected in [
        "Refund 42",
        "of sale 42",
        "Reason: The mug",
        "EUR -12.50",
        "••••CESS",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
    assert!(!text.contains("Change"), "{text}");
}

#[test]
fn only_a_completed_sale_has_a_receipt() {
    let (_dir, store) = store();
    let mut open = sale(None);
    open.state = SaleState::Tendering;
    let err = Receipt::for_sale(&open, &store, &register(), false, UtcOffset::UTC).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Sale 42 is tendering: a receipt is made once a sale is paid."
    );
}

#[test]
fn the_time_is_shown_in_the_offset_asked_for() {
    let (_dir, store) = store();
    let cet = UtcOffset::from_hms(1, 0, 0).unwrap();
    let r = Receipt::for_sale(&sale(None), &store, &register(), false, cet).unwrap();
    assert!(r.text(48).join("\n").contains("2026-11-30 10:24 +01:00"));
}

#[test]
fn a_sale_is_found_by_its_id_number_or_barcode() {
    let (_dir, store) = store();
    let currency = eur();
    let first = store.insert_sale(&currency).unwrap();
    let second = store.insert_sale(&currency).unwrap();
    assert_eq!(second.number, 2);
    for reference in [second.id.as_str(), "2", "KS2", "ks2", " KS2\r\n"] {
        let found = find_sale(&store, reference).unwrap();
        assert_eq!(
            found.map(|s| s.id),
            Some(second.id.clone()),
            "{reference:?}"
        );
    }
    assert_eq!(find_sale(&store, "KS1").unwrap().unwrap().id, first.id);
    for nothing in ["KS3", "0", "KS", "KSX", "", "sale"] {
        assert!(find_sale(&store, nothing).unwrap().is_none(), "{nothing:?}");
    }
}

#[test]
fn a_dutch_till_prints_its_receipt_in_dutch() {
    let (_dir, store) = store();
    let register = RegisterConfig {
        language: "nl".into(),
        ..register()
    };
    let r = Receipt::for_sale(&sale(None), &store, &register, true, UtcOffset::UTC).unwrap();
    assert_eq!(r.title, "Verkoop");
    assert_eq!(r.tenders[0].label, "Cadeaukaart zmyle");
    assert_eq!(r.tenders[1].label, "Contant");
    let text = r.text(48).join("\n");
    for expected in [
        "*** OEFENMODUS ***",
        "Verkoop 42",
        "30-11-2026 09:24 UTC",
        "€ 12,50",
        "2 x € 7,95",
        "TOTAAL",
        "€ 28,40",
        "Kaart ••••CESS",
        "Resterend saldo",
        "Wisselgeld",
        "€ 1,60",
        "OEFENMODUS - er is niets betaald",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
    for english in ["EUR", "TOTAL ", "Change", "Balance left", "TRAINING"] {
        assert!(!text.contains(english), "{english} in\n{text}");
    }
}

#[test]
fn a_german_till_prints_its_receipt_in_german() {
    let (_dir, store) = store();
    let register = RegisterConfig {
        language: "de".into(),
        ..register()
    };
    let r = Receipt::for_sale(&sale(None), &store, &register, false, UtcOffset::UTC).unwrap();
    let text = r.text(48).join("\n");
    for expected in [
        "Verkauf 42",
        "30.11.2026 09:24 UTC",
        "SUMME",
        "€ 28,40",
        "Rückgeld",
        "Bar",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
}
