//! zmyle demo cards.

use crate::zmyle::{CardSpec, CardStatus, ZmyleSim};
use std::time::Duration;

/// The API key and secret the training zmyle simulator accepts; not secrets.
pub const ZMYLE_API_KEY: &str = "training-zmyle-key";
pub const ZMYLE_API_SECRET: &str = "training-zmyle-secret";

/// A zmyle demo card.
pub struct DemoZmyleCard {
    pub short_id: &'static str,
    pub id: &'static str,
    pub access_token: &'static str,
    /// Balance in cents (for a blank card: what it is loaded with when sold).
    pub cents: i64,
    pub status: CardStatus,
    /// Cents held by an open intent of another till, so available < balance.
    pub held: i64,
    pub note: &'static str,
}

/// What the QR code of the €20.00 demo card `QTHX` holds (the example card of zmyle's
/// documentation). Typed by a scanner it must find the same card as `QTHX`.
pub const DEMO_ZMYLE_QR: &str =
    "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";

/// zmyle demo cards, by short id; `QTHX` also by [`DEMO_ZMYLE_QR`].
pub const DEMO_ZMYLE_CARDS: &[DemoZmyleCard] = &[
    DemoZmyleCard {
        short_id: "QTHX",
        id: "18jja4mf08fn08f7gp9l",
        access_token: "hg84zhgnzuigui4hg3hg7834",
        cents: 2000,
        status: CardStatus::Active,
        held: 0,
        note: "€20.00, valid; its QR code is DEMO_ZMYLE_QR",
    },
    DemoZmyleCard {
        short_id: "K7MR2P",
        id: "18jja4mf08fn08f7h2k3",
        access_token: "q8w4ne7rt2yx9vb3mz6k",
        cents: 5000,
        status: CardStatus::Active,
        held: 1500,
        note: "€50.00, of which €15.00 on hold: €35.00 available",
    },
    DemoZmyleCard {
        short_id: "NPAY",
        id: "18jja4mf08fn08f7n9p4",
        access_token: "x3c7v9b2n4m6q8w1e5r7",
        cents: 2500,
        status: CardStatus::Unpaid,
        held: 0,
        note: "€25.00, not paid yet: cannot be redeemed",
    },
    DemoZmyleCard {
        short_id: "BL4NK5",
        id: "18jja4mf08fn08f7b4l5",
        access_token: "t6y8u2i4o6p8a1s3d5f7",
        cents: 3000,
        status: CardStatus::Blank { sellable: true },
        held: 0,
        note: "pre-printed €30.00 card, not sold yet: activate it to sell it",
    },
    DemoZmyleCard {
        short_id: "FR6N",
        id: "18jja4mf08fn08f7f6r6",
        access_token: "g2h4j6k8l1z3x5c7v9b2",
        cents: 1000,
        status: CardStatus::Foreign,
        held: 0,
        note: "a card of another zmyle network: not found",
    },
];

/// The zmyle simulator seeded with the demo cards.
pub(super) fn sim() -> ZmyleSim {
    let zmyle = ZmyleSim::new(ZMYLE_API_KEY, ZMYLE_API_SECRET);
    zmyle.set_statement_descriptor("Kassa Training");
    for demo in DEMO_ZMYLE_CARDS {
        // A blank card holds nothing until it is sold.
        let balance = match demo.status {
            CardStatus::Blank { .. } => 0,
            _ => demo.cents,
        };
        zmyle.add_card(CardSpec {
            balance,
            initial_amount: demo.cents,
            status: demo.status,
            preprinted: matches!(demo.status, CardStatus::Blank { .. }),
            ..CardSpec::active(demo.id, demo.short_id, demo.access_token, balance)
        });
        if demo.held > 0 {
            // Another till's hold that lasts as long as training does.
            zmyle.place_hold(
                demo.short_id,
                demo.held,
                Duration::from_secs(100 * 365 * 86_400),
            );
        }
    }
    zmyle
}
