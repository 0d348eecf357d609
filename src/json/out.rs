//! Writing: dates and times as plain strings without going through `fmt` (the same
//! text as chrono's `Display` and `%H:%M`).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Serialize, Serializer};

/// Two ASCII digits of `n` (0–99).
fn two(n: u32) -> [u8; 2] {
    let n = n % 100;
    [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]
}

/// The first year [`date_parts`] has in its table, and how many years it has.
const FIRST_YEAR: i32 = 1900;
const YEARS: usize = 256;

/// `"YYYY-` for each year from [`FIRST_YEAR`], six bytes a year.
const YEAR_TEXT: &str = {
    const BYTES: [u8; YEARS * 6] = {
        let mut t = [0u8; YEARS * 6];
        let mut i = 0;
        while i < YEARS {
            let y = FIRST_YEAR as usize + i;
            t[i * 6] = b'"';
            t[i * 6 + 1] = b'0' + (y / 1000 % 10) as u8;
            t[i * 6 + 2] = b'0' + (y / 100 % 10) as u8;
            t[i * 6 + 3] = b'0' + (y / 10 % 10) as u8;
            t[i * 6 + 4] = b'0' + (y % 10) as u8;
            t[i * 6 + 5] = b'-';
            i += 1;
        }
        t
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => "",
    }
};

/// `MM-DD"` for each day of the year, six bytes a day: the 366 days of a leap year
/// after the 365 of another year (whose last entry is unused).
const DAY_TEXT: &str = {
    const BYTES: [u8; 2 * 366 * 6] = {
        let mut t = [0u8; 2 * 366 * 6];
        let mut leap = 0;
        while leap < 2 {
            let lengths = [31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            let (mut m, mut d, mut i) = (0, 1, leap * 366);
            while m < 12 {
                let month = m + 1;
                t[i * 6] = b'0' + (month / 10) as u8;
                t[i * 6 + 1] = b'0' + (month % 10) as u8;
                t[i * 6 + 2] = b'-';
                t[i * 6 + 3] = b'0' + (d / 10) as u8;
                t[i * 6 + 4] = b'0' + (d % 10) as u8;
                t[i * 6 + 5] = b'"';
                i += 1;
                d += 1;
                if d > lengths[m] {
                    d = 1;
                    m += 1;
                }
            }
            leap += 1;
        }
        t
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => "",
    }
};

/// A date as a JSON string in two pieces from tables, `"YYYY-` and `MM-DD"`, for the
/// years 1900 to 2155; `None` for the others.
pub(crate) fn date_parts(d: NaiveDate) -> Option<(&'static str, &'static str)> {
    let year = usize::try_from(d.year() - FIRST_YEAR)
        .ok()
        .filter(|y| *y < YEARS)?;
    let day = usize::from(d.leap_year()) * 366 + d.ordinal0() as usize;
    Some((
        YEAR_TEXT.get(year * 6..year * 6 + 6)?,
        DAY_TEXT.get(day * 6..day * 6 + 6)?,
    ))
}

/// `n % 100` as two ASCII digits, from a table: no formatting, no UTF-8 check.
pub(crate) fn two_digits(n: u32) -> &'static str {
    const TABLE: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    let i = (n % 100) as usize * 2;
    TABLE.get(i..i + 2).unwrap_or("00")
}

/// `YYYY-MM-DD` for the years 0–9999; other years as chrono writes them.
pub(crate) fn write_date<S: Serializer>(d: NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let year = d.year();
    match u32::try_from(year) {
        Ok(y) if y <= 9_999 => {
            let (a, b, m, dd) = (two(y / 100), two(y), two(d.month()), two(d.day()));
            let text = [a[0], a[1], b[0], b[1], b'-', m[0], m[1], b'-', dd[0], dd[1]];
            match std::str::from_utf8(&text) {
                Ok(t) => s.serialize_str(t),
                Err(_) => s.collect_str(&d),
            }
        }
        _ => s.collect_str(&d),
    }
}

/// `HH:MM`.
pub(crate) fn write_hhmm<S: Serializer>(t: NaiveTime, s: S) -> Result<S::Ok, S::Error> {
    let (h, m) = (two(t.hour()), two(t.minute()));
    let text = [h[0], h[1], b':', m[0], m[1]];
    match std::str::from_utf8(&text) {
        Ok(t) => s.serialize_str(t),
        Err(_) => s.collect_str(&t.format("%H:%M")),
    }
}

/// A date written as [`write_date`] does.
#[derive(Clone, Copy)]
pub(crate) struct Day(pub NaiveDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        write_date(self.0, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_fmt_writes_them() {
        for n in 0..200 {
            assert_eq!(two_digits(n), format!("{:02}", n % 100));
        }
        let big = [1_000, 65_535, 99_999, 1_000_000, u32::MAX - 1, u32::MAX];
        for n in (0..=1_000).chain(big) {
            assert_eq!(crate::plan::task::decimal(n, &mut [0; 10]), n.to_string());
        }
    }

    #[test]
    fn the_date_tables_say_what_chrono_says() {
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 20).unwrap();
        let mut tabled = 0;
        while d.year() < 2157 {
            match date_parts(d) {
                Some((y, md)) => {
                    assert_eq!(format!("{y}{md}"), format!("\"{d}\""));
                    tabled += 1;
                }
                None => assert!(d.year() < 1900 || d.year() > 2155, "{d}"),
            }
            d = d.succ_opt().unwrap();
        }
        // Every day of 1900 to 2155.
        assert_eq!(
            tabled,
            (1900..=2155)
                .map(|y| if NaiveDate::from_ymd_opt(y, 2, 29).is_some() {
                    366
                } else {
                    365
                })
                .sum::<i32>()
        );
    }

    #[test]
    fn dates_and_times_are_written_as_chrono_writes_them() {
        for (y, m, d) in [
            (2026, 3, 2),
            (1, 1, 1),
            (0, 12, 31),
            (9999, 12, 31),
            (10_000, 1, 1),
            (-5, 6, 7),
            (999, 10, 10),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                serde_json::to_string(&Day(day)).unwrap(),
                serde_json::to_string(&day).unwrap()
            );
        }
        for (h, m) in [(0, 0), (9, 5), (23, 59), (12, 30)] {
            let t = NaiveTime::from_hms_opt(h, m, 0).unwrap();
            let mut out = Vec::new();
            write_hhmm(t, &mut serde_json::Serializer::new(&mut out)).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("\"{}\"", t.format("%H:%M"))
            );
        }
    }
}
