//! The one format of every moment the database holds: UTC, milliseconds, fixed width
//! (`2026-03-01T09:30:00.250Z`), so that the stored text of any table sorts in time order and
//! reads back the same way. Migration 7 rewrote the rows written before in other formats.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const STAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

pub(crate) fn stamp(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(STAMP)
        .expect("UTC time formats")
}

pub(crate) fn parse_stamp(s: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(s, STAMP)
        .map(PrimitiveDateTime::assume_utc)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_moment_is_stored_in_utc_to_the_millisecond_and_read_back() {
        let at = datetime!(2026-03-01 10:30:00.250_999 +01:00);
        assert_eq!(stamp(at), "2026-03-01T09:30:00.250Z");
        assert_eq!(
            parse_stamp("2026-03-01T09:30:00.250Z"),
            Some(datetime!(2026-03-01 09:30:00.250 UTC))
        );
        assert_eq!(parse_stamp("2026-03-01T09:30:00Z"), None, "one format only");
    }
}
