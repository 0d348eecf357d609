//! `repeat`: RFC 5545 recurrence rules through the `rrule` crate, always bounded.

use crate::limits::Limits;
use chrono::{NaiveDate, TimeZone};
use rrule::{RRule, Tz, Unvalidated};

/// A checked recurrence rule.
#[derive(Debug, Clone)]
pub(crate) struct Repeat {
    rule: RRule<Unvalidated>,
}

const FREQS: [&str; 4] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const KEYS: [&str; 11] = [
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYYEARDAY",
    "BYWEEKNO",
    "WKST",
];

/// Where a sample expansion starts, to check a rule at compile time.
fn sample_start() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2001, 1, 31)
}

impl Repeat {
    /// Checks `text` and returns the rule, or a message saying what was expected.
    pub(crate) fn compile(
        text: &str,
        limits: &Limits,
    ) -> Result<Repeat, (String, Option<&'static str>)> {
        let bad = |why: String| (format!("invalid repeat rule {text:?}: {why}"), None);
        let mut has_bound = false;
        for part in text.split(';') {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("{part:?} is not KEY=VALUE")))?;
            if !KEYS.contains(&key) {
                return Err(bad(format!(
                    "{key} is not supported; expected only {} (follow-up happens on days, so no DTSTART, BYHOUR, BYMINUTE or BYSECOND: the start is the anchor plus the offset)",
                    KEYS.join(", ")
                )));
            }
            if key == "FREQ" && !FREQS.contains(&value) {
                return Err(bad(format!(
                    "FREQ={value} is not supported; expected one of {}",
                    FREQS.join(", ")
                )));
            }
            if key == "COUNT" {
                let n: usize = value
                    .parse()
                    .map_err(|_| bad(format!("COUNT={value} is not a whole number")))?;
                if n > limits.max_occurrences_per_step {
                    return Err((
                        format!(
                            "invalid repeat rule {text:?}: COUNT={n} is more than the limit max_occurrences_per_step ({})",
                            limits.max_occurrences_per_step
                        ),
                        Some("max_occurrences_per_step"),
                    ));
                }
            }
            has_bound |= key == "COUNT" || key == "UNTIL";
        }
        if !has_bound {
            return Err(bad("it has neither COUNT nor UNTIL; expected a bounded rule such as \"FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6\"".into()));
        }
        let rule: RRule<Unvalidated> = text.parse().map_err(|e| bad(format!("{e}")))?;
        let repeat = Repeat { rule };
        let start = sample_start().ok_or_else(|| bad("no sample date".into()))?;
        match repeat.dates(start, limits) {
            Ok(dates) if dates.is_empty() => Err(bad("it gives no date at all".into())),
            Ok(dates) => {
                let span = dates.last().map_or(0, |d| (*d - start).num_days());
                if span > i64::from(limits.max_offset_days) {
                    return Err((
                        format!(
                            "invalid repeat rule {text:?}: it spans {span} days, more than the limit max_offset_days ({})",
                            limits.max_offset_days
                        ),
                        Some("max_offset_days"),
                    ));
                }
                Ok(repeat)
            }
            Err(RepeatError::Invalid(e)) => Err(bad(e)),
            Err(RepeatError::TooMany) => Err((
                format!(
                    "invalid repeat rule {text:?}: it gives more than the limit max_occurrences_per_step ({}) dates",
                    limits.max_occurrences_per_step
                ),
                Some("max_occurrences_per_step"),
            )),
        }
    }

    /// The dates of the rule started on `start`, at most `max_occurrences_per_step`.
    pub(crate) fn dates(
        &self,
        start: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        let dt = start
            .and_hms_opt(0, 0, 0)
            .and_then(|t| Tz::UTC.from_local_datetime(&t).single())
            .ok_or_else(|| RepeatError::Invalid(format!("start date {start} is out of range")))?;
        let set = self
            .rule
            .clone()
            .build(dt)
            .map_err(|e| RepeatError::Invalid(e.to_string()))?;
        let cap = limits.max_occurrences_per_step;
        let result = set.all(u16::try_from(cap.saturating_add(1)).unwrap_or(u16::MAX));
        if result.dates.len() > cap {
            return Err(RepeatError::TooMany);
        }
        Ok(result.dates.iter().map(|d| d.date_naive()).collect())
    }
}

/// Why a rule gave no dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RepeatError {
    Invalid(String),
    TooMany,
}
