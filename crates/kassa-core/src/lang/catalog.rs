//! Every label and sentence the till prints or says in three languages, one entry per key: the
//! English, Dutch and German text, with `{name}` where a value goes (the same names in all
//! three; `lang/tests.rs` checks). A key without its three texts does not compile.

use super::Language;
use std::fmt::Display;

macro_rules! catalog {
    ($($(#[$doc:meta])* $key:ident => [$en:literal, $nl:literal, $de:literal],)*) => {
        /// A label or sentence of the catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text {
            $($(#[$doc])* $key,)*
        }

        impl Text {
            /// Every key, for the tests.
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            /// The text in `language`, its `{name}`s unfilled.
            pub fn get(self, language: Language) -> &'static str {
                match (self, language) {
                    $(
                        (Text::$key, Language::En) => $en,
                        (Text::$key, Language::Nl) => $nl,
                        (Text::$key, Language::De) => $de,
                    )*
                }
            }
        }
    };
}

impl Text {
    /// The text in `language` with each `{name}` replaced by its value.
    pub fn fill(self, language: Language, values: &[(&str, &dyn Display)]) -> String {
        let mut out = self.get(language).to_string();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

catalog! {
    // ---- receipts ----
    ReceiptTrainingHead => ["*** TRAINING ***", "*** OEFENMODUS ***", "*** ÜBUNGSMODUS ***"],
    ReceiptTrainingFoot => ["TRAINING - nothing was paid", "OEFENMODUS - er is niets betaald", "ÜBUNGSMODUS - nichts wurde bezahlt"],
    ReceiptSale => ["Sale", "Verkoop", "Verkauf"],
    ReceiptRefund => ["Refund", "Retour", "Erstattung"],
    ReceiptVoid => ["Void", "Annulering", "Storno"],
    ReceiptOfSale => ["of sale {number}", "van verkoop {number}", "zu Verkauf {number}"],
    ReceiptTitleOfSale => ["{title} of sale {number}", "{title} van verkoop {number}", "{title} zu Verkauf {number}"],
    ReceiptReason => ["Reason: {reason}", "Reden: {reason}", "Grund: {reason}"],
    ReceiptCard => ["Card {card}", "Kaart {card}", "Karte {card}"],
    ReceiptCardCode => ["Card code {code}", "Kaartcode {code}", "Kartencode {code}"],
    ReceiptCardMaking => [
        "The card is being made: print this receipt again later (refund screen, F9) for its code.",
        "De kaart wordt gemaakt: druk deze bon later opnieuw af (retourscherm, F9) voor de code.",
        "Die Karte wird erstellt: diesen Beleg später erneut drucken (Erstattungen, F9) für ihren Code."
    ],
    ReceiptCardNotMade => [
        "The card was not made or not loaded: the manager settles it (review list).",
        "De kaart is niet gemaakt of niet geladen: de manager regelt het (beoordelingslijst).",
        "Die Karte wurde nicht erstellt oder nicht geladen: der Manager klärt es (Prüfliste)."
    ],
    ReceiptTotal => ["TOTAL", "TOTAAL", "SUMME"],
    ReceiptCashRounding => ["Cash rounding", "Afronding contant", "Bargeldrundung"],
    ReceiptToPay => ["To pay", "Te betalen", "Zu zahlen"],
    ReceiptBalanceLeft => ["Balance left", "Resterend saldo", "Restguthaben"],
    ReceiptRef => ["Ref {reference}", "Ref. {reference}", "Ref. {reference}"],
    ReceiptChange => ["Change", "Wisselgeld", "Rückgeld"],
    TenderCash => ["Cash", "Contant", "Bar"],
    TenderTerminal => ["Card terminal", "Pinautomaat", "Kartenterminal"],
    TenderGiftCard => ["Gift card {provider}", "Cadeaukaart {provider}", "Geschenkkarte {provider}"],
    TenderWallet => ["Wallet {provider}", "Tegoed {provider}", "Guthaben {provider}"],
    RefundBackOnto => ["Back onto {provider} card", "Terug op {provider}-kaart", "Zurück auf {provider}-Karte"],
    RefundLoadedOnto => ["Loaded onto {provider} card", "Geladen op {provider}-kaart", "Geladen auf {provider}-Karte"],
    RefundCash => ["Cash paid out", "Contant uitbetaald", "Bar ausgezahlt"],
    RefundTerminal => ["Card terminal refund", "Terugbetaling via pinautomaat", "Erstattung über Kartenterminal"],

    // ---- X and Z reports ----
    ReportX => ["X REPORT - SHIFT {shift}", "X-RAPPORT - DIENST {shift}", "X-BERICHT - SCHICHT {shift}"],
    ReportZ => ["Z REPORT - SHIFT {shift}", "Z-RAPPORT - DIENST {shift}", "Z-BERICHT - SCHICHT {shift}"],
    ReportOpened => ["Opened {at}", "Geopend {at}", "Geöffnet {at}"],
    ReportOpenedBySale => ["(opened by its first sale, no float)", "(geopend door de eerste verkoop, geen wisselgeldvoorraad)", "(durch den ersten Verkauf geöffnet, kein Wechselgeld)"],
    ReportCashier => ["Cashier: {cashier}", "Kassamedewerker: {cashier}", "Kassierer: {cashier}"],
    ReportNoSignIn => ["(no sign-in)", "(niet aangemeld)", "(keine Anmeldung)"],
    ReportClosed => ["Closed {at}", "Gesloten {at}", "Geschlossen {at}"],
    ReportClosedBy => ["Closed by: {cashier}", "Gesloten door: {cashier}", "Geschlossen von: {cashier}"],
    ReportMade => ["Made {at}", "Gemaakt {at}", "Erstellt {at}"],
    ReportSales => ["Sales", "Verkopen", "Verkäufe"],
    ReportCashRounding => ["Cash rounding", "Afronding contant", "Bargeldrundung"],
    ReportRefunds => ["Refunds", "Retouren", "Erstattungen"],
    ReportVoids => ["Voids", "Annuleringen", "Stornos"],
    ReportAbandoned => ["Abandoned sales", "Geannuleerde verkopen", "Abgebrochene Verkäufe"],
    ReportLookups => ["Card look-ups", "Kaartopvragingen", "Kartenabfragen"],
    ReportPerCashier => ["Sales per cashier", "Verkopen per kassamedewerker", "Verkäufe pro Kassierer"],
    ReportTaken => ["Taken", "Ontvangen", "Eingenommen"],
    ReportGivenBack => ["Given back", "Teruggegeven", "Zurückgegeben"],
    ReportCardSales => ["Gift cards sold / reloaded", "Cadeaukaarten verkocht / opgewaardeerd", "Geschenkkarten verkauft / aufgeladen"],
    ReportOffline => ["Offline, not yet confirmed", "Offline, nog niet bevestigd", "Offline, noch nicht bestätigt"],
    ReportQueued => ["Operations still queued", "Handelingen nog in de wachtrij", "Vorgänge noch in der Warteschlange"],
    ReportInReview => ["Operations in review", "Handelingen ter beoordeling", "Vorgänge in Prüfung"],
    ReportCash => ["Cash", "Contant", "Bargeld"],
    ReportFloat => ["Float", "Wisselgeldvoorraad", "Wechselgeld"],
    ReportCashSales => ["Cash sales", "Contante verkopen", "Barverkäufe"],
    ReportPaidIn => ["Paid in", "Gestort", "Einlage"],
    ReportPaidOut => ["Paid out", "Uitbetaald", "Entnahme"],
    ReportCashGivenBack => ["Cash given back", "Contant teruggegeven", "Bar zurückgegeben"],
    ReportExpected => ["Expected in drawer", "Verwacht in de lade", "Erwartet in der Lade"],
    ReportCounted => ["Counted", "Geteld", "Gezählt"],
    ReportDifference => ["Difference", "Verschil", "Differenz"],
    ReportChecked => ["Checked with the providers", "Nagekeken bij de aanbieders", "Mit den Anbietern abgeglichen"],
    ReportCompared => ["{count} compared", "{count} vergeleken", "{count} verglichen"],
    ReportPending => ["PENDING", "IN AFWACHTING", "AUSSTEHEND"],
    ReportMissing => ["missing at provider", "ontbreekt bij aanbieder", "fehlt beim Anbieter"],
    ReportExtra => ["only at provider", "alleen bij aanbieder", "nur beim Anbieter"],
    ReportDifferent => ["different amount", "ander bedrag", "anderer Betrag"],
    ReportSettled => [" (settled)", " (afgehandeld)", " (erledigt)"],
    ReportVersus => ["{expected} vs {actual}", "{expected} tegen {actual}", "{expected} gegenüber {actual}"],
}
