use super::{Language, Text};
use crate::money::Currency;
use std::collections::BTreeSet;
use time::macros::datetime;

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.insert(rest[start + 1..start + len].to_string());
        rest = &rest[start + len..];
    }
    out
}

#[test]
fn every_key_has_three_languages_with_the_same_values() {
    let mut problems = Vec::new();
    for key in Text::ALL {
        let english = key.get(Language::En);
        for language in Language::ALL {
            let text = key.get(language);
            if text.trim().is_empty() {
                problems.push(format!("{key:?} has no {} text", language.code()));
            }
            if placeholders(text) != placeholders(english) {
                problems.push(format!(
                    "{key:?} in {} fills {:?}, English {:?}",
                    language.code(),
                    placeholders(text),
                    placeholders(english)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(Text::ALL.len() > 50);
}

#[test]
fn values_fill_their_names() {
    assert_eq!(
        Text::ReceiptTitleOfSale.fill(Language::Nl, &[("title", &"Retour"), ("number", &42)]),
        "Retour van verkoop 42"
    );
    assert_eq!(
        Text::ReportZ.fill(Language::De, &[("shift", &7)]),
        "Z-BERICHT - SCHICHT 7"
    );
}

#[test]
fn money_in_each_language() {
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    let usd = Currency::try_from("USD".to_string()).unwrap();
    let jpy = Currency::try_from("JPY".to_string()).unwrap();
    assert_eq!(Language::En.money(1250, &eur), "EUR 12.50");
    assert_eq!(Language::Nl.money(1250, &eur), "€ 12,50");
    assert_eq!(Language::De.money(-5, &eur), "€ -0,05");
    assert_eq!(Language::Nl.money(123_456, &usd), "USD 1234,56");
    assert_eq!(Language::De.money(1200, &jpy), "JPY 1200");
}

#[test]
fn dates_in_each_language() {
    let at = datetime!(2025-03-12 14:05 +01:00);
    assert_eq!(Language::En.date_time(at), "2025-03-12 14:05 +01:00");
    assert_eq!(Language::Nl.date_time(at), "12-03-2025 14:05 +01:00");
    assert_eq!(
        Language::De.date_time(datetime!(2025-03-12 14:05 UTC)),
        "12.03.2025 14:05 UTC"
    );
}

#[test]
fn codes_pick_the_language() {
    assert_eq!(Language::from_code("nl"), Language::Nl);
    assert_eq!(Language::from_code("nl-BE"), Language::Nl);
    assert_eq!(Language::from_code("DE"), Language::De);
    assert_eq!(Language::from_code("en"), Language::En);
    assert_eq!(Language::from_code("fr"), Language::En);
}
