//! ISO 8601 durations in whole days, months and years, and the date arithmetic they need.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What adding months does when the day does not exist in the target month.
///
/// # Properties
///
/// Months are always added to the anchor, never to a previous occurrence, so
/// 31 Jan + P1M, P2M, P3M is 28 Feb (29 in leap years), 31 Mar, 30 Apr under `clamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonthEnd {
    /// The last day of the target month (31 Jan + P1M = 28/29 Feb), as java.time,
    /// PostgreSQL and dateutil do. The default.
    #[default]
    Clamp,
    /// The first day of the month after the target (31 Jan + P1M = 1 Mar).
    NextMonthFirst,
    /// No task (RFC 5545's rule); the plan lists it as dropped.
    Skip,
}

/// A signed calendar offset: whole months (years are 12 months) then whole days
/// (weeks are 7 days), parsed from an ISO 8601 duration such as `P1D`, `-P1D`, `P1M`,
/// `P1Y2M3W4D`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Offset {
    /// True for offsets before the anchor.
    pub negative: bool,
    /// Months (years × 12 + months).
    pub months: u32,
    /// Days (weeks × 7 + days).
    pub days: u32,
}

/// Why an ISO 8601 duration was rejected; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetError(pub(crate) String);

impl fmt::Display for OffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of adding an offset to a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// The date reached.
    Date(NaiveDate),
    /// The month-end policy is [`MonthEnd::Skip`] and the day does not exist.
    Skipped,
    /// The result is outside the dates this library handles.
    OutOfRange,
}

const EXPECTED: &str =
    "expected an ISO 8601 duration in days, weeks, months or years such as \"P1D\", \"-P1D\", \"P2W\", \"P1M\" or \"P1Y2M3W4D\"";

impl Offset {
    /// No offset: the anchor's own day.
    pub const ZERO: Offset = Offset {
        negative: false,
        months: 0,
        days: 0,
    };

    /// Parses an ISO 8601 duration with an optional sign.
    ///
    /// # Errors
    ///
    /// A message saying what is wrong and what was expected, for anything but
    /// `[+|-]P[nY][nM][nW][nD]` with at least one part, parts in that order, and no time
    /// part (`T…`: follow-up happens on days, not at hours).
    pub fn parse(text: &str) -> Result<Offset, OffsetError> {
        let bad = |why: &str| OffsetError(format!("invalid duration {text:?}: {why}; {EXPECTED}"));
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let body = rest
            .strip_prefix('P')
            .ok_or_else(|| bad("it must start with \"P\" (letters are upper case)"))?;
        if body.contains('T') {
            return Err(bad("hours, minutes and seconds are not supported"));
        }
        let (mut months, mut days, mut seen) = (0u64, 0u64, 0usize);
        let mut number = String::new();
        for c in body.chars() {
            if c.is_ascii_digit() {
                if number.len() >= 6 {
                    return Err(bad("a number is too large"));
                }
                number.push(c);
                continue;
            }
            let rank = match c {
                'Y' => 1,
                'M' => 2,
                'W' => 3,
                'D' => 4,
                _ => return Err(bad(&format!("unexpected character {c:?}"))),
            };
            if number.is_empty() {
                return Err(bad(&format!("{c:?} has no number before it")));
            }
            if rank <= seen {
                return Err(bad("parts must come once each, in the order Y, M, W, D"));
            }
            seen = rank;
            let n: u64 = number.parse().map_err(|_| bad("a number is too large"))?;
            number.clear();
            match c {
                'Y' => months += n * 12,
                'M' => months += n,
                'W' => days += n * 7,
                _ => days += n,
            }
        }
        if !number.is_empty() {
            return Err(bad("a number has no unit after it"));
        }
        if seen == 0 {
            return Err(bad("it has no parts"));
        }
        let months = u32::try_from(months).map_err(|_| bad("a number is too large"))?;
        let days = u32::try_from(days).map_err(|_| bad("a number is too large"))?;
        Ok(Offset {
            negative: negative && (months > 0 || days > 0),
            months,
            days,
        })
    }

    /// A generous size in days (months count 31 days), for limit checks.
    pub fn approx_days(&self) -> u64 {
        u64::from(self.months) * 31 + u64::from(self.days)
    }

    /// [`Offset::approx_days`] with the offset's sign.
    pub(crate) fn approx_signed_days(&self) -> i64 {
        let d = i64::try_from(self.approx_days()).unwrap_or(i64::MAX);
        if self.negative {
            -d
        } else {
            d
        }
    }

    /// True if the offset is whole days only (no months or years).
    pub fn is_days_only(&self) -> bool {
        self.months == 0
    }

    /// The offset in days, signed, if it has no months.
    pub fn signed_days(&self) -> Option<i64> {
        self.is_days_only().then(|| {
            let d = i64::from(self.days);
            if self.negative {
                -d
            } else {
                d
            }
        })
    }

