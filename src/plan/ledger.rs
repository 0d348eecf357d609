//! The history as planning reads it: each outcome filed under the occurrence it concerns,
//! in time order, and at the end the outcomes that changed nothing, with why.

use super::task::{Derived, Plan};
use crate::history::{FollowUp, History, Outcome, OutcomeKind};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

/// The program of the follow-ups staff add by hand: their ids are
/// `follow-up/<id>/<episode>/0`.
pub const FOLLOW_UP: &str = "follow-up";

/// An outcome of the history that changed nothing in the plan, and why: reported, never
/// silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ignored {
    /// The task id the outcome names.
    pub task: String,
    /// What it says happened.
    pub outcome: OutcomeKind,
    /// When.
    #[serde(with = "crate::episode::date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
    /// Why it changed nothing.
    pub reason: IgnoredReason,
    /// Where the outcome is in the history: its index in `outcomes`, from 0
    /// (`/outcomes/3` is 3). Copies of one record are listed one by one, each with its own.
    pub index: usize,
}

impl Ignored {
    fn of(o: &Outcome, index: usize, reason: IgnoredReason) -> Ignored {
        Ignored {
            task: o.task.clone(),
            outcome: o.outcome,
            at: o.at,
            reason,
            index,
        }
    }
}

/// Why an outcome changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IgnoredReason {
    /// No task of the plan has this id (a typo, or rules or episode data changed), or
    /// none had it yet when this was recorded (an attempt before the unanswered call
    /// that makes it, the consultant's call before the abnormal recovery that brings it).
    NoSuchTask,
    /// The occurrence was dropped (see the plan's `dropped`).
    Dropped,
    /// The task was already closed when this was recorded.
    AfterClosed,
    /// A `picked` day for a task whose day no role picks: record `rescheduled` instead.
    NotStaffPicked,
    /// The same outcome recorded again (same task, kind, time and content): an upload
    /// sent twice counts once.
    Duplicate,
    /// Recorded before the episode's event: a data slip (a clock, a wrong episode).
    BeforeEvent,
    /// Recorded on a reminder of a visit or a session before the reminder's first day:
    /// it reminded the patient of the visit's earlier date, and the visit has since been
    /// rebooked (a session moved after its reminder was sent). The reminder of the new
    /// date is planned as if nothing was recorded on it.
    EarlierVisit,
}

impl IgnoredReason {
    /// The name as written in JSON (`no_such_task`, `duplicate`…).
    ///
    /// ```
    /// use followup::plan::IgnoredReason;
    /// assert_eq!(IgnoredReason::BeforeEvent.name(), "before_event");
    /// ```
    pub fn name(self) -> &'static str {
        self.row().0
    }

    /// A short label in `lang`, for staff.
    ///
    /// ```
    /// use followup::{plan::IgnoredReason, rules::Lang};
    /// assert_eq!(IgnoredReason::Duplicate.label(Lang::Zh), "重复记录");
    /// assert_eq!(IgnoredReason::NoSuchTask.label(Lang::En), "no such task");
    /// ```
    pub fn label(self, lang: crate::rules::Lang) -> &'static str {
        let (_, zh, en) = self.row();
        lang.pick((zh, en))
    }

    fn row(self) -> (&'static str, &'static str, &'static str) {
        match self {
            IgnoredReason::NoSuchTask => ("no_such_task", "无此任务", "no such task"),
            IgnoredReason::Dropped => ("dropped", "任务已取消", "the task was dropped"),
            IgnoredReason::AfterClosed => {
                ("after_closed", "任务已关闭", "after the task was closed")
            }
            IgnoredReason::NotStaffPicked => (
                "not_staff_picked",
                "此任务的日期不由员工选定",
                "not a task whose day staff pick",
            ),
            IgnoredReason::Duplicate => ("duplicate", "重复记录", "a copy of another record"),
            IgnoredReason::BeforeEvent => {
                ("before_event", "早于事件时间", "before the episode's event")
            }
            IgnoredReason::EarlierVisit => (
                "earlier_visit",
                "为改约前的到院日期",
                "for the visit's date before it was rebooked",
            ),
        }
    }
}

