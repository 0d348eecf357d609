//! The vocabulary of a rule set: the events, attributes, fact kinds and milestones its
//! programs test or declare. Episodes are checked against it, so that a typo in a value
//! (`"Plastic"`, `"visited-no-purchase"`, a fact `"Visited"`) is an error that says what
//! was meant, never a silently empty plan.

use crate::compile::{Anchor, CondKey, Conds, Program};
use crate::episode::Episode;
use crate::error::Located;
use crate::model::{AttributeValues, ProgramDef};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Fact kinds the engine itself reads, whatever the rules: a clear refusal and an opt-out.
pub const ENGINE_FACTS: [&str; 2] = ["declined", "opt_out"];

/// What episodes may say to a rule set.
///
/// - **Closed**: the `event` (unless a program applies to every event), the values of
///   every attribute a rule tests (`category`, `setting`, `outcome`…), fact kinds, and
///   milestone names. A value outside is refused, with the accepted values and the
///   nearest one ("did you mean `visited_no_purchase`?").
/// - **Free**: patient tags, and the attributes a rule file declares free
///   (`"vocabulary": {"attributes": {"procedure": "free"}}`). An attribute no rule tests
///   nor declares is refused, as a likely typo of one that is.
///
/// A rule file adds values with its `vocabulary` member: `{"events": ["purchase"],
/// "attributes": {"category": ["hair"], "procedure": "free"}, "facts": ["referred"]}`.
///
/// ```
/// use followup::{episode::Episode, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let err = rules.read_episode("ep.json", r#"{"id": "e1", "event": "consultation",
///   "at": "2026-03-02", "patient": {"id": "p1"},
///   "attributes": {"outcome": "visited-no-purchase"}}"#).unwrap_err();
/// assert!(err.to_string().contains("did you mean \"visited_no_purchase\"?"), "{err}");
/// assert!(rules.vocabulary().attribute_values("category").unwrap().any(|c| c == "dental"));
/// # Ok::<(), followup::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// `None`: a program applies to every event, so any event is accepted.
    events: Option<BTreeSet<Arc<str>>>,
    /// Attribute → its values, `None` when free.
    attributes: BTreeMap<Arc<str>, Option<BTreeSet<Arc<str>>>>,
    facts: BTreeSet<Arc<str>>,
    milestones: BTreeSet<Arc<str>>,
    /// The attributes a condition tests (`applies`, `when`, `unless`, a sample's
    /// `always`), free or not.
    tested: BTreeSet<Arc<str>>,
    /// The free attributes no condition tests: their value changes no decision.
    untested_free: BTreeSet<Arc<str>>,
}

impl Vocabulary {
    /// The vocabulary of compiled programs and their definitions.
    pub(crate) fn of(programs: &[Program], defs: &[&ProgramDef]) -> Vocabulary {
        let mut v = Vocabulary {
            events: Some(BTreeSet::new()),
            ..Vocabulary::default()
        };
        v.facts.extend(ENGINE_FACTS.iter().map(|f| Arc::from(*f)));
        for p in programs.iter().filter(|p| !p.patient_scope) {
            if !p.applies.0.iter().any(|(k, _)| *k == CondKey::Event) {
                v.events = None;
            }
            v.conds(&p.applies);
            for m in &p.milestones {
                v.milestones.insert(m.name.clone());
            }
            for s in &p.steps {
                v.conds(&s.when);
                v.conds(&s.unless);
                if let Some(sample) = &s.sample {
                    v.conds(&sample.always);
                }
                v.facts.extend(s.stop_when.iter().map(|k| Arc::from(&**k)));
                if let Some(w) = &s.wait {
                    v.facts.insert(w.fact.clone());
                }
                match &s.anchor {
                    Anchor::Fact(k) => {
                        v.facts.insert(k.clone());
                    }
                    Anchor::Latest(kinds) => v.facts.extend(kinds.iter().cloned()),
                    _ => {}
                }
            }
        }
        for d in defs {
            let declared = &d.vocabulary;
            if let Some(events) = &mut v.events {
                events.extend(declared.events.iter().map(|e| Arc::from(e.as_str())));
            }
            v.facts
                .extend(declared.facts.iter().map(|f| Arc::from(f.as_str())));
            for (key, values) in &declared.attributes {
                let entry = v
                    .attributes
                    .entry(Arc::from(key.as_str()))
                    .or_insert_with(|| Some(BTreeSet::new()));
                match (values, entry) {
                    (AttributeValues::Free, entry) => *entry = None,
                    // Free stays free: any value is already accepted.
                    (AttributeValues::Values(_), None) => {}
                    (AttributeValues::Values(list), Some(set)) => {
                        set.extend(list.iter().map(|x| Arc::from(x.as_str())));
                    }
                }
            }
        }
        v.untested_free = (v.attributes.iter())
            .filter(|(name, values)| values.is_none() && !v.tested.contains(*name))
            .map(|(name, _)| name.clone())
            .collect();
        v
    }

