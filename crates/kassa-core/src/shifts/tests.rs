use super::reconcile::{compare, Expected, Found, ProviderRecord};
use super::*;
use crate::outbox::OpKind;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
    (dir, store)
}

fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).unwrap()
}

#[test]
fn a_shift_opens_once_moves_cash_with_a_reason_and_closes_with_the_difference() {
    let (_dir, s) = store();
    assert!(matches!(s.x_report(), Err(ShiftError::NoneOpen)));
    let shift = s.open_shift_with(&eur(), 10000).unwrap();
    assert!(matches!(
        s.open_shift_with(&eur(), 500),
        Err(ShiftError::AlreadyOpen(id)) if id == shift.id
    ));
    assert!(matches!(
        s.cash_move(CashMove::PaidIn, 1000, "  "),
        Err(ShiftError::ReasonRequired)
    ));
    s.cash_move(CashMove::PaidIn, 2000, "change from the bank")
        .unwrap();
    s.cash_move(CashMove::PaidOut, 750, "window cleaner")
        .unwrap();
    let x = s.x_report().unwrap();
    assert_eq!(x.cash.expected_minor, 10000 + 2000 - 750);
    assert_eq!(x.cash.counted_minor, None);
    let z = s.close_shift(11000).unwrap();
    assert_eq!(z.cash.expected_minor, 11250);
    assert_eq!(z.cash.difference_minor, Some(-250));
    assert_eq!(z.cash.movements.len(), 2);
    assert_eq!(
        s.z_report(None).unwrap(),
        z,
        "the Z report is kept as closed"
    );
    assert!(matches!(s.close_shift(0), Err(ShiftError::NoneOpen)));
    let journal = s.recent_journal(10).unwrap();
    let outcomes: Vec<_> = journal
        .iter()
        .rev()
        .filter(|j| j.kind == "shift")
        .map(|j| (j.outcome.as_str(), j.amount_minor))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("opened", Some(10000)),
            ("paid_in", Some(2000)),
            ("paid_out", Some(750)),
            ("closed", Some(11000))
        ]
    );
}

#[test]
fn a_sale_with_no_shift_open_opens_one_without_a_float_and_holds_up_its_close() {
    let (_dir, s) = store();
    let sale = s.insert_sale(&eur()).unwrap();
    let shift = s.open_shift().unwrap().expect("opened by the sale");
    assert_eq!((shift.float_minor, shift.opened_by.as_str()), (0, "sale"));
    assert!(matches!(
        s.close_shift(0),
        Err(ShiftError::UnfinishedSale(n)) if n == sale.number
    ));
}

fn ours(id: &str, kind: OpKind, amount: i64, depends_on: Option<&str>) -> Expected {
    Expected {
        op_id: id.into(),
        kind,
        depends_on: depends_on.map(str::to_string),
        depends_on_ref: None,
        provider_ref: None,
        card_masked: None,
        card_id: None,
        contact: None,
        amount_minor: amount,
    }
}

fn theirs(op: Option<&str>, reference: &str, amount: i64) -> ProviderRecord {
    ProviderRecord {
        op_id: op.map(str::to_string),
        provider_ref: reference.into(),
        card_masked: None,
        amount_minor: amount,
    }
}

#[test]
fn comparison_finds_exactly_what_is_missing_extra_or_different() {
    let expected = [
        ours("a", OpKind::Redeem, -500, None),
        ours("b", OpKind::Redeem, -700, None),
        ours("c", OpKind::Reload, 1000, None),
        ours("d", OpKind::Reverse, 500, Some("a")),
        ours("e", OpKind::Redeem, -300, None),
    ];
    let records = vec![
        theirs(Some("a"), "t1", -500),
        // Leat's own reverse carries the id of what it undoes.
        theirs(Some("a"), "t2", 500),
        theirs(Some("c"), "t3", 900),
        theirs(None, "t4", -1200),
        theirs(Some("older"), "t5", -100),
        theirs(Some("e"), "t6", -300),
    ];
    let found = compare(&expected, records, |op| op == "older");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.contains(&Found::Extra(theirs(None, "t4", -1200))));
    assert!(found.contains(&Found::Missing(expected[1].clone())));
    assert!(found.contains(&Found::Amount(
        expected[2].clone(),
        theirs(Some("c"), "t3", 900)
    )));
}

#[test]
fn a_dutch_z_report_speaks_dutch_with_euro_amounts() {
    let (_dir, s) = store();
    s.open_shift_with(&eur(), 10000).unwrap();
    s.cash_move(CashMove::PaidIn, 2000, "wisselgeld van de bank")
        .unwrap();
    s.cash_move(CashMove::PaidOut, 750, "glazenwasser").unwrap();
    let z = s.close_shift(11000).unwrap();
    let rows = text::rows_in(&z, 48, crate::lang::Language::Nl);
    let text: Vec<String> = rows.into_iter().map(|r| r.text).collect();
    let all = text.join("\n");
    let line = |label: &str| {
        text.iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in\n{all}"))
            .clone()
    };
    assert!(text[0].starts_with("Z-RAPPORT - DIENST "), "{all}");
    let opened = line("Geopend ");
    let date = opened.trim_start_matches("Geopend ");
    assert!(
        date.as_bytes()[2] == b'-' && date.as_bytes()[5] == b'-',
        "the date is day-month-year: {opened}"
    );
    assert!(line("Verkopen (0)").ends_with("€ 0,00"), "{all}");
    assert!(line("Wisselgeldvoorraad").ends_with("€ 100,00"), "{all}");
    assert!(line("Gestort").ends_with("€ 20,00"), "{all}");
    assert!(line("Uitbetaald").ends_with("€ -7,50"), "{all}");
    assert!(line("Verwacht in de lade").ends_with("€ 112,50"), "{all}");
    assert!(line("Geteld").ends_with("€ 110,00"), "{all}");
    assert!(line("Verschil").ends_with("€ -2,50"), "{all}");
    assert!(
        line("Uitbetaald: glazenwasser").ends_with("€ -7,50"),
        "{all}"
    );
    for english in ["EUR", "Expected", "Counted", "Difference", "REPORT"] {
        assert!(!all.contains(english), "{english} in\n{all}");
    }
    let english = text::rows(&z, 48)
        .into_iter()
        .map(|r| r.text)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(english.contains("Z REPORT") && english.contains("EUR 112.50"));
}
