//! The plans as a contact policy leaves them, for what reads tasks rather than contacts.

use super::merge::{ContactReason, MergedPlan};
use crate::plan::{Dropped, Plan, Status};
use chrono::NaiveDate;
use std::collections::BTreeMap;

impl MergedPlan {
    /// Writes back into `plans` (the plans this was merged from) what the contact policy
    /// did to their tasks, for what reads tasks rather than contacts — worklists,
    /// compliance, CSV and iCalendar exports:
    ///
    /// - a task the policy dropped (`frequency_cap`, `complaint_open`) leaves `tasks` for
    ///   `dropped`;
    /// - a task a contact moved is due on the contact's day, in its window of that day,
    ///   and on time there (the policy moved it, not its owner) — not before it, when it
    ///   moved later;
    /// - a task whose days an open complaint cut (a sales task due before the complaint,
    ///   worth doing until the day before it) has its `latest` and `expires` cut.
    ///
    /// With `as_of`, the status of each task changed is worked out again for that day
    /// (a task moved to a later day is not missed the morning of its old day). Tasks of
    /// a merged contact keep their own owner and window: a host listing the contact as
    /// one call gives it the contact's (see [`Contact::owner`](super::Contact::owner)).
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, replan::{merge_plans, ContactPolicy, Cap}, rules::{Channel, RuleSet}};
    /// let rules = RuleSet::builtin()?;
    /// let cal = Calendar::default();
    /// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
    ///     "patient": {"id": "p-1"}, "attributes": {"category": "plastic", "setting": "inpatient"}}"#)?;
    /// let mut plans = vec![rules.plan(&ep, &cal)?];
    /// // One call every two days at most: some calls move.
    /// let policy = ContactPolicy { caps: vec![Cap::new(Channel::Phone, 1, 2).unwrap()], ..ContactPolicy::default() };
    /// let merged = merge_plans(&plans, &policy, &cal);
    /// merged.apply_to(&mut plans, None);
    /// for c in &merged.contacts {
    ///     for r in &c.reasons {
    ///         let task = plans[0].tasks.iter().find(|t| t.id() == r.task.id()).unwrap();
    ///         assert_eq!(task.due, c.date);
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(&self, plans: &mut [Plan], as_of: Option<NaiveDate>) {
        let contacts: BTreeMap<String, (NaiveDate, &ContactReason)> = (self.contacts.iter())
            .flat_map(|c| c.reasons.iter().map(move |r| (r.task.id(), (c.date, r))))
            .collect();
        let dropped: BTreeMap<String, &Dropped> =
            self.dropped.iter().map(|d| (d.id(), d)).collect();
        for plan in plans {
            let mut gone = Vec::new();
            plan.tasks.retain(|t| match dropped.get(&t.id()) {
                Some(d) => {
                    gone.push((*d).clone());
                    false
                }
                None => true,
            });
            plan.dropped.extend(gone);
            for t in &mut plan.tasks {
                let Some((day, r)) = contacts.get(&t.id()) else {
                    continue;
                };
                let cut = r.task.latest < t.latest
                    || r.task.expires != t.expires
                    || (r.moved.is_none() && r.task.window != t.window);
                if !cut && r.moved.is_none() {
                    continue;
                }
                t.latest = t.latest.min(r.task.latest);
                t.expires = r.task.expires;
                // Its window cut by a complaint of its day (audit 252).
                t.window = r.task.window;
                if r.moved.is_some() {
                    t.window = r.task.window;
                    t.due = *day;
                    // Moved later, it is not to be done before its new day (a sales call
                    // moved off a care call's day: audit 236); moved earlier, its window
                    // opens as it did.
                    t.earliest = t.earliest.max(*day);
                    t.latest = t.latest.max(*day);
                }
                if let Some(as_of) = as_of.filter(|_| t.status.is_some()) {
                    t.status = Some(Status::of(t, as_of));
                }
            }
        }
    }
}
