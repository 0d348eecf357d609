//! What a history says about the patient beyond its tasks: refusals, which every program
//! honours, and the calls and visits that reached the patient, which count as contacts
//! (`latest:contacted`: lead ownership counts its 3 months from the last one).

use super::derived::Derived;
use super::ledger;
use crate::history::History;
use crate::model::Channel;
use crate::ruleset::RuleSet;

/// The fact kind a history's contacts count as (`latest:contacted`).
pub(super) const CONTACTED: &str = "contacted";

impl RuleSet {
    /// The facts a history adds to `episode`'s: a `declined` fact for each refusal
    /// recorded on any task, and with `contacts`, a `contacted` fact for each outcome that
    /// reached the patient (done, rescheduled, picked, declined, abnormal recovery) on a
    /// task of `episode` done by talking with them (a call, a visit, a WeChat
    /// conversation; not a message, a letter or internal work). What is recorded on a
    /// task of `episode` before its `event` is a data slip and says nothing (the plan
    /// lists it in `ignored`).
    pub(super) fn history_facts(
        &self,
        h: &History,
        episode: &str,
        event: chrono::NaiveDateTime,
        contacts: bool,
    ) -> Vec<crate::episode::Fact> {
        use crate::history::OutcomeKind as K;
        let fact = |kind: &str, at| crate::episode::Fact {
            kind: kind.into(),
            at,
            channel: None,
        };
        let slip = |o: &crate::history::Outcome| {
            o.at < event && ledger::parse_id(&o.task).is_some_and(|(_, _, e, ..)| e == episode)
        };
        let mut out: Vec<crate::episode::Fact> = (h.outcomes.iter())
            .filter(|o| o.outcome == K::Declined && !slip(o))
            .map(|o| fact("declined", o.at))
            .collect();
        if contacts {
            let reached = (h.outcomes.iter())
                .filter(|o| {
                    matches!(
                        o.outcome,
                        K::Done | K::Rescheduled | K::Picked | K::Declined | K::AbnormalRecovery
                    )
                })
                .filter(|o| o.at >= event && self.talks(h, &o.task, episode));
            out.extend(reached.map(|o| fact(CONTACTED, o.at)));
        }
        out
    }

    /// True if `task` is a task of `episode` done by talking with the patient.
    fn talks(&self, h: &History, task: &str, episode: &str) -> bool {
        let Some((program, step, e, _, derived)) = ledger::parse_id(task) else {
            return false;
        };
        let channel = match derived {
            _ if e != episode => return false,
            Some(Derived::AbnormalContact) => Channel::Phone,
            Some(Derived::DoctorVisit) => Channel::InPerson,
            Some(Derived::Attempt(_)) | None if program == ledger::FOLLOW_UP => {
                match h.follow_ups.iter().find(|f| f.id == step) {
                    Some(f) => f.channel,
                    None => return false,
                }
            }
            Some(Derived::Attempt(_)) | None => {
                let step = (self.programs.iter())
                    .find(|p| &*p.id == program)
                    .and_then(|p| p.steps.iter().find(|s| &*s.info.step == step));
                match step {
                    Some(s) => s.info.channel,
                    None => return false,
                }
            }
            Some(_) => return false,
        };
        matches!(
            channel,
            Channel::Phone | Channel::InPerson | Channel::HomeVisit | Channel::Wechat
        )
    }
}
