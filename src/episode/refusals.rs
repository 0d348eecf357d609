//! A patient's refusal and opt-outs gathered from their episodes, for the plans that
//! are made for a patient rather than an episode (greetings, quarterly messages).

use super::{Episode, OptOut, Patient};

impl Patient {
    /// This patient with the refusal and opt-outs recorded in `episodes` folded in:
    /// each episode's `declined` and `opt_out` facts and its own copy of the patient's
    /// `declined` and `opt_outs`. The earliest refusal and the earliest opt-out of each
    /// channel win. Episodes of another patient (another `patient.id`) are skipped.
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
        let mut out = self.clone();
        for ep in episodes.iter().filter(|e| e.patient.id == self.id) {
            let declined = (ep.facts.iter())
                .filter(|f| f.kind == "declined")
                .map(|f| f.at)
                .chain(ep.patient.declined);
            out.declined = declined.chain(out.declined).min();
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
