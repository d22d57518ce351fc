//! Whose a Shopwave record is: the simulator keeps only what Shopwave documents, so a basket is
//! a sale's by the sale id in its `name`, and a payment is a tender's by the reference in its
//! `Note` (where the client puts them, `kassa_providers::shopwave::wire`).

use kassa_providers::shopwave::wire::{payment_reference, sale_reference};
use kassa_sim::shopwave::{Basket, Transaction};

/// The sale written into `basket`; `None` for a basket pre-generated and never written (its
/// answer was lost, so the till made another): it must hold nothing.
pub fn sale_of(basket: &Basket) -> Option<String> {
    let sale = basket.name.as_deref().and_then(sale_reference);
    if sale.is_none() {
        assert!(
            basket.products.is_empty() && basket.complete_date.is_none(),
            "basket {} holds lines or is complete, yet no sale of ours is named in it",
            basket.id
        );
    }
    sale.map(str::to_string)
}

/// The reference of the tender that `payment` records.
pub fn payment_of(payment: &Transaction) -> String {
    let note = payment.note.as_deref().unwrap_or_default();
    payment_reference(note)
        .0
        .unwrap_or_else(|| panic!("payment {} names no tender of ours", payment.id))
        .to_string()
}
