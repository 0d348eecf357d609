//! `repeat`: RFC 5545 recurrence rules through the `rrule` crate, always bounded.

use crate::limits::Limits;
use chrono::{NaiveDate, TimeZone};
use rrule::{RRule, Tz, Unvalidated};

/// The repeat rules compiled so far in one rule set, by text and scope: a rule written
/// in many steps (`FREQ=DAILY;COUNT=366` in 200 steps of 1,000 programs) is checked once.
#[derive(Debug, Default)]
pub(crate) struct RepeatCache {
    rules: std::collections::HashMap<(Box<str>, bool), Compiled>,
}

type Compiled = Result<Repeat, (String, Option<&'static str>)>;

impl RepeatCache {
    /// [`Repeat::compile`], once per text and scope.
    pub(crate) fn compile(
        &mut self,
        text: &str,
        limits: &Limits,
        horizon_bounded: bool,
    ) -> Compiled {
        if let Some(done) = self.rules.get(&(Box::from(text), horizon_bounded)) {
            return done.clone();
        }
        let done = Repeat::compile(text, limits, horizon_bounded);
        self.rules
            .insert((Box::from(text), horizon_bounded), done.clone());
        done
    }
}

/// A checked recurrence rule.
#[derive(Debug, Clone)]
pub(crate) struct Repeat {
    /// Shared by every step written with the same rule.
    rule: std::sync::Arc<RRule<Unvalidated>>,
    /// The rule's COUNT: how many dates it gives from any start.
    pub count: Option<u32>,
    /// The same rule expanded on dates alone, when its shape allows (see [`super::dates`]);
    /// `None`: every expansion goes through `rrule`.
    fast: Option<std::sync::Arc<super::dates::Shape>>,
}

pub(crate) const FREQS: [&str; 4] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
/// The parts a repeat rule may have (the JSON Schema builds its pattern from them).
pub(crate) const KEYS: [&str; 10] = [
    "FREQ",
    "INTERVAL",
    "COUNT",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYYEARDAY",
    "BYWEEKNO",
    "WKST",
];

/// A `MONTHLY` rule that says no day of its own: from a 31st it skips the shorter months.
fn plain_monthly(parts: &[(&str, &str)]) -> bool {
    let has = |key: &str| parts.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
    parts
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("FREQ") && v.eq_ignore_ascii_case("MONTHLY"))
        && !["BYMONTHDAY", "BYDAY", "BYSETPOS", "BYYEARDAY"]
            .iter()
            .any(|k| has(k))
}

/// Where the sample expansions start, to check a rule at compile time: a common year and
/// a leap year (a rule of every fourth 29 February gives dates from one of them only).
fn sample_starts() -> [Option<NaiveDate>; 2] {
    [
        NaiveDate::from_ymd_opt(2001, 1, 31),
        NaiveDate::from_ymd_opt(2000, 1, 31),
    ]
}