    fn conds(&mut self, conds: &Conds) {
        for (key, values) in &conds.0 {
            let values = values.iter().map(|x| Arc::from(&**x));
            match key {
                CondKey::Event => {
                    if let Some(events) = &mut self.events {
                        events.extend(values);
                    }
                }
                CondKey::Tag => {}
                CondKey::Attribute(name) => {
                    self.tested.insert(Arc::from(&**name));
                    let entry = self
                        .attributes
                        .entry(Arc::from(&**name))
                        .or_insert_with(|| Some(BTreeSet::new()));
                    if let Some(set) = entry {
                        set.extend(values);
                    }
                }
            }
        }
    }

    /// The accepted events, or `None` when any event is.
    pub fn events(&self) -> Option<impl Iterator<Item = &str>> {
        self.events.as_ref().map(|e| e.iter().map(|x| &**x))
    }

    /// The known attributes, closed and free.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().map(|k| &**k)
    }

    /// The accepted values of an attribute; `None` for a free or unknown one.
    pub fn attribute_values(&self, name: &str) -> Option<impl Iterator<Item = &str>> {
        self.attributes
            .get(name)
            .and_then(|v| v.as_ref())
            .map(|v| v.iter().map(|x| &**x))
    }

    /// True if the attribute is known and takes any value.
    pub fn is_free(&self, name: &str) -> bool {
        matches!(self.attributes.get(name), Some(None))
    }

    /// The attributes that are free and that no condition of the rules tests: their value
    /// decides nothing of which programs and steps apply.
    pub(crate) fn deciding_nothing(&self) -> impl Iterator<Item = &str> {
        self.untested_free.iter().map(|x| &**x)
    }

    /// The accepted fact kinds.
    pub fn facts(&self) -> impl Iterator<Item = &str> {
        self.facts.iter().map(|x| &**x)
    }

    /// The milestone names the programs declare.
    pub fn milestones(&self) -> impl Iterator<Item = &str> {
        self.milestones.iter().map(|x| &**x)
    }

    /// Checks the closed fields of an episode; the error names the JSON pointer and lists
    /// the accepted values, with the nearest one.
    pub(crate) fn check(&self, ep: &Episode) -> Result<(), Located> {
        if let Some(events) = &self.events
            && !events.contains(ep.event.as_str())
        {
            return Err(unknown("/event", "event", &ep.event, events));
        }
        for (key, value) in &ep.attributes {
            // Built only on error: planning checks every episode.
            let at = || crate::compile::pointer(&["attributes", key]);
            match self.attributes.get(key.as_str()) {
                None => {
                    let known: BTreeSet<Arc<str>> = self.attributes.keys().cloned().collect();
                    let mut e = unknown(&at(), "attribute", key, &known);
                    e.message.push_str(
                        " (a rule file declares the attributes any value of which is accepted: \"vocabulary\": {\"attributes\": {\"NAME\": \"free\"}})",
                    );
                    return Err(e);
                }
                Some(None) => {}
                Some(Some(values)) => {
                    if !values.contains(value.as_str()) {
                        return Err(unknown(&at(), key, value, values));
                    }
                }
            }
        }
        for (i, f) in ep.facts.iter().enumerate() {
            if !self.facts.contains(f.kind.as_str()) {
                return Err(unknown(
                    &format!("/facts/{i}/kind"),
                    "fact kind",
                    &f.kind,
                    &self.facts,
                ));
            }
        }
        for name in ep.milestones.keys() {
            if !self.milestones.contains(name.as_str()) {
                let at = crate::compile::pointer(&["milestones", name]);
                return Err(unknown(&at, "milestone", name, &self.milestones));
            }
        }
        Ok(())
    }
}

