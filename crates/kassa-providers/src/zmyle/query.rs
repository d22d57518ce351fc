//! What a scanned or typed zmyle code is: the content of a card's QR code, or its short id.

use regex::Regex;
use std::sync::OnceLock;

/// A code as zmyle's `gift_cards/find` takes it, recognised by the documented patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardQuery<'a> {
    /// A QR URL `https://…/g/<giftcardId>/…?rt=<accessToken>`.
    Qr {
        giftcard_id: &'a str,
        access_token: &'a str,
    },
    /// The 4- or 6-character id printed on the card.
    ShortId(&'a str),
    /// Anything else; zmyle is asked as it is.
    Other(&'a str),
}

fn qr() -> &'static Regex {
    static QR: OnceLock<Regex> = OnceLock::new();
    // zmyle's documented detection regex, verbatim [DOC].
    QR.get_or_init(|| {
        Regex::new(r"(https:\/\/.*)\/g\/([a-z0-9]{12,})(\/.*)?\?r?t=([a-z0-9]{15,})$")
            .expect("valid")
    })
}

impl<'a> CardQuery<'a> {
    pub fn recognise(code: &'a str) -> CardQuery<'a> {
        let groups = qr()
            .captures(code)
            .and_then(|c| Some((c.get(2)?.as_str(), c.get(4)?.as_str())));
        if let Some((giftcard_id, access_token)) = groups {
            return CardQuery::Qr {
                giftcard_id,
                access_token,
            };
        }
        let short = matches!(code.len(), 4 | 6) && code.bytes().all(|b| b.is_ascii_alphanumeric());
        if short {
            CardQuery::ShortId(code)
        } else {
            CardQuery::Other(code)
        }
    }

    /// Whether a card zmyle found is the one this code names: `find` is a search and answers
    /// a list.
    pub fn names(&self, giftcard_id: &str, short_id: Option<&str>) -> bool {
        match self {
            CardQuery::Qr {
                giftcard_id: id, ..
            } => *id == giftcard_id,
            CardQuery::ShortId(s) => short_id.is_some_and(|found| found.eq_ignore_ascii_case(s)),
            CardQuery::Other(code) => {
                *code == giftcard_id || short_id.is_some_and(|found| found == *code)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_documented_qr_shape() {
        let url = "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";
        assert_eq!(
            CardQuery::recognise(url),
            CardQuery::Qr {
                giftcard_id: "18jja4mf08fn08f7gp9l",
                access_token: "hg84zhgnzuigui4hg3hg7834"
            }
        );
        // `t=` as well as `rt=`, and no path after the id.
        assert!(matches!(
            CardQuery::recognise(
                "https://x.example/g/18jja4mf08fn08f7gp9l?t=hg84zhgnzuigui4hg3hg7834"
            ),
            CardQuery::Qr { .. }
        ));
        // Without the token it is no QR code of a card.
        assert!(matches!(
            CardQuery::recognise(
                "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem"
            ),
            CardQuery::Other(_)
        ));
    }

    #[test]
    fn tells_short_ids_and_matches_found_cards() {
        assert_eq!(CardQuery::recognise("QTHX"), CardQuery::ShortId("QTHX"));
        assert_eq!(CardQuery::recognise("K7MR2P"), CardQuery::ShortId("K7MR2P"));
        assert_eq!(CardQuery::recognise("QTHXY"), CardQuery::Other("QTHXY"));
        assert!(CardQuery::ShortId("qthx").names("18jja4mf08fn08f7gp9l", Some("QTHX")));
        assert!(!CardQuery::ShortId("QTHX").names("18jja4mf08fn08f7gp9l", Some("QTHY")));
        let qr = CardQuery::Qr {
            giftcard_id: "18jja4mf08fn08f7gp9l",
            access_token: "hg84zhgnzuigui4hg3hg7834",
        };
        assert!(qr.names("18jja4mf08fn08f7gp9l", None));
        assert!(!qr.names("18jja4mf08fn08f7gp9x", Some("QTHX")));
    }
}
