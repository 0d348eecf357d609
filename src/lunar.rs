//! Chinese lunar festivals (春节, 元宵, 端午, 七夕, 中秋, 重阳) as Gregorian dates.
//!
//! The Chinese calendar itself comes from ICU4X's `icu_calendar`
//! (`ChineseTraditional`, GB/T 33661-2017 rules, with precomputed year data
//! that agrees with the Hong Kong Observatory tables for 1901–2100). This
//! module only maps festivals to lunar month-days and converts them; it does
//! no IO and keeps no state.

use chrono::NaiveDate;
use icu_calendar::cal::Iso;
use icu_calendar::types::Month;
use icu_calendar::Date;
use serde::{Deserialize, Serialize};

/// Gregorian years for which [`festival_date`] and [`lunar_to_gregorian`] answer.
///
/// The Chinese year starting in each of these Gregorian years is covered by
/// `icu_calendar`'s precomputed tables, which agree with the Hong Kong
/// Observatory's published conversion tables; outside this range the answer
/// would come from an approximation, so the functions return `None`.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 1901..=2099;

/// The six Chinese lunar festivals.
///
/// Each is a fixed day of an ordinary (never a leap) lunar month; its
/// Gregorian date changes every year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LunarFestival {
    /// Spring Festival, 春节: 正月初一 (month 1, day 1).
    SpringFestival,
    /// Lantern Festival, 元宵节: 正月十五 (month 1, day 15).
    Lantern,
    /// Dragon Boat Festival, 端午节: 五月初五 (month 5, day 5).
    DragonBoat,
    /// Qixi, 七夕: 七月初七 (month 7, day 7).
    Qixi,
    /// Mid-Autumn Festival, 中秋节: 八月十五 (month 8, day 15).
    MidAutumn,
    /// Double Ninth Festival, 重阳节: 九月初九 (month 9, day 9).
    Chongyang,
}

impl LunarFestival {
    /// Every festival, in calendar order.
    pub const ALL: [LunarFestival; 6] = [
        LunarFestival::SpringFestival,
        LunarFestival::Lantern,
        LunarFestival::DragonBoat,
        LunarFestival::Qixi,
        LunarFestival::MidAutumn,
        LunarFestival::Chongyang,
    ];

    /// The stable snake_case identifier, the same as the serde name
    /// (`"spring_festival"`, `"lantern"`, `"dragon_boat"`, `"qixi"`,
    /// `"mid_autumn"`, `"chongyang"`).
    pub fn id(self) -> &'static str {
        match self {
            LunarFestival::SpringFestival => "spring_festival",
            LunarFestival::Lantern => "lantern",
            LunarFestival::DragonBoat => "dragon_boat",
            LunarFestival::Qixi => "qixi",
            LunarFestival::MidAutumn => "mid_autumn",
            LunarFestival::Chongyang => "chongyang",
        }
    }

    /// The festival whose [`id`](Self::id) is `id` exactly, if any.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The lunar `(month, day)` of the festival; the month is never a leap month.
    pub fn lunar_month_day(self) -> (u8, u8) {
        match self {
            LunarFestival::SpringFestival => (1, 1),
            LunarFestival::Lantern => (1, 15),
            LunarFestival::DragonBoat => (5, 5),
            LunarFestival::Qixi => (7, 7),
            LunarFestival::MidAutumn => (8, 15),
            LunarFestival::Chongyang => (9, 9),
        }
    }

    /// The Chinese name, e.g. `"中秋节"`.
    pub fn name_zh(self) -> &'static str {
        match self {
            LunarFestival::SpringFestival => "春节",
            LunarFestival::Lantern => "元宵节",
            LunarFestival::DragonBoat => "端午节",
            LunarFestival::Qixi => "七夕",
            LunarFestival::MidAutumn => "中秋节",
            LunarFestival::Chongyang => "重阳节",
        }
    }

    /// The English name, e.g. `"Mid-Autumn Festival"`.
    pub fn name_en(self) -> &'static str {
        match self {
            LunarFestival::SpringFestival => "Spring Festival",
            LunarFestival::Lantern => "Lantern Festival",
            LunarFestival::DragonBoat => "Dragon Boat Festival",
            LunarFestival::Qixi => "Qixi Festival",
            LunarFestival::MidAutumn => "Mid-Autumn Festival",
            LunarFestival::Chongyang => "Double Ninth Festival",
        }
    }
}

/// The Gregorian date of `festival` in Gregorian year `year`.
///
/// That is the festival of the Chinese year that begins (at its Spring
/// Festival) in `year`. All six festivals fall in ordinary months 1–9 of that
/// lunar year, so the result always lies in `year` itself.
///
/// Returns `None` when `year` is outside [`SUPPORTED_YEARS`].
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use followup::lunar::{festival_date, LunarFestival};
///
/// // 2023 has a leap 2nd month; Mid-Autumn is still 八月十五.
/// assert_eq!(
///     festival_date(LunarFestival::MidAutumn, 2023),
///     NaiveDate::from_ymd_opt(2023, 9, 29),
/// );
/// assert_eq!(
///     festival_date(LunarFestival::SpringFestival, 2025),
///     NaiveDate::from_ymd_opt(2025, 1, 29),
/// );
/// assert_eq!(festival_date(LunarFestival::SpringFestival, 2100), None);
/// ```
pub fn festival_date(festival: LunarFestival, year: i32) -> Option<NaiveDate> {
    let (month, day) = festival.lunar_month_day();
    lunar_to_gregorian(year, month, day)
}