/// `unknown category "Plastic": expected one of …; did you mean "plastic"?`
///
/// The message stays one readable line whatever the rules hold: at most
/// [`LISTED`] known values, each, and the value itself, cut to [`SHOWN_CHARS`]
/// characters (audit 27: a vocabulary of long words made a 488 KB message).
pub(crate) fn unknown(at: &str, what: &str, value: &str, known: &BTreeSet<Arc<str>>) -> Located {
    let list: Vec<&str> = known.iter().map(|x| &**x).collect();
    let given = shown(value);
    let mut message = if list.is_empty() && what == "event" {
        // Rules of patient-level programmes only (greetings) plan no episode (audit 80).
        format!("unknown event {given:?}: the rules know none (no programme of theirs is planned from an episode: patient-level programmes are planned for a patient and a horizon, `plan_patient`)")
    } else if list.is_empty() {
        format!("unknown {what} {given:?}: the rules know none")
    } else {
        let mut listed: Vec<String> = list.iter().take(LISTED).map(|k| shown(k)).collect();
        if list.len() > LISTED {
            listed.push(format!("… ({} more)", list.len() - LISTED));
        }
        format!(
            "unknown {what} {given:?}: expected one of {}",
            listed.join(", ")
        )
    };
    if let Some(near) = nearest(value, &list) {
        message.push_str(&format!("; did you mean {:?}?", shown(near)));
    } else if let Some(id) =
        crate::labels::id_of_label(what, value).filter(|id| known.contains(*id))
    {
        // The word's label rather than its id (a CRM that sends `整形` for `plastic`).
        message.push_str(&format!(
            "; {:?} is the label of {id:?}: did you mean {id:?}?",
            given
        ));
    }
    Located::new(at, message)
}

/// Most known values an unknown-value message lists.
const LISTED: usize = 40;
/// Longest value, in characters, a message shows whole.
const SHOWN_CHARS: usize = 60;

/// `value`, or its first [`SHOWN_CHARS`] characters and `…` when it is longer.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        None => value.to_string(),
        Some((cut, _)) => format!("{}…", &value[..cut]),
    }
}

/// The known value nearest to `value`: equal once case and `-`/`_`/space are set aside,
/// else within an edit distance of a third of its length (at least 1, at most 3; two
/// letters swapped count one: `hiar` → `hair`), else the one known value it begins, of
/// four letters or more (`next_open` → `next_open_day`; audit 69).
pub(crate) fn nearest<'a>(value: &str, known: &[&'a str]) -> Option<&'a str> {
    let norm = normalized;
    let v = norm(value);
    let allowed = (v.len() / 3).clamp(1, 3);
    let close = known
        .iter()
        .map(|k| (distance(&v, &norm(k)), *k))
        .filter(|(d, _)| *d <= allowed)
        .min()
        .map(|(_, k)| k);
    if close.is_some() || v.len() < 4 {
        return close;
    }
    let mut begun = known.iter().filter(|k| norm(k).starts_with(&v));
    match (begun.next(), begun.next()) {
        (Some(k), None) => Some(*k),
        _ => None,
    }
}

