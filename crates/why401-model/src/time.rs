//! Timestamps as captures write them: RFC 3339 with any fraction and offset, HTTP dates,
//! epoch numbers. Every parsed time is UTC; the analysis never reads the wall clock.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// A parsed timestamp and whether it carried its own offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    /// False when the text had no offset and was read as UTC.
    pub had_offset: bool,
}

/// RFC 3339 / ISO 8601 with `Z` or `±hh:mm` (also `±hhmm`), any number of fraction digits,
/// `T` or a space between date and time. Without an offset the time is read as UTC.
pub fn parse_iso(text: &str) -> Option<Stamp> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(Stamp {
            at: t.with_timezone(&Utc),
            had_offset: true,
        });
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, fmt) {
            return Some(Stamp {
                at: t.with_timezone(&Utc),
                had_offset: true,
            });
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, fmt) {
            return Some(Stamp {
                at: Utc.from_utc_datetime(&t),
                had_offset: false,
            });
        }
    }
    None
}

/// An HTTP `Date` value: IMF-fixdate, RFC 850 or asctime (RFC 9110 §5.6.7).
pub fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc2822(text) {
        return Some(t.with_timezone(&Utc));
    }
    let naive_formats = [
        "%a, %d %b %Y %H:%M:%S GMT",
        "%A, %d-%b-%y %H:%M:%S GMT",
        "%a %b %e %H:%M:%S %Y",
    ];
    naive_formats.iter().find_map(|fmt| {
        NaiveDateTime::parse_from_str(text, fmt)
            .ok()
            .map(|t| Utc.from_utc_datetime(&t))
    })
}

/// Common Log Format time: `02/Jun/2025:10:00:00 +0000`.
pub fn parse_clf(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text.trim(), "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Epoch seconds (with fraction), or milliseconds / microseconds / nanoseconds judged by
/// magnitude, as loggers write them.
pub fn from_epoch(value: f64) -> Option<DateTime<Utc>> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let seconds = if value > 1e17 {
        value / 1e9
    } else if value > 1e14 {
        value / 1e6
    } else if value > 1e11 {
        value / 1e3
    } else {
        value
    };
    // Microsecond rounding keeps float noise (1717322400.123 is 1717322400.12299990...) out.
    let micros = (seconds * 1e6).round() as i64;
    Utc.timestamp_micros(micros).single()
}

/// RFC 3339 UTC with milliseconds, the report's time format.
pub fn format_millis(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// RFC 3339 UTC with whole seconds, for claims.
pub fn format_seconds(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `18m33s`, `2h05m`, `3d04h`, `45s`.
pub fn format_duration(seconds: i64) -> String {
    let s = seconds.abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86400, (s % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_with_offsets_and_fractions() {
        let firefox = parse_iso("2023-03-29T16:58:59.303-07:00").unwrap();
        assert_eq!(format_millis(&firefox.at), "2023-03-29T23:58:59.303Z");
        let fiddler = parse_iso("2016-06-28T21:42:02.7221474+01:00").unwrap();
        assert_eq!(format_millis(&fiddler.at), "2016-06-28T20:42:02.722Z");
        let mitm = parse_iso("2023-07-25T10:42:01.726810+00:00").unwrap();
        assert_eq!(format_millis(&mitm.at), "2023-07-25T10:42:01.726Z");
        let naive = parse_iso("2024-03-08 14:23:45").unwrap();
        assert!(!naive.had_offset);
        assert_eq!(format_millis(&naive.at), "2024-03-08T14:23:45.000Z");
    }

    #[test]
    fn http_dates() {
        let want = "1994-11-06T08:49:37.000Z";
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                format_millis(&parse_http_date(text).unwrap()),
                want,
                "{text}"
            );
        }
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn epochs_by_magnitude() {
        let s = from_epoch(1717322400.123).unwrap();
        let ms = from_epoch(1717322400123.0).unwrap();
        let ns = from_epoch(1717322400123000000.0).unwrap();
        assert_eq!(format_millis(&s), "2024-06-02T10:00:00.123Z");
        assert_eq!(s, ms);
        assert_eq!(format_millis(&ns), "2024-06-02T10:00:00.123Z");
    }

    #[test]
    fn clf_time() {
        let t = parse_clf("02/Jun/2025:10:00:00 +0200").unwrap();
        assert_eq!(format_millis(&t), "2025-06-02T08:00:00.000Z");
    }
}
