//! Chinese lunar festivals (春节, 元宵, 端午, 七夕, 中秋, 重阳) as Gregorian dates.
//!
//! The Chinese calendar itself comes from ICU4X's `icu_calendar`
//! (`ChineseTraditional`, GB/T 33661-2017 rules, with precomputed year data
//! that agrees with the Hong Kong Observatory tables for 1901–2100). This
//! module only maps festivals to lunar month-days and converts them; it does
//! no IO and keeps no state.

#[cfg(feature = "lunar")]
use chrono::NaiveDate;
#[cfg(feature = "lunar")]
use icu_calendar::{cal::Iso, types::Month, Date};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

    /// Id, lunar (month, day), Chinese name, English name.
    fn row(self) -> (&'static str, (u8, u8), &'static str, &'static str) {
        match self {
            Self::SpringFestival => ("spring_festival", (1, 1), "春节", "Spring Festival"),
            Self::Lantern => ("lantern", (1, 15), "元宵节", "Lantern Festival"),
            Self::DragonBoat => ("dragon_boat", (5, 5), "端午节", "Dragon Boat Festival"),
            Self::Qixi => ("qixi", (7, 7), "七夕", "Qixi Festival"),
            Self::MidAutumn => ("mid_autumn", (8, 15), "中秋节", "Mid-Autumn Festival"),
            Self::Chongyang => ("chongyang", (9, 9), "重阳节", "Double Ninth Festival"),
        }
    }

    /// The stable `snake_case` identifier, the same as the serde name
    /// (`"spring_festival"`, `"lantern"`, `"dragon_boat"`, `"qixi"`,
    /// `"mid_autumn"`, `"chongyang"`).
    pub fn id(self) -> &'static str {
        self.row().0
    }

    /// The festival whose [`id`](Self::id) is `id` exactly, if any.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The lunar `(month, day)` of the festival; the month is never a leap month.
    pub fn lunar_month_day(self) -> (u8, u8) {
        self.row().1
    }

    /// The Chinese name, e.g. `"中秋节"`.
    pub fn name_zh(self) -> &'static str {
        self.row().2
    }

    /// The English name, e.g. `"Mid-Autumn Festival"`.
    pub fn name_en(self) -> &'static str {
        self.row().3
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
#[cfg(feature = "lunar")]
#[cfg_attr(docsrs, doc(cfg(feature = "lunar")))]
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
#[cfg(feature = "lunar")]
#[cfg_attr(docsrs, doc(cfg(feature = "lunar")))]
pub fn lunar_to_gregorian(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !SUPPORTED_YEARS.contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    // `Month::new` is the ordinary month; leap months are `Month::leap`.
    let lunar = Date::try_new_chinese_traditional(year, Month::new(month), day).ok()?;
    let iso = lunar.to_calendar(Iso);
    NaiveDate::from_ymd_opt(
        iso.year().extended_year(),
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
}

#[cfg(test)]
#[cfg(feature = "lunar")]
mod tests {
    use super::LunarFestival::{Chongyang, DragonBoat, MidAutumn, Qixi, SpringFestival};
    // The independent date tables (1901-2099) are checked in tests/lunar_tables.rs.
    use super::*;

    /// `festival_date` as a readable string, `"None"` for no date.
    fn on(f: LunarFestival, year: i32) -> String {
        festival_date(f, year).map_or_else(|| "None".to_owned(), |d| d.to_string())
    }

    /// `lunar_to_gregorian` as a readable string, `"None"` for no date.
    fn lunar(year: i32, month: u8, day: u8) -> String {
        lunar_to_gregorian(year, month, day).map_or_else(|| "None".to_owned(), |d| d.to_string())
    }

    /// New moons within seconds of Beijing midnight (2057-09-28, 2089-09-04,
    /// 2097-08-07), footnoted by the Hong Kong Observatory as possibly a day
    /// off: we follow its table, as `lunardate` does; `LunarCalendar` and
    /// `lunar-python` start some of these months a day later.
    #[test]
    fn near_midnight_new_moons_follow_hong_kong_observatory() {
        assert_eq!(lunar(2057, 9, 1), "2057-09-28");
        assert_eq!(on(Chongyang, 2057), "2057-10-06");
        assert_eq!(on(MidAutumn, 2089), "2089-09-18");
        assert_eq!(on(Qixi, 2097), "2097-08-13");
    }

    /// Before 1929 months began at Beijing local time, not UTC+8: the new moon
    /// of 1916-02-04 00:05 (UTC+8) made 春节 fall on 3 Feb in the calendar
    /// issued then and in the Hong Kong Observatory table.
    #[test]
    fn spring_festival_1916_follows_the_calendar_issued_then() {
        assert_eq!(on(SpringFestival, 1916), "1916-02-03");
    }

    #[test]
    fn range_edges_are_some_inside_and_none_outside() {
        for f in LunarFestival::ALL {
            assert_ne!(on(f, 1901), "None");
            assert_ne!(on(f, 2099), "None");
            for year in [1900, 2100, i32::MIN, i32::MAX] {
                assert_eq!(festival_date(f, year), None, "{f:?} {year}");
            }
        }
        assert_eq!(on(SpringFestival, 1901), "1901-02-19");
        assert_eq!(on(SpringFestival, 2099), "2099-01-21");
    }

    #[test]
    fn every_festival_falls_in_its_gregorian_year() {
        for year in SUPPORTED_YEARS {
            for f in LunarFestival::ALL {
                assert!(on(f, year).starts_with(&year.to_string()), "{f:?} {year}");
            }
        }
    }

    #[test]
    fn leap_month_years_use_the_ordinary_month() {
        assert_eq!(on(DragonBoat, 2020), "2020-06-25"); // leap 4th before 五月
        assert_eq!(lunar(2023, 2, 1), "2023-02-20"); // leap 2nd follows 二月
        assert_eq!(lunar(2023, 3, 1), "2023-04-20");
        assert_eq!(on(Qixi, 2017), "2017-08-28"); // leap 6th before 七月
        assert_eq!(lunar(2025, 6, 1), "2025-06-25"); // leap 6th follows 六月
        assert_eq!(on(Qixi, 2025), "2025-08-29");
    }

    #[test]
    fn invalid_month_or_day_is_none() {
        for (month, day) in [(0, 1), (13, 1), (1, 0), (1, 31), (12, 30)] {
            assert_eq!(lunar(2024, month, day), "None", "{month}/{day}");
        }
        assert_eq!(lunar(2024, 12, 29), "2025-01-28"); // 腊月 of 2024 has 29 days
    }

    #[test]
    fn ids_round_trip_through_serde_and_from_id() {
        for f in LunarFestival::ALL {
            assert_eq!(LunarFestival::from_id(f.id()), Some(f));
            let json = format!("\"{}\"", f.id());
            assert_eq!(serde_json::to_string(&f).ok(), Some(json.clone()));
            assert_eq!(serde_json::from_str::<LunarFestival>(&json).ok(), Some(f));
        }
        assert_eq!(LunarFestival::from_id("Mid_Autumn"), None);
    }
}
