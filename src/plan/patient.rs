//! Patient-level planning: greetings and other programs with `"scope": "patient"`,
//! planned over a horizon rather than from an event.

use super::task::DropReason;
use super::{episode_error, Planner};
use crate::calendar::Calendar;
use crate::compile::{Anchor, Program, Step};
use crate::episode::{Episode, Patient};
use crate::error::{Located, Result};
use crate::offset::{Landing, MonthEnd};
use crate::plan::task::Plan;
use crate::ruleset::RuleSet;
use chrono::Datelike;
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
    /// The patient's `declined` and `opt_outs` stop greetings as they stop every program
    /// (docs/domain.md §8). A refusal or opt-out recorded on an episode (a `declined` or
    /// `opt_out` fact) is the patient's too: pass
    /// [`patient.with_refusals_of(&episodes)`](Patient::with_refusals_of); one recorded
    /// in a history, through [`RuleSet::plan_patient_with`], the patient folded with
    /// [`Patient::with_refusals_in`] so that the patient's return ends it
    /// (`patient.came_back`).
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Patient, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let patient = Patient { id: "p-42".into(), birthday: Some("1990-11-03".parse().unwrap()), ..Patient::default() };
    /// let from = "2026-01-01".parse().unwrap();
    /// let until = "2026-12-31".parse().unwrap();
    /// let plan = rules.plan_patient(&patient, from, until, &Calendar::default())?;
    /// let birthday = plan.tasks.iter().find(|t| t.step() == "birthday-greeting").unwrap();
    /// assert_eq!(birthday.due.to_string(), "2026-11-03");
    /// assert_eq!(birthday.id(), "greetings/birthday-greeting/patient:p-42/20261103");
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`] if `until` is before `from`, either lies outside the years
    /// 1900 to 9899 (a placeholder such as `0001-01-01`), the horizon is longer than
    /// `max_offset_days`, or a limit is exceeded. A lunar festival past the years the
    /// lunar calendar covers (1901-2099) is no error: that greeting is listed in
    /// `plan.dropped` (`missing_anchor`, detail `spring_festival 2100`), the others are
    /// planned.
    pub fn plan_patient(
        &self,
        patient: &Patient,
        from: NaiveDate,
        until: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Plan> {
        let episode = self.patient_episode(patient, from, until)?;
        self.run(&episode, None, calendar, Some((from, until)))
    }

    /// [`RuleSet::plan_patient`] with what happened so far to the patient's greetings
    /// (their ids name the episode `patient:<id>`): see [`RuleSet::plan_with`].
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan_patient`].
    pub fn plan_patient_with(
        &self,
        patient: &Patient,
        history: &crate::history::History,
        from: NaiveDate,
        until: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Plan> {
        let episode = self.patient_episode(patient, from, until)?;
        self.run(&episode, Some(history), calendar, Some((from, until)))
    }

    /// [`RuleSet::plan_patient`] (with `history`, as [`RuleSet::plan_patient_with`] does,
    /// when given), with the explanation of every greeting and dropped occurrence, as
    /// [`RuleSet::explain`] gives an episode's.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Patient, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let patient: Patient = serde_json::from_str(r#"{"id": "p-1", "birthday": "1992-02-29"}"#).unwrap();
    /// let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let x = rules.explain_patient(&patient, None, day("2026-01-01"), day("2026-12-31"), &Calendar::default())?;
    /// let birthday = x.plan.tasks.iter().find(|t| t.step() == "birthday-greeting").unwrap();
    /// assert_eq!(birthday.due, day("2026-02-28"));
    /// assert_eq!(
    ///     x.of(&birthday.id()).unwrap().anchor,
    ///     "the patient's birthday (29 February; 28 February in a common year) in 2026: 2026-02-28 (Sat)"
    /// );
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan_patient`].
    pub fn explain_patient(
        &self,
        patient: &Patient,
        history: Option<&crate::history::History>,
        from: NaiveDate,
        until: NaiveDate,
        calendar: &Calendar,
    ) -> Result<super::explain::Explained> {
        let episode = self.patient_episode(patient, from, until)?;
        let (plan, explanations) =
            self.run_traced(&episode, history, calendar, Some((from, until)))?;
        Ok(super::explain::Explained::sorted(plan, explanations))
    }

    /// The episode a patient's plan from `from` to `until` is made of, the horizon
    /// checked.
    fn patient_episode(
        &self,
        patient: &Patient,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Episode> {
        // The name is built only on an error.
        let what = || format!("patient {:?}", patient.id);
        check_horizon(patient, from, until, &self.limits).map_err(|(field, e)| {
            let pointer = if field == "patient/birthday" {
                "/patient/birthday"
            } else {
                ""
            };
            Located {
                pointer: pointer.into(),
                ..e
            }
            .into_episode(&what())
        })?;
        let episode = Episode {
            id: format!("patient:{}", patient.id).into(),
            event: "patient".into(),
            at: from.and_time(chrono::NaiveTime::MIN),
            attributes: BTreeMap::new(),
            patient: patient.clone(),
            milestones: BTreeMap::new(),
            course: None,
            facts: Vec::new(),
            owners: BTreeMap::new(),
            reassignments: Vec::new(),
        };
        Ok(episode)
    }
}

impl Planner<'_> {
    /// The anchor day of a yearly patient-level anchor in `year`, with the step's
    /// month-end policy for 29 February; `None` when there is none that year.
    pub(super) fn yearly(&self, step: &Step, year: i32) -> Result<Option<Landing>> {
        let (month, day) = match &step.anchor {
            Anchor::Birthday => match self.ep.patient.birthday {
                Some(b) => (b.month(), b.day()),
                None => return Ok(None),
            },
            Anchor::Date(m, d) => (*m, *d),
            Anchor::Festival(f) => {
                // Without the `lunar` feature, compiling refuses festival anchors.
                #[cfg(feature = "lunar")]
                let day = crate::lunar::festival_date(*f, year);
                #[cfg(not(feature = "lunar"))]
                let day = None;
                return match day {
                    Some(d) => Ok(Some(Landing::Date(d))),
                    None => Err(episode_error(
                        &self.what(),
                        String::new(),
                        format!(
                            "step {}: the date of {} is known for the years {}-{} only, not {year}",
                            step.info.step,
                            f.id(),
                            crate::lunar::SUPPORTED_YEARS.start(),
                            crate::lunar::SUPPORTED_YEARS.end()
                        ),
                        None,
                    )),
                };
            }
            _ => return Ok(None),
        };
        if let Some(d) = NaiveDate::from_ymd_opt(year, month, day) {
            return Ok(Some(Landing::Date(d)));
        }
        // 29 February in a common year: the same policy as month arithmetic.
        let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
            return Ok(None);
        };
        let next = first.checked_add_months(chrono::Months::new(1));
        Ok(Some(match step.month_end {
            MonthEnd::Clamp => next
                .and_then(|d| d.pred_opt())
                .map_or(Landing::OutOfRange, Landing::Date),
            MonthEnd::NextMonthFirst => next.map_or(Landing::OutOfRange, Landing::Date),
            MonthEnd::Skip => Landing::Skipped,
        }))
    }

    /// Lists a yearly occurrence skipped by `month_end: skip` when it falls in the horizon.
    /// A festival greeting of `year`, a year the lunar table does not reach: dropped,
    /// `missing_anchor` with the festival and the year, numbered `YYYY0000` (no day) —
    /// when it could fall between `from` and `until`: a lunar day falls some 20 to 55
    /// days after the Gregorian day of the same numbers (audit 81: a horizon ending in
    /// January listed the Mid-Autumn Festival of September).
    #[cold]
    pub(super) fn unknown_festival(
        &mut self,
        program: &Program,
        step: &Step,
        year: i32,
        (from, until): (NaiveDate, NaiveDate),
    ) {
        let Anchor::Festival(f) = &step.anchor else {
            return;
        };
        let (m, d) = f.lunar_month_day();
        let near = |days: u64| {
            let day = NaiveDate::from_ymd_opt(year, u32::from(m), u32::from(d).min(28))?
                .checked_add_days(chrono::Days::new(days))?;
            match step.offset.apply(day, MonthEnd::Clamp) {
                Landing::Date(x) => Some(x),
                _ => None,
            }
        };
        if let (Some(first), Some(last)) = (near(10), near(60))
            && (last < from || first > until)
        {
            return;
        }
        let n = u32::try_from(year).unwrap_or(0).saturating_mul(10_000);
        let detail: std::sync::Arc<str> = format!("{} {year}", f.id()).into();
        // Its own reason, not the last anchor's (audit 132: the 2100 Spring Festival was
        // "explained" by the 2099 one).
        self.why_anchor(|| {
            format!(
                "the {} ({}) in {year}, which the lunar table does not give (it covers {}-{})",
                f.name_en(),
                f.id(),
                crate::lunar::SUPPORTED_YEARS.start(),
                crate::lunar::SUPPORTED_YEARS.end()
            )
        });
        self.drop(
            program,
            step,
            n,
            None,
            DropReason::MissingAnchor,
            Some(detail),
        );
    }

    /// A patient-level occurrence `skip` leaves out, its offset from `anchor` landing on
    /// no day: listed only when the day it was chosen to avoid (the offset's month's last
    /// day) is inside the horizon and not before the patient's birth, numbered as that
    /// day plus the days its month lacks (`…/20270231`), as [`Planner::skipped_yearly`]
    /// numbers (audit 180: counted 0, 1, 2, and listed for the years either side of the
    /// horizon).
    pub(super) fn skipped_in_horizon(
        &mut self,
        program: &Program,
        step: &Step,
        anchor: NaiveDate,
        reason: DropReason,
    ) {
        let Some((from, until)) = self.horizon else {
            return;
        };
        let Landing::Date(last) = step.offset.apply(anchor, MonthEnd::Clamp) else {
            return;
        };
        if last < from || last > until || self.ep.patient.birthday.is_some_and(|b| last < b) {
            return;
        }
        let n = yyyymmdd(last)
            .unwrap_or(0)
            .saturating_add(anchor.day().saturating_sub(last.day()));
        self.drop(program, step, n, None, reason, None);
        self.anchors.push(None);
    }

    pub(super) fn skipped_yearly(
        &mut self,
        program: &Program,
        step: &Step,
        year: i32,
        from: NaiveDate,
        until: NaiveDate,
    ) {
        let (month, day) = match (&step.anchor, self.ep.patient.birthday) {
            (Anchor::Date(m, d), _) => (*m, *d),
            (_, Some(b)) => (b.month(), b.day()),
            _ => return,
        };
        // The day the occurrence would have been on: the last of the month.
        let nominal = NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|f| f.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt());
        let nominal = nominal.and_then(|d| match step.offset.apply(d, MonthEnd::Clamp) {
            Landing::Date(x) => Some(x),
            _ => None,
        });
        if let Some(d) = nominal.filter(|d| *d >= from && *d <= until) {
            let n = yyyymmdd(d)
                .unwrap_or(0)
                .saturating_add(day.saturating_sub(d.day()));
            // Why there is none (audit 180: the explanation said "from" and nothing).
            self.why_anchor(|| {
                let what = match step.anchor {
                    Anchor::Birthday => "the patient's birthday",
                    _ => "the day of the year",
                };
                let base = NaiveDate::from_ymd_opt(year, month, day);
                match base {
                    None => format!(
                        "{what} in {year}: {year} has no {} (month_end skip: none that year)",
                        super::explain::month_day(month, day)
                    ),
                    Some(b) => format!(
                        "{what} in {year}: {}; offset {}: {} has no such day in its month (month_end skip: none that year)",
                        super::explain::day(b),
                        step.offset,
                        super::explain::plus(super::explain::day(b), &step.offset)
                    ),
                }
            });
            // No day of its own: the clamped day is the one `skip` was chosen to avoid,
            // and an episode's skipped occurrence has none either (audit 165).
            self.drop(program, step, n, None, DropReason::MonthEndSkipped, None);
        }
    }
}

/// The day as a number `YYYYMMDD` (years 0 to 9999 fit).
pub(super) fn yyyymmdd(d: NaiveDate) -> Option<u32> {
    let y = u32::try_from(d.year()).ok()?;
    Some(y * 10_000 + d.month() * 100 + d.day())
}

/// A patient's horizon as planning takes it: not reversed, in the years a recorded day is
/// read in, no birthday after its last day, not longer than `max_offset_days`. The error
/// names the field (`horizon/from`, `horizon/until`, `horizon`, `patient/birthday`): a
/// case file points at it (`/cases/0/horizon/from`).
pub(crate) fn check_horizon(
    patient: &Patient,
    from: NaiveDate,
    until: NaiveDate,
    limits: &crate::rules::Limits,
) -> std::result::Result<(), (&'static str, Located)> {
    if until < from {
        return Err((
            "horizon/until",
            Located::new(
                "",
                format!("the horizon ends on {until}, before it starts on {from}: expected \"until\" on or after \"from\""),
            ),
        ));
    }
    // In the years a recorded day is read in, as an event's: 0001-01-01 stands for
    // "unknown" (audit 63: tasks were planned, and exported, in the year 0001).
    for (day, field, end) in [
        (from, "horizon/from", "starts"),
        (until, "horizon/until", "ends"),
    ] {
        use chrono::Datelike;
        let years = crate::time::RECORDED_YEARS;
        if !years.contains(&day.year()) {
            return Err((
                field,
                Located::new(
                    "",
                    format!(
                        "the horizon {end} on {day}: expected a day of the years {} to {} (the years of real records: a day outside them is a placeholder or a slip)",
                        years.start(),
                        years.end()
                    ),
                ),
            ));
        }
    }
    // Born by the last day planned (a baby born inside the horizon is greeted from its
    // first birthday): a birthday after it is a slip of the year (2040 for 1940).
    if let Some(b) = patient.birthday.filter(|b| *b > until) {
        return Err((
            "patient/birthday",
            Located::new(
                "",
                format!("the birthday {b} is after the last day planned ({until}): expected a day of birth before it (a slip of the year?)"),
            ),
        ));
    }
    let days = (until - from).num_days();
    if days > i64::from(limits.max_offset_days) {
        return Err((
            "horizon",
            Located::new(
                "",
                format!(
                    "the horizon ends {days} days after it starts, more than the limit max_offset_days ({}): expected \"until\" at most {} days after \"from\"",
                    limits.max_offset_days,
                    limits.max_offset_days
                ),
            )
            .limit("max_offset_days"),
        ));
    }
    Ok(())
}
