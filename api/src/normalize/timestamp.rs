//! Parsing of the timestamp forms that alert sources write.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::fields::lookup;

/// Returns the first parseable time at `paths` of `record` as RFC 3339 UTC,
/// or `received_at` when none parses. Numbers are read as Unix time.
pub fn occurred_at(record: &Value, paths: &[&str], received_at: OffsetDateTime) -> String {
    let parsed = paths.iter().find_map(|path| match lookup(record, path)? {
        Value::String(text) => parse_timestamp(text),
        Value::Number(number) => from_epoch_number(number.as_f64()?),
        _ => None,
    });
    to_rfc3339_utc(parsed.unwrap_or(received_at))
}

/// Formats `moment` as RFC 3339 in UTC.
pub fn to_rfc3339_utc(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(UtcOffset::UTC);
    utc.format(&Rfc3339).unwrap_or_else(|error| {
        tracing::warn!(%error, "RFC 3339 formatting failed, using the Unix timestamp");
        utc.unix_timestamp().to_string()
    })
}

/// Parses RFC 3339, the `+0000` offset form that Suricata and Wazuh write,
/// and the `2025-10-24 23:36:29.110` UTC form of Sysmon `UtcTime`.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    let trimmed = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(trimmed, &Rfc3339) {
        return Some(moment);
    }

    if let Some(with_colon) = insert_offset_colon(trimmed)
        && let Ok(moment) = OffsetDateTime::parse(&with_colon, &Rfc3339)
    {
        return Some(moment);
    }
    parse_space_separated_utc(trimmed)
}

/// Converts Unix time in seconds, or in milliseconds when the number is
/// above 10^11 (later than the year 5138 in seconds).
pub fn from_epoch_number(number: f64) -> Option<OffsetDateTime> {
    let seconds = if number.abs() > 1e11 {
        number / 1000.0
    } else {
        number
    };
    let nanos = (seconds * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

/// Rewrites a trailing `+HHMM` or `-HHMM` offset as `+HH:MM`.
fn insert_offset_colon(text: &str) -> Option<String> {
    let split = text.len().checked_sub(5)?;
    let (head, offset) = text.split_at_checked(split)?;
    if !offset.starts_with(['+', '-']) {
        return None;
    }
    if !offset[1..].bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(format!("{head}{}:{}", &offset[..3], &offset[3..]))
}

fn parse_space_separated_utc(text: &str) -> Option<OffsetDateTime> {
    let with_fraction =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]");
    let without_fraction = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let parsed = PrimitiveDateTime::parse(text, with_fraction)
        .or_else(|_| PrimitiveDateTime::parse(text, without_fraction))
        .ok()?;
    Some(parsed.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> Option<String> {
        parse_timestamp(text).map(to_rfc3339_utc)
    }

    #[test]
    fn rfc3339_with_offset_to_utc() {
        assert_eq!(
            formatted("2024-01-01T12:00:00+02:00").as_deref(),
            Some("2024-01-01T10:00:00Z")
        );
    }

    #[test]
    fn offset_without_colon() {
        let parsed = formatted("2016-07-13T22:42:07.573103+0000");
        assert_eq!(parsed.as_deref(), Some("2016-07-13T22:42:07.573103Z"));
        assert_eq!(
            formatted("2024-01-01T10:00:00.000-0130").as_deref(),
            Some("2024-01-01T11:30:00Z")
        );
    }

    #[test]
    fn seven_fraction_digits() {
        let parsed = formatted("2022-04-04T12:15:41.5944062Z");
        assert_eq!(parsed.as_deref(), Some("2022-04-04T12:15:41.5944062Z"));
    }

    #[test]
    fn space_separated_utc() {
        assert_eq!(
            formatted("2025-10-24 23:36:29.110").as_deref(),
            Some("2025-10-24T23:36:29.11Z")
        );
    }

    #[test]
    fn garbage_rejected() {
        assert_eq!(formatted("yesterday"), None);
        assert_eq!(formatted("+0000"), None);
    }

    #[test]
    fn epoch_seconds_and_millis() {
        let seconds = from_epoch_number(1_700_000_000.0).map(to_rfc3339_utc);
        let millis = from_epoch_number(1_700_000_000_000.0).map(to_rfc3339_utc);
        assert_eq!(seconds.as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(millis, seconds);
    }
}
