//! When a task happens within its day: the time-of-day window with its overrides, the
//! clinic's quiet hours and the patient's rest hours.

use super::Planner;
use crate::calendar::DayKind;
use crate::compile::{Step, TimeSpec};
use crate::episode::Patient;
use crate::error::{Located, Result};
use crate::model::Channel;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveTime};
use std::borrow::Cow;

/// The tag that gives a patient rest hours when none are given (docs/domain.md §4).
pub(crate) const NIGHT_SHIFT: &str = "night_shift";

/// The patient's rest hours: those given, else for a night-shift worker from midnight to
/// the start of the calendar's `afternoon` window as the calendar gives it (or 14:00),
/// before the opening hours cut it: in a clinic closing at noon, whose afternoon is its
/// morning, a night-shift worker still rests until the afternoon.
/// The clinic's quiet hours as a plan reads them: sorted and merged (borrowed when the
/// calendar gives them so, as calendars of a few ranges do).
pub(super) fn quiet_hours(cal: &crate::calendar::Calendar) -> Cow<'_, [TimeWindow]> {
    let quiet = cal.quiet_hours();
    if TimeWindow::are_merged(quiet) && quiet.iter().all(|w| whole_minutes(*w) == *w) {
        Cow::Borrowed(quiet)
    } else {
        Cow::Owned(TimeWindow::merged(quiet.iter().map(|w| whole_minutes(*w))))
    }
}

/// `w` widened to whole minutes (a start of 09:00:30 from 09:00, an end of 17:59:30 to
/// 18:00): hours built in code with seconds block the minutes they touch, so the windows
/// left are whole minutes, as a plan's JSON writes them (audit 30: rest hours until
/// 17:59:30 left a call the window 17:59:30-18:00, written 17:59-18:00).
fn whole_minutes(w: TimeWindow) -> TimeWindow {
    use chrono::Timelike;
    let floor = |t: NaiveTime| {
        t.with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(t)
    };
    let end = floor(w.end);
    let end = if end == w.end {
        end
    } else {
        end.overflowing_add_signed(chrono::TimeDelta::minutes(1))
            .0
            .max(end)
    };
    // 23:59:30 has no next minute in the day: the day's last instant.
    let end = if end < w.end {
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(w.end)
    } else {
        end
    };
    TimeWindow {
        start: floor(w.start),
        end,
    }
}

/// The quiet hours and the rest hours together, sorted and merged; empty when the patient
/// has no rest hours (the quiet hours alone are then what blocks).
pub(super) fn blocked_hours(quiet: &[TimeWindow], rest: &[TimeWindow]) -> Vec<TimeWindow> {
    if rest.is_empty() {
        Vec::new()
    } else {
        TimeWindow::merged(quiet.iter().chain(rest).copied())
    }
}

pub(super) fn rest_hours(patient: &Patient, cal: &crate::calendar::Calendar) -> Vec<TimeWindow> {
    if !patient.rest_hours.is_empty() {
        // Sorted and merged once per plan: every task reads them (audit 27: 30,000
        // overlapping ranges were compared with every task's window).
        return TimeWindow::merged(patient.rest_hours.iter().map(|w| whole_minutes(*w)));
    }
    let night = patient.tags.iter().any(|t| t == NIGHT_SHIFT);
    let until = cal.given_windows().afternoon.start;
    if night && until > NaiveTime::MIN {
        vec![TimeWindow {
            start: NaiveTime::MIN,
            end: until,
        }]
    } else {
        Vec::new()
    }
}

