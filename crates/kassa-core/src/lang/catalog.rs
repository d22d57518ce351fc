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

    // ---- the sale screen: refusals ----
    DoingAddLine => ["adding a line", "een regel toevoegen", "eine Zeile hinzufügen"],
    DoingRemoveLine => ["taking a line off", "een regel verwijderen", "eine Zeile entfernen"],
    DoingAddTender => ["adding a tender", "een betaling toevoegen", "eine Zahlung hinzufügen"],
    DoingRemoveTender => ["taking a tender off", "een betaling verwijderen", "eine Zahlung entfernen"],
    DoingAddCard => ["adding a card", "een kaart toevoegen", "eine Karte hinzufügen"],
    DoingAbandon => ["abandoning it", "afbreken", "abbrechen"],
    DoingComplete => ["completing it", "afronden", "abschließen"],
    SaleIsPaid => ["Sale {number} is paid already: {doing} is not possible.", "Verkoop {number} is al betaald: {doing} kan niet.", "Verkauf {number} ist bereits bezahlt: {doing} ist nicht möglich."],
    SaleWasAbandoned => ["Sale {number} was abandoned: {doing} is not possible.", "Verkoop {number} is afgebroken: {doing} kan niet.", "Verkauf {number} wurde abgebrochen: {doing} ist nicht möglich."],
    SaleIsCompleting => ["Sale {number} is being completed: {doing} is not possible now.", "Verkoop {number} wordt afgerond: {doing} kan nu niet.", "Verkauf {number} wird gerade abgeschlossen: {doing} ist jetzt nicht möglich."],
    NotPossibleNow => ["{doing} is not possible now.", "{doing} kan nu niet.", "{doing} ist jetzt nicht möglich."],
    NoSuchSale => ["There is no sale '{id}'.", "Er is geen verkoop '{id}'.", "Es gibt keinen Verkauf '{id}'."],
    LineTooMuch => ["That line would make the sale more than the till takes in one sale.", "Met die regel wordt de verkoop meer dan de kassa in één verkoop aanneemt.", "Mit dieser Zeile wäre der Verkauf mehr, als die Kasse in einem Verkauf annimmt."],
    NoSuchLine => ["The sale has no line {pos}.", "De verkoop heeft geen regel {pos}.", "Der Verkauf hat keine Zeile {pos}."],
    PaidMoreThanSale => ["More is paid than the sale would then cost: take a tender off first.", "Er is dan meer betaald dan de verkoop kost: verwijder eerst een betaling.", "Dann wäre mehr bezahlt, als der Verkauf kostet: zuerst eine Zahlung entfernen."],
    RingUpFirst => ["Ring up a line first: the sale has nothing to pay.", "Voeg eerst een regel toe: er valt nog niets te betalen.", "Zuerst eine Zeile erfassen: es ist noch nichts zu zahlen."],
    StillToPay => ["{amount} is still to pay.", "Er moet nog {amount} betaald worden.", "Es sind noch {amount} zu zahlen."],
    NothingLeftToPay => ["Nothing is left to pay: press F9 to complete.", "Er valt niets meer te betalen: druk op F9 om af te ronden.", "Es ist nichts mehr zu zahlen: F9 drücken zum Abschließen."],
    CardPaysAlready => ["This card already pays part of this sale: it cannot be scanned twice.", "Deze kaart betaalt al een deel van deze verkoop: hij kan niet twee keer gescand worden.", "Diese Karte bezahlt bereits einen Teil dieses Verkaufs: sie kann nicht zweimal gescannt werden."],
    CardSoldHere => ["This card is sold or reloaded in this sale, so it cannot pay for it.", "Deze kaart wordt in deze verkoop verkocht of opgewaardeerd, dus kan hij er niet voor betalen.", "Diese Karte wird in diesem Verkauf verkauft oder aufgeladen und kann ihn daher nicht bezahlen."],
    CardNotActive => ["{provider} says this card cannot be used (not active).", "{provider} zegt dat deze kaart niet gebruikt kan worden (niet actief).", "{provider} sagt, dass diese Karte nicht verwendet werden kann (nicht aktiv)."],
    CardExpired => ["{provider}: this card has expired.", "{provider}: deze kaart is verlopen.", "{provider}: diese Karte ist abgelaufen."],
    CardOtherCurrency => ["This card holds {card}, the till takes {till}.", "Deze kaart heeft {card}, de kassa neemt {till} aan.", "Diese Karte enthält {card}, die Kasse nimmt {till} an."],
    CardEmpty => ["{provider}: this card has nothing left to spend.", "{provider}: er staat niets meer op deze kaart.", "{provider}: auf dieser Karte ist nichts mehr auszugeben."],
    CardUnseenOffline => ["{error} This card has not been seen on this till before, so no balance is known: take another tender.", "{error} Deze kaart is nog niet eerder op deze kassa gezien, dus het saldo is onbekend: kies een andere betaling.", "{error} Diese Karte wurde an dieser Kasse noch nie gesehen, daher ist kein Guthaben bekannt: eine andere Zahlungsart wählen."],
    CardEmptyOffline => ["{error} This card had nothing left when last seen.", "{error} Er stond niets meer op deze kaart toen hij het laatst gezien werd.", "{error} Auf dieser Karte war beim letzten Mal nichts mehr."],
    CardPaysFromTo => ["This card can pay from {least} to {most} of this sale.", "Deze kaart kan {least} tot {most} van deze verkoop betalen.", "Diese Karte kann {least} bis {most} dieses Verkaufs bezahlen."],
    HoldRefused => ["zmyle refused the hold: {reason}", "zmyle weigerde de reservering: {reason}", "zmyle hat die Reservierung abgelehnt: {reason}"],
    TerminalTooMuch => ["The terminal cannot take more than is still to pay ({amount}).", "De pinautomaat kan niet meer nemen dan er nog te betalen is ({amount}).", "Das Kartenterminal kann nicht mehr nehmen, als noch zu zahlen ist ({amount})."],
    NoSuchTender => ["That tender is not on the sale.", "Die betaling staat niet op de verkoop.", "Diese Zahlung ist nicht im Verkauf."],
    AmountNotPositive => ["An amount must be more than 0.", "Een bedrag moet meer dan 0 zijn.", "Ein Betrag muss größer als 0 sein."],
    AmountTooLarge => ["That amount is more than the till takes at once.", "Dat bedrag is meer dan de kassa in één keer aanneemt.", "Dieser Betrag ist mehr, als die Kasse auf einmal annimmt."],
    LineNoDescription => ["A line needs a description.", "Een regel heeft een omschrijving nodig.", "Eine Zeile braucht eine Beschreibung."],
    LineDescriptionTooLong => ["A line's description is at most {most} characters of text.", "De omschrijving van een regel is hoogstens {most} tekens tekst.", "Die Beschreibung einer Zeile hat höchstens {most} Zeichen Text."],
    LineQuantity => ["The quantity must be from 1 to {most}.", "Het aantal moet van 1 tot {most} zijn.", "Die Menge muss zwischen 1 und {most} liegen."],
    LinePriceNotPositive => ["A price must be more than 0.", "Een prijs moet meer dan 0 zijn.", "Ein Preis muss größer als 0 sein."],
    LineTooLarge => ["That line is more than the till takes in one sale.", "Die regel is meer dan de kassa in één verkoop aanneemt.", "Diese Zeile ist mehr, als die Kasse in einem Verkauf annimmt."],
    NoNewCardMaker => ["No provider of this till makes new gift cards: scan a pre-printed card to sell it.", "Geen aanbieder van deze kassa maakt nieuwe cadeaukaarten: scan een voorgedrukte kaart om die te verkopen.", "Kein Anbieter dieser Kasse erstellt neue Geschenkkarten: eine vorgedruckte Karte scannen, um sie zu verkaufen."],
    CardLineTooMuch => ["That card would make the sale more than the till takes in one sale.", "Met die kaart wordt de verkoop meer dan de kassa in één verkoop aanneemt.", "Mit dieser Karte wäre der Verkauf mehr, als die Kasse in einem Verkauf annimmt."],
    CardSoldAlready => ["{provider} already has card {card} (balance {balance}): choose reload to put money on it.", "{provider} heeft kaart {card} al (saldo {balance}): kies opwaarderen om er geld op te zetten.", "{provider} hat die Karte {card} bereits (Guthaben {balance}): Aufladen wählen, um Geld daraufzuladen."],
    ZmyleNoReload => ["zmyle cards cannot be reloaded at the till: sell a new card.", "zmyle-kaarten kunnen aan de kassa niet opgewaardeerd worden: verkoop een nieuwe kaart.", "zmyle-Karten können an der Kasse nicht aufgeladen werden: eine neue Karte verkaufen."],
    ReloadNotActive => ["{provider} says this card cannot be used (not active), so it cannot be reloaded.", "{provider} zegt dat deze kaart niet gebruikt kan worden (niet actief), dus kan hij niet opgewaardeerd worden.", "{provider} sagt, dass diese Karte nicht verwendet werden kann (nicht aktiv), daher kann sie nicht aufgeladen werden."],
    ReloadExpired => ["{provider}: this card has expired, so it cannot be reloaded.", "{provider}: deze kaart is verlopen, dus kan hij niet opgewaardeerd worden.", "{provider}: diese Karte ist abgelaufen und kann daher nicht aufgeladen werden."],
    CardOnSaleAlready => ["This card is already on this sale.", "Deze kaart staat al op deze verkoop.", "Diese Karte ist bereits in diesem Verkauf."],
    CardPaysSoCannotSell => ["This card pays part of this sale, so it cannot also be sold or reloaded in it.", "Deze kaart betaalt een deel van deze verkoop, dus kan hij er niet ook in verkocht of opgewaardeerd worden.", "Diese Karte bezahlt einen Teil dieses Verkaufs und kann darin nicht auch verkauft oder aufgeladen werden."],
    CardSoldFromTo => ["{provider} sells this card for {min} to {max}, not {amount}.", "{provider} verkoopt deze kaart voor {min} tot {max}, niet voor {amount}.", "{provider} verkauft diese Karte für {min} bis {max}, nicht für {amount}."],
    CardSoldInCurrency => ["This card is sold in {card}, the till takes {till}.", "Deze kaart wordt verkocht in {card}, de kassa neemt {till} aan.", "Diese Karte wird in {card} verkauft, die Kasse nimmt {till} an."],
    CardSoldExactly => ["This {provider} card is sold for {amount} exactly: its activation loads that amount.", "Deze {provider}-kaart wordt voor precies {amount} verkocht: de activering laadt dat bedrag.", "Diese {provider}-Karte wird für genau {amount} verkauft: die Aktivierung lädt diesen Betrag."],
    CardAmountNotPositive => ["The amount to put on the card must be more than 0.", "Het bedrag voor op de kaart moet meer dan 0 zijn.", "Der Betrag für die Karte muss größer als 0 sein."],
    CardAmountTooLarge => ["That is more than the till takes in one sale.", "Dat is meer dan de kassa in één verkoop aanneemt.", "Das ist mehr, als die Kasse in einem Verkauf annimmt."],

    // ---- refunds and voids: refusals ----
    VoidSoldCard => ["Sale {number} sold or loaded a gift card, which keeps its money: it cannot be voided; refund its other lines.", "Verkoop {number} heeft een cadeaukaart verkocht of geladen, die het geld houdt: hij kan niet geannuleerd worden; retourneer de andere regels.", "Verkauf {number} hat eine Geschenkkarte verkauft oder aufgeladen, die ihr Geld behält: er kann nicht storniert werden; die anderen Zeilen erstatten."],
    VoidedAlready => ["Sale {number} was voided already: refund what is left instead.", "Verkoop {number} is al geannuleerd: retourneer in plaats daarvan wat er over is.", "Verkauf {number} wurde bereits storniert: stattdessen den Rest erstatten."],
    RefundedInPartAlready => ["Sale {number} was refunded in part already: refund what is left instead.", "Verkoop {number} is al deels geretourneerd: retourneer in plaats daarvan wat er over is.", "Verkauf {number} wurde bereits teilweise erstattet: stattdessen den Rest erstatten."],
    VoidScanCards => ["A void puts every card's payment back: scan {cards} first, or refund instead.", "Een annulering zet de betaling van elke kaart terug: scan eerst {cards}, of retourneer in plaats daarvan.", "Ein Storno bucht die Zahlung jeder Karte zurück: zuerst {cards} scannen oder stattdessen erstatten."],
    VoidNoPayment => ["Sale {number} has no payment to void.", "Verkoop {number} heeft geen betaling om te annuleren.", "Verkauf {number} hat keine Zahlung zum Stornieren."],
    RefundNotPositive => ["A refund needs an amount above zero.", "Een retour heeft een bedrag boven nul nodig.", "Eine Erstattung braucht einen Betrag über null."],
    RefundAtMost => ["At most {left} can be refunded of sale {number}: {paid} was paid and {back} given back already.", "Van verkoop {number} kan hoogstens {left} geretourneerd worden: er is {paid} betaald en al {back} teruggegeven.", "Von Verkauf {number} können höchstens {left} erstattet werden: {paid} wurden bezahlt und bereits {back} zurückgegeben."],
    RefundAtMostWithCards => ["At most {left} can be refunded of sale {number}: {paid} was paid ({cards} of it on gift cards the sale sold, which keep it) and {back} given back already.", "Van verkoop {number} kan hoogstens {left} geretourneerd worden: er is {paid} betaald ({cards} daarvan op cadeaukaarten die de verkoop verkocht, die het houden) en al {back} teruggegeven.", "Von Verkauf {number} können höchstens {left} erstattet werden: {paid} wurden bezahlt ({cards} davon auf Geschenkkarten, die der Verkauf verkauft hat und die es behalten) und bereits {back} zurückgegeben."],
    NoSaleForReceipt => ["There is no sale '{text}' on this till: scan the barcode on the receipt or type the sale's number.", "Er is geen verkoop '{text}' op deze kassa: scan de streepjescode op de bon of typ het nummer van de verkoop.", "Es gibt keinen Verkauf '{text}' an dieser Kasse: den Barcode auf dem Beleg scannen oder die Nummer des Verkaufs eingeben."],
    RefundNeedsReason => ["Say why the money goes back: a reason is required.", "Zeg waarom het geld terug gaat: een reden is verplicht.", "Sagen Sie, warum das Geld zurückgeht: ein Grund ist erforderlich."],
    RefundReasonTooLong => ["The reason is too long: at most {most} characters.", "De reden is te lang: hoogstens {most} tekens.", "Der Grund ist zu lang: höchstens {most} Zeichen."],
    RefundScanReloadCard => ["Scan the gift card to load the refund onto.", "Scan de cadeaukaart waarop de retour geladen wordt.", "Die Geschenkkarte scannen, auf die die Erstattung geladen wird."],
    RefundNotCompleted => ["Sale {number} is not completed: only a paid sale can be refunded.", "Verkoop {number} is niet afgerond: alleen een betaalde verkoop kan geretourneerd worden.", "Verkauf {number} ist nicht abgeschlossen: nur ein bezahlter Verkauf kann erstattet werden."],
    VoidNotCompleted => ["Sale {number} is not completed: only a paid sale can be voided.", "Verkoop {number} is niet afgerond: alleen een betaalde verkoop kan geannuleerd worden.", "Verkauf {number} ist nicht abgeschlossen: nur ein bezahlter Verkauf kann storniert werden."],
    VoidTooLate => ["Sale {number} is older than {minutes} minutes: it can no longer be voided; refund it instead.", "Verkoop {number} is ouder dan {minutes} minuten: hij kan niet meer geannuleerd worden; retourneer hem in plaats daarvan.", "Verkauf {number} ist älter als {minutes} Minuten: er kann nicht mehr storniert werden; stattdessen erstatten."],
    RefundTypeAmount => ["Type the amount to refund.", "Typ het bedrag dat terug gaat.", "Den zu erstattenden Betrag eingeben."],
    ZmyleRefundTooLate => ["zmyle takes refunds only within {days} days of the sale: refund card {card} to cash or another gift card.", "zmyle neemt retouren alleen binnen {days} dagen na de verkoop aan: retourneer kaart {card} contant of op een andere cadeaukaart.", "zmyle nimmt Erstattungen nur innerhalb von {days} Tagen nach dem Verkauf an: Karte {card} bar oder auf eine andere Geschenkkarte erstatten."],
    RefundCardDidNotPay => ["Card {card} did not pay sale {number}: scan a card the sale was paid with.", "Kaart {card} heeft verkoop {number} niet betaald: scan een kaart waarmee de verkoop betaald is.", "Karte {card} hat Verkauf {number} nicht bezahlt: eine Karte scannen, mit der der Verkauf bezahlt wurde."],
    RefundCardRefusedAfter => ["The payment with card {card} was refused by {provider} after the sale (it is on the review list): nothing can go back onto that card.", "De betaling met kaart {card} is na de verkoop door {provider} geweigerd (hij staat op de beoordelingslijst): er kan niets terug op die kaart.", "Die Zahlung mit Karte {card} wurde nach dem Verkauf von {provider} abgelehnt (sie steht auf der Prüfliste): auf diese Karte kann nichts zurück."],
    LeatWholeOnly => ["Leat puts a payment back on card {card} only whole ({whole}), and will not top it up ({reason}): refund {whole} onto it, or refund this amount to cash or another card.", "Leat zet een betaling alleen in zijn geheel terug op kaart {card} ({whole}), en waardeert hem niet op ({reason}): retourneer {whole} erop, of retourneer dit bedrag contant of op een andere kaart.", "Leat bucht eine Zahlung auf Karte {card} nur ganz zurück ({whole}) und lädt sie nicht auf ({reason}): {whole} darauf erstatten oder diesen Betrag bar oder auf eine andere Karte erstatten."],

    // ---- scans and look-ups ----
    ScanEmpty => ["The scan was empty. Scan the card again or type its code.", "De scan was leeg. Scan de kaart opnieuw of typ de code.", "Der Scan war leer. Die Karte erneut scannen oder ihren Code eingeben."],
    ScanTooLong => ["The scan is {len} characters long; a card code has at most {most}. Scan the card again.", "De scan is {len} tekens lang; een kaartcode heeft er hoogstens {most}. Scan de kaart opnieuw.", "Der Scan ist {len} Zeichen lang; ein Kartencode hat höchstens {most}. Die Karte erneut scannen."],
    ScanGarbled => ["The scan contains control characters, so it was garbled. Scan the card again.", "De scan bevat stuurtekens, dus hij is verminkt. Scan de kaart opnieuw.", "Der Scan enthält Steuerzeichen und ist daher verstümmelt. Die Karte erneut scannen."],
    NoProviderForCode => ["This code does not belong to any card provider this till takes. Check the card, or type the code by hand.", "Deze code hoort bij geen enkele kaartaanbieder die deze kassa aanneemt. Controleer de kaart, of typ de code met de hand.", "Dieser Code gehört zu keinem Kartenanbieter, den diese Kasse annimmt. Die Karte prüfen oder den Code von Hand eingeben."],
    ProviderSays => ["{provider}: {error}", "{provider}: {error}", "{provider}: {error}"],

    // ---- PINs, sign-in and cashiers ----
    PinMalformed => ["A manager PIN is {least} to {most} digits.", "Een managerpincode heeft {least} tot {most} cijfers.", "Eine Manager-PIN hat {least} bis {most} Ziffern."],
    PinNotSet => ["No manager PIN is set on this till: the installer sets one with `kassa manager set-pin`.", "Er is geen managerpincode ingesteld op deze kassa: de installateur stelt er een in met `kassa manager set-pin`.", "An dieser Kasse ist keine Manager-PIN gesetzt: der Installateur setzt eine mit `kassa manager set-pin`."],
    PinMissing => ["No manager PIN was given: it is read from standard input.", "Er is geen managerpincode gegeven: die wordt van standaardinvoer gelezen.", "Es wurde keine Manager-PIN angegeben: sie wird von der Standardeingabe gelesen."],
    PinWrong => ["Wrong manager PIN ({left} more tries before the PIN is locked for a minute).", "Verkeerde managerpincode (nog {left} pogingen voordat de pincode een minuut geblokkeerd wordt).", "Falsche Manager-PIN (noch {left} Versuche, bevor die PIN für eine Minute gesperrt wird)."],
    PinLocked => ["Too many wrong PINs: the manager PIN is locked for {secs} more seconds.", "Te veel verkeerde pincodes: de managerpincode is nog {secs} seconden geblokkeerd.", "Zu viele falsche PINs: die Manager-PIN ist noch {secs} Sekunden gesperrt."],
    PinUnavailable => ["The manager PIN cannot be checked: {reason}", "De managerpincode kan niet gecontroleerd worden: {reason}", "Die Manager-PIN kann nicht geprüft werden: {reason}"],
    PinNotAManager => ["This needs a manager: a cashier's PIN cannot approve it.", "Hiervoor is een manager nodig: de pincode van een kassamedewerker kan dit niet goedkeuren.", "Dafür ist ein Manager nötig: die PIN eines Kassierers kann das nicht genehmigen."],
    NoSuchCashier => ["No cashier is called {name} on this till.", "Er is geen kassamedewerker met de naam {name} op deze kassa.", "An dieser Kasse heißt kein Kassierer {name}."],
    CashierDisabled => ["{name} is disabled on this till and cannot sign in.", "{name} is uitgeschakeld op deze kassa en kan niet aanmelden.", "{name} ist an dieser Kasse deaktiviert und kann sich nicht anmelden."],
    PinWrongSignIn => ["Wrong PIN ({left} more tries before PINs are locked for a minute).", "Verkeerde pincode (nog {left} pogingen voordat pincodes een minuut geblokkeerd worden).", "Falsche PIN (noch {left} Versuche, bevor PINs für eine Minute gesperrt werden)."],
    CashierBadName => ["A cashier's name is 1 to {most} characters, letters, digits, spaces, '.', '-' or '''.", "De naam van een kassamedewerker is 1 tot {most} tekens: letters, cijfers, spaties, '.', '-' of '''.", "Der Name eines Kassierers hat 1 bis {most} Zeichen: Buchstaben, Ziffern, Leerzeichen, '.', '-' oder '''."],
    CashierBadRole => ["'{role}' is not a role: a role is cashier or manager.", "'{role}' is geen rol: een rol is cashier (kassamedewerker) of manager.", "'{role}' ist keine Rolle: eine Rolle ist cashier (Kassierer) oder manager."],
    CashierNameTaken => ["There is already a cashier called {name} on this till.", "Er is al een kassamedewerker met de naam {name} op deze kassa.", "An dieser Kasse gibt es bereits einen Kassierer namens {name}."],
    CashierTillManager => ["{name} is the till's manager PIN: change it with `kassa manager set-pin`.", "{name} is de managerpincode van de kassa: wijzig die met `kassa manager set-pin`.", "{name} ist die Manager-PIN der Kasse: mit `kassa manager set-pin` ändern."],

    // ---- payments stopped ----
    DiskFull => ["The disk is full: Kassa cannot record payments, so it takes none. Free space on the disk, then try again.", "De schijf is vol: Kassa kan geen betalingen vastleggen en neemt er dus geen aan. Maak ruimte vrij op de schijf en probeer het opnieuw.", "Der Datenträger ist voll: Kassa kann keine Zahlungen aufzeichnen und nimmt daher keine an. Platz auf dem Datenträger schaffen und erneut versuchen."],
    DiskReadOnly => ["The database cannot be written (read-only): Kassa cannot record payments, so it takes none. Check the disk and the file's permissions.", "De database kan niet beschreven worden (alleen-lezen): Kassa kan geen betalingen vastleggen en neemt er dus geen aan. Controleer de schijf en de rechten van het bestand.", "Die Datenbank kann nicht geschrieben werden (schreibgeschützt): Kassa kann keine Zahlungen aufzeichnen und nimmt daher keine an. Datenträger und Dateirechte prüfen."],
    DiskFailed => ["The disk failed while writing: Kassa cannot record payments, so it takes none. Check the disk.", "De schijf faalde bij het schrijven: Kassa kan geen betalingen vastleggen en neemt er dus geen aan. Controleer de schijf.", "Der Datenträger ist beim Schreiben ausgefallen: Kassa kann keine Zahlungen aufzeichnen und nimmt daher keine an. Den Datenträger prüfen."],

    // ---- the window's gate, sign-in, the refund screen ----
    TillStillOpening => ["The till is still opening: try again in a moment.", "De kassa start nog op: probeer het zo opnieuw.", "Die Kasse startet noch: gleich noch einmal versuchen."],
    TillLocked => ["The till is locked: sign in with your PIN first.", "De kassa is vergrendeld: meld eerst aan met je pincode.", "Die Kasse ist gesperrt: zuerst mit Ihrer PIN anmelden."],
    SignInTypeName => ["Type your name, then your PIN.", "Typ je naam, dan je pincode.", "Geben Sie Ihren Namen ein, dann Ihre PIN."],
    RefundPickSale => ["Scan the receipt or pick a sale.", "Scan de bon of kies een verkoop.", "Den Beleg scannen oder einen Verkauf wählen."],

    // ---- Complete: the offline policy and refusals ----
    OfflineOverPayment => ["{amount} is over the offline limit of {limit} per payment", "{amount} is meer dan de offlinelimiet van {limit} per betaling", "{amount} liegt über dem Offline-Limit von {limit} pro Zahlung"],
    OfflineOverCardDay => ["this card would have {amount} accepted offline in a day; the limit is {limit}", "op deze kaart zou {amount} in één dag offline aangenomen zijn; de limiet is {limit}", "auf dieser Karte wären an einem Tag {amount} offline angenommen; das Limit ist {limit}"],
    OfflineOverTill => ["the till would have {amount} accepted offline and not yet synced; the limit is {limit}", "de kassa zou {amount} offline aangenomen hebben dat nog niet gesynchroniseerd is; de limiet is {limit}", "die Kasse hätte {amount} offline angenommen und noch nicht abgeglichen; das Limit ist {limit}"],
    OfflineNoBalance => ["no balance is known for this card", "van deze kaart is geen saldo bekend", "für diese Karte ist kein Guthaben bekannt"],
    OfflineOverBalance => ["{amount} is more than the card's last known balance of {limit}", "{amount} is meer dan het laatst bekende saldo van de kaart van {limit}", "{amount} ist mehr als das zuletzt bekannte Guthaben der Karte von {limit}"],
    OfflineBalanceOld => ["the card's last known balance is {minutes} minutes old; the limit is {limit}", "het laatst bekende saldo van de kaart is {minutes} minuten oud; de limiet is {limit}", "das zuletzt bekannte Guthaben der Karte ist {minutes} Minuten alt; das Limit ist {limit}"],
    NoAnswerNeedsManager => ["{who}: no answer; {reasons}", "{who}: geen antwoord; {reasons}", "{who}: keine Antwort; {reasons}"],
    NoAnswerOfflineOff => ["{who}: no answer, and offline payments are turned off", "{who}: geen antwoord, en offline betalingen staan uit", "{who}: keine Antwort, und Offline-Zahlungen sind ausgeschaltet"],
    TenderRefused => ["{who}: {reason}", "{who}: {reason}", "{who}: {reason}"],
    Refused => ["refused", "geweigerd", "abgelehnt"],

    // ---- shifts ----
    ShiftNoneOpen => ["No shift is open: open one with its cash float first.", "Er is geen dienst open: open er een met de wisselgeldvoorraad.", "Keine Schicht ist offen: zuerst eine mit dem Wechselgeld öffnen."],
    ShiftAlreadyOpen => ["Shift {shift} is already open: close it before opening another.", "Dienst {shift} is al open: sluit die voordat je een andere opent.", "Schicht {shift} ist bereits offen: sie schließen, bevor eine andere geöffnet wird."],
    ShiftUnfinishedSale => ["Sale {number} is not finished: complete or abandon it before closing the shift.", "Verkoop {number} is niet klaar: rond hem af of breek hem af voordat de dienst sluit.", "Verkauf {number} ist nicht fertig: ihn abschließen oder abbrechen, bevor die Schicht geschlossen wird."],
    ShiftReasonRequired => ["Say why the cash is paid in or out.", "Zeg waarom het contant geld gestort of uitbetaald wordt.", "Sagen Sie, warum das Bargeld eingelegt oder entnommen wird."],
    ShiftZeroAmount => ["The amount must be more than zero.", "Het bedrag moet meer dan nul zijn.", "Der Betrag muss größer als null sein."],
    ShiftNoDifference => ["There is no unsettled difference {id}.", "Er is geen openstaand verschil {id}.", "Es gibt keine offene Differenz {id}."],
    ShiftNoneClosed => ["No shift has been closed yet.", "Er is nog geen dienst gesloten.", "Es wurde noch keine Schicht geschlossen."],
    ShiftNotFound => ["There is no shift {shift}.", "Er is geen dienst {shift}.", "Es gibt keine Schicht {shift}."],
    ShiftStillOpen => ["Shift {shift} is still open: its Z report is made when it closes (an X report shows it now).", "Dienst {shift} is nog open: het Z-rapport wordt gemaakt als hij sluit (een X-rapport toont hem nu).", "Schicht {shift} ist noch offen: ihr Z-Bericht entsteht beim Schließen (ein X-Bericht zeigt sie jetzt)."],
    ShiftTypeFloat => ["Type the float.", "Typ de wisselgeldvoorraad.", "Das Wechselgeld eingeben."],
    ShiftTypeAmount => ["Type the amount.", "Typ het bedrag.", "Den Betrag eingeben."],
    ShiftTypeCounted => ["Type the counted cash.", "Typ het getelde contante geld.", "Das gezählte Bargeld eingeben."],
    ShiftBadFloat => ["The float '{text}': {error}", "De wisselgeldvoorraad '{text}': {error}", "Das Wechselgeld '{text}': {error}"],
    ShiftBadAmount => ["The amount '{text}': {error}", "Het bedrag '{text}': {error}", "Der Betrag '{text}': {error}"],
    ShiftBadCounted => ["The counted cash '{text}': {error}", "Het getelde contante geld '{text}': {error}", "Das gezählte Bargeld '{text}': {error}"],
    ShiftNoCashMove => ["'{kind}' is no cash move: paid_in or paid_out.", "'{kind}' is geen kasbeweging: paid_in (storten) of paid_out (uitbetalen).", "'{kind}' ist keine Kassenbewegung: paid_in (Einlage) oder paid_out (Entnahme)."],
    ShiftNoReport => ["'{which}' is no report: x or z.", "'{which}' is geen rapport: x of z.", "'{which}' ist kein Bericht: x oder z."],
    ShiftReportPrinted => ["The {kind} report of shift {shift} is printed.", "Het {kind}-rapport van dienst {shift} is afgedrukt.", "Der {kind}-Bericht von Schicht {shift} ist gedruckt."],
    ShiftSettleNeedsNote => ["Say how the difference was settled (a note).", "Zeg hoe het verschil is afgehandeld (een notitie).", "Sagen Sie, wie die Differenz erledigt wurde (eine Notiz)."],
    ZmyleBlindSpot => ["zmyle: only confirmed holds are compared. Refunds, card sales and payments booked at zmyle outside this till cannot be read without the card's code, which the till does not keep.", "zmyle: alleen bevestigde reserveringen worden vergeleken. Retouren, kaartverkopen en betalingen die buiten deze kassa bij zmyle geboekt zijn, kunnen niet gelezen worden zonder de code van de kaart, die de kassa niet bewaart.", "zmyle: nur bestätigte Reservierungen werden verglichen. Erstattungen, Kartenverkäufe und Zahlungen, die außerhalb dieser Kasse bei zmyle gebucht wurden, können ohne den Code der Karte nicht gelesen werden, den die Kasse nicht aufbewahrt."],

    // ---- the journal's breaks ----
    JournalChanged => ["The journal was changed behind the till's back: {break}{more}. Kassa takes no payment until a manager has seen it and confirmed with the manager PIN.", "Het journaal is buiten de kassa om gewijzigd: {break}{more}. Kassa neemt geen betaling aan totdat een manager het gezien heeft en met de managerpincode bevestigd heeft.", "Das Journal wurde an der Kasse vorbei geändert: {break}{more}. Kassa nimmt keine Zahlung an, bis ein Manager es gesehen und mit der Manager-PIN bestätigt hat."],
    JournalMoreBreaks => [" ({count} more)", " (nog {count})", " ({count} weitere)"],
    BreakChanged => ["seq {seq} (id {id}) was changed: its hash does not match its content", "seq {seq} (id {id}) is gewijzigd: de hash past niet bij de inhoud", "seq {seq} (id {id}) wurde geändert: der Hash passt nicht zum Inhalt"],
    BreakMissingOne => ["seq {seq} is missing before seq {found} (id {id}): rows were deleted", "seq {seq} ontbreekt vóór seq {found} (id {id}): er zijn regels verwijderd", "seq {seq} fehlt vor seq {found} (id {id}): Zeilen wurden gelöscht"],
    BreakMissingMany => ["seq {seq} to {last} are missing before seq {found} (id {id}): rows were deleted", "seq {seq} tot {last} ontbreken vóór seq {found} (id {id}): er zijn regels verwijderd", "seq {seq} bis {last} fehlen vor seq {found} (id {id}): Zeilen wurden gelöscht"],
    BreakInserted => ["the row with id {id} (seq {seq}) was inserted: it is not part of the chain", "de regel met id {id} (seq {seq}) is ingevoegd: hij hoort niet bij de keten", "die Zeile mit id {id} (seq {seq}) wurde eingefügt: sie gehört nicht zur Kette"],
    BreakNoSeq => ["none", "geen", "keine"],

    // ---- notes kept with a sale ----
    NoteAskedOffline => ["{provider} could not be asked: last known balance used", "{provider} kon niet gevraagd worden: laatst bekende saldo gebruikt", "{provider} konnte nicht gefragt werden: zuletzt bekanntes Guthaben verwendet"],
    NoteAcceptedOffline => ["accepted offline: queued until {provider} answers", "offline aangenomen: in de wachtrij tot {provider} antwoordt", "offline angenommen: in der Warteschlange, bis {provider} antwortet"],
    NoteTheProvider => ["the provider", "de aanbieder", "der Anbieter"],
    NoteRefundOnTerminal => ["refund it on the card terminal", "betaal het terug via de pinautomaat", "über das Kartenterminal erstatten"],
    NoteLeftOpen => ["left open for more than {minutes} minutes", "meer dan {minutes} minuten open gelaten", "länger als {minutes} Minuten offen gelassen"],
    NoteInterrupted => ["interrupted before it was completed", "onderbroken voordat hij afgerond was", "vor dem Abschluss unterbrochen"],
    LineSellCard => ["Gift card {provider} {card}", "Cadeaukaart {provider} {card}", "Geschenkkarte {provider} {card}"],
    LineReloadCard => ["Reload {provider} {card}", "Opwaarderen {provider} {card}", "Aufladen {provider} {card}"],
    LineNewCard => ["New gift card {provider}", "Nieuwe cadeaukaart {provider}", "Neue Geschenkkarte {provider}"],
    CardOwed => ["Card {card} was paid for ({amount}) but not loaded: load it by hand or refund the customer.", "Kaart {card} is betaald ({amount}) maar niet geladen: laad hem met de hand of betaal de klant terug.", "Karte {card} wurde bezahlt ({amount}), aber nicht aufgeladen: von Hand aufladen oder dem Kunden erstatten."],
    NewCardOwed => ["A new {provider} gift card was paid for ({amount}) but not made and loaded: make one by hand or refund the customer.", "Een nieuwe {provider}-cadeaukaart is betaald ({amount}) maar niet gemaakt en geladen: maak er een met de hand of betaal de klant terug.", "Eine neue {provider}-Geschenkkarte wurde bezahlt ({amount}), aber nicht erstellt und aufgeladen: eine von Hand erstellen oder dem Kunden erstatten."],

    OwedThen => ["{owed}{rest}", "{owed}{rest}", "{owed}{rest}"],

    // ---- printing ----
    PrintNoPrinter => ["No receipt printer is set up: print through the OS.", "Er is geen bonprinter ingesteld: druk af via het besturingssysteem.", "Kein Belegdrucker ist eingerichtet: über das Betriebssystem drucken."],
    PrintReceiptPrinted => ["Receipt {number} is printed.", "Bon {number} is afgedrukt.", "Beleg {number} ist gedruckt."],
    PrintNotConfigured => ["No receipt printer is set up ([printer] kind = \"none\").", "Er is geen bonprinter ingesteld ([printer] kind = \"none\").", "Kein Belegdrucker ist eingerichtet ([printer] kind = \"none\")."],
    PrintOffline => ["The receipt printer at {at} is offline ({why}). Check that it is on and connected, then print the receipt again.", "De bonprinter op {at} is offline ({why}). Controleer of hij aan staat en aangesloten is, en druk de bon dan opnieuw af.", "Der Belegdrucker an {at} ist offline ({why}). Prüfen, ob er eingeschaltet und verbunden ist, dann den Beleg erneut drucken."],
    PrintPaperOut => ["The receipt printer is out of paper. Put in a new roll, then print the receipt again.", "De bonprinter heeft geen papier meer. Plaats een nieuwe rol en druk de bon dan opnieuw af.", "Der Belegdrucker hat kein Papier mehr. Eine neue Rolle einlegen, dann den Beleg erneut drucken."],
    PrintCoverOpen => ["The receipt printer's cover is open. Close it, then print the receipt again.", "De klep van de bonprinter staat open. Sluit hem en druk de bon dan opnieuw af.", "Die Abdeckung des Belegdruckers ist offen. Sie schließen, dann den Beleg erneut drucken."],
    PrintFailed => ["The receipt printer at {at} reports an error (a paper jam or the cutter?). Clear it, then print the receipt again.", "De bonprinter op {at} meldt een fout (papierstoring of de snijder?). Verhelp die en druk de bon dan opnieuw af.", "Der Belegdrucker an {at} meldet einen Fehler (Papierstau oder der Abschneider?). Ihn beheben, dann den Beleg erneut drucken."],
    PrintDevice => ["The receipt printer at {at} cannot be written: {why}.", "Er kan niet naar de bonprinter op {at} geschreven worden: {why}.", "Der Belegdrucker an {at} kann nicht beschrieben werden: {why}."],
    PrintRender => ["The receipt cannot be made for the printer: {why}", "De bon kan niet voor de printer gemaakt worden: {why}", "Der Beleg kann nicht für den Drucker erstellt werden: {why}"],

    // ---- receipts, refunds, the queue ----
    NoSuchRefund => ["There is no refund '{id}'.", "Er is geen retour '{id}'.", "Es gibt keine Erstattung '{id}'."],
    SalesUnreadable => ["the sales cannot be read: {error}", "de verkopen kunnen niet gelezen worden: {error}", "die Verkäufe können nicht gelesen werden: {error}"],
    RefundsUnreadable => ["the refunds cannot be read: {error}", "de retouren kunnen niet gelezen worden: {error}", "die Erstattungen können nicht gelesen werden: {error}"],
    UnknownRefundKind => ["unknown refund kind '{kind}'", "onbekende soort retour '{kind}'", "unbekannte Art der Erstattung '{kind}'"],
    UnknownRefundDestination => ["unknown refund destination '{rest}'", "onbekende bestemming van de retour '{rest}'", "unbekanntes Ziel der Erstattung '{rest}'"],
    UnknownReviewAction => ["unknown review action '{action}'", "onbekende beslissing '{action}'", "unbekannte Entscheidung '{action}'"],
    UnknownCardAction => ["'{action}' is not something the till does to a card: sell or reload.", "'{action}' is niet iets wat de kassa met een kaart doet: sell (verkopen) of reload (opwaarderen).", "'{action}' ist nichts, was die Kasse mit einer Karte macht: sell (verkaufen) oder reload (aufladen)."],

    // ---- a receipt's refusals ----
    ReceiptNotPaid => ["Sale {number} is {state}: a receipt is made once a sale is paid.", "Verkoop {number}: {state}. Een bon wordt gemaakt zodra een verkoop betaald is.", "Verkauf {number}: {state}. Ein Beleg wird erstellt, sobald ein Verkauf bezahlt ist."],
    ReceiptUnreadable => ["the receipt cannot be read from the database: {error}", "de bon kan niet uit de database gelezen worden: {error}", "der Beleg kann nicht aus der Datenbank gelesen werden: {error}"],
    SaleOpen => ["open", "open", "offen"],
    SaleTendering => ["tendering", "wordt betaald", "wird bezahlt"],
    SaleCompleting => ["completing", "wordt afgerond", "wird abgeschlossen"],
    SaleCompleted => ["completed", "betaald", "bezahlt"],
    SaleAbandoned => ["abandoned", "afgebroken", "abgebrochen"],

    // ---- a card line's progress ----
    CardLineToLoad => ["to load at Complete", "te laden bij Afronden", "wird beim Abschließen geladen"],
    CardLineLoading => ["loading…", "laden…", "wird geladen…"],
    CardLineUnknown => ["outcome unknown: being checked…", "uitkomst onbekend: wordt nagekeken…", "Ergebnis unbekannt: wird geprüft…"],
    CardLineLoaded => ["loaded", "geladen", "geladen"],
    CardLineNotLoaded => ["not loaded: in review", "niet geladen: ter beoordeling", "nicht geladen: in Prüfung"],

    // ---- the setup screen ----
    SetupTillNotOpen => ["The till did not open, so the manager's PIN cannot be checked here: {error}", "De kassa is niet geopend, dus de managerpincode kan hier niet gecontroleerd worden: {error}", "Die Kasse wurde nicht geöffnet, daher kann die Manager-PIN hier nicht geprüft werden: {error}"],
    SetupNotOnScreen => ["{key} is not set up on this screen: only the register and the providers are", "{key} wordt niet op dit scherm ingesteld: alleen de kassa en de aanbieders", "{key} wird nicht auf dieser Seite eingerichtet: nur die Kasse und die Anbieter"],
    SetupWholeNumber => ["{key} must be a whole number", "{key} moet een geheel getal zijn", "{key} muss eine ganze Zahl sein"],
    SetupOneAtATime => ["{key} is edited one setting at a time", "{key} wordt per instelling bewerkt", "{key} wird Einstellung für Einstellung bearbeitet"],
    SetupCannotRead => ["cannot read the configuration file {path}: {error}", "het instellingenbestand {path} kan niet gelezen worden: {error}", "die Konfigurationsdatei {path} kann nicht gelesen werden: {error}"],
    SetupNotValid => ["the configuration file {path} is not valid: {error}", "het instellingenbestand {path} is niet geldig: {error}", "die Konfigurationsdatei {path} ist nicht gültig: {error}"],
    SetupLeaveTraining => ["Saving this takes the till out of training mode: it will take real payments from the providers set up here. Confirm to leave training mode.", "Dit opslaan haalt de kassa uit de oefenmodus: hij neemt dan echte betalingen aan via de aanbieders die hier ingesteld zijn. Bevestig om de oefenmodus te verlaten.", "Das Speichern beendet den Übungsmodus der Kasse: sie nimmt dann echte Zahlungen über die hier eingerichteten Anbieter an. Bestätigen, um den Übungsmodus zu verlassen."],
    SetupUnknownSecret => ["'{name}' is not a secret a provider uses here", "'{name}' is geen geheim dat een aanbieder hier gebruikt", "'{name}' ist kein Geheimnis, das ein Anbieter hier verwendet"],
    SetupSecretOneLine => ["{name} must be pasted as one line of text, without spaces around it", "{name} moet als één regel tekst geplakt worden, zonder spaties eromheen", "{name} muss als eine Zeile Text eingefügt werden, ohne Leerzeichen darum"],
    SetupSaveFirst => ["Save {provider}'s settings before testing it.", "Sla de instellingen van {provider} op voordat je de verbinding test.", "Die Einstellungen von {provider} speichern, bevor die Verbindung getestet wird."],
    SetupUnknownProvider => ["'{provider}' is not a provider the till knows", "'{provider}' is geen aanbieder die de kassa kent", "'{provider}' ist kein Anbieter, den die Kasse kennt"],
    SetupNoSignIn => ["No sign-in is under way for this provider: start it again.", "Er loopt geen aanmelding voor deze aanbieder: begin opnieuw.", "Für diesen Anbieter läuft keine Anmeldung: erneut beginnen."],

    // ---- signing in through the browser ----
    SignInNone => ["'{provider}' has no sign-in: only Lightspeed and Shopwave sign in through the browser", "'{provider}' heeft geen aanmelding: alleen Lightspeed en Shopwave melden aan via de browser", "'{provider}' hat keine Anmeldung: nur Lightspeed und Shopwave melden sich über den Browser an"],
    SignInStopped => ["The {name} sign-in stopped: start it again.", "De aanmelding bij {name} is gestopt: begin opnieuw.", "Die Anmeldung bei {name} wurde beendet: erneut beginnen."],
    SignInTimedOut => ["No answer came back from {name} in the browser within {minutes} minutes, so the sign-in was given up. Start it again, and finish it in the browser.", "Er kwam binnen {minutes} minuten geen antwoord van {name} in de browser, dus de aanmelding is opgegeven. Begin opnieuw en maak hem af in de browser.", "Innerhalb von {minutes} Minuten kam keine Antwort von {name} im Browser, daher wurde die Anmeldung aufgegeben. Erneut beginnen und sie im Browser abschließen."],
    SignInLightspeedNotSet => ["Lightspeed is not set up yet: save its settings (with OAuth) first.", "Lightspeed is nog niet ingesteld: sla eerst de instellingen op (met OAuth).", "Lightspeed ist noch nicht eingerichtet: zuerst die Einstellungen speichern (mit OAuth)."],
    SignInLightspeedToken => ["Lightspeed uses a personal token here: choose OAuth and save before signing in.", "Lightspeed gebruikt hier een persoonlijk token: kies OAuth en sla op voordat je aanmeldt.", "Lightspeed verwendet hier ein persönliches Token: OAuth wählen und speichern, bevor Sie sich anmelden."],
    SignInShopwaveNotSet => ["Shopwave is not set up yet: save its settings first.", "Shopwave is nog niet ingesteld: sla eerst de instellingen op.", "Shopwave ist noch nicht eingerichtet: zuerst die Einstellungen speichern."],
    SignInSetSecret => ["Set {name}'s client secret ({secret}) before signing in.", "Stel het clientgeheim van {name} ({secret}) in voordat je aanmeldt.", "Das Client-Geheimnis von {name} ({secret}) einrichten, bevor Sie sich anmelden."],
    SignInCannotListen => ["The till cannot listen for the browser's return: {error}", "De kassa kan niet luisteren naar de terugkeer van de browser: {error}", "Die Kasse kann nicht auf die Rückkehr des Browsers warten: {error}"],
    SignInCannotListenOn => ["The till cannot listen on {address} for the browser's return: {error}", "De kassa kan niet op {address} luisteren naar de terugkeer van de browser: {error}", "Die Kasse kann nicht auf {address} auf die Rückkehr des Browsers warten: {error}"],
    SignInRedirectMust => ["{setting} must be an address on this computer with a port, such as {example}, so the till can catch the browser's return (register the same address with the provider)", "{setting} moet een adres op deze computer met een poort zijn, zoals {example}, zodat de kassa de terugkeer van de browser kan opvangen (registreer hetzelfde adres bij de aanbieder)", "{setting} muss eine Adresse auf diesem Computer mit einem Port sein, etwa {example}, damit die Kasse die Rückkehr des Browsers auffangen kann (dieselbe Adresse beim Anbieter registrieren)"],
    SignInLightspeedPage => ["Lightspeed's connect page: {error}", "De koppelpagina van Lightspeed: {error}", "Die Verbindungsseite von Lightspeed: {error}"],
    SignInShopwavePage => ["Shopwave's authorize page: {error}", "De toestemmingspagina van Shopwave: {error}", "Die Freigabeseite von Shopwave: {error}"],
    SignInAlreadyFinished => ["This sign-in is already finished: return to the till.", "Deze aanmelding is al afgerond: ga terug naar de kassa.", "Diese Anmeldung ist bereits abgeschlossen: zur Kasse zurückkehren."],
    SignInWrongState => ["The browser came back with an answer that was not for this sign-in (its state does not match), so the till refused it. Start the {name} sign-in again from the till.", "De browser kwam terug met een antwoord dat niet voor deze aanmelding was (de state klopt niet), dus de kassa heeft het geweigerd. Begin de aanmelding bij {name} opnieuw vanuit de kassa.", "Der Browser kam mit einer Antwort zurück, die nicht zu dieser Anmeldung gehört (der State passt nicht), daher hat die Kasse sie abgelehnt. Die Anmeldung bei {name} erneut an der Kasse beginnen."],
    SignInRefused => ["{name} did not let the till in: {said}.", "{name} heeft de kassa niet toegelaten: {said}.", "{name} hat die Kasse nicht zugelassen: {said}."],
    SignInNoCode => ["{name} sent the browser back without a code: sign in again.", "{name} stuurde de browser terug zonder code: meld opnieuw aan.", "{name} hat den Browser ohne Code zurückgeschickt: erneut anmelden."],
    SignInNoTokens => ["{name} did not give the till its tokens: {error}", "{name} gaf de kassa zijn tokens niet: {error}", "{name} hat der Kasse ihre Tokens nicht gegeben: {error}"],
    SignInDone => ["The till is signed in with {name}; its tokens are in the OS keyring.", "De kassa is aangemeld bij {name}; de tokens staan in de sleutelbos van het systeem.", "Die Kasse ist bei {name} angemeldet; ihre Tokens liegen im Schlüsselbund des Systems."],
    SignInCloseAndReturn => ["{done} You can close this window and return to the till.", "{done} Je kunt dit venster sluiten en teruggaan naar de kassa.", "{done} Sie können dieses Fenster schließen und zur Kasse zurückkehren."],
    SignInCloseWindow => ["{why} You can close this window.", "{why} Je kunt dit venster sluiten.", "{why} Sie können dieses Fenster schließen."],
}