/// `s` with case and `-`/`_`/space set aside (`Visited-No purchase` → `visited_no_purchase`).
pub(crate) fn normalized(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Edit distance with two neighbouring letters swapped counting one (optimal string
/// alignment), bounded work: both inputs are short ids (a 64-character limit on rule
/// values; episode values are capped by the text size).
pub(crate) fn distance(a: &[char], b: &[char]) -> usize {
    if a.len() > 256 || b.len() > 256 {
        return usize::MAX;
    }
    // Three rows: the one before the last (for swaps), the last, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c) = cur.first_mut() {
            *c = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            let mut best = sub.min(del).min(ins);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                best = best.min(
                    before
                        .get(j - 1)
                        .copied()
                        .unwrap_or(usize::MAX)
                        .saturating_add(1),
                );
            }
            if let Some(c) = cur.get_mut(j + 1) {
                *c = best;
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Audit 69: two letters swapped count one edit, and a value that begins exactly one
    /// known value (four letters or more) is taken for it.
    #[test]
    fn nearest_takes_swapped_letters_and_a_beginning() {
        assert_eq!(nearest("hiar", &["hair", "skin"]), Some("hair"));
        assert_eq!(
            nearest("midautumn", &["mid_autumn", "qixi"]),
            Some("mid_autumn")
        );
        assert_eq!(nearest("weekday", &["workday", "weekend"]), Some("workday"));
        let policies = [
            "keep",
            "next_open_day",
            "previous_open_day",
            "nearest_open_day",
        ];
        assert_eq!(nearest("next_open", &policies), Some("next_open_day"));
        // Too short, or the beginning of two: no guess.
        assert_eq!(nearest("ne", &policies), None);
        assert_eq!(nearest("open", &["open_day", "open_week"]), None);
        assert_eq!(distance(&['a', 'b'], &['b', 'a']), 1);
        assert_eq!(distance(&['a', 'b', 'c', 'd'], &['a', 'c', 'b', 'd']), 1);
        assert_eq!(distance(&['k', 'e', 'e', 'p'], &['k', 'e', 'p', 't']), 2);
    }

    /// A vocabulary of 100 words of 8,000 characters and an unknown value as long: the
    /// message lists 40 of them, cut to 60 characters each, and says how many more.
    #[test]
    fn an_unknown_value_message_stays_short_for_any_vocabulary() {
        let word = |i: usize| format!("{i:03}{}", "x".repeat(7_997));
        let known: BTreeSet<Arc<str>> = (0..100).map(|i| Arc::from(word(i))).collect();
        let e = unknown("/event", "event", &format!("zz{}", word(0)), &known);
        let cut = format!("one of 000{}…, 001", "x".repeat(57));
        assert!(e.message.contains(&cut), "{}", e.message);
        assert!(e.message.ends_with("… (60 more)"), "{}", e.message);
        assert!(e.message.starts_with(&format!(
            "unknown event \"zz000{}…\": expected one of ",
            "x".repeat(55)
        )));
        assert!(e.message.len() < 40 * 70 + 200, "{} bytes", e.message.len());
        // A short vocabulary is listed whole, as before.
        let small: BTreeSet<Arc<str>> = ["laser", "plastic"].into_iter().map(Arc::from).collect();
        let e = unknown("/x", "category", "Plastic", &small);
        assert_eq!(e.message, "unknown category \"Plastic\": expected one of laser, plastic; did you mean \"plastic\"?");
    }

    #[test]
    fn nearest_sets_case_and_separators_aside_then_allows_a_few_edits() {
        let known = ["plastic", "laser", "visited_no_purchase", "thread_lift"];
        assert_eq!(nearest("Plastic", &known), Some("plastic"));
        assert_eq!(
            nearest("visited-no-purchase", &known),
            Some("visited_no_purchase")
        );
        assert_eq!(nearest("thread lift", &known), Some("thread_lift"));
        assert_eq!(nearest("lazer", &known), Some("laser"));
        assert_eq!(nearest("dental", &known), None);
        assert_eq!(nearest("", &known), None);
    }
}
