//! Days on a viewer's calendar, as the list filters take them (`YYYY-MM-DD` in an IANA
//! time zone), turned into instants.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::error::Result;

/// A `YYYY-MM-DD` day of the filter's `field`, or `None` when empty; `invalid_input` on
/// `field` otherwise.
pub(crate) fn parse_day(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                domain::Refusal::field(
                    domain::RefusalCode::InvalidInput,
                    field,
                    "Dates are written YYYY-MM-DD.",
                )
                .into()
            }),
    }
}

/// The viewer's time zone for day filters (the domain's rule for a zone name); UTC when
/// absent.
pub(crate) fn parse_zone(text: Option<&str>) -> Result<chrono_tz::Tz> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(chrono_tz::UTC),
        Some(t) => Ok(domain::appointment::parse_zone(t)?),
    }
}

/// The first instant of `day` in `zone` (after the gap, when the day starts in one).
pub(crate) fn day_start(zone: chrono_tz::Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=180)
        .find_map(|minutes| {
            let local = midnight + chrono::Duration::minutes(minutes);
            zone.from_local_datetime(&local).earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        // No zone skips three hours; UTC's midnight as a last resort.
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}