impl Repeat {
    /// Checks `text` and returns the rule, or a message saying what was expected.
    pub(crate) fn compile(
        text: &str,
        limits: &Limits,
        horizon_bounded: bool,
    ) -> Result<Repeat, (String, Option<&'static str>)> {
        let bad = |why: String| (format!("invalid repeat rule {text:?}: {why}"), None);
        let mut count = None;
        if text.starts_with("RRULE:") {
            return Err(bad("expected the rule without the \"RRULE:\" prefix, such as \"FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6\"".into()));
        }
        // RFC 5545 text is printable ASCII: a line break or an escape would only be
        // echoed back in the parts' messages (audit 96: `COUNT=3\nPASS…` was "not a
        // whole number").
        if let Some((i, c)) = (text.chars().enumerate()).find(|(_, c)| c.is_control()) {
            return Err(bad(format!(
                "it holds the control character U+{:04X} at character {}: expected one line of KEY=VALUE parts",
                u32::from(c),
                i + 1
            )));
        }
        let mut seen: Vec<&str> = Vec::new();
        for part in text.split(';') {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                bad(format!(
                    "{part:?} is not KEY=VALUE (parts are separated by ';', with none empty): expected a rule such as \"FREQ=WEEKLY;COUNT=4\""
                ))
            })?;
            if seen.contains(&key) {
                return Err(bad(format!(
                    "{key} is given twice: expected each part once"
                )));
            }
            seen.push(key);
            if key == "UNTIL" {
                return Err(bad("UNTIL is not supported: a rule counts from each episode's own date, so a fixed end date would not follow it; expected COUNT (the number of dates)".into()));
            }
            if !KEYS.contains(&key) {
                let hint = if KEYS.contains(&key.trim().to_uppercase().as_str()) {
                    " (keys are upper case, with no spaces)"
                } else {
                    " (follow-up happens on days, so no DTSTART, BYHOUR, BYMINUTE or BYSECOND: the start is the anchor plus the offset)"
                };
                return Err(bad(format!(
                    "{key:?} is not supported; expected only {}{hint}",
                    KEYS.join(", ")
                )));
            }
            // RFC 5545: `1*DIGIT`, no sign (audit 96: `INTERVAL=+2` and `COUNT=+3` passed).
            let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
            if key == "INTERVAL"
                && !(digits
                    && value
                        .parse::<u32>()
                        .is_ok_and(|n| (1..=65_535).contains(&n)))
            {
                return Err(bad(format!(
                    "INTERVAL={value}: expected a whole number from 1 to 65535"
                )));
            }
            // RFC 5545: a day of the month is 1 to 31 or -31 to -1 (and so on); `rrule`
            // passed a 0 of BYMONTHDAY over in silence (audit 78: `BYMONTHDAY=0,15` gave
            // the 15th alone), and said the others in its own words.
            let range = match key {
                "BYMONTHDAY" => Some((
                    31,
                    "a day of a month",
                    "days from 1 to 31, or -31 to -1 counted from the month's end",
                )),
                "BYYEARDAY" => Some((
                    366,
                    "a day of a year",
                    "days from 1 to 366, or -366 to -1 counted from the year's end",
                )),
                "BYWEEKNO" => Some((
                    53,
                    "a week of a year",
                    "weeks from 1 to 53, or -53 to -1 counted from the year's end",
                )),
                "BYSETPOS" => Some((
                    366,
                    "a position in the set",
                    "positions from 1 to 366, or -366 to -1 counted from the set's end",
                )),
                _ => None,
            };
            if let Some((most, what, expected)) = range
                && let Some(bad_n) = value.split(',').find(|d| {
                    let digits = d.strip_prefix(['+', '-']).unwrap_or(d);
                    !(digits.bytes().all(|b| b.is_ascii_digit())
                        && digits.parse::<u16>().is_ok_and(|n| (1..=most).contains(&n)))
                })
            {
                return Err(bad(format!(
                    "{key}={value}: {bad_n:?} is not {what}; expected {expected}, separated by ','"
                )));
            }
            if key == "FREQ" && !FREQS.contains(&value) {
                return Err(bad(format!(
                    "FREQ={value} is not supported; expected one of {}",
                    FREQS.join(", ")
                )));
            }
            if key == "COUNT" {
                let most = limits.max_occurrences_per_step;
                let n = value.parse::<u32>().ok().filter(|n| *n >= 1 && digits);
                let n: u32 = n.ok_or_else(|| {
                    bad(format!(
                        "COUNT={value}: expected a whole number from 1 to {most} (max_occurrences_per_step)"
                    ))
                })?;
                count = Some(n);
                let n = n as usize;
                if n > limits.max_occurrences_per_step {
                    return Err((
                        format!(
                            "invalid repeat rule {text:?}: COUNT={n} is more than the limit max_occurrences_per_step ({}): expected a COUNT of at most {}",
                            limits.max_occurrences_per_step,
                            limits.max_occurrences_per_step
                        ),
                        Some("max_occurrences_per_step"),
                    ));
                }
            }
        }
        if count.is_none() && !horizon_bounded {
            return Err(bad("it has no COUNT; expected a bounded rule such as \"FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6\" (patient-level programs may leave it out: their horizon bounds them)".into()));
        }
        let parts: Vec<(&str, &str)> = text.split(';').filter_map(|p| p.split_once('=')).collect();
        super::repeat_rfc::check(&parts).map_err(bad)?;
        let rule: RRule<Unvalidated> = text.parse().map_err(|e| bad(format!("{e}")))?;
        let fast = super::dates::Shape::of(&rule).map(std::sync::Arc::new);
        let repeat = Repeat {
            rule: std::sync::Arc::new(rule),
            count,
            fast,
        };
        // The rule gives a date from one of the sample starts at least, and from none does
        // it span more than max_offset_days (planning cuts what a rarer start reaches).
        let mut gives = false;
        for start in sample_starts() {
            let start = start.ok_or_else(|| bad("no sample date".into()))?;
            // Patient-level rules may be unbounded, and the horizon cuts them: they must
            // give a date within the longest offset; the first one found is enough.
            let sample = if horizon_bounded {
                // A limit past what dates reach (a host's `u32::MAX`) looks as far as plans
                // are written: the year 9999.
                let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
                let end = start
                    .checked_add_days(chrono::Days::new(u64::from(limits.max_offset_days)))
                    .map_or(last, |e| e.min(last));
                repeat.first_until(start, end)
            } else {
                repeat.dates(start, limits)
            };
            let dates = match sample {
                Ok(dates) => dates,
                Err(RepeatError::Invalid(e)) => return Err(bad(e)),
                // Patient-level rules are cut by the planning horizon, not by COUNT.
                Err(RepeatError::TooMany) if horizon_bounded => return Ok(repeat),
                Err(RepeatError::TooMany) => {
                    return Err((
                        format!(
                            "invalid repeat rule {text:?}: it gives more than the limit max_occurrences_per_step ({}) dates: expected a COUNT or an UNTIL that gives fewer",
                            limits.max_occurrences_per_step
                        ),
                        Some("max_occurrences_per_step"),
                    ));
                }
            };
            let span = dates.last().map_or(0, |d| (*d - start).num_days());
            if span > i64::from(limits.max_offset_days) && !horizon_bounded {
                return Err((
                    format!(
                        "invalid repeat rule {text:?}: from {start}, a sample start the rule is checked from (a 31st, in a common and a leap year), its last date comes {span} days later, more than the limit max_offset_days ({}): expected its dates within {} days of any start{}",
                        limits.max_offset_days,
                        limits.max_offset_days,
                        if plain_monthly(&parts) {
                            " (from a 31st a monthly rule skips the months with no 31st: 7 dates a year)"
                        } else {
                            ""
                        }
                    ),
                    Some("max_offset_days"),
                ));
            }
            gives |= !dates.is_empty();
        }
        if gives {
            Ok(repeat)
        } else {
            Err(bad("it gives no date at all: expected a rule that gives at least one date (a day that exists in the months it names; BYMONTHDAY=-1 is a month's last day)".into()))
        }
    }

    /// The dates of the rule started on `start` up to `until` inclusive (patient-level
    /// programs, whose rules may be unbounded), at most `max_occurrences_per_step`.
    pub(crate) fn dates_until(
        &self,
        start: NaiveDate,
        until: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        if let Some(dates) = self.fast_dates(start, Some(until), limits) {
            return dates;
        }
        self.rrule_dates_until(start, until, limits)
    }

    /// [`Repeat::dates_until`] through `rrule` alone.
    fn rrule_dates_until(
        &self,
        start: NaiveDate,
        until: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        let set = self.build_until(start, until)?;
        self.collect(set, limits, |d| d <= until)
    }

    /// The dates on the date-only path, checked against the limit as [`Repeat::collect`]
    /// does; `None` when the rule or the start needs `rrule`.
    fn fast_dates(
        &self,
        start: NaiveDate,
        until: Option<NaiveDate>,
        limits: &Limits,
    ) -> Option<Result<Vec<NaiveDate>, RepeatError>> {
        let shape = self.fast.as_deref()?;
        let cap = limits.max_occurrences_per_step;
        let most = usize::from(u16::try_from(cap.saturating_add(1)).unwrap_or(u16::MAX));
        let dates = shape.expand(start, until, most)?;
        if dates.len() > cap {
            return Some(Err(RepeatError::TooMany));
        }
        Some(Ok(dates))
    }

    /// The first date of the rule started on `start`, if it comes by `until` (no date: an
    /// empty list).
    fn first_until(
        &self,
        start: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        let first = self.build_until(start, until)?.all(1);
        Ok(first.dates.iter().map(|d| d.date_naive()).collect())
    }

    /// The rule started on `start`, cut after `until`.
    fn build_until(
        &self,
        start: NaiveDate,
        until: NaiveDate,
    ) -> Result<rrule::RRuleSet, RepeatError> {
        let end = until
            .and_hms_opt(23, 59, 59)
            .and_then(|t| Tz::UTC.from_local_datetime(&t).single())
            .ok_or_else(|| RepeatError::Invalid(format!("end date {until} is out of range")))?;
        Ok(self.build(start)?.before(end))
    }

    fn build(&self, start: NaiveDate) -> Result<rrule::RRuleSet, RepeatError> {
        let dt = start
            .and_hms_opt(0, 0, 0)
            .and_then(|t| Tz::UTC.from_local_datetime(&t).single())
            .ok_or_else(|| RepeatError::Invalid(format!("start date {start} is out of range")))?;
        RRule::clone(&self.rule)
            .build(dt)
            .map_err(|e| RepeatError::Invalid(e.to_string()))
    }

    fn collect(
        &self,
        set: rrule::RRuleSet,
        limits: &Limits,
        keep: impl Fn(NaiveDate) -> bool,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        let cap = limits.max_occurrences_per_step;
        let result = set.all(u16::try_from(cap.saturating_add(1)).unwrap_or(u16::MAX));
        let dates: Vec<NaiveDate> = result
            .dates
            .iter()
            .map(|d| d.date_naive())
            .filter(|d| keep(*d))
            .collect();
        if dates.len() > cap {
            return Err(RepeatError::TooMany);
        }
        Ok(dates)
    }

    /// The dates of the rule started on `start`, at most `max_occurrences_per_step`.
    pub(crate) fn dates(
        &self,
        start: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        if let Some(dates) = self.fast_dates(start, None, limits) {
            return dates;
        }
        self.rrule_dates(start, limits)
    }

    /// [`Repeat::dates`] through `rrule` alone.
    fn rrule_dates(
        &self,
        start: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        let set = self.build(start)?;
        self.collect(set, limits, |_| true)
    }
}

/// Why a rule gave no dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RepeatError {
    Invalid(String),
    TooMany,
}

#[cfg(test)]
impl Repeat {
    /// A rule as parsed, unchecked, for comparing both paths.
    pub(crate) fn for_test(_text: &str, rule: RRule<Unvalidated>) -> Repeat {
        let count = rule.get_count();
        let fast = super::dates::Shape::of(&rule).map(std::sync::Arc::new);
        Repeat {
            rule: std::sync::Arc::new(rule),
            count,
            fast,
        }
    }

    pub(crate) fn has_fast(&self) -> bool {
        self.fast.is_some()
    }

    pub(crate) fn rrule_only_dates(
        &self,
        start: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        self.rrule_dates(start, limits)
    }

    pub(crate) fn rrule_only_dates_until(
        &self,
        start: NaiveDate,
        until: NaiveDate,
        limits: &Limits,
    ) -> Result<Vec<NaiveDate>, RepeatError> {
        self.rrule_dates_until(start, until, limits)
    }
}
