//! The notes the till keeps with a sale and its operations: a tender's note, a card line's
//! description, why a sale was abandoned, what a card line left owed. They are stored as the
//! English (the CLI and the logs read them so); the window reads each back as its catalog
//! sentence — rebuilt from the row's own data and taken only when its English is the stored
//! text word for word — and says it in the till's language. A note the till did not write
//! (a provider's reason, what the cashier typed) is said as stored.

use super::model::{CardAction, CardLine, Line, Sale, Tender};
use crate::lang::{Sentence, Text};
use crate::money::Money;
use crate::outbox::Op;
use crate::provider::ProviderId;

/// A tender whose card could not be asked: its last known balance was used.
pub fn asked_offline(provider: ProviderId) -> Sentence {
    Sentence::new(Text::NoteAskedOffline).with("provider", provider.display_name())
}

/// A tender accepted offline, waiting for its provider.
pub fn accepted_offline(provider: Option<ProviderId>) -> Sentence {
    let who: crate::lang::Value = provider.map_or_else(
        || Sentence::new(Text::NoteTheProvider).into(),
        |p| p.display_name().into(),
    );
    Sentence::new(Text::NoteAcceptedOffline).with("provider", who)
}

/// A card-terminal tender taken off: the terminal pays it back.
pub fn refund_on_terminal() -> Sentence {
    Text::NoteRefundOnTerminal.into()
}

/// A sale abandoned because it was left open too long.
pub fn left_open(minutes: u64) -> Sentence {
    Sentence::new(Text::NoteLeftOpen).with("minutes", minutes)
}

/// A sale abandoned because the till stopped before it was completed.
pub fn interrupted() -> Sentence {
    Text::NoteInterrupted.into()
}

/// A card line's description: `Gift card Leat ••••0001`, `Reload Leat ••••0001`, `New gift
/// card Leat`.
pub fn card_line(card: &CardLine, new_card: bool) -> Sentence {
    let provider = card.provider.display_name();
    if new_card {
        return Sentence::new(Text::LineNewCard).with("provider", provider);
    }
    let text = match card.action {
        CardAction::Sell => Text::LineSellCard,
        CardAction::Reload => Text::LineReloadCard,
    };
    Sentence::new(text)
        .with("provider", provider)
        .with("card", card.card_masked.as_str())
}

/// What a card line paid for but not loaded leaves owed (the review list says it first).
pub fn owed(provider: ProviderId, card_masked: &str, amount: &Money, new_card: bool) -> Sentence {
    if new_card {
        Sentence::new(Text::NewCardOwed)
            .with("provider", provider.display_name())
            .with("amount", amount)
    } else {
        Sentence::new(Text::CardOwed)
            .with("card", card_masked)
            .with("amount", amount)
    }
}

/// The candidate whose English is `stored` word for word, or `stored` as it is.
fn read_back(stored: &str, candidates: impl IntoIterator<Item = Sentence>) -> Sentence {
    candidates
        .into_iter()
        .find(|s| s.to_string() == stored)
        .unwrap_or_else(|| Sentence::verbatim(stored))
}

/// A tender's note as a sentence.
pub fn tender_note(tender: &Tender) -> Option<Sentence> {
    let stored = tender.message.as_deref()?;
    let mut candidates = vec![accepted_offline(tender.provider), refund_on_terminal()];
    if let Some(p) = tender.provider {
        candidates.push(asked_offline(p));
    }
    Some(read_back(stored, candidates))
}

/// A line's description as a sentence (what the cashier typed stays as typed).
pub fn line_description(line: &Line) -> Sentence {
    let candidates = line
        .card
        .iter()
        .flat_map(|c| [card_line(c, false), card_line(c, true)]);
    read_back(&line.description, candidates)
}

/// Why a sale was abandoned, as a sentence.
pub fn sale_note(sale: &Sale) -> Option<Sentence> {
    let stored = sale.note.as_deref()?;
    let minutes = stored
        .strip_prefix("left open for more than ")
        .and_then(|rest| rest.strip_suffix(" minutes"))
        .and_then(|m| m.parse().ok());
    let candidates = minutes.map(left_open).into_iter().chain([interrupted()]);
    Some(read_back(stored, candidates))
}

/// An operation's review reason as a sentence: what it left owed (from its payload, rebuilt
/// from the operation), then the provider's reason as it was sent.
pub fn review_reason(op: &Op) -> Option<Sentence> {
    let stored = op.review_reason.as_deref()?;
    let owed_en = op
        .payload
        .get(super::OWED_KEY)
        .and_then(|o| o.as_str())
        .unwrap_or_default();
    let card = op.card_masked().unwrap_or_default();
    let known = [true, false]
        .into_iter()
        .map(|new_card| owed(op.provider, &card, &op.amount, new_card))
        .find(|s| !owed_en.is_empty() && s.to_string() == owed_en);
    match (known, stored.strip_prefix(owed_en)) {
        (Some(said), Some(rest)) => Some(
            Sentence::new(Text::OwedThen)
                .with("owed", said)
                .with("rest", rest),
        ),
        _ => Some(Sentence::verbatim(stored)),
    }
}
