//! The episode's facts indexed by kind, once per plan: every task asks when a kind of
//! fact first happened (a stop fact, an opt-out, a refusal), and steps count from the
//! facts of a kind in time order. Sorted once, each question is a binary search, however
//! many facts the episode holds.

use crate::episode::Episode;
use crate::episode::ASSIGNED;
use crate::model::Channel;
use chrono::NaiveDateTime;

/// The kind of a refusal fact.
const DECLINED: &str = "declined";

/// The facts of one plan's episode (and its patient's refusal and opt-outs).
#[derive(Debug, Default)]
pub(super) struct Facts<'a> {
    /// (kind, time), sorted: the facts, and the reassignments as `assigned`.
    times: Vec<(&'a str, NaiveDateTime)>,
    /// The earliest refusal: the patient's `declined` or a `declined` fact, from the
    /// episode's day on (see [`Facts::of`]).
    pub refusal: Option<NaiveDateTime>,
    /// In a patient-level plan, when the patient came back after the refusal
    /// (`patient.came_back`): the refusal counts against contacts due before it only.
    refusal_ends: Option<NaiveDateTime>,
    /// The opt-outs: the patient's and `opt_out` facts (all of them: a program that
    /// counts only those from the event on needs a later one too).
    opt_outs: Vec<(Channel, NaiveDateTime)>,
    /// The episode's event, in an episode plan: from when a program with `"opt_outs":
    /// "from_event"` counts opt-outs.
    event: Option<NaiveDateTime>,
    /// The episode's day, in an episode plan: facts before it stop nothing
    /// and end no wait ([`Facts::first_since_event`]).
    since: Option<chrono::NaiveDate>,
}

impl<'a> Facts<'a> {
    /// True when nothing happened: no fact, reassignment, refusal or opt-out.
    pub(super) fn is_empty(&self) -> bool {
        self.times.is_empty() && self.refusal.is_none() && self.opt_outs.is_empty()
    }

    /// The facts of `ep`. In an episode plan (`since`: the episode's day), a refusal
    /// made before the episode's event (its day and time) does not count: the patient
    /// came back after saying no (a new surgery, a new consultation, a complaint that
    /// evening), and the care and follow-up of what they came back for are not refused
    /// (docs/domain.md §8: the care call always happens). Opt-outs of a channel count
    /// whenever they were given.
    pub(super) fn of(ep: &'a Episode, since: Option<chrono::NaiveDate>) -> Facts<'a> {
        let mut times: Vec<(&str, NaiveDateTime)> = (ep.facts.iter())
            .map(|f| (f.kind.as_str(), f.at))
            .chain(ep.reassignments.iter().map(|r| (ASSIGNED, r.at)))
            .collect();
        times.sort_unstable();
        // In a patient-level plan the patient's `declined` is the refusal in force (as
        // `Patient::with_refusals_in` folds it): a history's refusal before it is of an
        // earlier refusal the patient came back from.
        let given = ep.patient.declined;
        let refusal = (ep.facts.iter())
            .filter(|f| f.kind == DECLINED)
            .map(|f| f.at)
            .chain(given)
            .filter(|at| match since {
                Some(_) => *at >= ep.at,
                None => given.is_none_or(|d| *at >= d),
            })
            .min();
        // An episode after the refusal is the patient's return itself (above).
        let refusal_ends = (ep.patient.came_back)
            .filter(|back| since.is_none() && refusal.is_some_and(|r| r < *back));
        let given = (ep.patient.opt_outs.iter()).map(|o| (o.channel, o.at));
        let facts = (ep.facts.iter())
            .filter(|f| f.kind == "opt_out")
            .filter_map(|f| f.channel.map(|c| (c, f.at)));
        let opt_outs: Vec<(Channel, NaiveDateTime)> = given.chain(facts).collect();
        Facts {
            times,
            refusal,
            refusal_ends,
            opt_outs,
            event: since.map(|_| ep.at),
            since,
        }
    }

    /// The refusal that counts against a contact due at `due`: none once the patient
    /// came back (a patient-level plan's `came_back`).
    pub(super) fn refusal_by(&self, due: NaiveDateTime) -> Option<NaiveDateTime> {
        self.refusal.filter(|at| {
            super::lifecycle::by(*at, due) && self.refusal_ends.is_none_or(|b| due < b)
        })
    }

    /// The refusal that ends contacts due on `day`: none once the patient came back
    /// (by that day).
    pub(super) fn refusal_ending(&self, day: chrono::NaiveDate) -> Option<NaiveDateTime> {
        self.refusal
            .filter(|_| self.refusal_ends.is_none_or(|b| day < b.date()))
    }

    /// When the first fact of `kind` about the episode happened: in an episode plan,
    /// the first from the episode's day on. A purchase, a visit, a resolution or a
    /// recovery dated before the episode is about something else (an earlier purchase,
    /// the last surgery) or a slip of the year: it neither stops the follow-up of what
    /// the episode is about nor ends a wait for it.
    ///
    /// A refusal (`declined`) is the patient's: the first given as a fact or on the
    /// patient, from the episode's event (its day and time) on, as the refusal rule
    /// counts it ([`Facts::of`]; audit 62: a step stopping at `declined` counted a
    /// refusal of that morning, before a consultation in the afternoon).
    pub(super) fn first_since_event(&self, kind: &str) -> Option<NaiveDateTime> {
        if kind == DECLINED {
            return self.refusal;
        }
        let all = self.of_kind(kind);
        let from = match self.since {
            Some(d) => all.partition_point(|(_, at)| at.date() < d),
            None => 0,
        };
        all.get(from).map(|(_, t)| *t)
    }

    /// The times of the facts of `kind`, in order.
    pub(super) fn of_kind(&self, kind: &str) -> &[(&'a str, NaiveDateTime)] {
        let from = self.times.partition_point(|(k, _)| *k < kind);
        let to = self.times.partition_point(|(k, _)| *k <= kind);
        self.times.get(from..to).unwrap_or_default()
    }

    /// The times of the facts of `kind` about the episode, in order: in an episode plan,
    /// those from the episode's day on, as [`Facts::first_since_event`] counts them.
    pub(super) fn since_event(&self, kind: &str) -> impl Iterator<Item = NaiveDateTime> + '_ {
        let since = self.since;
        (self.of_kind(kind).iter())
            .map(|(_, t)| *t)
            .filter(move |t| since.is_none_or(|d| t.date() >= d))
    }

    /// The first opt-out that stops a task on `channel` ([`Channel::opted_out_by`]: its
    /// own, or an SMS opt-out for a message), with the channel opted out of; with
    /// `from_event` (a program whose `opt_outs` is `from_event`), in an episode plan, for
    /// a call the first given from the episode's event on — messages keep every opt-out
    /// (docs/domain.md §8: an SMS opt-out stops every message; audit 262).
    pub(super) fn opt_out(
        &self,
        channel: Channel,
        from_event: bool,
    ) -> Option<(Channel, NaiveDateTime)> {
        let call = channel == Channel::Phone;
        let since = self.event.filter(|_| from_event && call);
        (self.opt_outs.iter())
            .filter(|(c, at)| channel.opted_out_by(*c) && since.is_none_or(|e| *at >= e))
            .min_by_key(|(_, t)| *t)
            .copied()
    }
}
