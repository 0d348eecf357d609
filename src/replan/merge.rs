//! Many programmes, one person: tasks become contacts, one per patient, day and channel,
//! within the frequency caps of a [`ContactPolicy`].

use super::policy::{Cap, ContactPolicy, PriorityClass};
use super::recovery::recovery_spans;
use super::unique;
use crate::calendar::Calendar;
use crate::model::{Channel, Role};
use crate::plan::task::{DropReason, Dropped, Plan, Task};
use crate::time::TimeWindow;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The tasks of several plans as contacts: the result of [`merge_plans`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergedPlan {
    /// Every task of the plans but those the caps dropped, in exactly one contact; sorted
    /// by (date, window start, channel, patient, first task id).
    pub contacts: Vec<Contact>,
    /// The dropped occurrences of all the plans, and the tasks the caps dropped
    /// (`frequency_cap`), each id once, sorted by id.
    pub dropped: Vec<Dropped>,
    /// Tasks that wait for a fact (`waits_for`): no contact until it is recorded (then
    /// re-plan), and none counted against a cap; in plan order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<Task>,
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
    /// Who by name: the owner of the first reason's task (its staff id), else of the first
    /// reason of the same role whose task has one (audit 95: a laser call with no owner
    /// put the plastic call merged with it, which `u-3` owns, on nobody's list).
    /// The contact does every reason's task, whoever owns the others: one call, made by
    /// one person (a month-1 call and a new specialist's first contact on one day are
    /// one call, the month-1 call's owner's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Arc<str>>,
    /// The tasks this contact does, highest priority first (see
    /// [`PriorityPolicy`](crate::replan::PriorityPolicy)). Never empty.
    pub reasons: Vec<ContactReason>,
    /// True when no day in the window of its tasks kept the caps, and the policy keeps
    /// such contacts (a reminder, aftercare) on their day rather than drop them: the
    /// contact breaks a cap, knowingly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub over_cap: bool,
}

/// One task done by a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactReason {
    /// The task as planned: `due` is still the day the rules gave. Its script as said on
    /// the contact's day: [`Task::script_on`]`(contact.date)`.
    pub task: Task,
    /// Its priority class under the policy.
    pub class: PriorityClass,
    /// Set when the task was moved to the contact's day to respect a frequency cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<CapMove>,
}

/// A task moved to another day of its window, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapMove {
    /// The day it was due (`moved_from`).
    pub from: NaiveDate,
    /// Why it moved.
    pub reason: MoveReason,
}

