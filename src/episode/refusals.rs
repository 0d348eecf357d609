//! A patient's refusal, opt-outs and details gathered from their episodes, for the plans
//! that are made for a patient rather than an episode (greetings, quarterly messages,
//! clinic notices), and for each of a patient's episodes planned together.

use super::{Episode, OptOut, Patient};
use crate::history::{History, OutcomeKind};

impl Episode {
    /// This episode with its patient as all of the patient's `episodes` know them:
    /// [`Patient::with_details_of`] (name, birthday, rest hours, tags) and
    /// [`Patient::with_refusals_of`] (the refusal and opt-outs recorded on any of them).
    /// Plan each of a patient's episodes so when they are planned together (a calendar
    /// of the patient, merged under a contact policy): a refusal recorded on the
    /// consultation stops the calls of the surgery's care too, an SMS opt-out given on the
    /// laser session stops every program's messages, and rest hours given once hold for
    /// every call (docs/domain.md §8, §9). What the rules decide for this episode alone
    /// stays its own: a refusal made before this episode's event does not count for it
    /// (the patient came back after saying no).
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let surgery = Episode::from_json("s", r#"{"id": "s", "event": "procedure",
    ///   "at": "2026-03-02T10:00", "attributes": {"category": "laser"},
    ///   "patient": {"id": "p-7"}}"#)?;
    /// let consultation = Episode::from_json("c", r#"{"id": "c", "event": "consultation",
    ///   "at": "2026-03-05T10:00", "attributes": {"outcome": "not_booked"},
    ///   "patient": {"id": "p-7"},
    ///   "facts": [{"kind": "declined", "at": "2026-03-05T11:00"}]}"#)?;
    /// let both = [surgery.clone(), consultation];
    /// let plan = rules.plan(&surgery.with_patient_of(&both), &Calendar::default())?;
    /// // The laser's calls of 3 March and of the morning of the 5th are kept; the
    /// // day-6 call and every later one are dropped: the patient said no on the 5th.
    /// let calls: Vec<String> = plan.tasks.iter().map(|t| t.due.to_string()).collect();
    /// assert_eq!(calls, ["2026-03-03", "2026-03-05"]);
    /// let day_6 = plan.dropped.iter().find(|d| d.step() == "day-6-call").unwrap();
    /// assert_eq!(day_6.reason.name(), "declined");
    /// // Alone, the laser episode knows nothing of the refusal.
    /// let alone = rules.plan(&surgery, &Calendar::default())?;
    /// assert!(alone.tasks.iter().any(|t| t.step() == "day-6-call"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    #[must_use]
    pub fn with_patient_of(&self, episodes: &[Episode]) -> Episode {
        let mut out = self.clone();
        out.patient = (self.patient.with_details_of(episodes)).with_refusals_of(episodes);
        // The refusal that counts for this episode is the first from its event on,
        // wherever it is recorded (a refusal, a return, then a second refusal: the second
        // stops this episode's calls); one before the event does not count anyway.
        let since = (self.patient.refusals_of(episodes).into_iter()).find(|at| *at >= self.at);
        if since.is_some() {
            out.patient.declined = since;
        }
        out
    }
}

impl Patient {
    /// This patient with the refusal and opt-outs recorded in `episodes` folded in:
    /// each episode's `declined` and `opt_out` facts and its own copy of the patient's
    /// `declined`, `came_back` and `opt_outs`. The earliest opt-out of each channel wins.
    /// Episodes of another patient (another `patient.id`) are skipped.
    ///
    /// The refusal is the last one the patient has not come back from — an episode's
    /// event after a refusal is the patient coming back — counted from its first word:
    /// `declined` is the earliest refusal since the last event before the latest refusal,
    /// and `came_back` the first event after the latest refusal, if any (audit 221: a
    /// patient who refused and came back for a new treatment was never greeted again).
    /// With no event after the refusals, as before, the earliest refusal holds for good.
    ///
    /// [`RuleSet::plan_patient`](crate::rules::RuleSet::plan_patient) plans a patient, not
    /// an episode, so it sees only what the patient itself records; a refusal or an SMS
    /// opt-out recorded on an episode (docs/domain.md §8: it belongs to the patient) stops
    /// the greetings once the patient given is this one.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure",
    ///   "at": "2026-03-02T10:00", "attributes": {"category": "laser"},
    ///   "patient": {"id": "p-42", "birthday": "1990-11-03"},
    ///   "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-04-01T09:00"}]}"#)?;
    /// let patient = ep.patient.with_refusals_of(std::slice::from_ref(&ep));
    /// let (from, until) = ("2026-03-02".parse().unwrap(), "2027-03-01".parse().unwrap());
    /// let plan = rules.plan_patient(&patient, from, until, &Calendar::default())?;
    /// // The Lantern Festival's greeting (3 March) is sent; none after the opt-out.
    /// assert!(plan.tasks.iter().any(|t| t.due.to_string() == "2026-03-03"));
    /// assert!(plan.tasks.iter().all(|t| t.due.to_string() < "2026-04-01".to_string()));
    /// assert!(plan.dropped.iter().any(|d| d.reason.name() == "opted_out"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    #[must_use]
    pub fn with_refusals_of(&self, episodes: &[Episode]) -> Patient {
        self.fold_refusals(episodes, Vec::new())
    }

