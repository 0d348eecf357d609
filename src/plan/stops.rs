//! What a fact ends after a task's day: every task of the plan not closed by its history
//! is worth doing until the last day a refusal, an opt-out or a stop fact leaves it
//! (`lifecycle::last_day`), whatever kept it until then — an agreed time or a picked day
//! before the fact, a retry's message, the consultant's call after an abnormal recovery
//! (audit 77). One the fact comes before (moved past it by an agreed time) is dropped,
//! as its step's occurrences are. A supervisor's task about a call the fact ended before
//! the task's day is left out: there is nothing left to look into — unless the history
//! records it done, and then it is on the day it was done.

use super::derived::Derived;
use super::ledger::{IgnoredReason, FOLLOW_UP};
use super::task::Dropped;
use super::Planner;
use crate::model::Channel;

impl Planner<'_> {
    /// Caps each open task at the last day the facts leave it (never before its own
    /// day), and leaves out the supervisors' tasks whose call a fact ended before them.
    #[cold]
    #[inline(never)]
    pub(super) fn end_at_facts(&mut self) {
        if self.facts.is_empty() {
            return;
        }
        let rules = self.rules;
        let facts = &self.facts;
        // Follow-ups staff added by hand are judged as any contact (`follow_ups`).
        let default = crate::compile::Declined::default();
        let mut gone = Vec::new();
        let mut left_out = Vec::new();
        let mut cut_windows = Vec::new();
        let cal = self.cal;
        self.plan.tasks.retain_mut(|t| {
            // A supervisor's task is about its step's call; a contact made from a call
            // (its message, the consultant's call, the doctor's visit) is about the
            // patient's recovery, not the call's subject: no stop facts of the step.
            let supervisor = matches!(
                t.derived,
                Some(Derived::Overdue | Derived::Unanswered | Derived::Escalation)
            );
            // A supervisor's task closed by its history is looked at below: one the
            // fact would leave out stays on the day it was closed.
            if t.is_closed() && !supervisor {
                return true;
            }
            if *t.program() == *FOLLOW_UP {
                if t.is_closed() {
                    return true;
                }
                let last = super::lifecycle::last_day(facts, &default, &[], t.channel(), t.due);
                if let Some(last) = last.map(|d| d.max(t.due)) {
                    t.expires = Some(t.expires.map_or(last, |e| e.min(last)));
                    t.latest = t.latest.min(last).max(t.due);
                }
                return true;
            }
            let program = (rules.programs.iter()).find(|p| *p.id == *t.program());
            let step = program.and_then(|p| p.steps.iter().find(|s| *s.info.step == *t.step()));
            let (Some(program), Some(step)) = (program, step) else {
                return true;
            };
            let (channel, stop_when): (Channel, &[Box<str>]) = match t.derived {
                None | Some(Derived::Attempt(_)) => (t.channel(), &step.stop_when),
                _ if supervisor => (step.info.channel, &step.stop_when),
                _ => (t.channel(), &[]),
            };
            // A contact moved past the fact (an agreed time on the consultant's call after
            // an abnormal recovery) is judged again on its new day, as any task is
            // (audit 82: it stayed open work after the refusal).
            if !supervisor {
                let judge = |at: chrono::NaiveDateTime| {
                    super::lifecycle::judge_contact(
                        facts,
                        &program.declined,
                        stop_when,
                        channel,
                        at,
                    )
                };
                let start = t.due.and_time(t.window.start);
                let judged = judge(start);
                // A fact inside its window ends the window there: no contact after a
                // refusal, an opt-out or a stop fact (audit 202: a call due 09:00-18:00
                // was open work for the rest of the day of a refusal at 10:00).
                let judged = judged.or_else(|| {
                    let end = t.due.and_time(t.window.end);
                    let at_end = judge(super::lifecycle::last_minute(end));
                    let stop = |m: chrono::NaiveDateTime| judge(m).is_some();
                    // (A staff-picked task is judged at the end of its days: above.)
                    let cut = (at_end.is_some() && t.picked_by().is_none())
                        .then(|| first_stopped(start, end, stop));
                    match cut.flatten() {
                        Some(m) if m.time() > t.window.start && m.date() == t.due => {
                            t.window.end = m.time();
                            cut_windows.push((t.id(), t.due, t.window));
                            None
                        }
                        _ => at_end,
                    }
                });
                if let Some((reason, detail)) = judged {
                    let d = Dropped::of_task(t, reason, detail);
                    gone.push((d, (t.occurrence, t.derived)));
                    return false;
                }
            }
            let Some(last) =
                super::lifecycle::last_day(facts, &program.declined, stop_when, channel, t.due)
            else {
                return true;
            };
            if supervisor && last < t.due {
                if let Some(done) = t.record.as_ref().filter(|r| r.closed).map(|r| r.at.date()) {
                    on_the_day_done(t, done, cal);
                    return true;
                }
                // What was recorded on it is reported (audit 207: a time agreed for the
                // check vanished with it).
                if t.record.is_some() {
                    left_out.push((
                        t.program().to_string(),
                        t.step().to_string(),
                        t.occurrence,
                        t.derived,
                    ));
                }
                return false;
            }
            if t.is_closed() {
                return true;
            }
            let last = last.max(t.due);
            t.expires = Some(t.expires.map_or(last, |e| e.min(last)));
            t.latest = t.latest.min(last).max(t.due);
            true
        });
        // Explained (audit 211: the explanation gave the whole window).
        for (id, due, window) in cut_windows {
            let day = super::explain::day(due);
            self.why_also(&id, || {
                format!(
                    "a fact ends its window at {}: no contact after it",
                    window.end.format("%H:%M")
                )
            });
            self.why_result(&id, || format!("due {day} {window}"), false);
        }
        for (program, step, n, derived) in &left_out {
            self.ignore_recorded_on((program, step, *n, *derived));
        }
        // What the history recorded on a task dropped so is reported, not lost with it.
        for (d, (n, derived)) in gone {
            if let Some(l) = self.ledger.as_mut()
                && let Some(list) = l.take(d.program(), d.step(), n)
            {
                for e in list.iter().filter(|e| e.derived == derived) {
                    if e.outcome.outcome != crate::history::OutcomeKind::Declined {
                        l.ignore(e, IgnoredReason::Dropped);
                    }
                }
                l.give_back(list);
            }
            self.plan.dropped.push(d);
        }
    }
}

