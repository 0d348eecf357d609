//! What was planned but will not be done: a dropped occurrence and why. Like a task, it
//! finds its program and step through its plan's subject, with no id built.

use super::task::{task_id, Derived, DropReason, InfoRef, Subject, Task, TaskInfo};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// An occurrence that was planned but will not be done.
///
/// Its program, step and id are read with [`Dropped::program`], [`Dropped::step`] and
/// [`Dropped::id`], as a [`Task`]'s are: a dropped occurrence holds one reference count
/// (its plan's subject: the episode's id and the rule set's step table), not copies of
/// its ids, so a plan pays little for what it drops.
///
/// JSON (the fields in this order; `detail` left out when absent):
///
/// ```json
/// {"id": "plastic-aftercare/review-reminder/ep-1/0", "program": "plastic-aftercare",
///  "step": "review-reminder", "occurrence": 0, "nominal": null,
///  "reason": "missing_anchor", "detail": "review_visit"}
/// ```
///
/// ```
/// use followup::{calendar::Calendar, episode::Episode, plan::DropReason, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure",
///     "at": "2026-03-02T10:00:00", "attributes": {"category": "plastic", "setting": "inpatient"},
///     "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let d = &plan.dropped[0];
/// assert_eq!((d.program(), d.step()), ("plastic-aftercare", "review-reminder"));
/// assert_eq!(d.id(), "plastic-aftercare/review-reminder/ep-1/0");
/// assert_eq!((d.reason, d.detail.as_deref()), (DropReason::MissingAnchor, Some("review_visit")));
/// # Ok::<(), followup::Error>(())
/// ```
#[derive(Clone)]
pub struct Dropped {
    /// Who the plan is for and the rule set's step table: shared with the plan's tasks.
    pub(crate) subject: Arc<Subject>,
    /// What was dropped: a step of the table, or its own ids.
    pub(crate) what: What,
    /// Occurrence number.
    pub occurrence: u32,
    /// The day the rule gave, where there was one.
    pub nominal: Option<NaiveDate>,
    /// Why it was dropped.
    pub reason: DropReason,
    /// The fact kind, channel or anchor behind the reason, where there is one.
    pub detail: Option<Arc<str>>,
    /// The day its rule gave counted from its anchor as moved (`nominal` counts from a
    /// moved visit's default day): what the lanes of its program order it by while it
    /// is planned. Not part of its JSON form.
    pub(crate) rule_day: Option<NaiveDate>,
}

/// What a dropped occurrence is.
#[derive(Debug, Clone)]
pub(crate) enum What {
    /// A step in the subject's table, at this slot; with the part its id adds to the
    /// occurrence's when it was made from another (a further attempt, a message).
    Rules(u32, Option<Derived>),
    /// Its own program id, step id and id: clinic notices, follow-ups added by hand,
    /// occurrences read from JSON.
    Own(Arc<str>, Arc<str>, Box<str>),
}

impl Dropped {
    /// The occurrence `occurrence` of the step `info` (made from another when `derived`)
    /// in the plan for `subject`.
    pub(crate) fn of_step(
        subject: &Arc<Subject>,
        info: &Arc<TaskInfo>,
        derived: Option<Derived>,
        occurrence: u32,
        nominal: Option<NaiveDate>,
        (reason, detail): (DropReason, Option<Arc<str>>),
    ) -> Dropped {
        let what = match InfoRef::to(info, &subject.infos) {
            InfoRef::Rules(slot, _) => What::Rules(slot, derived),
            InfoRef::Own(_) => {
                let mut id = task_id(&info.program, &info.step, &subject.episode, occurrence);
                if let Some(d) = derived {
                    id.push('/');
                    id.push_str(&d.name());
                }
                What::Own(info.program.clone(), info.step.clone(), id.into())
            }
        };
        Dropped {
            subject: subject.clone(),
            what,
            occurrence,
            nominal,
            reason,
            detail,
            rule_day: nominal,
        }
    }

