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
//! Texts are in the `--lang` language. A task the contact policy's caps dropped (it is
//! not on the calendar) is not exported either; dropped occurrences never are. A task
//! the policy moved is exported on the day the calendar shows it (audits 197, 202: a
//! sales call moved off an aftercare call's day was exported beside it), with its own
//! window that day; tasks joined into one contact keep their own windows.

use followup::{
    export,
    plan::{DropReason, Dropped, Plan},
    replan::MergedPlan,
    rules::Lang,
};
use std::collections::BTreeSet;
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

/// The plans with the tasks the caps dropped listed among their dropped occurrences, so
/// that the exports leave them out as the calendar does.
fn capped(plans: &[Plan], merged: &MergedPlan, as_of: Option<chrono::NaiveDate>) -> Vec<Plan> {
    let capped: BTreeSet<String> = (merged.dropped.iter())
        .filter(|d| d.reason == DropReason::FrequencyCap)
        .map(|d| d.id())
        .collect();
    let mut out = plans.to_vec();
    for plan in &mut out {
        let more: Vec<Dropped> = (merged.dropped.iter())
            .filter(|d| capped.contains(d.id().as_str()))
            .filter(|d| plan.tasks.iter().any(|t| t.id() == d.id()))
            .cloned()
            .collect();
        plan.dropped.extend(more);
    }
    // A task the caps moved is due on its contact's day, on time there (the cap moved
    // it, not its owner), in its own window of that day (as `replay` lists it).
    let moved = (merged.contacts.iter())
        .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
        .filter(|(_, r)| r.moved.is_some());
    for (day, r) in moved {
        let id = r.task.id();
        let task = (out.iter_mut())
            .flat_map(|p| p.tasks.iter_mut())
            .find(|t| t.id() == id);
        if let Some(t) = task {
            t.window = t.window_on(day);
            t.due = day;
            t.latest = t.latest.max(day);
            // Its status as of `--as-of`, on its new day (audit 210: "missed" on the
            // morning of the day the cap moved it to).
            if let Some(day) = as_of.filter(|_| t.status.is_some()) {
                t.status = Some(followup::plan::Status::of(t, day));
            }
        }
    }
    out
}