    /// Adds the offset to `date`: months first (with `month_end`), then days.
    ///
    /// # Properties
    ///
    /// `2024-01-31 + P1M` is `2024-02-29` under [`MonthEnd::Clamp`], `2024-03-01` under
    /// [`MonthEnd::NextMonthFirst`] and [`Landing::Skipped`] under [`MonthEnd::Skip`];
    /// `2024-02-29 + P1Y` is `2025-02-28` under `Clamp`.
    #[inline]
    pub fn apply(&self, date: NaiveDate, month_end: MonthEnd) -> Landing {
        if self.months == 0 {
            return self.add_days(date);
        }
        match add_months(date, self.months, self.negative, month_end) {
            Landing::Date(d) => self.add_days(d),
            other => other,
        }
    }

    /// `after_months` plus (or minus) the offset's days.
    #[inline]
    fn add_days(&self, after_months: NaiveDate) -> Landing {
        if self.days == 0 {
            return Landing::Date(after_months);
        }
        let days = i64::from(self.days);
        plus_days(after_months, if self.negative { -days } else { days })
            .map_or(Landing::OutOfRange, Landing::Date)
    }
}

/// `date` plus `n` days (`n` may be negative), `None` past chrono's range. A result in
/// the same year is made from the day of the year, with no call into chrono's general
/// arithmetic: most of a plan's days are a few days from another.
#[inline]
pub(crate) fn plus_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    // Day 365 exists in every year, 366 only in leap years: the general path has those.
    if let Some(ordinal @ 1..=365) = i64::from(date.ordinal()).checked_add(n) {
        return date.with_ordinal(u32::try_from(ordinal).ok()?);
    }
    let days = Days::new(n.unsigned_abs());
    if n < 0 {
        date.checked_sub_days(days)
    } else {
        date.checked_add_days(days)
    }
}

/// Days of a common year before each month.
const DAYS_BEFORE_MONTH: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

fn add_months(date: NaiveDate, months: u32, negative: bool, policy: MonthEnd) -> Landing {
    let delta = if negative {
        -i64::from(months)
    } else {
        i64::from(months)
    };
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + delta;
    let (Ok(year), Ok(month0)) = (
        i32::try_from(index.div_euclid(12)),
        u32::try_from(index.rem_euclid(12)),
    ) else {
        return Landing::OutOfRange;
    };
    let month = month0 + 1;
    let day = date.day();
    // Every month has days 1-28: the day of the year comes from a table, and a date in
    // the anchor's own year needs no check of the year.
    if day <= 28 {
        let leap = if year == date.year() {
            date.leap_year()
        } else {
            (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        };
        let before = DAYS_BEFORE_MONTH.get(month0 as usize).copied().unwrap_or(0);
        let ordinal = before + u32::from(leap && month0 >= 2) + day;
        let landed = if year == date.year() {
            date.with_ordinal(ordinal)
        } else {
            NaiveDate::from_yo_opt(year, ordinal)
        };
        return landed.map_or(Landing::OutOfRange, Landing::Date);
    }
    if let Some(d) = NaiveDate::from_ymd_opt(year, month, day) {
        return Landing::Date(d);
    }
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Landing::OutOfRange;
    };
    let next_first = first.checked_add_months(chrono::Months::new(1));
    match policy {
        MonthEnd::Skip => Landing::Skipped,
        MonthEnd::NextMonthFirst => next_first.map_or(Landing::OutOfRange, Landing::Date),
        MonthEnd::Clamp => next_first
            .and_then(|d| d.pred_opt())
            .map_or(Landing::OutOfRange, Landing::Date),
    }
}

