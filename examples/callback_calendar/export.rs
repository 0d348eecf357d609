//! `--ics FILE` and `--csv`: the calendar's plans written for other programs with
//! `followup::export`.
//!
//! ```text
//! cargo run --example callback_calendar -- --ics /tmp/p42.ics          # and the calendar
//! cargo run --example callback_calendar -- --csv > p42.csv             # CSV instead
//! cargo run --example callback_calendar -- --lang en --csv --ics /tmp/p42.ics
//! ```
//!
//! - `--ics FILE`: every plan of the calendar (episodes, greetings, notices) as one
//!   VCALENDAR, one VTODO per task, written to FILE; the calendar is still printed;
//! - `--csv`: the same tasks as CSV (with a UTF-8 byte order mark, for Excel) on standard
//!   output, instead of the calendar.
//!
//! Texts are in the `--lang` language. A task the contact policy dropped (a cap, an open
//! complaint: it is not on the calendar) is not exported either; dropped occurrences
//! never are; a sales task an open complaint cut is on time to the day before it. A task
//! the policy moved is exported on the day the calendar shows it (audits 197, 202: a
//! sales call moved off an aftercare call's day was exported beside it), with its own
//! window that day; tasks joined into one contact keep their own windows.

use followup::{export, plan::Plan, replan::MergedPlan, rules::Lang};
use std::path::Path;

/// Writes the iCalendar file when `ics` is given; the CSV when `csv` is set (to print
/// instead of the calendar).
/// `as_of`: the day of `--as-of`, whose statuses a moved task's new day changes.
pub fn run(
    plans: &[Plan],
    merged: &MergedPlan,
    lang: Lang,
    (ics, csv, as_of): (Option<&Path>, bool, Option<chrono::NaiveDate>),
) -> Result<Option<String>, String> {
    if ics.is_none() && !csv {
        return Ok(None);
    }
    let plans = capped(plans, merged, as_of);
    let options = export::Options {
        lang,
        ..export::Options::default()
    };
    if let Some(path) = ics {
        std::fs::write(path, export::ics(&plans, &options))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(csv.then(|| export::csv(&plans, &options)))
}

/// The plans as the contact policy leaves them, so that the exports show the tasks as
/// the calendar does: a task it dropped (a cap; an open complaint, audit 233) left out,
/// one it moved on its new day, one a complaint cut on time only to the day before it.
fn capped(plans: &[Plan], merged: &MergedPlan, as_of: Option<chrono::NaiveDate>) -> Vec<Plan> {
    let mut out = plans.to_vec();
    merged.apply_to(&mut out, as_of);
    out
}