    /// An occurrence with its own ids: `program`, `step` and `id`.
    pub(crate) fn own(
        subject: &Arc<Subject>,
        (program, step, id): (Arc<str>, Arc<str>, String),
        occurrence: u32,
        nominal: Option<NaiveDate>,
        (reason, detail): (DropReason, Option<Arc<str>>),
    ) -> Dropped {
        Dropped {
            subject: subject.clone(),
            what: What::Own(program, step, id.into()),
            occurrence,
            nominal,
            reason,
            detail,
            rule_day: nominal,
        }
    }

    /// `task` as dropped for `reason` (with `detail`): what a host lists when it drops a
    /// task itself, as [`crate::replan::merge_plans`] does for the tasks past a frequency cap.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, plan::{DropReason, Dropped}, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure",
    ///     "at": "2026-03-02T10:00:00", "attributes": {"category": "plastic", "setting": "inpatient"},
    ///     "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
    /// let plan = rules.plan(&ep, &Calendar::default())?;
    /// let d = Dropped::of_task(&plan.tasks[0], DropReason::FrequencyCap, Some("phone".into()));
    /// assert_eq!((d.id(), d.program(), d.occurrence), (plan.tasks[0].id(), plan.tasks[0].program(), 0));
    /// assert_eq!(d.nominal, Some(plan.tasks[0].nominal));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn of_task(task: &Task, reason: DropReason, detail: Option<Arc<str>>) -> Dropped {
        let what = match (&task.info, task.derived) {
            (InfoRef::Rules(slot, _), derived) => What::Rules(*slot, derived),
            (InfoRef::Own(info), _) => {
                What::Own(info.program.clone(), info.step.clone(), task.id().into())
            }
        };
        Dropped {
            subject: task.subject.clone(),
            what,
            occurrence: task.occurrence,
            nominal: Some(task.nominal),
            reason,
            detail,
            rule_day: Some(task.nominal),
        }
    }

    fn table_info(&self, slot: u32) -> Option<&TaskInfo> {
        self.subject.infos.get(slot as usize).map(|i| &**i)
    }

    /// Program id.
    pub fn program(&self) -> &str {
        match &self.what {
            What::Rules(slot, _) => self.table_info(*slot).map_or("", |i| &i.program),
            What::Own(program, _, _) => program,
        }
    }

    /// Step id.
    pub fn step(&self) -> &str {
        match &self.what {
            What::Rules(slot, _) => self.table_info(*slot).map_or("", |i| &i.step),
            What::Own(_, step, _) => step,
        }
    }

    /// The episode id.
    pub fn episode(&self) -> &str {
        &self.subject.episode
    }

    /// The patient id.
    pub fn patient(&self) -> &str {
        &self.subject.patient
    }

    /// The id the task would have had (`program/step/episode/occurrence`, and `/` and
    /// the derived part for one made from another occurrence).
    pub fn id(&self) -> String {
        match &self.what {
            What::Rules(_, derived) => {
                let mut id = task_id(
                    self.program(),
                    self.step(),
                    &self.subject.episode,
                    self.occurrence,
                );
                if let Some(d) = derived {
                    id.push('/');
                    id.push_str(&d.name());
                }
                id
            }
            What::Own(_, _, id) => id.to_string(),
        }
    }

    /// The title its task would have had, placeholders filled as a task's are
    /// ([`Task::title`]: `{session}`, `{patient}`…); `None` for an occurrence with ids of
    /// its own (a clinic notice, a follow-up added by hand, one read from JSON), whose
    /// title the plan does not hold.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "c-1", "event": "course",
    ///     "at": "2026-03-04T14:00:00", "attributes": {"category": "skin"},
    ///     "patient": {"id": "p-1", "declined": "2026-03-12T10:00:00"},
    ///     "course": {"package": 3, "done": ["2026-03-04"], "planned": ["2026-03-18"]}}"#)?;
    /// let plan = rules.plan(&ep, &Calendar::default())?;
    /// let call = plan.dropped.iter().find(|d| d.id() == "treatment-course/session-care-call/c-1/2").unwrap();
    /// assert_eq!(call.title().unwrap().en(), "Day-3 warm care call after session 2");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn title(&self) -> Option<std::borrow::Cow<'_, crate::text::Text>> {
        use std::borrow::Cow;
        let (info, _) = self.in_table()?;
        let filled = match (info.templates.as_deref(), self.subject.fill.as_ref()) {
            (Some(t), Some(values)) if t.title.is_some() => {
                let due = self.nominal.unwrap_or(NaiveDate::MIN);
                let context = values.context(None, Some(t), self.occurrence, (info.rank, due));
                Some(context.title(t, info))
            }
            _ => None,
        };
        Some(filled.map_or(Cow::Borrowed(&info.title), Cow::Owned))
    }

    /// For an occurrence dropped as [`DropReason::Superseded`], the task of `plan` that
    /// supersedes it: of its episode and program, of the step its `detail` names, the
    /// first whose rule day is not before its own (for a per-session step, the next
    /// session's call). `None` for any other reason, or when that task is not in `plan`
    /// (dropped in its turn, or `plan` is another episode's).
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, plan::DropReason, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// // Sessions on Wed 4 … Sat 7 March; the clinic is closed on Mon 9 March, the day-3
    /// // call of session 3 (Fri 6) finds only Tue 10, the day of session 4's call.
    /// let ep = Episode::from_json("ep", r#"{"id": "c-1", "event": "course",
    ///     "at": "2026-03-04T10:00:00", "attributes": {"category": "skin"},
    ///     "patient": {"id": "p-1"},
    ///     "course": {"package": 6, "done": ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]}}"#)?;
    /// let cal = Calendar::from_json("clinic", r#"{"closed_dates": ["2026-03-09"]}"#)?;
    /// let plan = rules.plan(&ep, &cal)?;
    /// let call = plan.dropped.iter().find(|d| d.id() == "treatment-course/session-care-call/c-1/3").unwrap();
    /// assert_eq!(call.reason, DropReason::Superseded);
    /// let by = call.superseded_by(&plan).unwrap();
    /// assert_eq!(by.id(), "treatment-course/session-care-call/c-1/4");
    /// assert_eq!(by.title().en(), "Day-3 warm care call after session 4");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn superseded_by<'p>(&self, plan: &'p super::Plan) -> Option<&'p Task> {
        let step = self.detail.as_deref()?;
        if self.reason != DropReason::Superseded {
            return None;
        }
        let program = self.program();
        let after = self.nominal.unwrap_or(NaiveDate::MIN);
        let id = self.id();
        // Its episode and patient: a dropped occurrence read from JSON knows its episode
        // by its id only (`program/step/episode/occurrence`), and no patient.
        let episode = match &*self.subject.episode {
            "" => id.split('/').nth(2).unwrap_or(""),
            e => e,
        };
        let patient = &*self.subject.patient;
        (plan.tasks.iter())
            .filter(|t| t.derived.is_none() && t.nominal >= after)
            .filter(|t| t.step() == step && t.program() == program && t.episode() == episode)
            .filter(|t| patient.is_empty() || t.patient() == patient)
            .filter(|t| t.id() != id)
            .min_by_key(|t| (t.nominal, t.occurrence))
    }

    /// Its step in the subject's table, with the derived part of its id; `None` for one
    /// with ids of its own.
    pub(crate) fn in_table(&self) -> Option<(&TaskInfo, Option<Derived>)> {
        match &self.what {
            What::Rules(slot, derived) => Some((self.table_info(*slot)?, *derived)),
            What::Own(..) => None,
        }
    }
}