/// One outcome, with the derived task it names (`…/attempt-2`, `…/overdue`), if any.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'h> {
    pub outcome: &'h Outcome,
    pub derived: Option<Derived>,
    /// The outcome's index in the history's `outcomes`.
    pub index: usize,
}

/// An occurrence: a hash of its program and step ([`step_hash`]), its number, its
/// program and step. Sorted so, most comparisons are of numbers.
type Key<'h> = (u64, u32, &'h str, &'h str);

/// The history of one plan's episode, filed by occurrence.
#[derive(Debug, Default)]
pub(super) struct Ledger<'h> {
    /// Sorted by key: each occurrence's outcomes, in time order, in `filed`.
    entries: Vec<(Key<'h>, Range<usize>)>,
    filed: Vec<(Key<'h>, Entry<'h>)>,
    /// The vector [`Ledger::take`] hands out, given back after use: one allocation per
    /// plan, not one per occurrence.
    spare: Vec<Entry<'h>>,
    /// Bit `step_hash >> 58` of each (program, step) filed: most steps have no outcome,
    /// and are told so without a search.
    steps: u64,
    /// The recorders' ids records were given (`Outcome::by`), shared by the records of
    /// one recorder: a few people record most outcomes.
    recorders: Vec<Arc<str>>,
    /// Per entry: the plan made a task for the occurrence.
    used: Vec<bool>,
    pub ignored: Vec<Ignored>,
    pub follow_ups: &'h [FollowUp],
    /// The attempts this pass put on a later day than their try's or their call's rule
    /// day (task indexes), to be checked against the next call of their lane once the
    /// program is planned.
    pub moved_attempts: Vec<usize>,
    /// The attempts an earlier pass found on or past the rule day of the next call of
    /// their lane: (step, occurrence, attempt) and the step of that call.
    pub superseded_attempts: Vec<(Arc<str>, u32, u32, Arc<str>)>,
}

/// The parts of a task id: program, step, episode, occurrence and derived task. `None`
/// when it is not one.
pub(crate) fn parse_id(id: &str) -> Option<(&str, &str, &str, u32, Option<Derived>)> {
    // Where the slashes are: four parts and a derived task's name at most.
    let mut cuts = [0usize; 4];
    let mut k = 0;
    for (i, b) in id.bytes().enumerate() {
        if b == b'/' {
            *cuts.get_mut(k)? = i;
            k += 1;
        }
    }
    // A slash is one byte: the parts start and end on characters.
    let part = |from: usize, to: usize| id.get(from..to);
    let [a, b, c, d] = cuts;
    let (program, step, episode) = (part(0, a)?, part(a + 1, b)?, part(b + 1, c)?);
    let (n, derived) = match k {
        3 => (part(c + 1, id.len())?, None),
        4 => (
            part(c + 1, d)?,
            Some(Derived::from_name(part(d + 1, id.len())?)?),
        ),
        _ => return None,
    };
    let digits_ok =
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
    if program.is_empty() || step.is_empty() || episode.is_empty() || !digits_ok {
        return None;
    }
    Some((program, step, episode, n.parse().ok()?, derived))
}

/// How many recorders' ids a plan shares among its records (the rest are copied for
/// each record): a plan's history has a few, and the search stays short.
const RECORDERS: usize = 16;

