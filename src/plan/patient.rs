//! Patient-level planning: greetings and other programs with `"scope": "patient"`,
//! planned over a horizon rather than from an event.

use crate::calendar::Calendar;
use crate::episode::{Episode, Patient};
use crate::error::{Located, Result};
use crate::plan::task::Plan;
use crate::ruleset::RuleSet;
use chrono::NaiveDate;
use std::collections::BTreeMap;

impl RuleSet {
    /// Plans the patient-level programs (`"scope": "patient"`: birthday and festival
    /// greetings, quarterly messages…) for `patient` over the days `from..=until`.
    ///
    /// Occurrences are numbered by their day (`YYYYMMDD`), so task ids are the same
    /// whatever horizon is asked: `greetings/birthday-greeting/patient:p-42/20261103`. The
    /// `episode` of these tasks is `patient:<patient id>`. Conditions in `applies` and
    /// `when` can test the patient's tags (`{"tag": "key_customer"}`).
    ///
    /// ```
    /// use followup::{Calendar, Patient, RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let patient = Patient { id: "p-42".into(), birthday: Some("1990-11-03".parse().unwrap()), ..Patient::default() };
    /// let from = "2026-01-01".parse().unwrap();
    /// let until = "2026-12-31".parse().unwrap();
    /// let plan = rules.plan_patient(&patient, from, until, &Calendar::default())?;
    /// let birthday = plan.tasks.iter().find(|t| &*t.step == "birthday-greeting").unwrap();
    /// assert_eq!(birthday.due.to_string(), "2026-11-03");
    /// assert_eq!(birthday.id, "greetings/birthday-greeting/patient:p-42/20261103");
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`] if `until` is before `from`, the horizon is longer than
    /// `max_offset_days`, a lunar festival falls outside the years the lunar calendar
    /// covers (1901-2099), or a limit is exceeded.
    pub fn plan_patient(
        &self,
        patient: &Patient,
        from: NaiveDate,
        until: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Plan> {
        let what = format!("patient {:?}", patient.id);
        if until < from {
            return Err(Located::new(
                "",
                format!(
                    "the horizon ends ({until}) before it starts ({from}): expected from <= until"
                ),
            )
            .into_episode(&what));
        }
        let days = (until - from).num_days();
        if days > i64::from(self.limits.max_offset_days) {
            return Err(Located::new(
                "",
                format!(
                    "the horizon is {days} days long, more than the limit max_offset_days ({})",
                    self.limits.max_offset_days
                ),
            )
            .limit("max_offset_days")
            .into_episode(&what));
        }
        let episode = Episode {
            id: format!("patient:{}", patient.id),
            event: "patient".into(),
            at: from.and_time(chrono::NaiveTime::MIN),
            attributes: BTreeMap::new(),
            patient: patient.clone(),
            milestones: BTreeMap::new(),
            course: None,
            facts: Vec::new(),
        };
        self.run(&episode, calendar, Some((from, until)))
    }
}
