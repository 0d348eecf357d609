//! The compiled, validated form of a program: what planning reads.

use crate::episode::Episode;
use crate::model::{AfterEvent, BeyondMaxShift, Channel, ClosedDay, WaitThen};
use crate::offset::{MonthEnd, Offset};
use crate::plan::task::TaskInfo;
use crate::text::Text;
use crate::time::{NamedWindow, TimeWindow};
use std::sync::Arc;

/// A validated program.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub id: Arc<str>,
    /// Planned per patient over a horizon (greetings) rather than per episode.
    pub patient_scope: bool,
    pub name: Text,
    pub applies: Conds,
    /// The attributes an episode must give (`requires`): a step that tests one the
    /// episode lacks is listed as dropped (`missing_attribute`).
    pub requires: Vec<Arc<str>>,
    pub milestones: Vec<Milestone>,
    /// Steps in dependency order: a step comes after the step it is anchored to.
    pub steps: Vec<Step>,
    /// What a refusal does: the program's `declined`, else [`Declined::default`].
    pub declined: Declined,
    /// The milestones whose day a step's texts name (`{visit:NAME}`), one bit each by
    /// index: the plan works out their days for the program.
    pub visits: u64,
    /// The ranks of its steps, first and last ([`TaskInfo::rank`]: a program's steps
    /// rank next to each other), set when the rule set is finished.
    pub ranks: (u32, u32),
    /// A step is counted from another (a chain).
    pub chained: bool,
}

/// What the patient's wishes do to the program's later tasks: a refusal, and which
/// opt-outs count.
#[derive(Debug, Clone)]
pub(crate) struct Declined {
    pub stop_channels: Vec<Channel>,
    pub horizon: Offset,
    /// Only opt-outs given from the episode's event on stop its tasks (`"opt_outs":
    /// "from_event"`).
    pub opt_outs_from_event: bool,
}

impl Default for Declined {
    /// After a clear refusal no calls or home visits; messages go on for 6 months
    /// (docs/domain.md §4 and §8, seed 004).
    fn default() -> Self {
        Declined {
            stop_channels: vec![Channel::Phone, Channel::HomeVisit],
            horizon: Offset {
                negative: false,
                months: 6,
                days: 0,
            },
            opt_outs_from_event: false,
        }
    }
}

/// A deterministic sample of patients.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub fraction: f64,
    pub always: Conds,
    pub salt: Box<str>,
}

#[derive(Debug, Clone)]
pub(crate) struct Milestone {
    pub name: Arc<str>,
    pub default: Option<Offset>,
    /// Where a default day the clinic is closed on moves.
    pub closed_day: ClosedDay,
}

/// How long a task is worth doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// Until the day before its anchor (a reminder is worthless at its visit).
    AtAnchor,
    /// Never expires.
    Never,
    /// This many days after the rule's last on-time day.
    After(i64),
    /// A message on the day of its event or fact (offset zero, the default): that day
    /// when the rule's day is the anchor's; 3 days after its last on-time day for the
    /// dates a repeat gives after it (audit 18: the monthly messages of a `P0D` repeat
    /// expired on their own days).
    SameDay,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// Program and step ids, channel, role, `picked_by`, `wait_for`, title and script:
    /// what every task of the step shares.
    pub info: Arc<TaskInfo>,
    pub anchor: Anchor,
    /// Its lane beside the channel: its role, and whether it counts from a fact.
    pub lane: LaneRole,
    pub offset: Offset,
    pub repeat: Option<super::repeat::Repeat>,
    pub when: Conds,
    /// Not planned when all of these match (empty: never excluded).
    pub unless: Conds,
    /// For session anchors: first and last session numbers.
    pub sessions: (u32, Option<u32>),
    pub stop_when: Vec<Box<str>>,
    /// The index of the program's milestone the step stops at (`until`).
    pub until: Option<usize>,
    pub sample: Option<Sample>,
    pub time: TimeSpec,
    /// Tried in order; the first that matches the patient and the due day's kind wins.
    pub time_overrides: Vec<TimeOverride>,
    /// Days before the due day the task may be done (zero or negative).
    pub earliest: i64,
    /// Days after the due day the task is still on time (zero or positive).
    pub latest: i64,
    /// The window's days are counted from the rule's day and stay there when the
    /// calendar moves the task (`"fixed": true`); staff-picked windows always do.
    pub fixed_window: bool,
    pub month_end: MonthEnd,
    pub closed_day: ClosedDay,
    /// Longest closed-day shift in days, if limited.
    pub max_shift: Option<i64>,
    pub beyond_max_shift: BeyondMaxShift,
    pub after_event: AfterEvent,
    pub expires: Expiry,
    /// What the task waits for, how long, and what then.
    pub wait: Option<Wait>,
    /// What an unanswered call leads to (`no_answer`), if the step says.
    pub retry: Option<Retry>,
    /// Days after the last on-time day when a task not done goes to a supervisor.
    pub escalate_after: Option<i64>,
    /// The tasks an occurrence may make (escalations, the message after unanswered
    /// calls…), shared by every task made from the step.
    pub derived: super::derived::DerivedInfos,
}