/// A cheap hash of a program and a step id: their lengths and a few of the step's
/// bytes, no loop (steps of one program mostly differ there: `day-1-call`,
/// `day-3-call`, `month-1-call`…). Two steps with the same hash are told apart by their
/// ids.
fn step_hash(program: &str, step: &str) -> u64 {
    let s = step.as_bytes();
    let at = |i: usize| u64::from(s.get(i).copied().unwrap_or(0));
    let n = s.len();
    let bytes = at(0) | at(n / 2) << 8 | at(n.saturating_sub(1)) << 16 | at(n / 4) << 24;
    let lengths = (program.len() as u64) << 32 | (n as u64) << 48;
    (bytes | lengths).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl<'h> Ledger<'h> {
    /// Files the outcomes about `episode`'s tasks; those of other episodes are left out
    /// (a host may pass a patient's whole history with each episode).
    /// Outcomes recorded before the episode's `event` time, and copies of an outcome
    /// (same task, kind and time, and the same agreed time or picked day: who recorded
    /// it and the note aside), change nothing: listed in `ignored`.
    pub(super) fn new(history: &'h History, episode: &str, event: NaiveDateTime) -> Ledger<'h> {
        let mut ignored = Vec::new();
        let mut filed: Vec<(Key<'h>, Entry<'h>)> = Vec::with_capacity(history.outcomes.len());
        filed.extend(
            (history.outcomes.iter().enumerate()).filter_map(|(index, o)| {
                let (program, step, ep, n, derived) = parse_id(&o.task)?;
                if ep != episode {
                    return None;
                }
                if o.at < event {
                    ignored.push(Ignored::of(o, index, IgnoredReason::BeforeEvent));
                    return None;
                }
                let entry = Entry {
                    outcome: o,
                    derived,
                    index,
                };
                Some(((step_hash(program, step), n, program, step), entry))
            }),
        );
        // By occurrence; within one, time order, then the outcome's own order (a stable
        // sort): the same history in any order files the same.
        // Copies (the same task, kind, time, agreed time and picked day) sort next to each
        // other, the one naming who recorded it first: it is the one that counts.
        let order = |o: &'h Outcome| {
            let who = (o.by.is_none(), o.by.as_deref(), o.note.as_deref());
            (o.at, o.task.as_str(), o.outcome, o.to, o.day, who)
        };
        filed.sort_by(|(ka, a), (kb, b)| {
            (ka.cmp(kb)).then_with(|| order(a.outcome).cmp(&order(b.outcome)))
        });
        // Copies sort next to each other (the same kind at the same time; who recorded it
        // and the note, never read, aside).
        filed.dedup_by(|(kb, b), (ka, a)| {
            let (x, y) = (a.outcome, b.outcome);
            let copy = ka == kb
                && a.derived == b.derived
                && (x.outcome, x.at, x.to, x.day) == (y.outcome, y.at, y.to, y.day);
            if copy {
                ignored.push(Ignored::of(b.outcome, b.index, IgnoredReason::Duplicate));
            }
            copy
        });
        // The calls of one occurrence (the task and its attempts) are one chain: one call
        // recorded at one minute on two of its ids is one call, not two tries (audit 43).
        // Entries of one occurrence and minute are side by side.
        let chain = |e: &Entry<'h>| matches!(e.derived, None | Some(Derived::Attempt(_)));
        // An unanswered try is one, whatever word the two records give it (no answer,
        // busy, unreachable).
        let kind = |k: OutcomeKind| match k {
            OutcomeKind::NoAnswer | OutcomeKind::Busy | OutcomeKind::Unreachable => {
                OutcomeKind::NoAnswer
            }
            other => other,
        };
        let same = |a: &Entry<'h>, b: &Entry<'h>| {
            let (x, y) = (a.outcome, b.outcome);
            (kind(x.outcome), x.at, x.to, x.day) == (kind(y.outcome), y.at, y.to, y.day)
        };
        let copies = (1..filed.len()).any(|i| {
            let (Some((ka, a)), Some((kb, b))) = (filed.get(i - 1), filed.get(i)) else {
                return false;
            };
            ka == kb && a.outcome.at == b.outcome.at && chain(a) && chain(b)
        });
        if copies {
            let mut kept: Vec<(Key<'h>, Entry<'h>)> = Vec::with_capacity(filed.len());
            for (key, e) in filed.drain(..) {
                let earlier = kept
                    .iter()
                    .rev()
                    .take_while(|(k, x)| *k == key && x.outcome.at == e.outcome.at);
                if chain(&e) && earlier.clone().any(|(_, x)| chain(x) && same(x, &e)) {
                    ignored.push(Ignored::of(e.outcome, e.index, IgnoredReason::Duplicate));
                } else {
                    kept.push((key, e));
                }
            }
            filed = kept;
        }
        let mut entries: Vec<(Key<'h>, Range<usize>)> = Vec::new();
        for (i, (key, _)) in filed.iter().enumerate() {
            match entries.last_mut() {
                Some((last, range)) if last == key => range.end = i + 1,
                _ => entries.push((*key, i..i + 1)),
            }
        }
        Ledger {
            used: vec![false; entries.len()],
            steps: (entries.iter()).fold(0, |bits, ((hash, ..), _)| bits | 1 << (hash >> 58)),
            entries,
            filed,
            spare: Vec::new(),
            recorders: Vec::new(),
            ignored,
            follow_ups: &history.follow_ups,
            moved_attempts: Vec::new(),
            superseded_attempts: Vec::new(),
        }
    }

    /// The outcomes of an occurrence the plan makes a task for, in time order (give the
    /// vector back with [`Ledger::give_back`]).
    pub(super) fn take(&mut self, program: &str, step: &str, n: u32) -> Option<Vec<Entry<'h>>> {
        let hash = step_hash(program, step);
        if self.steps & 1 << (hash >> 58) == 0 {
            return None;
        }
        let i = self
            .entries
            .binary_search_by(|(k, _)| k.cmp(&(hash, n, program, step)))
            .ok()?;
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        let (_, range) = self.entries.get(i)?;
        let mut list = std::mem::take(&mut self.spare);
        list.clear();
        list.extend(self.filed.get(range.clone())?.iter().map(|(_, e)| *e));
        Some(list)
    }

    /// True when the history records that the occurrence happened: an outcome other
    /// than a note, on the task or one of its attempts (a day picked only on a
    /// staff-picked task, `staff_picked`: elsewhere it is ignored). Such a task is kept
    /// whatever the calendar now says of its day (docs/closed-loop.md: it happened).
    pub(super) fn recorded(&self, step: &crate::compile::Step, program: &str, n: u32) -> bool {
        let staff_picked = step.info.picked_by.is_some();
        let list = self.list(program, &step.info.step, n);
        // An attempt the history cannot have made is a typo: it keeps nothing (audit 43).
        let real = super::record::attempts_real(step, &list);
        list.iter().zip(real).any(|(e, real)| {
            let call = match e.derived {
                None => true,
                Some(Derived::Attempt(_)) => real,
                Some(_) => false,
            };
            call && e.outcome.outcome != OutcomeKind::Note
                && (staff_picked || e.outcome.outcome != OutcomeKind::Picked)
        })
    }

    /// How many occurrences the history names.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// When the history closed occurrence `n` of `step` itself (done, refused, an abnormal
    /// recovery reported), if it did: the first such outcome.
    pub(super) fn closed_at(&self, program: &str, step: &str, n: u32) -> Option<NaiveDateTime> {
        (self.list(program, step, n).iter())
            .filter(|e| e.derived.is_none() && e.outcome.outcome.is_done())
            .map(|e| e.outcome.at)
            .min()
    }

    /// True when the history records that occurrence `n` of `step` reached the patient
    /// ([`super::record::reached`]): done, agreed, refused…, not only tried.
    pub(super) fn reached(&self, step: &crate::compile::Step, program: &str, n: u32) -> bool {
        super::record::reached(step, &self.list(program, &step.info.step, n))
    }

    /// The outcomes of occurrence `n` of `step`, in time order (empty when none).
    pub(super) fn list(&self, program: &str, step: &str, n: u32) -> Vec<Entry<'h>> {
        let hash = step_hash(program, step);
        if self.steps & 1 << (hash >> 58) == 0 {
            return Vec::new();
        }
        let Ok(i) = (self.entries).binary_search_by(|(k, _)| k.cmp(&(hash, n, program, step)))
        else {
            return Vec::new();
        };
        let range = (self.entries.get(i))
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        (self.filed.get(range).unwrap_or_default().iter())
            .map(|(_, e)| *e)
            .collect()
    }

    /// The id of a recorder, as a record holds it: shared with the records before of the
    /// same recorder (among the first [`RECORDERS`] recorders).
    pub(super) fn recorder(&mut self, by: &str) -> Arc<str> {
        if let Some(r) = self.recorders.iter().find(|r| ***r == *by) {
            return r.clone();
        }
        let r: Arc<str> = Arc::from(by);
        if self.recorders.len() < RECORDERS {
            self.recorders.push(r.clone());
        }
        r
    }

    /// Gives back a vector [`Ledger::take`] handed out, for the next occurrence.
    pub(super) fn give_back(&mut self, list: Vec<Entry<'h>>) {
        self.spare = list;
    }

    /// Notes an outcome that changed nothing.
    pub(super) fn ignore(&mut self, e: &Entry<'_>, reason: IgnoredReason) {
        if e.outcome.outcome != OutcomeKind::Note {
            self.ignored.push(Ignored::of(e.outcome, e.index, reason));
        }
    }

    /// Moves the outcomes of occurrences the plan made no task for into `plan.ignored`,
    /// with those that changed nothing, sorted.
    pub(super) fn finish(mut self, plan: &mut Plan) {
        // The ids of the dropped occurrences, built only when an outcome found no task.
        let unused = |i: usize| !self.used.get(i).copied().unwrap_or(false);
        let dropped: BTreeSet<String> = if (0..self.entries.len()).any(unused) {
            plan.dropped.iter().map(|d| d.id()).collect()
        } else {
            BTreeSet::new()
        };
        for (i, (_, range)) in self.entries.iter().enumerate() {
            if !unused(i) {
                continue;
            }
            for (_, e) in self.filed.get(range.clone()).unwrap_or_default() {
                let base = e.outcome.task.rsplit_once('/').map(|(b, _)| b);
                let reason = if dropped.contains(e.outcome.task.as_str())
                    || (e.derived.is_some() && base.is_some_and(|b| dropped.contains(b)))
                {
                    IgnoredReason::Dropped
                } else {
                    IgnoredReason::NoSuchTask
                };
                // A refusal is the patient's whatever task it names (it stopped the
                // calls of every program): it changed something, and is not listed
                // (audit 43). A note never is.
                if !matches!(e.outcome.outcome, OutcomeKind::Note | OutcomeKind::Declined) {
                    self.ignored.push(Ignored::of(e.outcome, e.index, reason));
                }
            }
        }
        self.ignored.retain(|i| i.outcome != OutcomeKind::Note);
        self.ignored.sort();
        self.ignored.dedup();
        plan.ignored = self.ignored;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reason_names_are_the_json_names() {
        use super::IgnoredReason as R;
        for r in [
            R::NoSuchTask,
            R::Dropped,
            R::AfterClosed,
            R::NotStaffPicked,
            R::Duplicate,
            R::BeforeEvent,
            R::EarlierVisit,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), r.name());
        }
    }

    use super::*;

    #[test]
    fn task_ids_split_into_their_parts() {
        assert_eq!(
            parse_id("plastic-aftercare/day-1-call/ep-1/0"),
            Some(("plastic-aftercare", "day-1-call", "ep-1", 0, None))
        );
        assert_eq!(
            parse_id("p/s/e/12/attempt-3"),
            Some(("p", "s", "e", 12, Some(Derived::Attempt(3))))
        );
        assert_eq!(
            parse_id("greetings/birthday-greeting/patient:p-1/20261103"),
            Some((
                "greetings",
                "birthday-greeting",
                "patient:p-1",
                20261103,
                None
            ))
        );
        for bad in [
            "",
            "p/s/e",
            "p/s/e/",
            "p/s/e/x",
            "p/s/e/01",
            "p/s/e/0/",
            "p/s/e/0/attempt-1",
            "p/s/e/0/attempt-02",
            "p/s/e/0/what",
            "p/s/e/0/overdue/1",
            "p//e/0",
            "p/s/e/-1",
            "p/s/e/99999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }

    /// The parts as `split('/')` finds them: what `parse_id` did before it scanned the
    /// bytes itself.
    fn parse_by_split(id: &str) -> Option<(&str, &str, &str, u32, Option<Derived>)> {
        let mut parts = id.split('/');
        let (program, step, episode, n) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let derived = match parts.next() {
            Some(d) => Some(Derived::from_name(d)?),
            None => None,
        };
        let digits_ok = !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n == "0" || !n.starts_with('0'));
        if parts.next().is_some()
            || program.is_empty()
            || step.is_empty()
            || episode.is_empty()
            || !digits_ok
        {
            return None;
        }
        Some((program, step, episode, n.parse().ok()?, derived))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Ids made of the parts ids are made of, from one to seven of them (parts may
        /// hold slashes or be empty): both parse alike.
        #[test]
        fn parse_id_agrees_with_split(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "p", "day-1-call", "ep-1", "0", "12", "01", "4294967296", "x",
                    "attempt-2", "attempt-0", "overdue", "message", "abnormal-contact",
                    "patient:p-1", "鼻", "", "a/b",
                ]),
                1..8,
            ),
        ) {
            let id: String = parts.join("/");
            proptest::prop_assert_eq!(parse_id(&id), parse_by_split(&id), "{}", id);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Outcomes in any order, of steps whose hash is the same (`day-1-call`,
        /// `day-3-call`, `day-6-call`: same length, same bytes where the hash looks) and
        /// of others, of this episode and another: each occurrence gets exactly its own
        /// outcomes, in time order, copies once, and steps with none get none.
        #[test]
        fn each_occurrence_gets_its_own_outcomes(
            outcomes in proptest::collection::vec((0usize..6, 0u32..3, 0u32..100, proptest::bool::ANY), 0..30),
        ) {
            const STEPS: [&str; 6] =
                ["day-1-call", "day-3-call", "day-6-call", "day-1-text", "x", "month-1-call"];
            let history = History {
                outcomes: (outcomes.iter())
                    .map(|&(s, n, minute, other)| Outcome {
                        task: format!("p/{}/{}/{n}", STEPS[s], if other { "ep-2" } else { "ep-1" }),
                        outcome: OutcomeKind::Note,
                        at: chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                            .unwrap()
                            .and_hms_opt(9, minute % 60, 0)
                            .unwrap()
                            + chrono::Duration::hours(i64::from(minute / 60)),
                        by: None,
                        to: None,
                        day: None,
                        note: Some(format!("{s}/{n}/{minute}")),
                    })
                    .collect(),
                follow_ups: Vec::new(),
            };
            assert_eq!(step_hash("p", "day-1-call"), step_hash("p", "day-3-call"));
            let mut ledger = Ledger::new(&history, "ep-1", chrono::NaiveDateTime::MIN);
            for step in STEPS {
                for n in 0..4 {
                    let mut want: Vec<&Outcome> = (history.outcomes.iter())
                        .filter(|o| o.task == format!("p/{step}/ep-1/{n}"))
                        .collect();
                    // In time order, a copy of an outcome once.
                    want.sort_by_key(|o| (o.at, *o));
                    want.dedup();
                    let got = ledger.take("p", step, n);
                    let got: Vec<&Outcome> =
                        got.iter().flatten().map(|e| e.outcome).collect();
                    proptest::prop_assert_eq!(
                        got.iter().map(|o| (o.at, &o.note)).collect::<Vec<_>>(),
                        want.iter().map(|o| (o.at, &o.note)).collect::<Vec<_>>(),
                        "{}/{}", step, n
                    );
                    // Another program's step of the same id has none.
                    proptest::prop_assert!(ledger.take("q", step, n).is_none());
                }
            }
        }
    }

    /// A recorder's id is shared by the records of the same recorder, among the first
    /// `RECORDERS`; past them each record has its own copy, with the same id.
    #[test]
    fn recorders_share_their_id() {
        let history = History::default();
        let mut ledger = Ledger::new(&history, "ep-1", chrono::NaiveDateTime::MIN);
        let ids: Vec<String> = (0..RECORDERS + 4).map(|i| format!("u-{i}")).collect();
        let first: Vec<Arc<str>> = ids.iter().map(|id| ledger.recorder(id)).collect();
        for (k, id) in ids.iter().enumerate() {
            let again = ledger.recorder(id);
            assert_eq!(&*again, id.as_str());
            assert_eq!(Arc::ptr_eq(&again, &first[k]), k < RECORDERS, "{id}");
        }
    }
}
