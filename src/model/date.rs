//! Calendar dates as notes write them: `YYYY-MM-DD`, optionally followed by a time
//! (`2026-01-01T10:00`, `2026-01-01 10:00`), of which only the date part counts.
//!
//! Owns validation and day differences, both done by `jiff`; it does not know where a date was
//! written (that is [`super::scan`] and the front matter) nor what is too old (the rules).

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

/// The format every date must follow, as said in messages.
pub const EXPECTED_FORMAT: &str = "YYYY-MM-DD";

/// Why a date text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not written as `YYYY-MM-DD` (with an optional time after it).
    Format,
    /// Written as `YYYY-MM-DD`, but there is no such day (`2025-02-30`, `2026-13-01`).
    NoSuchDay(String),
}

impl DateError {
    /// Why the text is not a date, for a message after "`<text>` is not a valid date: ".
    pub fn reason(&self) -> String {
        match self {
            DateError::Format => format!("expected {EXPECTED_FORMAT}"),
            DateError::NoSuchDay(why) => why.clone(),
        }
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9]{1,2}:[0-9]{2}\S*)?$")
        .expect("static regex is valid")
});

/// Parses a date as notes write it; the time part, if any, is checked for shape and dropped.
pub fn parse(text: &str) -> Result<Date, DateError> {
    let caps = DATE.captures(text.trim()).ok_or(DateError::Format)?;
    let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i16>().ok());
    let (Some(year), Some(month), Some(day)) = (number(1), number(2), number(3)) else {
        return Err(DateError::Format);
    };
    let Ok(month) = i8::try_from(month) else {
        return Err(DateError::Format);
    };
    if !(1..=12).contains(&month) {
        return Err(DateError::NoSuchDay(format!("there is no month {month}")));
    }
    let Ok(day) = i8::try_from(day) else {
        return Err(DateError::Format);
    };
    let first = Date::new(year, month, 1).map_err(|_| DateError::Format)?;
    Date::new(year, month, day).map_err(|_| {
        let days = first.days_in_month();
        DateError::NoSuchDay(format!("{} {year} has {days} days", first.strftime("%B")))
    })
}

/// Whole days from `earlier` to `later` (negative when `later` comes first).
pub fn days_between(earlier: Date, later: Date) -> i64 {
    earlier
        .until(later)
        .map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Result<Date, DateError>)] = &[
            ("2026-01-01", Ok(date(2026, 1, 1))),
            (" 2026-01-01 ", Ok(date(2026, 1, 1))),
            ("2024-02-29", Ok(date(2024, 2, 29))),
            ("2026-01-01T10:00", Ok(date(2026, 1, 1))),
            ("2026-01-01T10:00:00Z", Ok(date(2026, 1, 1))),
            ("2026-01-01T10:00:00+02:00", Ok(date(2026, 1, 1))),
            ("2026-01-01 9:30", Ok(date(2026, 1, 1))),
            (
                "2025-02-30",
                Err(DateError::NoSuchDay("February 2025 has 28 days".into())),
            ),
            (
                "2026-04-31",
                Err(DateError::NoSuchDay("April 2026 has 30 days".into())),
            ),
            (
                "2026-13-01",
                Err(DateError::NoSuchDay("there is no month 13".into())),
            ),
            (
                "2026-00-10",
                Err(DateError::NoSuchDay("there is no month 0".into())),
            ),
            (
                "2026-01-00",
                Err(DateError::NoSuchDay("January 2026 has 31 days".into())),
            ),
            ("2026-1-5x", Err(DateError::Format)),
            ("2026-1-5", Err(DateError::Format)),
            ("26-01-05", Err(DateError::Format)),
            ("2026/01/05", Err(DateError::Format)),
            ("2026-01-05Tnoon", Err(DateError::Format)),
            ("2026-01-05x", Err(DateError::Format)),
            ("{{date}}", Err(DateError::Format)),
            ("", Err(DateError::Format)),
            ("２０２６-01-01", Err(DateError::Format)),
        ];
        for (text, want) in cases {
            assert_eq!(&parse(text), want, "{text:?}");
        }
    }

    #[test]
    fn format_error_names_the_expected_format() {
        assert!(DateError::Format.reason().contains("YYYY-MM-DD"));
    }

    #[test]
    fn days_between_table() {
        let cases = [
            (date(2026, 5, 30), date(2026, 11, 26), 180),
            (date(2025, 12, 1), date(2026, 11, 26), 360),
            (date(2024, 2, 28), date(2024, 3, 1), 2),
            (date(2026, 11, 26), date(2026, 11, 26), 0),
            (date(2026, 11, 27), date(2026, 11, 26), -1),
        ];
        for (earlier, later, want) in cases {
            assert_eq!(days_between(earlier, later), want, "{earlier} {later}");
        }
    }
}