/// The part of a task's lane its step gives, beside the channel: the tasks of one program
/// for one episode in one lane keep the order of their rule days, and a shifted one may be
/// superseded by the next (`docs/rule-format.md`, "Calls of one program never pile up").
/// A step counted from a fact (`fact:KIND`, `latest:KIND`) is in a lane of its own, with
/// the steps counted from it: the request a callback raised is not the callback's
/// subject, and the regular callback the next morning does not cover it (audit 39); nor
/// does a call about one fact cover another fact's (audit 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LaneRole {
    pub role: crate::model::Role,
    /// 0 for a step counted from the event, a visit or a session; else 1 + the position
    /// (in the program's compiled order) of the step counted from a fact it follows.
    pub from_fact: u32,
}

impl Step {
    /// The lane of the step's occurrence `n`: a step counted directly from a fact has a
    /// lane per fact (two requests raised on two evenings are two answers to give, the
    /// second no cover for the first); any other step, the step's lane.
    pub(crate) fn lane_of(&self, n: u32) -> LaneRole {
        match self.anchor {
            Anchor::Fact(_) if self.lane.from_fact != 0 => LaneRole {
                from_fact: (self.lane.from_fact & 0xFFFF) | (n.saturating_add(1) & 0xFFFF) << 16,
                ..self.lane
            },
            _ => self.lane,
        }
    }
}

/// A compiled `no_answer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retry {
    /// How long after an unanswered call the next attempt is due, in minutes.
    pub after_minutes: i64,
    /// Calls in all, the first included.
    pub max_attempts: u32,
    pub then: RetryThen,
}

/// What follows the last unanswered call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryThen {
    /// A message on this channel instead.
    Message(Channel),
    /// Nothing more.
    Drop,
    /// A supervisor's task.
    Escalate,
}

/// A compiled `wait_for`.
#[derive(Debug, Clone)]
pub(crate) struct Wait {
    pub fact: Arc<str>,
    /// The longest wait, from the day the rule gives.
    pub max: Offset,
    pub then: WaitThen,
}

/// What a step counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Anchor {
    Event,
    /// Index into `Program::milestones`.
    Milestone(usize),
    /// Index into `Program::steps` (always an earlier index).
    Step(usize),
    /// Every session of the course; occurrence = session number.
    EachSession,
    /// Every planned (not yet done) session; occurrence = session number.
    UpcomingSession,
    /// The last session of the course.
    CourseEnd,
    /// The session after which one session is left in the package.
    OneSessionLeft,
    /// Every fact of a kind, in time order.
    Fact(Arc<str>),
    /// The latest fact of any of these kinds, else the event (`latest:contacted,assigned`).
    Latest(Box<[Arc<str>]>),
    /// The patient's birthday, every year (patient-level programs).
    Birthday,
    /// A Chinese lunar festival, every year (patient-level programs).
    Festival(crate::lunar::LunarFestival),
    /// A fixed Gregorian month and day, every year (patient-level programs).
    Date(u32, u32),
    /// The first day of the planning horizon (patient-level programs, with `repeat`).
    AsOf,
}

/// Another time of day for some patients (any of `tags`) on some days (any of `days`, a
/// bit set over [`DAY_KINDS`]); an empty condition matches everything.
#[derive(Debug, Clone)]
pub(crate) struct TimeOverride {
    pub tags: Vec<Box<str>>,
    pub days: u8,
    pub time: TimeSpec,
}

/// Kinds of day a time override can name, in bit order.
pub(crate) const DAY_KINDS: [&str; 4] = ["workday", "weekend", "holiday", "makeup_workday"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSpec {
    Named(NamedWindow),
    Explicit(TimeWindow),
}

/// Compiled conditions: every key must match one of its values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conds(pub Vec<(CondKey, Vec<Box<str>>)>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CondKey {
    Event,
    Tag,
    Attribute(Box<str>),
}

/// `event procedure, category plastic|thread_lift, tag key_customer`.
impl std::fmt::Display for Conds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (key, values)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            let key = match key {
                CondKey::Event => "event",
                CondKey::Tag => "tag",
                CondKey::Attribute(name) => name,
            };
            let values: Vec<&str> = values.iter().map(|v| &**v).collect();
            write!(f, "{key} {}", values.join("|"))?;
        }
        Ok(())
    }
}

impl Conds {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn matches(&self, ep: &Episode) -> bool {
        self.0.iter().all(|(key, values)| match key {
            CondKey::Event => values.iter().any(|v| **v == *ep.event),
            CondKey::Tag => ep
                .patient
                .tags
                .iter()
                .any(|t| values.iter().any(|v| **v == **t)),
            CondKey::Attribute(name) => ep
                .attribute(name)
                .is_some_and(|a| values.iter().any(|v| **v == *a)),
        })
    }
}
