//! An occurrence its closed-day policy left no day for: dropped, named and explained —
//! unless the history records it, which keeps it on its rule's day. Out of the planning
//! loop's way (cold): most occurrences find a day.

use super::explain::day;
use super::task::DropReason;
use super::Planner;
use crate::calendar::ShiftReason;
use crate::compile::{Program, Step};
use chrono::NaiveDate;

impl Planner<'_> {
    /// Occurrence `n` of `step`, which a pass could not place, as a neighbour of the next
    /// pass: the day its lane knows it by, and no day of its own.
    pub(super) fn unplaced_neighbour(&mut self, step: &Step, n: u32, rule_day: NaiveDate) {
        let rule_day = self.lane_key(rule_day);
        self.unplaced.push(super::Neighbour {
            channel: step.info.channel,
            lane: step.lane_of(n),
            rule_day,
            fixed: None,
            slot: step.info.slot,
        });
    }

    /// Notes the last day (`until`) an occurrence of `step` a pass dropped `superseded`
    /// could take, for [`Planner::name_superseders`]; not for one placed by its wait.
    #[cold]
    #[inline(never)]
    pub(super) fn superseded_until(
        &mut self,
        step: &Step,
        rule_day: NaiveDate,
        until: Option<NaiveDate>,
    ) {
        if let (None, Some(until)) = (self.placing_key, until) {
            let key = (step.info.slot, rule_day, until);
            self.superseded_until.push(key);
        }
    }

    /// A task the patient's rest hours leave no time for on `due` that the history
    /// records (staff reached the patient anyway, or agreed a time with them): kept, in
    /// its step's own window, for its outcomes to apply — a time agreed is kept whatever
    /// the rest hours say, and a call that reached the patient is a contact (audit 148:
    /// both were ignored as about a dropped task).
    #[cold]
    #[inline(never)]
    pub(super) fn rest_hours_recorded(
        &mut self,
        program: &Program,
        step: &Step,
        n: u32,
        due: NaiveDate,
    ) -> Option<crate::time::TimeWindow> {
        let recorded = (self.ledger.as_ref()).is_some_and(|l| l.recorded(step, &program.id, n));
        if !recorded {
            return None;
        }
        let window = self.own_window(step, due);
        self.why(|| {
            format!(
                "the patient's rest hours leave nothing of the clinic's day, but the history records it: kept, {window}"
            )
        });
        Some(window)
    }

    /// Why a task the patient's rest hours leave no time for on `due` is dropped: a
    /// refusal or a stop fact before that day says so first (audit 155: `rest_hours`
    /// hid a recorded refusal), else `rest_hours`.
    #[cold]
    #[inline(never)]
    pub(super) fn rest_hours_drop(
        &self,
        program: &Program,
        step: &Step,
        due: NaiveDate,
    ) -> (DropReason, Option<std::sync::Arc<str>>) {
        let at = due.and_time(chrono::NaiveTime::MIN);
        super::lifecycle::judge(&self.facts, program, step, step.info.channel, at)
            .unwrap_or((DropReason::RestHours, None))
    }

    /// `place`: the rule's day (from its anchor as moved), the nominal day (from its
    /// anchor's default day) and the day it expires by its rule. The day and shift it
    /// keeps, or `None` once it is dropped.
    #[cold]
    #[inline(never)]
    pub(super) fn unplaced(
        &mut self,
        program: &Program,
        step: &Step,
        n: u32,
        (rule_day, nominal, expires): (NaiveDate, NaiveDate, Option<NaiveDate>),
        reason: DropReason,
        detail: Option<std::sync::Arc<str>>,
    ) -> Option<(NaiveDate, Option<ShiftReason>)> {
        // What the history records as having happened stays, on its rule's day,
        // whatever the calendar now says of it (a closure added after the call) — once
        // no staff-picked task after it can give it its day (`defer_recorded`).
        let (this, days) = ((program, step, n), Some((nominal, rule_day)));
        let recorded = (self.ledger.as_ref()).is_some_and(|l| l.recorded(step, &program.id, n));
        // Never before the event's day, recorded or not: such a record is a slip (audit
        // 205: a reminder of the day before a course's first session, kept so).
        let before_event = (self.subject.event).is_some_and(|e| rule_day < e);
        if recorded && self.defer_recorded && reason == DropReason::Superseded {
            self.recorded_dropped = true;
        } else if recorded && !before_event {
            self.why(|| {
                format!(
                    "the calendar leaves it no day now, but the history records it: kept on {}",
                    day(rule_day)
                )
            });
            return Some((rule_day, None));
        }
        // A fact that stops it before the first day the calendar alone gives it: it is
        // stopped (declined, opted out), not crowded out, and holds no other call off a
        // rule day (audit 47: a complaint resolved in the closure kept its first call
        // off the reopening day). A day past its expiry it never had: then it expired,
        // whatever came after.
        let alone = self.on_or_after(step.info.channel, rule_day);
        let verdict = if expires.is_some_and(|e| alone > e) {
            None
        } else {
            let at = alone.and_time(chrono::NaiveTime::MIN);
            super::lifecycle::judge(&self.facts, program, step, step.info.channel, at)
        };
        if let Some((why, what)) = verdict {
            self.why(|| format!("{} before {}", super::explain::reason_name(why), day(alone)));
            self.drop_occurrence(this, days, (why, what));
            return None;
        }
        // Neighbours of the next pass (a third one takes the second's too).
        self.unplaced_neighbour(step, n, rule_day);
        let closed = (self.tracing())
            .then(|| self.cal.closed_reason_for(step.info.channel, rule_day))
            .flatten();
        // Its rule day before the event's (a reminder of a visit booked for the event's
        // day): no day from the event on before it expires (audit 119: nothing said).
        let before_event = detail.as_deref()
            == Some(crate::calendar::ShiftReason::AfterEvent.name())
            && rule_day < self.ep.date();
        if before_event && closed.is_none() {
            let until = expires
                .map(|e| format!(" before it expires on {}", day(e)))
                .unwrap_or_default();
            let event = self.ep.date();
            self.why(|| {
                format!(
                    "{} comes before the event's day, which nothing counted from a visit or a fact may: no day from {} on is left{until}",
                    day(rule_day),
                    day(event)
                )
            });
        }
        if let Some(r) = closed {
            let because = match reason {
                DropReason::Superseded => match &detail {
                    Some(s) => format!(
                        ": every day it could take is the day of the later task {s} or after it, and the tasks of a lane keep their order"
                    ),
                    // Its last day worth doing, which bounds the search (audit 260: no
                    // bound named).
                    None => match expires {
                        Some(e) => format!(
                            ": every day it could take until it expires on {} is another call's of its lane, or outside its bounds",
                            day(e)
                        ),
                        None => ": every day it could take is another call's of its lane, or outside its bounds".to_string(),
                    },
                },
                DropReason::BeyondMaxShift => {
                    let max = step.max_shift.unwrap_or_default();
                    // Days its channel works there that other tasks of its lane are due
                    // on (audit 128: "no open day", beside an on-duty day the day-3 call
                    // had moved to; audit 130: not a day its bounds rule out).
                    let held = self.held_within(step, n, rule_day, max);
                    let (shown, more) = held.split_at(held.len().min(4));
                    let mut list = shown.iter().map(|d| day(*d)).collect::<Vec<_>>().join(", ");
                    if !more.is_empty() {
                        list.push_str(&format!(" and {} more", more.len()));
                    }
                    let held = match held.len() {
                        0 => String::new(),
                        1 => format!(": {list} works, but another task of its lane is due then"),
                        _ => format!(": {list} work, but other tasks of its lane are due then"),
                    };
                    format!(" within its max_shift of {max} days{held}")
                }
                DropReason::Expired => match expires {
                    Some(e) => format!(" before it expires on {}", day(e)),
                    None => String::new(),
                },
                _ => String::new(),
            };
            let cal = self.cal;
            self.why(|| {
                format!(
                    "{}: {} finds no day it may take{because}",
                    super::explain::closed_on(cal, r, rule_day),
                    super::explain::policy(step.closed_day)
                )
            });
        }
        self.drop_occurrence(this, days, (reason, detail));
        None
    }

    /// The days within `max` days of `rule_day`, on the side its closed-day policy
    /// searches, that its channel works and another task of its lane is due on (for
    /// explanations).
    fn held_within(&self, step: &Step, n: u32, rule_day: NaiveDate, max: i64) -> Vec<NaiveDate> {
        use crate::model::ClosedDay;
        let (back, ahead) = match step.closed_day {
            ClosedDay::NextOpenDay => (0, max),
            ClosedDay::PreviousOpenDay => (max, 0),
            ClosedDay::NearestOpenDay => (max, max),
            ClosedDay::Keep => (0, 0),
        };
        let channel = step.info.channel;
        let lane = (step.lane_of(n), self.lane_key(rule_day));
        (-back..=ahead)
            .filter(|k| *k != 0)
            .filter_map(|k| rule_day.checked_add_signed(chrono::Duration::days(k)))
            .filter(|d| {
                self.cal.closed_reason_for(channel, *d).is_none()
                    && self.taken_on(channel, *d, lane)
            })
            .collect()
    }
}