/// Why a task moved to another day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MoveReason {
    /// Its day was full under a [`Cap`] of the [`ContactPolicy`].
    FrequencyCap,
    /// A sales task due while a complaint of the patient was open: moved to a day of its
    /// window after the complaint (docs/domain.md §8: no selling while the customer is
    /// unhappy).
    ComplaintOpen,
    /// A sales task whose day held a reminder, a complaint's or an aftercare contact (or
    /// a care contact while the patient recovers), which selling never joins: moved to
    /// another day (docs/domain.md §8: no selling in a care call). No cap was full.
    NoSellingInCare,
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
///    [`PriorityPolicy`](crate::replan::PriorityPolicy): class, role, due day, latest day, ids).
///    A cap never takes a task out of its window (but for a call it would drop, step 4),
///    so a reminder stays before its visit, a
///    greeting on its day and a same-day thanks on its day. In this order of preference a
///    contact goes to:
///    1. its own day, if it keeps every [`Cap`] of its channel (or a contact of the same
///       patient and channel is already there: it joins it, one message, two reasons —
///       but a `sales` task never joins a contact holding a `reminder` or `aftercare`,
///       nor `care` while the patient is in recovery — from the first day of the episode
///       of a task waiting for `recovered` until that wait ends
///       ([`MergedPlan::recovery_wait`]): no selling in
///       a care call while the patient has not recovered, docs/domain.md §8);
///    2. a later day of its window (up to the earliest `latest` of its tasks, never past
///       an `expires`), the nearest first, on which its channel works in `calendar`;
///    3. an earlier day of its window (down to the latest `earliest`), the nearest first;
///    4. if no day of its window will do: a contact of several tasks splits, each task
///       trying steps 1 to 4 in turn with its own window; a phone call of one task the
///       policy would drop goes to the first day after its window that keeps the caps
///       (and on which the call desk works), up to its `expires` (a sales call is late
///       there, not void; messages keep their days); else a contact of one task is
///       dropped when its class is in the policy's `drop_over_cap` (greetings and sales
///       by default; listed in `dropped` with reason `frequency_cap`), else kept on its
///       own day with `over_cap: true` (a reminder or aftercare message is worth more
///       than the cap), joining a contact kept over the cap there that it may join.
///
///    A task moved off its day never joins a staff-picked task of its program and role
///    (whose day is picked in the call before it), nor is joined by it.
///
///    Each moved task says so ([`ContactReason::moved`]: its `from` day and reason:
///    `no_selling_in_care` for a sales task its day's contact kept off, `complaint_open`
///    for one an open complaint held, else `frequency_cap`).
///
/// A task that waits for a fact (a sales call waiting for `recovered`) is no contact yet:
/// it is listed in `waiting`, not counted against a cap, until re-planning after the fact.
/// A task whose time the patient agreed (the history's `rescheduled`) is kept on its day,
/// never moved nor dropped — a contact of its own over the cap when its day is taken (a
/// sales call beside a care call) — and a contact holding it is at the agreed time.
/// A task the history closed ([`crate::plan::Task::is_closed`]: done, or an unanswered attempt
/// taken over by the next) happened: it stays on its day as a contact of its own,
/// neither moved nor joined — but for the tasks of one day recorded at the same moment
/// on the same channel, which are one contact (a merged contact recorded on each of its
/// ids); what reached the patient ([`crate::plan::Task::is_done`]) counts once per moment
/// recorded against the caps, on the day it was recorded.
///
/// The result for one patient depends only on that patient's plans: planning a patient
/// alone or among others gives the same contacts. A task id given twice (the same plan
/// passed twice) is taken once.
///
/// ```
/// use followup::{replan::{merge_plans, ContactPolicy}, calendar::Calendar, rules::{Channel, Role, RuleSet}, episode::Episode};
/// let rules = RuleSet::builtin()?;
/// let cal = Calendar::default();
/// let episode = |id: &str, category: &str| Episode::from_json("ep", &format!(r#"{{"id": "{id}",
///     "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p-9"}},
///     "attributes": {{"category": "{category}", "setting": "outpatient"}}}}"#));
/// let plastic = rules.plan(&episode("ep-a", "plastic")?, &cal)?;
/// let laser = rules.plan(&episode("ep-b", "laser")?, &cal)?;
/// let merged = merge_plans(&[plastic, laser], &ContactPolicy::default(), &cal);
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
pub fn merge_plans(plans: &[Plan], policy: &ContactPolicy, calendar: &Calendar) -> MergedPlan {
    let mut classes: BTreeMap<(&str, &str), PriorityClass> = BTreeMap::new();
    let mut ranked: Vec<Ranked<'_>> = Vec::new();
    let mut waiting: Vec<Task> = Vec::new();
    for task in unique(plans.iter().flat_map(|p| &p.tasks)) {
        if task.waits_for().is_some() {
            waiting.push(task.clone());
            continue;
        }
        // The class its rule gives, else the policy's table.
        let class = match task.info().class {
            Some(c) => c,
            None => *classes
                .entry((task.program(), task.step()))
                .or_insert_with(|| policy.priority.class_of(task.program(), task.step())),
        };
        let role = policy.priority.role_rank(task.role());
        ranked.push(Ranked {
            task,
            class,
            role,
            held: None,
            until: None,
            after: None,
            fallback: None,
            before: None,
            cut: None,
            resumes: None,
            on_complaint_day: false,
        });
    }
    ranked.sort_by(|a, b| a.key().cmp(&b.key()));
    // A complaint of the patient open, from its event to its resolution (else its last
    // call): no selling then (docs/domain.md §8: "while the customer … is unhappy";
    // audit 228: the consultant's sales calls went on between the complaint's calls).
    let unhappy = complaint_spans(&ranked);
    // When each complaint was resolved, by (patient, complaint episode).
    let resolved: Vec<(&str, &str, chrono::NaiveDateTime)> = (ranked.iter())
        .filter(|r| r.class == PriorityClass::Complaint)
        .filter_map(|r| Some((r.task.patient(), r.task.episode(), r.task.subject.resolved?)))
        .collect();
    let mut unhappy_dropped: Vec<Dropped> = Vec::new();
    // A task whose window runs past the complaint takes a day of it after the complaint
    // (audit 230: a lead's second follow-up, staff-picked over four weeks, was dropped
    // for a complaint resolved in its first week); one whose window it covers is dropped.
    // A day is unhappy from the complaint's day (a task moved onto it takes no part of
    // it) to its end.
    let unhappy_on = |patient: &str, d: NaiveDate| {
        (unhappy.iter())
            .find(|(p, _, from, until)| *p == patient && from.date() <= d && d <= *until)
    };
    ranked.retain_mut(|r| {
        // Staff's own work (a supervisor's check of a stale lead) is no selling to the
        // patient, and never moved (audit 252: an open complaint dropped it for good).
        if r.class != PriorityClass::Sales || r.task.is_closed() || never_moved(r.task.channel()) {
            return true;
        }
        let t = r.task;
        // Due on the complaint's day, its window opening before the complaint: the part
        // before it is worth doing, that day only, as a contact of its own — the morning's
        // call or message was made before anyone knew (audit 252: a complaint at 15:00
        // dropped the next-morning call of 09:00-12:00 and the day's message).
        let same_day = (unhappy.iter()).find(|(p, _, from, _)| {
            *p == t.patient() && from.date() == t.due && t.due.and_time(t.window.start) < *from
        });
        if let Some((_, episode, from, until)) = same_day {
            // Another complaint open when its window opens and not resolved before this
            // one came leaves nothing of the day free (audit 269: resolved at 14:00,
            // another come at 10:00, the 611 message was kept 09:00-10:00).
            let start = t.due.and_time(t.window.start);
            let held_before = (unhappy.iter())
                .filter(|(p, e, f, _)| *p == t.patient() && *e != *episode && *f <= start)
                .filter(|(.., u)| *u >= t.due)
                .any(|(_, e, ..)| {
                    let res = (resolved.iter()).find(|(p, re, _)| *p == t.patient() && *re == *e);
                    res.is_none_or(|(.., at)| *at >= *from)
                });
            if held_before {
                return held_or_dropped(r, (episode, *from, *until), &mut unhappy_dropped);
            }
            r.until = Some(t.due);
            r.cut = Some(from.time()).filter(|c| *c < t.window.end);
            // Another complaint resolved that morning held it until then (audit 262: a
            // complaint resolved at 10:00 and another at 14:00 left 09:00-14:00).
            r.resumes = (resolved.iter())
                .filter(|(p, _, at)| *p == t.patient() && at.date() == t.due)
                .map(|(.., at)| at.time())
                .filter(|at| *at > t.window.start && *at < from.time())
                .max();
            r.on_complaint_day = true;
            return true;
        }
        // Due before the complaint (its first day's window over before it: audit 231, a
        // message of the morning before a complaint at 20:30), it keeps its day, and is
        // worth doing until the day before the complaint at the latest (audit 231: a
        // call on time for four days stayed open work through the complaint).
        let ends = t.due.and_time(t.window.end);
        let next = (unhappy.iter())
            .filter(|(p, _, from, _)| *p == t.patient() && ends <= *from)
            .min_by_key(|s| s.2);
        // One whose window runs past the complaint takes a day of it after the complaint,
        // as one due during it does (audit 243: a second follow-up the consultant picks
        // over four weeks was cut to its days before a complaint of its first week, and
        // lost, while one whose window opened in the complaint was moved past it).
        if let Some((_, episode, from, until)) = next.filter(|s| t.latest > s.3) {
            r.held = Some(episode);
            r.after = Some(*until);
            r.fallback = from.date().pred_opt();
            return true;
        }
        let next = next.map(|s| s.2);
        // Late by then but still worth doing, it is cut too (audit 240: a next-morning
        // call two days overdue stayed open work through the complaint).
        let reaches = |f: &chrono::NaiveDateTime| {
            t.latest >= f.date() || t.expires.is_none_or(|e| e >= f.date())
        };
        if let Some(from) = next.filter(reaches) {
            r.until = from.date().pred_opt();
        }
        let Some((_, episode, from, until)) = unhappy_on(t.patient(), t.due) else {
            return true;
        };
        // On the day the complaint was resolved, a window that opens after the resolution
        // is free (audit 253: a call of 14:00 was dropped for a complaint resolved at
        // 10:00, kept for one resolved the evening before).
        let after_resolution = (resolved.iter())
            .find(|(p, e, _)| *p == t.patient() && *e == *episode)
            .is_some_and(|(.., at)| at.date() == t.due && t.due.and_time(t.window.start) >= *at);
        if after_resolution {
            return true;
        }
        // Its window opening before the resolution and ending after it: the part after
        // it is free, that day (audit 254: a first follow-up of 14:00-18:00 was dropped
        // for a complaint resolved at 15:00, and a 611 message of the day for one
        // resolved at 10:00 — the mirror of the complaint's own day).
        let resumes = (resolved.iter())
            .find(|(p, e, _)| *p == t.patient() && *e == *episode)
            .map(|(.., at)| *at)
            .filter(|at| at.date() == t.due && at.time() < t.window.end);
        if let Some(at) = resumes {
            r.resumes = Some(at.time());
            r.on_complaint_day = true;
            return true;
        }
        if ends <= *from {
            return true;
        }
        held_or_dropped(r, (episode, *from, *until), &mut unhappy_dropped)
    });

    // Group by (patient, day, channel); ranked order is kept inside each group, so each
    // group's first task is its highest-priority one.
    // Sales are grouped apart: they never join a reminder or time-critical aftercare,
    // nor any care contact of a patient not yet recovered — one with a task waiting for
    // `recovered` (docs/domain.md §8: no selling in a callback while the patient has not
    // recovered).
    // Until the last day such a task still waits: its wait over (it expires), the patient
    // is no longer known unrecovered by it (audit 176: a month-3 sales call whose wait
    // ended in August kept the month-6 sales call of September out of its care call).
    let dropped: Vec<crate::plan::task::Dropped> = (plans.iter())
        .flat_map(|p| p.dropped.iter().cloned())
        .collect();
    let spans = recovery_spans(unique(plans.iter().flat_map(|p| &p.tasks)), &dropped);
    let in_recovery = |patient: &str, day: NaiveDate| {
        (spans.get(patient)).is_some_and(|s| {
            s.iter()
                .any(|(from, until, _)| *from <= day && day <= *until)
        })
    };
    let protects = |r: &Ranked<'_>| match r.class {
        PriorityClass::Reminder | PriorityClass::Complaint | PriorityClass::Aftercare => true,
        PriorityClass::Care => in_recovery(r.task.patient(), r.task.due),
        PriorityClass::Sales | PriorityClass::Greeting => false,
    };
    let mut groups: BTreeMap<(&str, NaiveDate, Channel, bool), Vec<Ranked<'_>>> = BTreeMap::new();
    // Tasks the history closed at one moment on one channel: one contact, recorded on
    // each of its reasons' ids as docs/closed-loop.md asks (audit 118: one message
    // recorded on two ids counted twice against the cap).
    // Of one day: a closed task is never moved, so tasks of two days stay two contacts,
    // counted once (audits 120, 121: one was listed moved from its day by the cap).
    let mut recorded: BTreeMap<(&str, Channel, chrono::NaiveDateTime, NaiveDate), usize> =
        BTreeMap::new();
    let mut drafts: Vec<Vec<Ranked<'_>>> = Vec::new();
    for r in ranked {
        // Tasks the history closed happened: on their day, alone but for what was
        // recorded with them (counted against the caps below when they reached the
        // patient).
        if never_moved(r.task.channel()) {
            drafts.push(vec![r]);
        } else if r.task.is_closed() {
            let at = r.task.record.as_ref().map(|rec| rec.at);
            let key = at.map(|at| (r.task.patient(), r.task.channel(), at, r.task.due));
            match key
                .and_then(|k| recorded.get(&k))
                .and_then(|&i| drafts.get_mut(i))
            {
                Some(group) => group.push(r),
                None => {
                    if let Some(k) = key {
                        recorded.insert(k, drafts.len());
                    }
                    drafts.push(vec![r]);
                }
            }
        } else {
            let sales = r.class == PriorityClass::Sales;
            let key = (r.task.patient(), r.task.due, r.task.channel(), sales);
            groups.entry(key).or_default().push(r);
        }
    }
    drafts.extend(groups.into_values());
    drafts.sort_by(|a, b| a.first().map(Ranked::key).cmp(&b.first().map(Ranked::key)));

    // Place each group, highest priority first.
    let mut placed: Vec<(NaiveDate, Vec<ContactReason>, bool)> = Vec::new();
    // Whether each placed contact holds what sales never join (`protects`).
    let mut protected: Vec<bool> = Vec::new();
    let mut capped: Vec<Dropped> = Vec::new();
    let mut days: BTreeMap<(&str, Channel), BTreeMap<NaiveDate, usize>> = BTreeMap::new();
    // The contacts the history records made (done, refused, an abnormal recovery), by
    // patient, channel and day: never moved nor joined, but the patient had them, so they
    // count against the caps (audits 105, 107: a message recorded as sent let a third
    // into seven days).
    let mut made: BTreeMap<(&str, Channel), BTreeMap<NaiveDate, usize>> = BTreeMap::new();
    // One per moment recorded: the first of a contact's reasons that reached the patient,
    // and one for the contacts of several days recorded at one moment.
    let mut moments = BTreeSet::new();
    for group in &drafts {
        if let Some(r) = group.iter().find(|r| r.task.is_done())
            && !never_moved(r.task.channel())
        {
            let at = r.task.record.as_ref().map(|rec| rec.at);
            if let Some(at) = at
                && !moments.insert((r.task.patient(), r.task.channel(), at))
            {
                continue;
            }
            let day = at.map_or(r.task.due, |at| at.date());
            let days = made
                .entry((r.task.patient(), r.task.channel()))
                .or_default();
            *days.entry(day).or_default() += 1;
        }
    }
    let mut queue: std::collections::VecDeque<Vec<Ranked<'_>>> = drafts.into();
    while let Some(group) = queue.pop_front() {
        let Some(first) = group.first() else { continue };
        let (patient, channel, due) = (first.task.patient(), first.task.channel(), first.task.due);
        let holds_protected = group.iter().any(protects);
        if never_moved(channel) || first.task.is_closed() {
            placed.push((due, group.iter().map(|r| r.reason(due)).collect(), false));
            protected.push(holds_protected);
            continue;
        }
        let sales = first.class == PriorityClass::Sales;
        // Its own day is one it may keep unless an open complaint holds it (a task due
        // before the complaint's moment on its day: audit 231).
        let held = group.iter().any(|r| r.held.is_some());
        // Held past a complaint that came after its day: only days after it.
        let after = group.iter().filter_map(|r| r.after).max();
        let caps: Vec<&Cap> = policy
            .caps
            .iter()
            .filter(|c| c.channel == channel)
            .collect();
        let taken = days.entry((patient, channel)).or_default();
        let (lo, hi) = window_of(&group);
        let made = made.get(&(patient, channel));
        // Moved, a task keeps off a day holding a staff-picked task of its lane (its
        // episode's program and role), or is one keeping off its lane's other tasks:
        // the picked task's day is picked in the call before it, which never becomes
        // that call (audit 193: a lead's first follow-up, moved off a care call's day,
        // was folded into the second follow-up, whose day it picks).
        let same_lane = |d: &NaiveDate| {
            (taken.get(d).and_then(|i| placed.get(*i))).is_some_and(|(_, reasons, _)| {
                // On its own day, only a task moved there keeps it off: tasks the rules
                // put on one day may share it.
                reasons
                    .iter()
                    .filter(|r| *d != due || r.moved.is_some())
                    .any(|r| {
                        group.iter().any(|g| {
                            let (a, b) = (&r.task, g.task);
                            a.episode() == b.episode()
                                && a.program() == b.program()
                                && a.role() == b.role()
                                && a.step() != b.step()
                                && (a.info().picked_by.is_some() || b.info().picked_by.is_some())
                        })
                    })
            })
        };
        let takes = |d: &NaiveDate| {
            (*d == due || calendar.works(channel, *d))
                && !same_lane(d)
                && (!sales || (*d == due && !held) || unhappy_on(patient, *d).is_none())
                && after.is_none_or(|a| *d > a)
                && (!sales
                    || (taken.get(d)).is_none_or(|i| !protected.get(*i).copied().unwrap_or(false)))
                && (taken.contains_key(d) || caps.iter().all(|c| fits(taken, made, *d, c)))
        };
        // A time the patient agreed is kept: its day or none (audit 192: a lead's agreed
        // call moved off the day of a care call, onto another follow-up's).
        let keeps_its_day = group.iter().any(|r| agreed(r.task) || r.on_complaint_day);
        // Why it moves if it does: its day's contact is one selling never joins (audit
        // 227: it read "frequency cap", no cap being full), else the caps.
        let why = match taken.get(&due).and_then(|i| protected.get(*i)) {
            Some(true) if sales => MoveReason::NoSellingInCare,
            _ => MoveReason::FrequencyCap,
        };
        let mut day = if keeps_its_day {
            Some(due).filter(|d| takes(d))
        } else {
            candidates(due, lo, hi).find(|d| takes(d))
        };
        // A call the cap would drop that is still worth doing after its window (a sales
        // call is late, not void): the first day after it, up to its expiry (audit 184:
        // a course-planning call on a care call's day was dropped, though worth doing
        // for a week). Messages keep their days: a greeting or a 611 message out of its
        // rhythm is worth less than none.
        if day.is_none()
            && !keeps_its_day
            && channel == Channel::Phone
            && let [only] = group.as_slice()
            && policy.drop_over_cap.contains(&only.class)
            // Held by a complaint, a day of its window after it or none (audit 246: it
            // went past its window, on time there).
            && only.held.is_none()
            && let Some(expires) = only.task.expires.filter(|e| *e > hi)
        {
            day = (1..=(expires - hi).num_days())
                .filter_map(|k| hi.checked_add_days(Days::new(k.unsigned_abs())))
                .find(|d| takes(d));
        }
        match day {
            Some(date) => {
                if let Some(&i) = taken.get(&date)
                    && let Some((_, reasons, _)) = placed.get_mut(i)
                {
                    reasons.extend(group.iter().map(|r| r.reason_moved(date, why)));
                    if let Some(a) = protected.get_mut(i) {
                        *a |= holds_protected;
                    }
                    continue;
                }
                taken.insert(date, placed.len());
                let reasons = group.iter().map(|r| r.reason_moved(date, why)).collect();
                placed.push((date, reasons, false));
                protected.push(holds_protected);
            }
            // Tasks of one day that no day of their common window takes: each tries
            // the days of its own window, in the same order (audit 36: a notice call
            // whose window ran a day longer was dropped with a call of that day only).
            // Due before a complaint, no day of its window after it: its own days before
            // the complaint, to the day before it (audit 246: cut or dropped as the
            // resolution's day fell).
            None if group.iter().any(|r| r.after.is_some()) => {
                let mut group = group;
                for r in group.iter_mut().filter(|r| r.after.is_some()) {
                    r.after = None;
                    r.held = None;
                    r.until = r.fallback;
                }
                queue.push_front(group);
            }
            None if group.len() > 1 => {
                for r in group.into_iter().rev() {
                    queue.push_front(vec![r]);
                }
            }
            // An agreed time is never dropped: over the cap on its day, a contact of its
            // own (a sales call beside a care call that day is not folded into it).
            None if keeps_its_day => {
                // Later contacts see it under the caps (audit 194: a weekly cap let a
                // call three days after it).
                taken.entry(due).or_insert(placed.len());
                placed.push((due, group.iter().map(|r| r.reason(due)).collect(), true));
                protected.push(holds_protected);
            }
            None if group
                .iter()
                .all(|r| policy.drop_over_cap.contains(&r.class)) =>
            {
                capped.extend(group.iter().map(|r| match r.held {
                    Some(episode) => {
                        let detail = Some(Arc::from(episode));
                        Dropped::of_task(r.task, DropReason::ComplaintOpen, detail)
                    }
                    None => cap_dropped(r.task),
                }));
            }
            None => {
                // Over the cap, on its own day, joining a contact kept over the cap there
                // that it may join (audit 193: two leads' sales calls kept over the cap
                // beside a care call were two more calls that day); later contacts still
                // see it (but for a sales contact beside a protected one there: contacts
                // join that one).
                let joins = (placed.iter().enumerate()).find(|(i, (d, reasons, over))| {
                    *over
                        && *d == due
                        && (reasons.first()).is_some_and(|r| {
                            r.task.patient() == patient && r.task.channel() == channel
                        })
                        && (!sales || !protected.get(*i).copied().unwrap_or(false))
                });
                if let Some((i, _)) = joins
                    && let Some((_, reasons, _)) = placed.get_mut(i)
                {
                    reasons.extend(group.iter().map(|r| r.reason(due)));
                    if let Some(a) = protected.get_mut(i) {
                        *a |= holds_protected;
                    }
                    continue;
                }
                taken.entry(due).or_insert(placed.len());
                placed.push((due, group.iter().map(|r| r.reason(due)).collect(), true));
                protected.push(holds_protected);
            }
        }
    }

    let mut contacts: Vec<Contact> = placed
        .into_iter()
        .filter_map(|(date, mut reasons, over_cap)| {
            reasons.sort_by(|a, b| reason_key(policy, a).cmp(&reason_key(policy, b)));
            let first = &reasons.first()?.task;
            Some(Contact {
                patient: first.subject.patient.clone(),
                date,
                window: contact_window(first.window, &reasons),
                channel: first.channel(),
                role: first.role(),
                owner: (reasons.iter())
                    .filter(|r| r.task.role() == first.role())
                    .find_map(|r| r.task.owner.clone()),
                reasons,
                over_cap,
            })
        })
        .collect();
    contacts.sort_by(|a, b| {
        fn id(c: &Contact) -> Option<(&str, &str, &str, u32, Option<crate::plan::Derived>)> {
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
        .chain(&capped)
        .chain(&unhappy_dropped)
        .filter(|d| seen.insert((d.subject.patient.clone(), d.id())))
        .cloned()
        .collect();
    dropped.sort_by_cached_key(Dropped::id);
    waiting.sort_by(super::task_order);
    MergedPlan {
        contacts,
        dropped,
        waiting,
    }
}

/// The days every task of a group may take: from the latest `earliest` to the earliest
/// `latest` (and never past an `expires`). The group's own day is always inside.
fn window_of(group: &[Ranked<'_>]) -> (NaiveDate, NaiveDate) {
    let due = group.first().map_or(NaiveDate::MIN, |r| r.task.due);
    let lo = group.iter().map(|r| r.task.earliest).max().unwrap_or(due);
    let hi = group
        .iter()
        .map(|r| {
            r.task
                .expires
                .map_or(r.task.latest, |e| r.task.latest.min(e))
        })
        .min()
        .unwrap_or(due);
    (lo.min(due), hi.max(due))
}

/// The group's own day, then the later days of its window nearest first, then the
/// earlier ones nearest first.
fn candidates(due: NaiveDate, lo: NaiveDate, hi: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let later = (1..=(hi - due).num_days())
        .filter_map(move |k| due.checked_add_days(Days::new(k.unsigned_abs())));
    let earlier = (1..=(due - lo).num_days())
        .filter_map(move |k| due.checked_sub_days(Days::new(k.unsigned_abs())));
    std::iter::once(due).chain(later).chain(earlier)
}

/// The days each open complaint of a patient makes them unhappy: `(patient, complaint
/// episode, from, until)`, from the complaint's event to the day of its
/// `complaint_resolved` fact, else to the last day of its calls (tasks of class
/// [`PriorityClass::Complaint`]).
/// A sales task a complaint holds (`episode`, open from `from` to `until`): held to a day
/// of its window before or after the complaint when it has one (true: it stays), else
/// dropped `complaint_open` (false).
fn held_or_dropped<'a>(
    r: &mut Ranked<'a>,
    (episode, from, until): (&'a str, chrono::NaiveDateTime, NaiveDate),
    dropped: &mut Vec<Dropped>,
) -> bool {
    let t = r.task;
    if t.earliest < from.date() || t.latest > until {
        r.held = Some(episode);
        r.before = from.date().pred_opt();
        return true;
    }
    let detail = Some(Arc::from(episode));
    dropped.push(Dropped::of_task(t, DropReason::ComplaintOpen, detail));
    false
}

fn complaint_spans<'a>(
    ranked: &[Ranked<'a>],
) -> Vec<(&'a str, &'a str, chrono::NaiveDateTime, NaiveDate)> {
    let mut spans: Vec<(&'a str, &'a str, chrono::NaiveDateTime, NaiveDate)> = Vec::new();
    for r in ranked
        .iter()
        .filter(|r| r.class == PriorityClass::Complaint)
    {
        let t = r.task;
        let from = match (t.subject.event, t.subject.event_time) {
            (Some(d), Some(time)) if d <= t.due => d.and_time(time),
            _ => t.due.and_time(chrono::NaiveTime::MIN),
        };
        let until = t.subject.resolved.map_or(t.due, |r| r.date());
        match (spans.iter_mut()).find(|s| s.0 == t.patient() && s.1 == t.episode()) {
            Some(s) => {
                s.2 = s.2.min(from);
                if t.subject.resolved.is_none() {
                    s.3 = s.3.max(until);
                }
            }
            None => spans.push((t.patient(), t.episode(), from, until)),
        }
    }
    spans
}

fn cap_dropped(t: &Task) -> Dropped {
    let detail = Some(std::sync::Arc::from(t.channel().name()));
    Dropped::of_task(t, DropReason::FrequencyCap, detail)
}

/// A task with its priority.
struct Ranked<'a> {
    task: &'a Task,
    class: PriorityClass,
    role: usize,
    /// A sales task due while a complaint of the patient is open: that complaint's
    /// episode (it takes a day of its window after the complaint, or none).
    held: Option<&'a str>,
    /// A sales task due before a complaint of the patient: the last day it is worth doing
    /// (the day before the complaint).
    until: Option<NaiveDate>,
    /// A sales task due before a complaint whose window runs past it: the complaint's
    /// last day, which it takes a day of its window after.
    after: Option<NaiveDate>,
    /// With `after`: the day before the complaint, the last day it is worth doing when no
    /// day of its window after the complaint takes it.
    fallback: Option<NaiveDate>,
    /// Held by a complaint: the day before it, the last day it is worth doing if it
    /// takes a day of its window before the complaint.
    before: Option<NaiveDate>,
    /// Due on a complaint's day, its window opening before the complaint's moment: the
    /// moment, where its window ends that day (it keeps its day, a contact of its own).
    cut: Option<chrono::NaiveTime>,
    /// Due on the day a complaint was resolved, its window ending after the resolution's
    /// moment: the moment, where its window starts that day (it keeps its day).
    resumes: Option<chrono::NaiveTime>,
    /// Due on a complaint's day before its moment, or on its resolution's day after its
    /// moment: kept on its day.
    on_complaint_day: bool,
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
        self.reason_moved(date, MoveReason::FrequencyCap)
    }

    /// Its reason on `date`, moved there (if it is not its day) for `why` — but for an
    /// open complaint holding it, which says so.
    fn reason_moved(&self, date: NaiveDate, why: MoveReason) -> ContactReason {
        let t = self.task;
        let mut task = t.clone();
        // Moved to another day: its whole window there, the moment that cut it on its
        // own day being past (audit 189).
        task.window = t.window_on(date);
        // On a complaint's day, to the complaint's moment.
        if let Some(cut) = self.cut.filter(|_| date == t.due) {
            task.window.end = task.window.end.min(cut);
        }
        // On the day a complaint was resolved, from the resolution's moment.
        if let Some(from) = self.resumes.filter(|_| date == t.due) {
            task.window.start = task.window.start.max(from);
        }
        // Held by a complaint and placed before it, it is worth doing until the day before
        // the complaint (audit 248: moved back before the complaint, it stayed open work
        // through it).
        let until = self.until.or(self.before.filter(|b| date <= *b));
        if let Some(last) = until.map(|u| u.max(date.min(t.due))) {
            task.latest = task.latest.min(last);
            task.expires = Some(task.expires.map_or(last, |e| e.min(last)));
        }
        ContactReason {
            task,
            class: self.class,
            moved: (date != t.due).then_some(CapMove {
                from: t.due,
                reason: match self.held {
                    Some(_) => MoveReason::ComplaintOpen,
                    None => why,
                },
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

/// Whether one more contact on `day` keeps every window of `cap.days()` consecutive days
/// that contains `day` within `cap.max`.
fn fits(
    taken: &BTreeMap<NaiveDate, usize>,
    made: Option<&BTreeMap<NaiveDate, usize>>,
    day: NaiveDate,
    cap: &Cap,
) -> bool {
    let span = cap.days().saturating_sub(1);
    let lo = day
        .checked_sub_days(Days::new(span.into()))
        .unwrap_or(NaiveDate::MIN);
    let hi = day
        .checked_add_days(Days::new(span.into()))
        .unwrap_or(NaiveDate::MAX);
    let mut near: Vec<i64> = taken.range(lo..=hi).map(|(d, _)| number(*d)).collect();
    // The contacts the history records made, that many a day.
    if let Some(made) = made {
        for (d, n) in made.range(lo..=hi) {
            near.extend(std::iter::repeat_n(number(*d), *n));
        }
        near.sort_unstable();
    }
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

/// True for a task whose time the patient agreed (the history's `rescheduled`, not
/// closed): a promise the contact policy keeps — on its day, at its time.
fn agreed(t: &Task) -> bool {
    // Its day says so (`shifted: agreed`) whatever was recorded after the agreement (audit
    // 194: an unanswered try the day before lost it).
    t.record.as_ref().is_some_and(|r| {
        !r.closed
            && (r.outcome == crate::history::OutcomeKind::Rescheduled
                || t.shifted == Some(crate::calendar::ShiftReason::Agreed))
    })
}

/// The time of a contact: what all its reasons share, else the time the patient agreed
/// for one of them (audit 192: an agreed 20:30 was lost to the other reason's
/// 09:00-18:00; audit 194: a day agreed with no time is the whole day, and widened a
/// lead's afternoon call to it), else the first reason's.
fn contact_window(first: TimeWindow, reasons: &[ContactReason]) -> TimeWindow {
    let shared = common_window(first, reasons);
    let all_share = (reasons.iter())
        .all(|r| r.task.window.start <= shared.start && shared.end <= r.task.window.end);
    match reasons.iter().find(|r| agreed(&r.task)) {
        Some(r) if !all_share => r.task.window,
        _ => shared,
    }
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