/// The JSON form, in a module of its own so that it is named `Dropped` too (in `Debug`).
mod form {
    use super::{Arc, DropReason, NaiveDate};
    use serde::{Deserialize, Serialize};
    use std::borrow::Cow;

    /// An occurrence that was planned but will not be done.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub(super) struct Dropped<'a> {
        /// The id the task would have had.
        pub(super) id: Cow<'a, str>,
        /// Program id.
        #[serde(borrow)]
        pub(super) program: Cow<'a, str>,
        /// Step id.
        #[serde(borrow)]
        pub(super) step: Cow<'a, str>,
        /// Occurrence number.
        pub(super) occurrence: u32,
        /// The day the rule gave, where there was one.
        #[serde(default, with = "crate::episode::dates::option")]
        #[cfg_attr(
            any(test, feature = "schema"),
            schemars(with = "Option<crate::schema::strings::Date>")
        )]
        pub(super) nominal: Option<NaiveDate>,
        /// Why it was dropped.
        pub(super) reason: DropReason,
        /// The fact kind, channel or anchor behind the reason, where there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(super) detail: Option<Arc<str>>,
    }
}

impl Dropped {
    /// Its JSON form (what it is written as, compared by and shown as).
    fn form(&self) -> form::Dropped<'_> {
        form::Dropped {
            id: self.id().into(),
            program: self.program().into(),
            step: self.step().into(),
            occurrence: self.occurrence,
            nominal: self.nominal,
            reason: self.reason,
            detail: self.detail.clone(),
        }
    }
}