/// Where a window from `start` (where `stop` does not hold) to `end` (where it does),
/// both on one day, ends: at the first minute `stop` holds (a fact holds from its own
/// minute on, so a fact at 10:00 or 10:00:30 ends the window at 10:00). A fact in the
/// window's first minute is judged before the window is (nothing is left: dropped).
/// `None` past the day.
pub(super) fn first_stopped(
    start: chrono::NaiveDateTime,
    end: chrono::NaiveDateTime,
    stop: impl Fn(chrono::NaiveDateTime) -> bool,
) -> Option<chrono::NaiveDateTime> {
    let minute = chrono::TimeDelta::minutes(1);
    let (mut lo, mut hi) = (0i64, (end - start).num_minutes());
    // `stop` is false at `start + lo` and true at `start + hi`.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if stop(start + minute * mid as i32) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(start + minute * hi as i32)
}

/// A supervisor's task the history closed, about a call a fact ended before the task's
/// day (which would leave it out): it stays, on the day it was closed, which is then its
/// `nominal` day too (docs/rule-format.md, "Facts"; audit 115: it stayed on its rule's
/// day, and a check done before that day counted early). Its spans (on time, worth
/// doing) are kept from the new day.
fn on_the_day_done(
    t: &mut super::task::Task,
    done: chrono::NaiveDate,
    cal: &crate::calendar::Calendar,
) {
    if done == t.due && done == t.nominal {
        return;
    }
    let on_time = (t.latest - t.due).num_days();
    let worth = t.expires.map(|e| (e - t.latest).num_days());
    t.earliest = done;
    t.due = done;
    t.nominal = done;
    t.shifted = None;
    t.latest = super::shift::add_days(done, on_time).unwrap_or(done);
    t.expires = worth.map(|w| super::shift::add_days(t.latest, w).unwrap_or(t.latest));
    t.beyond_calendar = !cal.covers(done);
}
