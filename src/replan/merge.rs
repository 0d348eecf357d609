//! Many programmes, one person: tasks become contacts, one per patient, day and channel,
//! within the frequency caps of a [`ContactPolicy`].

use super::policy::{Cap, ContactPolicy, PriorityClass};
use super::unique;
use crate::model::{Channel, Role};
use crate::plan::task::{Dropped, Plan, Task};
use crate::time::TimeWindow;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The tasks of several plans as contacts: the result of [`merge`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergedPlan {
    /// Every task of the plans, in exactly one contact; sorted by (date, window start,
    /// channel, patient, first task id).
    pub contacts: Vec<Contact>,
    /// The dropped occurrences of all the plans, each id once, sorted by id.
    pub dropped: Vec<Dropped>,
}

/// One call, message or visit: what a member of staff does with one patient on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Patient id.
    pub patient: Arc<str>,
    /// The day of the contact.
    pub date: NaiveDate,
    /// Time of day: the part common to every reason's window, or the first reason's
    /// window when they have none in common.
    pub window: TimeWindow,
    /// How.
    pub channel: Channel,
    /// Who: the role of the first (highest-priority) reason.
    pub role: Role,
    /// The tasks this contact does, highest priority first (see
    /// [`PriorityPolicy`](crate::PriorityPolicy)). Never empty.
    pub reasons: Vec<ContactReason>,
}

/// One task done by a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactReason {
    /// The task as planned: `due` is still the day the rules gave.
    pub task: Task,
    /// Its priority class under the policy.
    pub class: PriorityClass,
    /// Set when the task was moved to the contact's day to respect a frequency cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<CapMove>,
}

/// A task moved to a later day, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapMove {
    /// The day it was due (`moved_from`).
    pub from: NaiveDate,
    /// Why it moved.
    pub reason: MoveReason,
    /// The new day is after the task's `latest` day: doing it then counts as late.
    pub after_latest: bool,
}

/// Why a task moved to another day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MoveReason {
    /// Its day was full under a [`Cap`] of the [`ContactPolicy`].
    FrequencyCap,
}

impl Contact {
    /// The earliest day a reason of this contact was moved from, if one was.
    pub fn moved_from(&self) -> Option<NaiveDate> {
        self.reasons
            .iter()
            .filter_map(|r| r.moved.map(|m| m.from))
            .min()
    }
}

