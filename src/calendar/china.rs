//! The official working-day calendars of mainland China, one per year, embedded from
//! `rules/calendars/cn-YYYY.json` (see the README there for where they come from).

use super::spec::Coverage;
use super::Calendar;
use crate::error::{Located, Result};
use std::ops::RangeInclusive;

/// `(year, file name, text)` of every embedded calendar, in year order.
macro_rules! years {
    ($($year:literal)*) => {
        [$((
            $year,
            concat!("rules/calendars/cn-", $year, ".json"),
            include_str!(concat!("../../rules/calendars/cn-", $year, ".json")),
        )),*]
    };
}

const CHINA: [(i32, &str, &str); 25] = years!(
    2002 2003 2004 2005 2006 2007 2008 2009 2010 2011 2012 2013 2014
    2015 2016 2017 2018 2019 2020 2021 2022 2023 2024 2025 2026
);

/// The years of [`CHINA`].
pub(super) const YEARS: RangeInclusive<i32> = 2002..=2026;

fn missing(year: i32) -> crate::Error {
    Located::new(
        "",
        format!(
            "no official calendar of mainland China for {year}: expected a year from {} to {}",
            YEARS.start(),
            YEARS.end()
        ),
    )
    .into_calendar(&format!("Calendar::china({year})"))
}

/// The official calendar of one year.
pub(super) fn year(year: i32) -> Result<Calendar> {
    let (_, name, text) = CHINA
        .iter()
        .find(|(y, _, _)| *y == year)
        .ok_or_else(|| missing(year))?;
    Calendar::from_json(name, text)
}

/// The official calendars of consecutive years joined into one, covering them all.
pub(super) fn years(years: RangeInclusive<i32>) -> Result<Calendar> {
    let (first, last) = (*years.start(), *years.end());
    if first > last {
        return Err(Located::new(
            "",
            format!("the years {first} to {last} are in the wrong order: expected the first year on or before the last"),
        )
        .into_calendar("official calendars"));
    }
    let mut joined = year(first)?;
    for y in first.saturating_add(1)..=last {
        let next = year(y)?;
        joined.0.add_lists(&next.0);
        if let (Some(a), Some(b)) = (joined.0.covers, next.0.covers) {
            joined.0.covers = Some(Coverage::new(a.from.0, b.to.0));
        }
    }
    // The table and the runs of closed days follow the joined lists.
    Ok(Calendar::made(joined.0))
}
