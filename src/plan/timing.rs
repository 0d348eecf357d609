//! When a task happens within its day and which day: the clinic calendar's closed-day
//! policies, the wait for a fact, and the time-of-day window with its overrides and the
//! clinic's quiet hours.

use super::Planner;
use crate::calendar::ShiftReason;
use crate::compile::{Step, TimeSpec, DAY_KINDS};
use crate::error::{Located, Result};
use crate::model::{Channel, ClosedDay};
use crate::time::TimeWindow;
use chrono::NaiveDate;

impl Planner<'_> {
    /// Applies the closed-day policy. A task never moves to the other side of its anchor:
    /// `previous_open_day` falls forward rather than before the anchor of a non-negative
    /// offset, and `next_open_day` falls back rather than after the anchor of a negative one.
    pub(super) fn open_day(
        &self,
        step: &Step,
        anchor: NaiveDate,
        nominal: NaiveDate,
    ) -> Option<(NaiveDate, Option<ShiftReason>)> {
        let Some(reason) = self.cal.closed_reason(nominal) else {
            return Some((nominal, None));
        };
        let forward = match step.closed_day {
            ClosedDay::Keep => return Some((nominal, None)),
            ClosedDay::NextOpenDay => true,
            ClosedDay::PreviousOpenDay => false,
        };
        // A day on the anchor's side: at or after it for offsets from the anchor, at or
        // before it for reminders (negative offsets). None found: the task is dropped.
        let before = step.offset.negative;
        let fits = |d: &NaiveDate| if before { *d <= anchor } else { *d >= anchor };
        let due = self
            .cal
            .nearest_open(nominal, forward)
            .filter(fits)
            .or_else(|| self.cal.nearest_open(nominal, !forward).filter(fits))?;
        Some((due, Some(reason)))
    }

    /// The step's time of day on `due`: the first override matching the patient's tags
    /// and the kind of day, else the step's own time.
    pub(super) fn time_window(&self, step: &Step, due: NaiveDate) -> Result<TimeWindow> {
        let spec = if step.time_overrides.is_empty() {
            step.time
        } else {
            let kind = self.cal.day_kind(due);
            let bit = 1u8
                << DAY_KINDS
                    .iter()
                    .position(|k| *k == kind.name())
                    .unwrap_or(0);
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
        let window = match spec {
            TimeSpec::Named(n) => self.windows.get(n),
            TimeSpec::Explicit(w) => w,
        };
        // Nobody is called or messaged during the clinic's rest hours; visits and
        // internal work are not contacts at a distance.
        let remote = matches!(
            step.info.channel,
            Channel::Phone | Channel::Sms | Channel::Wechat
        );
        let quiet = self.cal.quiet_hours();
        if !remote || quiet.is_empty() {
            return Ok(window);
        }
        window.outside(quiet).ok_or_else(|| {
            let q: Vec<String> = quiet.iter().map(|w| w.to_string()).collect();
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