    /// [`Patient::with_refusals_of`], with the refusals `history` records too (a
    /// `declined` outcome on any task: the patient's, whichever programme it named): the
    /// patient to plan greetings for with [`RuleSet::plan_patient_with`] when the refusal
    /// was said on a call (audit 223: a refusal in the history stopped the greetings for
    /// good though the patient came back, as `with_refusals_of` did not see it).
    ///
    /// ```
    /// use followup::{episode::Episode, history::History};
    /// let laser = Episode::from_json("a", r#"{"id": "a", "event": "procedure",
    ///   "at": "2026-03-02T10:00", "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
    /// let again = Episode::from_json("b", r#"{"id": "b", "event": "procedure",
    ///   "at": "2026-06-10T10:00", "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
    /// let h = History::from_json("h", r#"{"outcomes": [{"task": "laser-aftercare/day-1-call/a/0",
    ///   "outcome": "declined", "at": "2026-03-03T10:00"}]}"#)?;
    /// let p = laser.patient.with_refusals_in(&[laser.clone(), again], &h);
    /// assert_eq!(p.declined.map(|d| d.to_string()).as_deref(), Some("2026-03-03 10:00:00"));
    /// assert_eq!(p.came_back.map(|d| d.to_string()).as_deref(), Some("2026-06-10 10:00:00"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// [`RuleSet::plan_patient_with`]: crate::rules::RuleSet::plan_patient_with
    #[must_use]
    pub fn with_refusals_in(&self, episodes: &[Episode], history: &History) -> Patient {
        let said = (history.outcomes.iter())
            .filter(|o| o.outcome == OutcomeKind::Declined)
            .map(|o| o.at);
        self.fold_refusals(episodes, said.collect())
    }

    /// The refusals of `episodes` and `more` folded in (see [`Patient::with_refusals_of`]).
    fn fold_refusals(&self, episodes: &[Episode], more: Vec<chrono::NaiveDateTime>) -> Patient {
        let mut out = self.clone();
        let mut refusals = self.refusals_of(episodes);
        if !more.is_empty() {
            refusals.extend(more);
            refusals.sort_unstable();
        }
        if let Some(&last) = refusals.last() {
            let mine = || episodes.iter().filter(|e| e.patient.id == self.id);
            // The events, and the returns a host gave, that end a refusal.
            let returns = (mine().map(|e| e.at))
                .chain(mine().filter_map(|e| e.patient.came_back))
                .chain(self.came_back);
            let (mut before, mut after) = (None, None::<chrono::NaiveDateTime>);
            for at in returns {
                if at > last {
                    after = Some(after.map_or(at, |a| a.min(at)));
                } else {
                    before = before.max(Some(at));
                }
            }
            out.declined = (refusals.into_iter()).find(|r| before.is_none_or(|b| *r >= b));
            out.came_back = after;
        }
        for ep in episodes.iter().filter(|e| e.patient.id == self.id) {
            let opt_outs = (ep.facts.iter())
                .filter(|f| f.kind == "opt_out")
                .filter_map(|f| f.channel.map(|channel| OptOut { channel, at: f.at }))
                .chain(ep.patient.opt_outs.iter().cloned());
            for o in opt_outs {
                match out.opt_outs.iter_mut().find(|k| k.channel == o.channel) {
                    Some(k) => k.at = k.at.min(o.at),
                    None => out.opt_outs.push(o),
                }
            }
        }
        out
    }

    /// Every refusal of the patient, in order: its own `declined`, and each of its
    /// episodes' (`declined` facts and their copy of the patient's `declined`).
    fn refusals_of(&self, episodes: &[Episode]) -> Vec<chrono::NaiveDateTime> {
        let mut all: Vec<chrono::NaiveDateTime> = (episodes.iter())
            .filter(|e| e.patient.id == self.id)
            .flat_map(|ep| {
                (ep.facts.iter())
                    .filter(|f| f.kind == "declined")
                    .map(|f| f.at)
                    .chain(ep.patient.declined)
            })
            .chain(self.declined)
            .collect();
        all.sort_unstable();
        all
    }