impl Serialize for Dropped {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.form().serialize(s)
    }
}

/// Read as written; its ids are kept as given.
impl<'de> Deserialize<'de> for Dropped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = form::Dropped::deserialize(d)?;
        // The ids the engine writes, as for a task read back (audit 66: a NUL in the id).
        if let Some((what, id)) = super::task_serde::rule_id_fault(&r.program, &r.step) {
            return Err(serde::de::Error::custom(format!(
                "invalid {what} id {id:?} of dropped occurrence {:?}: expected {}",
                r.id,
                super::task_serde::RULE_ID_CHARS
            )));
        }
        let fits = super::ledger::parse_id(&r.id).is_some_and(|(p, s, e, n, _)| {
            p == &*r.program
                && s == &*r.step
                && n == r.occurrence
                && super::task_serde::episode_id_ok(e)
        });
        if !fits {
            return Err(serde::de::Error::custom(format!(
                "the dropped occurrence id {:?} does not match its program, step and occurrence: expected {}/{}/<episode>/{} with an episode id of {}",
                r.id,
                r.program,
                r.step,
                r.occurrence,
                crate::episode::ID_CHARS
            )));
        }
        let subject = Arc::new(Subject::bare("".into(), "".into()));
        let ids = (
            Arc::from(r.program.as_ref()),
            Arc::from(r.step.as_ref()),
            r.id.into_owned(),
        );
        Ok(Dropped::own(
            &subject,
            ids,
            r.occurrence,
            r.nominal,
            (r.reason, r.detail),
        ))
    }
}

// The schema of the JSON form.
schema_of_form!(Dropped, form::Dropped, None);

/// Equal when their JSON forms are: ids, program, step, occurrence, nominal day, reason
/// and detail (a dropped occurrence read from JSON equals the one planned).
impl PartialEq for Dropped {
    fn eq(&self, other: &Self) -> bool {
        self.form() == other.form()
    }
}

impl Eq for Dropped {}

/// Shown as its JSON form's fields.
impl fmt::Debug for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.form().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::{DropReason, Dropped, Subject};
    use std::sync::Arc;

    /// `Debug` shows the JSON form's fields under the name `Dropped`; equality follows the
    /// form, whichever way the ids are held; the JSON reads back equal.
    #[test]
    fn debug_equality_and_json_follow_the_form() {
        let subject = Arc::new(Subject::bare("ep-1".into(), "p-1".into()));
        let ids = (
            "care".into(),
            "day-1-call".into(),
            "care/day-1-call/ep-1/0".into(),
        );
        let why = (DropReason::MissingAnchor, Some("review_visit".into()));
        let d = Dropped::own(&subject, ids, 0, None, why);
        assert_eq!(
            format!("{d:?}"),
            r#"Dropped { id: "care/day-1-call/ep-1/0", program: "care", step: "day-1-call", occurrence: 0, nominal: None, reason: MissingAnchor, detail: Some("review_visit") }"#
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"id":"care/day-1-call/ep-1/0","program":"care","step":"day-1-call","occurrence":0,"nominal":null,"reason":"missing_anchor","detail":"review_visit"}"#
        );
        let back: Dropped = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let mut other = back.clone();
        other.occurrence = 1;
        assert_ne!(other, d);
    }
}
