//! The visits an episode books on days the clinic's calendar closes (audit 226).
//!
//! A course's planned sessions and a milestone's booked days are the clinic's
//! arrangement: the planner never moves them (docs/rule-format.md), and their reminders
//! tell the patient to come. When the calendar says the clinic is closed that day, the
//! booking or the calendar is wrong; this says which visits, so a host can warn before
//! the reminders go out.

use super::Episode;
use crate::calendar::{Calendar, ShiftReason};
use crate::rules::Channel;
use chrono::NaiveDate;

/// A visit booked on a day the calendar closes to visits (`in_person`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedVisit {
    /// What is booked: a course session (its number among the course's sessions, done
    /// and planned, from 1) or a milestone (its name).
    pub visit: BookedVisit,
    /// The day booked.
    pub date: NaiveDate,
    /// Why the calendar closes it (`closed_weekday`, `holiday`…).
    pub reason: ShiftReason,
}

/// A booked visit of [`ClosedVisit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookedVisit {
    /// The course's session of this number (1 is the first session, done or planned).
    Session(u32),
    /// A milestone of the episode, by name (`suture_removal`, `review`…).
    Milestone(String),
}

impl Episode {
    /// The planned course sessions and the milestone days of this episode that fall on
    /// days `calendar` closes to visits, in the order of their days. Sessions done are
    /// left out: they happened. The planner keeps such visits where they are (they are
    /// the clinic's arrangement), and their reminders say "tomorrow": a host shows these
    /// to staff, to rebook the visit or to correct the calendar.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::{BookedVisit, Episode}};
    /// let ep = Episode::from_json("ep", r#"{"id": "c-1", "event": "course", "at": "2026-04-06T10:00",
    ///     "patient": {"id": "p-1"}, "attributes": {"category": "skin"},
    ///     "course": {"package": 3, "done": ["2026-04-06"], "planned": ["2026-04-13", "2026-04-18"]}}"#)?;
    /// // A clinic closed on Mondays: the second session, Mon 13 April, is booked on a closed day.
    /// let cal = Calendar::from_json("clinic", r#"{"closed_weekdays": ["mon"]}"#)?;
    /// let closed = ep.visits_on_closed_days(&cal);
    /// assert_eq!(closed.len(), 1);
    /// assert_eq!(closed[0].visit, BookedVisit::Session(2));
    /// assert_eq!(closed[0].date.to_string(), "2026-04-13");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn visits_on_closed_days(&self, calendar: &Calendar) -> Vec<ClosedVisit> {
        let closed = |date: NaiveDate| calendar.closed_reason_for(Channel::InPerson, date);
        let mut out = Vec::new();
        if let Some(course) = &self.course {
            let mut all: Vec<(NaiveDate, bool)> = (course.done.iter().map(|d| (*d, false)))
                .chain(course.planned.iter().map(|d| (*d, true)))
                .collect();
            all.sort();
            all.dedup_by_key(|(d, _)| *d);
            for (n, (date, planned)) in (1u32..).zip(all) {
                if let Some(reason) = closed(date).filter(|_| planned) {
                    let visit = BookedVisit::Session(n);
                    out.push(ClosedVisit {
                        visit,
                        date,
                        reason,
                    });
                }
            }
        }
        for (name, dates) in &self.milestones {
            for &date in &dates.0 {
                if let Some(reason) = closed(date) {
                    let visit = BookedVisit::Milestone(name.clone());
                    out.push(ClosedVisit {
                        visit,
                        date,
                        reason,
                    });
                }
            }
        }
        out.sort_by_key(|v| v.date);
        out
    }
}