impl Planner<'_> {
    /// The step's time of day on `due`: the first override matching the patient's tags
    /// and the kind of day, else the step's own time.
    ///
    /// Calls and messages take the part of the window outside the clinic's quiet hours
    /// (a calendar error if those cover it) and the patient's rest hours; when the rest
    /// hours cover it, the part of the calendar's `day` window outside both, else of its
    /// `evening` window, and `None` (the task is dropped) when nothing is left.
    #[inline]
    pub(super) fn time_window(&self, step: &Step, due: NaiveDate) -> Result<Option<TimeWindow>> {
        // The common case, with no call: the step's own time, and nothing of the day
        // blocked (no overrides, quiet hours or rest hours).
        if step.time_overrides.is_empty()
            && self.rest.is_empty()
            && self.cal.quiet_hours().is_empty()
        {
            return Ok(Some(match step.time {
                TimeSpec::Named(n) => self.windows.get(n),
                TimeSpec::Explicit(w) => self.within_hours(w),
            }));
        }
        self.time_window_blocked(step, due)
    }

    /// A step's own window cut to the clinic's opening hours, as the named windows are
    /// ([`crate::calendar::NamedWindows::within`]); the `day` window when they leave
    /// nothing of it.
    #[inline]
    fn within_hours(&self, w: TimeWindow) -> TimeWindow {
        match self.cal.hours() {
            None => w,
            Some(h) => w.cut(h).unwrap_or(self.windows.day),
        }
    }

    /// The step's own window on `due`, its overrides applied, before quiet and rest hours.
    pub(super) fn own_window(&self, step: &Step, due: NaiveDate) -> TimeWindow {
        let spec = if step.time_overrides.is_empty() {
            step.time
        } else {
            let kind = self.cal.day_kind(due);
            // `DAY_KINDS` lists the kinds in `DayKind::ALL`'s order (a test checks).
            let bit = 1u8 << DayKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
            step.time_overrides
                .iter()
                .find(|o| {
                    (o.tags.is_empty()
                        || self
                            .ep
                            .patient
                            .tags
                            .iter()
                            .any(|t| o.tags.iter().any(|x| **x == **t)))
                        && (o.days == 0 || o.days & bit != 0)
                })
                .map_or(step.time, |o| o.time)
        };
        match spec {
            TimeSpec::Named(n) => self.windows.get(n),
            TimeSpec::Explicit(w) => self.within_hours(w),
        }
    }

    /// Why a task's time of day on `due` is not its step's own (for explanations): the
    /// step's time override for that kind of day or for the patient's tags, the clinic's
    /// quiet hours, the patient's rest hours (audit 131: a "next-morning" call shown at
    /// 14:00-18:00 on a Saturday said nothing of why).
    #[cold]
    #[inline(never)]
    pub(super) fn why_time(&self, step: &Step, due: NaiveDate, window: TimeWindow) -> Vec<String> {
        let mut out = Vec::new();
        let base = match step.time {
            TimeSpec::Named(n) => self.windows.get(n),
            TimeSpec::Explicit(w) => self.within_hours(w),
        };
        let own = self.own_window(step, due);
        if own != base {
            let kind = self.cal.day_kind(due);
            let tagged = (step.time_overrides.iter())
                .find(|o| {
                    let bit = 1u8 << DayKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                    (o.days == 0 || o.days & bit != 0)
                        && (o.tags.is_empty()
                            || (self.ep.patient.tags.iter())
                                .any(|t| o.tags.iter().any(|x| **x == **t)))
                })
                .map(|o| {
                    let tags: Vec<&str> = (o.tags.iter())
                        .filter(|x| self.ep.patient.tags.iter().any(|t| **t == ***x))
                        .map(|x| &**x)
                        .collect();
                    tags.join(", ")
                })
                .unwrap_or_default();
            let on = if tagged.is_empty() {
                format!(
                    "on a {} ({})",
                    kind.name().replace('_', " "),
                    super::explain::day(due)
                )
            } else {
                format!("for a patient tagged {tagged}")
            };
            out.push(format!("its time override {on}: {own}, not {base}"));
        }
        // Opening hours that cut an explicit window (a named one is cut in the calendar).
        if let (TimeSpec::Explicit(w), Some(h)) = (step.time, self.cal.hours())
            && own == base
            && base != w
        {
            out.push(format!("the clinic's opening hours ({h}): {base}, not {w}"));
        }
        if window != own && Self::remote(step) {
            let quiet: Vec<String> = self.quiet.iter().map(|w| w.to_string()).collect();
            let rest: Vec<String> = self.rest.iter().map(|w| w.to_string()).collect();
            let mut why = Vec::new();
            if !quiet.is_empty() {
                why.push(format!("the clinic's quiet hours ({})", quiet.join(", ")));
            }
            if !rest.is_empty() {
                let night = self.ep.patient.rest_hours.is_empty()
                    && (self.ep.patient.tags.iter()).any(|t| **t == *NIGHT_SHIFT);
                why.push(if night {
                    format!(
                        "the rest hours of a night-shift worker ({})",
                        rest.join(", ")
                    )
                } else {
                    format!("the patient's rest hours ({})", rest.join(", "))
                });
            }
            // Outside its own window: nothing of it was free, and the calendar's `day`
            // or `evening` window gave the time (audit 138: said as a cut of its own).
            let inside = own.start <= window.start && window.end <= own.end;
            let fallback = if inside {
                String::new()
            } else if self.windows.day.start <= window.start && window.end <= self.windows.day.end {
                format!(": nothing of {own} is free, so the free part of the calendar's day window")
            } else {
                format!(": nothing of {own} is free, so the calendar's evening window")
            };
            // The part taken is said by the time of day at the end: on the event's day it
            // may be another part, after the event (audit 138).
            out.push(format!("outside {}{fallback}", why.join(" and ")));
        }
        out
    }

    /// Calls and messages are contacts at a distance: nobody is called or messaged
    /// during the clinic's quiet hours or the patient's rest hours. Visits and internal
    /// work are not.
    fn remote(step: &Step) -> bool {
        matches!(
            step.info.channel,
            Channel::Phone | Channel::Sms | Channel::Wechat
        )
    }

    /// [`Planner::time_window`] with overrides, quiet hours or rest hours.
    #[inline(never)]
    fn time_window_blocked(&self, step: &Step, due: NaiveDate) -> Result<Option<TimeWindow>> {
        let window = self.own_window(step, due);
        let quiet = &*self.quiet;
        if !Self::remote(step) || (quiet.is_empty() && self.rest.is_empty()) {
            return Ok(Some(window));
        }
        // Quiet hours alone: their own fallbacks, and the error of a calendar built in
        // code whose quiet hours leave no time at all.
        let free = if quiet.is_empty() {
            window
        } else {
            self.outside_quiet(step, window)?
        };
        if self.rest.is_empty() {
            return Ok(Some(free));
        }
        // Quiet and rest hours together, over the whole window: the longer free part of
        // it (audit 24: the part the quiet hours left was cut again by the rest hours,
        // and a longer morning lost to a shorter afternoon).
        let blocked = self.blocked();
        // A patient who rests through the working day (a night-shift worker sleeping
        // until 18:00) is called in the calendar's evening window rather than not at
        // all: the care call always happens (docs/domain.md §8), never in rest hours.
        Ok(window
            .outside(blocked)
            .or_else(|| self.windows.day.outside(blocked))
            .or_else(|| self.windows.evening.outside(blocked)))
    }

    /// On the day of the event (or fact) a task counts from, what its own window leaves
    /// after `after`, outside the quiet and rest hours, when the free part chosen first
    /// lay before `after` (audit 24: a call at 16:00 with the patient resting until 18:00
    /// and the window open to 19:00 went to the next day, though 18:00-19:00 was free).
    #[cold]
    #[inline(never)]
    pub(super) fn window_after(
        &self,
        step: &Step,
        due: NaiveDate,
        after: chrono::NaiveTime,
    ) -> Option<TimeWindow> {
        let own = super::shift::after_time(self.own_window(step, due), after);
        if !Self::remote(step) {
            return own;
        }
        let blocked = self.blocked();
        // When the patient's rest hours or the clinic's quiet hours took what the day had
        // left after `after`, they fall back on the `day` window, then the `evening`, as
        // on any day (audit 138: a complaint at 14:00 from a patient resting 13:00-18:00
        // went to the next morning, one resting longer was called that evening; audit
        // 139: the same with quiet hours). A day the event itself left no working time in
        // goes to the next morning, rest hours or not.
        // Only what they took: when the event left nothing of a window they leave free
        // (a morning call, a lunch break, an event at 12:30), the task goes to the next
        // morning as with no quiet or rest hours (audit 174: it went to the afternoon).
        let day_left = super::shift::after_time(self.windows.day, after).is_some();
        let they_took = own.is_some() || (self.own_window(step, due)).outside(blocked).is_none();
        own.and_then(|w| w.outside(blocked)).or_else(|| {
            if blocked.is_empty() || !day_left || !they_took {
                None
            } else {
                self.first_free_of_day_or_evening(after)
            }
        })
    }

    /// The first part of the calendar's `day` window after `after` that the quiet and
    /// rest hours leave free, else of its `evening` window: the first, not the longer
    /// (audit 139: the evening's 19:00-20:30 before its 18:00-18:30).
    fn first_free_of_day_or_evening(&self, after: chrono::NaiveTime) -> Option<TimeWindow> {
        let blocked = self.blocked();
        let free = |w: TimeWindow| {
            super::shift::after_time(w, after).and_then(|w| w.first_outside(blocked))
        };
        free(self.windows.day).or_else(|| free(self.windows.evening))
    }

    /// What `window` (the step's time on `due`) leaves from the moment `after` that day —
    /// the event's, a fact's, an outcome's: its first part free of the quiet and rest
    /// hours after it, else what is left of it, else [`Planner::window_after`]'s
    /// fallbacks; `None` when nothing of the day is left. A `window` the quiet or rest
    /// hours took from the calendar's `day` (or `evening`), its own all blocked, gives
    /// the first free part of that one after `after` too, as its own would (audit 177:
    /// the longer part, 11:00-14:00, though 09:00-10:00 was free after an 08:00 event).
    pub(super) fn window_from(
        &self,
        step: &Step,
        due: NaiveDate,
        window: TimeWindow,
        after: chrono::NaiveTime,
    ) -> Option<TimeWindow> {
        self.first_free_after(step, due, after)
            .or_else(|| {
                (Self::remote(step) && self.beyond_own(step, due, window))
                    .then(|| self.first_free_of_day_or_evening(after))
                    .flatten()
            })
            .or_else(|| super::shift::after_time(window, after))
            .or_else(|| self.window_after(step, due, after))
    }

    /// True when `w` lies outside the step's own window on `due`: taken from the calendar's
    /// `day` or `evening` window, its own all quiet or rest hours (for explanations).
    pub(super) fn beyond_own(&self, step: &Step, due: NaiveDate, w: TimeWindow) -> bool {
        let own = self.own_window(step, due);
        !(own.start <= w.start && w.end <= own.end)
    }

    /// docs/domain.md §9: the next morning of a task the event left no time for on its
    /// day — the morning part of its own window (overrides and opening hours included),
    /// outside the quiet and rest hours, whatever they block later in the day (audit 61:
    /// a lunch break sent the call to the longer afternoon). `None` when nothing of the
    /// morning is free, or its window has no morning (an afternoon step): it keeps the
    /// window it has.
    pub(super) fn next_morning(&self, step: &Step, due: NaiveDate) -> Option<TimeWindow> {
        let own = self.own_window(step, due);
        let morning = self.windows.morning;
        let (start, end) = (own.start.max(morning.start), own.end.min(morning.end));
        let part = (start < end).then_some(TimeWindow { start, end })?;
        if !Self::remote(step) {
            return Some(part);
        }
        part.outside(self.blocked())
    }

    /// On the day of the event (or fact) a task counts from: the first part of its own
    /// window after `after` that the quiet and rest hours leave free, as soon as it may
    /// be (audit 61: a complaint logged at 10:15 with a lunch break of 12:30-13:00 was
    /// called from 13:00, the longer part of the day). `None` for a visit, when nothing
    /// blocks, or when they leave nothing of it after `after`.
    pub(super) fn first_free_after(
        &self,
        step: &Step,
        due: NaiveDate,
        after: NaiveTime,
    ) -> Option<TimeWindow> {
        let blocked = self.blocked();
        if blocked.is_empty() || !Self::remote(step) {
            return None;
        }
        super::shift::after_time(self.own_window(step, due), after)?.first_outside(blocked)
    }

    /// What keeps calls and messages out: the quiet and rest hours, sorted and merged
    /// once per plan.
    pub(super) fn blocked(&self) -> &[TimeWindow] {
        if self.rest.is_empty() {
            &self.quiet
        } else {
            &self.blocked
        }
    }

    /// The part of `window` outside the clinic's quiet hours; when they cover all of it
    /// (a clinic that never phones in the afternoon, and an afternoon step), the part of
    /// the calendar's `day` window outside them, else of its `evening` window, as for a
    /// patient's rest hours. A calendar read from JSON leaves part of its `day` window
    /// free, so the error is for calendars that do not.
    fn outside_quiet(&self, step: &Step, window: TimeWindow) -> Result<TimeWindow> {
        let quiet = &*self.quiet;
        let fallback =
            || (self.windows.day.outside(quiet)).or_else(|| self.windows.evening.outside(quiet));
        window.outside(quiet).or_else(fallback).ok_or_else(|| {
            let q: Vec<String> = (self.cal.quiet_hours().iter())
                .map(|w| w.to_string())
                .collect();
            Located::new(
                "/quiet_hours",
                format!(
                    "the time window {window} of step {} lies inside the quiet hours ({}): expected quiet hours that leave part of it free, or another time for the step",
                    step.info.step,
                    q.join(", ")
                ),
            )
            .into_calendar("calendar")
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::calendar::DayKind;
    use crate::compile::DAY_KINDS;

    /// Time overrides name day kinds by `DAY_KINDS`' positions; planning finds a day's
    /// bit by its position in `DayKind::ALL`.
    #[test]
    fn day_kinds_are_listed_in_the_same_order() {
        let names: Vec<&str> = DayKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, DAY_KINDS);
    }
}