/// The Gregorian date of lunar `month`/`day` in the Chinese year that begins
/// in Gregorian year `year`.
///
/// `month` is the ordinary month (1–12); a leap month of the same number is
/// never chosen. Months 11 and 12 of that lunar year may fall in `year + 1`.
///
/// Returns `None` when `year` is outside [`SUPPORTED_YEARS`], `month` is not
/// in 1–12, or `day` does not exist in that month (months have 29 or 30 days).
pub fn lunar_to_gregorian(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !SUPPORTED_YEARS.contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    // `Month::new` is the ordinary month; leap months are `Month::leap`.
    let lunar = Date::try_new_chinese_traditional(year, Month::new(month), day).ok()?;
    let iso = lunar.to_calendar(Iso);
    NaiveDate::from_ymd_opt(
        iso.extended_year(),
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// Parses `year,festival,date` rows (header skipped, CRLF tolerated).
    fn rows(csv: &str) -> Vec<(i32, LunarFestival, NaiveDate)> {
        csv.lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let cols: Vec<&str> = line.split(',').collect();
                assert_eq!(cols.len(), 3, "bad row {line:?}");
                let year = cols[0].parse().expect("year");
                let fest = LunarFestival::from_id(cols[1]).expect("festival id");
                let date = NaiveDate::parse_from_str(cols[2], "%Y-%m-%d").expect("date");
                (year, fest, date)
            })
            .collect()
    }

    /// Returns the mismatching rows as readable strings.
    fn mismatches(table: &[(i32, LunarFestival, NaiveDate)]) -> Vec<String> {
        table
            .iter()
            .filter(|(y, f, d)| festival_date(*f, *y) != Some(*d))
            .map(|(y, f, d)| format!("{y} {}: table {d}, got {:?}", f.id(), festival_date(*f, *y)))
            .collect()
    }

    #[test]
    fn shared_table_2020_2035_matches() {
        let table = rows(include_str!("../tests/data/lunar_festivals_2020_2035.csv"));
        assert_eq!(table.len(), 16 * 6);
        assert_eq!(mismatches(&table), Vec::<String>::new());
    }

    #[test]
    fn lunardate_table_1901_2099_matches() {
        let table = rows(include_str!("../tests/data/lunar_festivals_1901_2099.csv"));
        assert_eq!(table.len(), 199 * 6);
        assert_eq!(mismatches(&table), Vec::<String>::new());
    }

    #[test]
    fn range_edges() {
        for f in LunarFestival::ALL {
            assert!(festival_date(f, 1901).is_some(), "{f:?} 1901");
            assert!(festival_date(f, 2099).is_some(), "{f:?} 2099");
            assert_eq!(festival_date(f, 1900), None);
            assert_eq!(festival_date(f, 2100), None);
            assert_eq!(festival_date(f, i32::MIN), None);
            assert_eq!(festival_date(f, i32::MAX), None);
        }
        assert_eq!(festival_date(LunarFestival::SpringFestival, 1901), ymd(1901, 2, 19));
        assert_eq!(festival_date(LunarFestival::SpringFestival, 2099), ymd(2099, 1, 21));
    }

    #[test]
    fn festival_falls_in_its_gregorian_year() {
        for year in SUPPORTED_YEARS {
            for f in LunarFestival::ALL {
                let date = festival_date(f, year).map(|d| chrono::Datelike::year(&d));
                assert_eq!(date, Some(year), "{f:?} {year}");
            }
        }
    }

    #[test]
    fn leap_month_years_use_the_ordinary_month() {
        // 2020 leap 4th: 端午 is 五月初五, after the leap month.
        assert_eq!(festival_date(LunarFestival::DragonBoat, 2020), ymd(2020, 6, 25));
        // 2023 leap 2nd.
        assert_eq!(lunar_to_gregorian(2023, 2, 1), ymd(2023, 2, 20));
        assert_eq!(lunar_to_gregorian(2023, 3, 1), ymd(2023, 4, 20));
        // 2017 and 2025 leap 6th: 七夕 is after the leap month.
        assert_eq!(festival_date(LunarFestival::Qixi, 2017), ymd(2017, 8, 28));
        assert_eq!(lunar_to_gregorian(2025, 6, 1), ymd(2025, 6, 25));
        assert_eq!(festival_date(LunarFestival::Qixi, 2025), ymd(2025, 8, 29));
    }

    #[test]
    fn invalid_month_or_day_is_none() {
        assert_eq!(lunar_to_gregorian(2024, 0, 1), None);
        assert_eq!(lunar_to_gregorian(2024, 13, 1), None);
        assert_eq!(lunar_to_gregorian(2024, 1, 0), None);
        assert_eq!(lunar_to_gregorian(2024, 1, 31), None);
        // 2024 month 12 has 29 days, so the 30th does not exist.
        assert_eq!(lunar_to_gregorian(2024, 12, 29), ymd(2025, 1, 28));
        assert_eq!(lunar_to_gregorian(2024, 12, 30), None);
    }

    #[test]
    fn ids_round_trip_through_serde_and_from_id() {
        for f in LunarFestival::ALL {
            assert_eq!(LunarFestival::from_id(f.id()), Some(f));
            let json = serde_json::to_string(&f).expect("serialize");
            assert_eq!(json, format!("\"{}\"", f.id()));
        }
        assert_eq!(LunarFestival::from_id("Mid_Autumn"), None);
    }
}