/// Merges the plans of one or more patients (several episodes each: two procedures, a
/// course, greetings) into contacts, so that one person is not called three times a day.
///
/// 1. **Merge.** Tasks of the same patient due on the same day on the same channel become
///    one contact listing every task as a reason. Visits (`in_person`, `home_visit`) and
///    `internal` work are never merged nor moved: each is a contact of its own on its day.
/// 2. **Cap.** Contacts are placed one by one, highest priority first (see
///    [`PriorityPolicy`](crate::PriorityPolicy): class, role, due day, latest day, ids). A
///    contact whose day would break a [`Cap`] of its channel moves to the first later day
///    where it fits, or where a contact of the same patient and channel is already placed
///    (it joins it: no extra contact). Each moved task says so
///    ([`ContactReason::moved`]: its `from` day, reason `frequency_cap`, and whether
///    the new day is after its `latest`). Nothing is lost: every task is in exactly one
///    contact.
///
/// The search is bounded: a free day always exists within (contacts already placed + 1) ×
/// 2 × the longest cap period; only at the very end of the supported date range would a
/// contact stay on its day. A task id given twice (the same plan passed twice) is taken
/// once.
///
/// ```
/// use followup::{merge, Calendar, Channel, ContactPolicy, Episode, Role, RuleSet};
/// let rules = RuleSet::builtin()?;
/// let episode = |id: &str, category: &str| Episode::from_json("ep", &format!(r#"{{"id": "{id}",
///     "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p-9"}},
///     "attributes": {{"category": "{category}", "setting": "outpatient"}}}}"#));
/// let plastic = rules.plan(&episode("ep-a", "plastic")?, &Calendar::default())?;
/// let laser = rules.plan(&episode("ep-b", "laser")?, &Calendar::default())?;
/// let merged = merge(&[plastic, laser], &ContactPolicy::default());
///
/// // Both programmes call on D+1: one call with both reasons.
/// let day1 = &merged.contacts[0];
/// assert_eq!((day1.date.to_string(), day1.channel), ("2026-03-03".into(), Channel::Phone));
/// let ids: Vec<String> = day1.reasons.iter().map(|r| r.task.id()).collect();
/// assert_eq!(ids, ["laser-aftercare/day-1-call/ep-b/0", "plastic-aftercare/day-1-call/ep-a/0"]);
///
/// // On M+3 the onsite consultant's call and customer service's call are one call, led
/// // by the onsite consultant.
/// let m3 = merged.contacts.iter()
///     .find(|c| c.date.to_string() == "2026-06-02" && c.channel == Channel::Phone).unwrap();
/// assert_eq!((m3.reasons.len(), m3.role), (2, Role::OnsiteConsultant));
/// # Ok::<(), followup::Error>(())
/// ```
pub fn merge(plans: &[Plan], policy: &ContactPolicy) -> MergedPlan {
    let mut classes: BTreeMap<(&str, &str), PriorityClass> = BTreeMap::new();
    let mut ranked: Vec<Ranked<'_>> = Vec::new();
    for task in unique(plans.iter().flat_map(|p| &p.tasks)) {
        let class = *classes
            .entry((task.program(), task.step()))
            .or_insert_with(|| policy.priority.class_of(task.program(), task.step()));
        let role = policy.priority.role_rank(task.role());
        ranked.push(Ranked { task, class, role });
    }
    ranked.sort_by(|a, b| a.key().cmp(&b.key()));

    // Group by (patient, day, channel); ranked order is kept inside each group, so each
    // group's first task is its highest-priority one.
    let mut groups: BTreeMap<(&str, NaiveDate, Channel), Vec<Ranked<'_>>> = BTreeMap::new();
    let mut drafts: Vec<Vec<Ranked<'_>>> = Vec::new();
    for r in ranked {
        if never_moved(r.task.channel()) {
            drafts.push(vec![r]);
        } else {
            let key = (r.task.patient(), r.task.due, r.task.channel());
            groups.entry(key).or_default().push(r);
        }
    }
    drafts.extend(groups.into_values());
    drafts.sort_by(|a, b| a.first().map(Ranked::key).cmp(&b.first().map(Ranked::key)));

    // Place each group, highest priority first.
    let mut placed: Vec<(NaiveDate, Vec<ContactReason>)> = Vec::new();
    let mut days: BTreeMap<(&str, Channel), BTreeMap<NaiveDate, usize>> = BTreeMap::new();
    for group in drafts {
        let Some(first) = group.first() else { continue };
        let (patient, channel, due) = (first.task.patient(), first.task.channel(), first.task.due);
        let date = if never_moved(channel) {
            due
        } else {
            let caps: Vec<&Cap> = policy
                .caps
                .iter()
                .filter(|c| c.channel == channel)
                .collect();
            let taken = days.entry((patient, channel)).or_default();
            let date = first_day(taken, due, &caps);
            if let Some(&i) = taken.get(&date) {
                if let Some((_, reasons)) = placed.get_mut(i) {
                    reasons.extend(group.iter().map(|r| r.reason(date)));
                    continue;
                }
            }
            taken.insert(date, placed.len());
            date
        };
        placed.push((date, group.iter().map(|r| r.reason(date)).collect()));
    }

    let mut contacts: Vec<Contact> = placed
        .into_iter()
        .filter_map(|(date, mut reasons)| {
            reasons.sort_by(|a, b| reason_key(policy, a).cmp(&reason_key(policy, b)));
            let first = &reasons.first()?.task;
            Some(Contact {
                patient: first.subject.patient.clone(),
                date,
                window: common_window(first.window, &reasons),
                channel: first.channel(),
                role: first.role(),
                reasons,
            })
        })
        .collect();
    contacts.sort_by(|a, b| {
        fn id(c: &Contact) -> Option<(&str, &str, &str, u32)> {
            c.reasons.first().map(|r| r.task.key())
        }
        (a.date, a.window.start, a.channel, &a.patient, id(a)).cmp(&(
            b.date,
            b.window.start,
            b.channel,
            &b.patient,
            id(b),
        ))
    });

    let mut seen = BTreeSet::new();
    let mut dropped: Vec<Dropped> = plans
        .iter()
        .flat_map(|p| &p.dropped)
        .filter(|d| seen.insert(d.id.as_str()))
        .cloned()
        .collect();
    dropped.sort_by(|a, b| a.id.cmp(&b.id));
    MergedPlan { contacts, dropped }
}

