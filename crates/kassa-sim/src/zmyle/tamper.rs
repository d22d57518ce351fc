//! Test hooks: zmyle's holds changed behind the till's back, as someone with access to the
//! retailer's zmyle account could (a shift's reconciliation must notice). zmyle's API has no
//! call for any of these.

use super::ZmyleSim;

impl ZmyleSim {
    /// Shows hold `intent_id` as cancelled (whatever it was); false for an unknown hold.
    pub fn mark_intent_cancelled(&self, intent_id: &str) -> bool {
        self.ledger().tamper_cancel(intent_id)
    }

    /// Rewrites the amount (minor units) of hold `intent_id`; false for an unknown hold.
    pub fn set_intent_amount(&self, intent_id: &str, minor: i64) -> bool {
        self.ledger().tamper_amount(intent_id, minor)
    }

    /// Forgets hold `intent_id`; false when it was not known.
    pub fn forget_intent(&self, intent_id: &str) -> bool {
        self.ledger().tamper_forget(intent_id)
    }
}