impl fmt::Display for Offset {
    /// Writes the canonical form: `P0D`, `-P1M3D`, … (years are written as months).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        if self.months > 0 {
            write!(f, "{}M", self.months)?;
        }
        if self.days > 0 || self.months == 0 {
            write!(f, "{}D", self.days)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_documented_forms() {
        let o = Offset::parse("P1Y2M3W4D").unwrap();
        assert_eq!((o.negative, o.months, o.days), (false, 14, 25));
        let o = Offset::parse("-P1D").unwrap();
        assert_eq!((o.negative, o.months, o.days), (true, 0, 1));
        assert_eq!(Offset::parse("-P0D").unwrap(), Offset::ZERO);
        assert_eq!(Offset::parse("P0D").unwrap().to_string(), "P0D");
        assert_eq!(Offset::parse("-P1Y3D").unwrap().to_string(), "-P12M3D");
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in [
            "",
            "P",
            "1D",
            "PD",
            "P1",
            "P1D1M",
            "P1DD",
            "PT1H",
            "P1.5D",
            "P1X",
            "P9999999D",
            "--P1D",
        ] {
            assert!(Offset::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            Offset::parse("P1X").unwrap_err().to_string(),
            format!("invalid duration \"P1X\": unexpected character 'X'; {EXPECTED}")
        );
    }

    #[test]
    fn month_end_policies() {
        let jan31 = d("2024-01-31");
        let m1 = Offset::parse("P1M").unwrap();
        assert_eq!(
            m1.apply(jan31, MonthEnd::Clamp),
            Landing::Date(d("2024-02-29"))
        );
        assert_eq!(
            m1.apply(jan31, MonthEnd::NextMonthFirst),
            Landing::Date(d("2024-03-01"))
        );
        assert_eq!(m1.apply(jan31, MonthEnd::Skip), Landing::Skipped);
        let y1 = Offset::parse("P1Y").unwrap();
        assert_eq!(
            y1.apply(d("2024-02-29"), MonthEnd::Clamp),
            Landing::Date(d("2025-02-28"))
        );
        let back = Offset::parse("-P1M").unwrap();
        assert_eq!(
            back.apply(d("2024-03-31"), MonthEnd::Clamp),
            Landing::Date(d("2024-02-29"))
        );
        let dec = Offset::parse("P1M").unwrap();
        assert_eq!(
            dec.apply(d("2025-10-31"), MonthEnd::NextMonthFirst),
            Landing::Date(d("2025-12-01"))
        );
        assert_eq!(
            dec.apply(d("2025-12-31"), MonthEnd::NextMonthFirst),
            Landing::Date(d("2026-01-31"))
        );
    }

    /// Every day of 1895-2105, 0-30 months either way, under each policy: the same as
    /// chrono's month arithmetic (which clamps) where the day exists.
    #[test]
    fn months_agree_with_chrono() {
        let mut date = d("1895-01-01");
        while date <= d("2105-12-31") {
            for months in 0..=30u32 {
                for negative in [false, true] {
                    let o = Offset {
                        negative,
                        months,
                        days: 0,
                    };
                    let m = chrono::Months::new(months);
                    let want = if negative {
                        date.checked_sub_months(m)
                    } else {
                        date.checked_add_months(m)
                    }
                    .unwrap();
                    let exists = want.day() == date.day();
                    assert_eq!(
                        o.apply(date, MonthEnd::Clamp),
                        Landing::Date(want),
                        "{date} {o}"
                    );
                    if exists {
                        for policy in [MonthEnd::Skip, MonthEnd::NextMonthFirst] {
                            assert_eq!(o.apply(date, policy), Landing::Date(want), "{date} {o}");
                        }
                    } else {
                        assert_eq!(
                            o.apply(date, MonthEnd::Skip),
                            Landing::Skipped,
                            "{date} {o}"
                        );
                        let first = want.succ_opt().unwrap();
                        assert_eq!(first.day(), 1, "{date} {o}");
                        assert_eq!(
                            o.apply(date, MonthEnd::NextMonthFirst),
                            Landing::Date(first),
                            "{date} {o}"
                        );
                    }
                }
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn out_of_range_is_a_value_not_a_panic() {
        let big = Offset::parse("P999999Y").unwrap();
        assert_eq!(
            big.apply(NaiveDate::MAX, MonthEnd::Clamp),
            Landing::OutOfRange
        );
        let days = Offset::parse("P999999D").unwrap();
        assert_eq!(
            days.apply(NaiveDate::MAX, MonthEnd::Clamp),
            Landing::OutOfRange
        );
        let back = Offset::parse("-P1D").unwrap();
        assert_eq!(
            back.apply(NaiveDate::MIN, MonthEnd::Clamp),
            Landing::OutOfRange
        );
    }

    /// Every day of a leap and a common year, plus and minus day counts around the
    /// year's end, and the ends of chrono's range: as chrono's own arithmetic.
    #[test]
    fn plus_days_is_chronos_arithmetic() {
        let chrono_plus = |d: NaiveDate, n: i64| {
            let days = Days::new(n.unsigned_abs());
            if n < 0 {
                d.checked_sub_days(days)
            } else {
                d.checked_add_days(days)
            }
        };
        let ns = [
            0,
            1,
            -1,
            2,
            6,
            30,
            364,
            365,
            366,
            -364,
            -365,
            -366,
            400,
            -400,
            i64::MAX,
            i64::MIN,
        ];
        for year in [2023, 2024] {
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while day.year() == year {
                for n in ns {
                    assert_eq!(plus_days(day, n), chrono_plus(day, n), "{day} {n}");
                }
                day = day.succ_opt().unwrap();
            }
        }
        for day in [NaiveDate::MIN, NaiveDate::MAX] {
            for n in ns {
                assert_eq!(plus_days(day, n), chrono_plus(day, n), "{day} {n}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plus_days_agrees_with_chrono(day in -300_000i64..300_000, n in -1_000_000i64..1_000_000) {
            let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
            let day = start.checked_add_signed(chrono::TimeDelta::days(day)).unwrap();
            let days = Days::new(n.unsigned_abs());
            let expected = if n < 0 { day.checked_sub_days(days) } else { day.checked_add_days(days) };
            proptest::prop_assert_eq!(plus_days(day, n), expected);
        }
    }
}