/// A task with its priority.
struct Ranked<'a> {
    task: &'a Task,
    class: PriorityClass,
    role: usize,
}

type Key<'a> = (
    PriorityClass,
    usize,
    NaiveDate,
    NaiveDate,
    &'a str,
    &'a str,
    u32,
    &'a str,
);

impl<'a> Ranked<'a> {
    /// The priority order: class, role, due, latest, program, step, occurrence, episode.
    fn key(&self) -> Key<'a> {
        let t = self.task;
        (
            self.class,
            self.role,
            t.due,
            t.latest,
            t.program(),
            t.step(),
            t.occurrence,
            t.episode(),
        )
    }

    fn reason(&self, date: NaiveDate) -> ContactReason {
        let t = self.task;
        ContactReason {
            task: t.clone(),
            class: self.class,
            moved: (date != t.due).then_some(CapMove {
                from: t.due,
                reason: MoveReason::FrequencyCap,
                after_latest: date > t.latest,
            }),
        }
    }
}

fn reason_key<'a>(policy: &ContactPolicy, r: &'a ContactReason) -> Key<'a> {
    let t = &r.task;
    let role = policy.priority.role_rank(t.role());
    (
        r.class,
        role,
        t.due,
        t.latest,
        t.program(),
        t.step(),
        t.occurrence,
        t.episode(),
    )
}

/// Visits and internal work: never merged, capped or moved.
fn never_moved(channel: Channel) -> bool {
    matches!(
        channel,
        Channel::InPerson | Channel::HomeVisit | Channel::Internal
    )
}

/// The first day from `due` on where a contact fits: a day with a contact already (join
/// it) or one where adding a contact keeps every cap.
fn first_day(taken: &BTreeMap<NaiveDate, usize>, due: NaiveDate, caps: &[&Cap]) -> NaiveDate {
    let longest = caps.iter().map(|c| u64::from(c.days())).max().unwrap_or(0);
    if longest == 0 {
        return due;
    }
    // Each placed contact blocks fewer than 2 × `longest` days, so this many days always
    // hold a free one.
    let bound = (taken.len() as u64 + 1).saturating_mul(2 * longest);
    let mut day = due;
    for _ in 0..bound {
        if taken.contains_key(&day) || caps.iter().all(|c| fits(taken, day, c)) {
            return day;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    due
}

/// Whether one more contact on `day` keeps every window of `cap.days()` consecutive days
/// that contains `day` within `cap.max`.
fn fits(taken: &BTreeMap<NaiveDate, usize>, day: NaiveDate, cap: &Cap) -> bool {
    let span = cap.days().saturating_sub(1);
    let lo = day
        .checked_sub_days(Days::new(span.into()))
        .unwrap_or(NaiveDate::MIN);
    let hi = day
        .checked_add_days(Days::new(span.into()))
        .unwrap_or(NaiveDate::MAX);
    let near: Vec<i64> = taken.range(lo..=hi).map(|(d, _)| number(*d)).collect();
    let (d, span) = (number(day), i64::from(span));
    let max = usize::try_from(cap.max.get()).unwrap_or(usize::MAX);
    // Slide the window [s, s + span] over every start s that keeps `day` inside.
    let (mut i, mut j) = (0, 0);
    for s in d - span..=d {
        while near.get(i).is_some_and(|&x| x < s) {
            i += 1;
        }
        while near.get(j).is_some_and(|&x| x <= s + span) {
            j += 1;
        }
        if j - i >= max {
            return false;
        }
    }
    true
}

fn number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The part of time common to every reason's window, else `first` (the first reason's).
fn common_window(first: TimeWindow, reasons: &[ContactReason]) -> TimeWindow {
    let (start, end) = reasons.iter().fold((first.start, first.end), |(s, e), r| {
        (s.max(r.task.window.start), e.min(r.task.window.end))
    });
    let mut common = first;
    if start < end {
        common.start = start;
        common.end = end;
    }
    common
}
