//! The output of planning: tasks, and what was dropped and why.

use crate::calendar::ShiftReason;
use crate::model::{Channel, Role};
use crate::text::Text;
use crate::time::TimeWindow;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A dated list of tasks for one episode, plus the occurrences that were dropped.
///
/// Tasks are sorted by (due, window start, program, step, occurrence); dropped entries by
/// (program, step, occurrence).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The tasks to do.
    pub tasks: Vec<Task>,
    /// Occurrences that will not be done, each with its reason.
    pub dropped: Vec<Dropped>,
}

/// One contact: who contacts the patient, how, on which day and in which time window.
///
/// The `id` is `program/step/episode/occurrence`: it depends on the rules, the episode
/// and the occurrence number, never on dates, so a host can upsert tasks after re-planning.
/// Titles and scripts are shared with the rule set, not copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Stable id: `program/step/episode/occurrence`.
    pub id: String,
    /// Program id.
    pub program: Arc<str>,
    /// Step id.
    pub step: Arc<str>,
    /// Occurrence number within the step for this episode, from 0: one per anchor date
    /// (milestone dates, occurrences of the anchor step) and per repeat date, in order.
    pub occurrence: u32,
    /// Episode id.
    pub episode: Arc<str>,
    /// Patient id.
    pub patient: Arc<str>,
    /// How.
    pub channel: Channel,
    /// Who.
    pub role: Role,
    /// First day the task may be done (on time from here).
    pub earliest: NaiveDate,
    /// The day the task is planned for.
    pub due: NaiveDate,
    /// Last day the task is still on time; later is late.
    pub latest: NaiveDate,
    /// Time of day.
    pub window: TimeWindow,
    /// The day the rule gives before the clinic calendar is applied.
    pub nominal: NaiveDate,
    /// Why `due` differs from `nominal`, if it does.
    pub shifted: Option<ShiftReason>,
    /// True when the due or nominal day is outside the dates the calendar covers: its
    /// holidays and closures there are unknown, so the day may still move. Absent when
    /// false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub beyond_calendar: bool,
    /// Set when staff pick the day: this role chooses a day between `earliest` and
    /// `latest` (`due` is the first possible day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picked_by: Option<Role>,
    /// Set when the task waits for a fact that has not happened yet (a sales-flavoured
    /// call waits for `recovered`): do not do it before the fact is recorded; re-plan then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waits_for: Option<Arc<str>>,
    /// Where the task stands on the as-of day of [`crate::RuleSet::plan_as_of`]; absent
    /// from plans made without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Title.
    pub title: Text,
    /// Script: what to say or write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
}

/// Where a task stands on an as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its window starts after the as-of day.
    Upcoming,
    /// The as-of day is inside its window (`earliest..=latest`): do it now. It keeps its
    /// own due day, so a late plan never turns into a burst of tasks all due today.
    Open,
    /// Its window ended before the as-of day: it was missed (or done: the plan does not
    /// know completions). It is never moved to the as-of day.
    Missed,
}

impl Status {
    /// The status of `task` on `as_of`.
    pub fn of(task: &Task, as_of: NaiveDate) -> Status {
        if task.latest < as_of {
            Status::Missed
        } else if task.earliest <= as_of {
            Status::Open
        } else {
            Status::Upcoming
        }
    }
}

/// An occurrence that was planned but will not be done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dropped {
    /// The id the task would have had.
    pub id: String,
    /// Program id.
    pub program: Arc<str>,
    /// Step id.
    pub step: Arc<str>,
    /// Occurrence number.
    pub occurrence: u32,
    /// The day the rule gave, where there was one.
    pub nominal: Option<NaiveDate>,
    /// Why it was dropped.
    pub reason: DropReason,
    /// The fact kind, channel or anchor behind the reason, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Arc<str>>,
}

/// Why an occurrence was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DropReason {
    /// The step counts from something the episode does not give: a milestone with no
    /// default (a discharge date, a review visit), the course end… `detail` names it.
    MissingAnchor,
    /// The step counts from another step's occurrence, and that one was dropped.
    AnchorDropped,
    /// The month-end policy is `skip` and the day does not exist in the target month.
    MonthEndSkipped,
    /// No open day could be found near the nominal day.
    NoOpenDay,
    /// A fact listed in the step's `stop_when` happened before the task was due;
    /// `detail` is the fact kind.
    Stopped,
    /// The patient opted out of the task's channel before it was due; `detail` is the
    /// channel.
    OptedOut,
    /// The patient clearly declined before the task was due, and the program stops this
    /// channel on a refusal.
    Declined,
    /// The patient declined and the task falls after the program's horizon for messages.
    PastHorizon,
    /// The patient is outside the step's sample.
    NotSampled,
}

fn is_false(b: &bool) -> bool {
    !*b
}