    /// This patient with what it lacks taken from the copies of it in `episodes`, so that
    /// a patient-level plan does not depend on which episode the patient was read from,
    /// nor on their order: the name and the birthday, when this copy has none, from the
    /// first episode that gives them; the tags of every copy (each once, this copy's
    /// first); the rest hours of every copy (each period once, this copy's first).
    /// Episodes of another patient are skipped. Refusals and opt-outs are
    /// [`Patient::with_refusals_of`]'s. Copies that disagree (two birthdays) are a data
    /// slip for the host to settle: this copy's wins, else the first episode's (the
    /// `callback_calendar` example refuses them, naming both files).
    ///
    /// ```
    /// use followup::episode::Episode;
    /// let laser = Episode::from_json("a", r#"{"id": "a", "event": "procedure",
    ///   "at": "2026-03-02", "patient": {"id": "p-1", "tags": ["vip"]}}"#)?;
    /// let course = Episode::from_json("b", r#"{"id": "b", "event": "course",
    ///   "at": "2026-03-04", "patient": {"id": "p-1", "birthday": "1990-03-05", "tags": ["key_customer"]}}"#)?;
    /// let both = [laser.clone(), course];
    /// let patient = laser.patient.with_details_of(&both);
    /// assert_eq!(patient.birthday.map(|d| d.to_string()).as_deref(), Some("1990-03-05"));
    /// assert_eq!(patient.tags, ["vip", "key_customer"]);
    /// # Ok::<(), followup::Error>(())
    /// ```
    #[must_use]
    pub fn with_details_of(&self, episodes: &[Episode]) -> Patient {
        let mut out = self.clone();
        for p in episodes
            .iter()
            .map(|e| &e.patient)
            .filter(|p| p.id == self.id)
        {
            if out.name.is_none() {
                out.name.clone_from(&p.name);
            }
            if out.birthday.is_none() {
                out.birthday = p.birthday;
            }
            // Rest hours are the patient's: every copy's count (audit 38: a copy's own
            // hours hid the other's).
            for w in &p.rest_hours {
                if !out.rest_hours.contains(w) {
                    out.rest_hours.push(*w);
                }
            }
            for t in &p.tags {
                if !out.tags.contains(t) {
                    out.tags.push(t.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Channel;

    fn ep(json: &str) -> Episode {
        Episode::from_json("ep", json).unwrap()
    }

    #[test]
    fn the_earliest_refusal_and_opt_out_of_each_channel_win() {
        let a = ep(r#"{"id": "a", "event": "procedure", "at": "2026-03-02",
            "patient": {"id": "p", "declined": "2026-06-01T10:00",
                        "opt_outs": [{"channel": "sms", "at": "2026-05-01"}]},
            "facts": [{"kind": "declined", "at": "2026-04-01T09:00"},
                      {"kind": "opt_out", "channel": "wechat", "at": "2026-07-01"}]}"#);
        let b = ep(r#"{"id": "b", "event": "procedure", "at": "2026-03-02",
            "patient": {"id": "p"},
            "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-04-15"},
                      {"kind": "declined", "at": "2026-05-01"}]}"#);
        let other = ep(r#"{"id": "c", "event": "procedure", "at": "2026-03-02",
            "patient": {"id": "q", "declined": "2026-01-01"},
            "facts": [{"kind": "opt_out", "channel": "phone", "at": "2026-01-01"}]}"#);
        let p = Patient {
            id: "p".into(),
            opt_outs: vec![OptOut {
                channel: Channel::Sms,
                at: "2026-06-01T00:00:00".parse().unwrap(),
            }],
            ..Patient::default()
        };
        let got = p.with_refusals_of(&[a, b, other]);
        assert_eq!(got.declined, Some("2026-04-01T09:00:00".parse().unwrap()));
        let at = |c: Channel| got.opt_outs.iter().find(|o| o.channel == c).map(|o| o.at);
        assert_eq!(
            at(Channel::Sms),
            Some("2026-04-15T00:00:00".parse().unwrap())
        );
        assert_eq!(
            at(Channel::Wechat),
            Some("2026-07-01T00:00:00".parse().unwrap())
        );
        assert_eq!(at(Channel::Phone), None, "another patient's opt-out");
        assert_eq!(got.opt_outs.len(), 2);
    }

    #[test]
    fn nothing_recorded_changes_nothing() {
        let e =
            ep(r#"{"id": "a", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p"}}"#);
        let p = e.patient.clone();
        assert_eq!(p.with_refusals_of(&[e]), p);
    }
}
