//! The compiled, validated form of a program: what planning reads.

use crate::model::{Channel, ClosedDay, Role};
use crate::offset::{MonthEnd, Offset};
use crate::text::Text;
use crate::time::{NamedWindow, TimeWindow};
use crate::Episode;
use std::sync::Arc;

/// A validated program.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub id: Arc<str>,
    pub name: Text,
    pub applies: Conds,
    pub milestones: Vec<Milestone>,
    /// Steps in dependency order: a step comes after the step it is anchored to.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub(crate) struct Milestone {
    pub name: Arc<str>,
    pub default: Option<Offset>,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub id: Arc<str>,
    pub anchor: Anchor,
    pub offset: Offset,
    pub repeat: Option<super::repeat::Repeat>,
    pub when: Conds,
    pub channel: Channel,
    pub role: Role,
    pub time: TimeSpec,
    /// Days before the due day the task may be done (zero or negative).
    pub earliest: i64,
    /// Days after the due day the task is still on time (zero or positive).
    pub latest: i64,
    pub month_end: MonthEnd,
    pub closed_day: ClosedDay,
    pub title: Text,
    pub script: Option<Text>,
}

/// What a step counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Event,
    /// Index into `Program::milestones`.
    Milestone(usize),
    /// Index into `Program::steps` (always an earlier index).
    Step(usize),
}

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

impl Conds {
    pub(crate) fn matches(&self, ep: &Episode) -> bool {
        self.0.iter().all(|(key, values)| match key {
            CondKey::Event => values.iter().any(|v| **v == *ep.event),
            CondKey::Tag => ep
                .patient
                .tags
                .iter()
                .any(|t| values.iter().any(|v| **v == **t)),
            CondKey::Attribute(name) => ep
                .attributes
                .get(&**name)
                .is_some_and(|a| values.iter().any(|v| **v == **a)),
        })
    }
}
