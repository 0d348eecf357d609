//! Writing: dates and times as plain strings without going through `fmt` (the same
//! text as chrono's `Display` and `%H:%M`).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Serialize, Serializer};

/// Two ASCII digits of `n` (0–99).
fn two(n: u32) -> [u8; 2] {
    let n = n % 100;
    [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]
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
