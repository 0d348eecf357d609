//! What a rule set decides from an episode's words alone, kept per thread for the last
//! few kinds of episode it planned: that the vocabulary accepts the episode, which
//! programs apply, and which of their steps' `when` hold and `unless` do not.
//!
//! A clinic's episodes come in few shapes (a plastic inpatient, a laser session, an
//! online lead who did not buy…): the next episode of a shape just planned reuses these
//! decisions instead of looking every attribute up again. The shape is everything the
//! decisions read: the rule set, the event, the attributes (the value too, unless the
//! attribute is free and no condition tests it: a procedure's free text does not make a
//! shape), the patient's tags that a condition tests (a `vip` or `night_shift` tag no
//! condition names does not make one), the kinds of the facts and the names of the
//! milestones. Everything else (dates, ids, facts' times, the sample draw, the other
//! tags) is read for every plan. The decisions themselves come from the conditions
//! compiled to numbers ([`crate::compile::decider`]).

use crate::compile::decider::{Decider, Words};
use crate::episode::Episode;
use std::cell::RefCell;
use std::rc::Rc;

/// How many shapes a thread keeps (over all its rule sets); the oldest makes way, and
/// its vectors are reused: a thread whose episodes come in more shapes than this
/// decides for each, and allocates nothing more for it.
const KEPT: usize = 32;

/// Episodes with more words than this (attributes, tested tags, facts and milestones)
/// are not kept: the lookup stays short and the memory small.
const MOST_WORDS: usize = 24;

/// Nor are episodes whose words (event included) take more bytes than this: a thread
/// keeps at most `KEPT` times as much, whatever the episodes hold.
const MOST_BYTES: usize = 1024;

/// The decisions for one shape.
#[derive(Debug, Default)]
pub(super) struct Decisions {
    /// The episode programs that apply, in the rule set's order: their index, and where
    /// their steps' answers are in `steps`.
    pub programs: Vec<(usize, usize, usize)>,
    /// For each step of those programs, whether it is planned: its `when` holds and its
    /// `unless` does not.
    steps: Vec<bool>,
}

impl Decisions {
    /// Whether each step of the program at `index` is planned (`None`: not decided here).
    pub fn steps(&self, index: usize) -> Option<&[bool]> {
        let (_, from, to) = self.programs.iter().find(|(p, _, _)| *p == index)?;
        self.steps.get(*from..*to)
    }

    /// Decides for the episode whose words `decider` numbered.
    fn decide(&mut self, decider: &Decider, words: &Words) {
        self.programs.clear();
        self.steps.clear();
        decider.decide(words, &mut self.programs, &mut self.steps);
    }
}

/// One word of a shape, by its place in the shape's text; `Any` for a free attribute's
/// value.
#[derive(Debug, Clone, Copy)]
enum Word {
    At(usize, usize),
    Any,
}

/// A shape: the rule set, and the episode's words in one text — the event; each
/// attribute's name and value (or `Any`); the tested tags; the facts' kinds; the
/// milestones' names — with how many there are of each.
#[derive(Debug, Default)]
struct Shape {
    rules: u64,
    /// [`fingerprint`] of the episode: shapes that differ in more than attribute values
    /// are told apart without comparing their words.
    print: u64,
    text: String,
    words: Vec<Word>,
    counts: [usize; 4],
    decisions: Rc<Decisions>,
}

#[derive(Default)]
struct Kept {
    shapes: Vec<Shape>,
    /// Each kept shape's rule set and print, in the same order, side by side: a lookup
    /// reads these few cache lines, and a shape's words only when they match.
    keys: Vec<(u64, u64)>,
    /// The words of the episode decided for last: vectors reused.
    words: Words,
    /// The shape the next one replaces, once `KEPT` are kept.
    next: usize,
}

thread_local! {
    static KEPT_SHAPES: RefCell<Kept> = RefCell::default();
}

impl Shape {
    fn word(&self, i: usize) -> Option<Option<&str>> {
        match self.words.get(i)? {
            Word::At(from, to) => self.text.get(*from..*to).map(Some),
            Word::Any => Some(None),
        }
    }

    fn fits(&self, rules: u64, print: u64, ep: &Episode, decider: &Decider) -> bool {
        let [attributes, tags, facts, milestones] = self.counts;
        if self.rules != rules
            || self.print != print
            || attributes != ep.attributes.len()
            || facts != ep.facts.len()
            || milestones != ep.milestones.len()
        {
            return false;
        }
        let mut i = 0;
        let mut next = |want: &str, any_value: bool| {
            let w = self.word(i);
            i += 1;
            match w {
                Some(Some(w)) => w == want,
                Some(None) => any_value,
                None => false,
            }
        };
        let mut tagged = 0;
        next(&ep.event, false)
            && (ep.attributes.iter()).all(|(n, v)| next(n, false) && next(v, true))
            && tested_tags(ep, decider).all(|t| {
                tagged += 1;
                tagged <= tags && next(t, false)
            })
            && tagged == tags
            && ep.facts.iter().all(|f| next(&f.kind, false))
            && ep.milestones.keys().all(|m| next(m, false))
    }

    /// Makes this the shape of `ep` (reusing its vectors).
    fn set(&mut self, rules: u64, print: u64, ep: &Episode, decider: &Decider) {
        self.rules = rules;
        self.print = print;
        self.text.clear();
        self.words.clear();
        let (text, words) = (&mut self.text, &mut self.words);
        // `None`: any value.
        let mut push = |w: Option<&str>| match w {
            Some(w) => {
                let from = text.len();
                text.push_str(w);
                words.push(Word::At(from, text.len()));
            }
            None => words.push(Word::Any),
        };
        push(Some(&ep.event));
        for (name, value) in &ep.attributes {
            push(Some(name));
            let any = decider.decides_nothing(name);
            push((!any).then_some(value.as_str()));
        }
        let mut tags = 0;
        for t in tested_tags(ep, decider) {
            push(Some(t));
            tags += 1;
        }
        for f in &ep.facts {
            push(Some(&f.kind));
        }
        for m in ep.milestones.keys() {
            push(Some(m));
        }
        self.counts = [
            ep.attributes.len(),
            tags,
            ep.facts.len(),
            ep.milestones.len(),
        ];
    }
}

/// A hash of the episode's words that make its shape (the event, the attributes' names
/// and the values that decide something, the tested tags, the facts' kinds and the
/// milestones' names), cheap rather than thorough: each word's length and first and
/// last two bytes. Shapes with the same print are told apart by their words. `None` when the shape may not be kept: more
/// than [`MOST_WORDS`] words or [`MOST_BYTES`] bytes of words and attribute values (one
/// pass over the episode for both).
fn fingerprint(ep: &Episode, decider: &Decider) -> Option<u64> {
    let words = (ep.attributes.len())
        .saturating_add(ep.facts.len())
        .saturating_add(ep.milestones.len());
    if words > MOST_WORDS {
        return None;
    }
    let mut tags = 0usize;
    let (mut h, mut bytes, mut values): (u64, usize, usize) = (0xcbf2_9ce4_8422_2325, 0, 0);
    let mut add = |w: &str| {
        let b = w.as_bytes();
        let byte = |i: Option<usize>| u64::from(i.and_then(|i| b.get(i)).copied().unwrap_or(0));
        let n = b.len();
        bytes = bytes.saturating_add(n);
        let word = (n as u64)
            | byte(Some(0)) << 32
            | byte(Some(1)) << 40
            | byte(n.checked_sub(2)) << 48
            | byte(n.checked_sub(1)) << 56;
        h = (h ^ word).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    };
    add(&ep.event);
    for (name, value) in &ep.attributes {
        add(name);
        // A value that decides nothing counts in the bytes kept, not in the print.
        if decider.decides_nothing(name) {
            values = values.saturating_add(value.len());
        } else {
            add(value);
        }
    }
    tested_tags(ep, decider).for_each(|t| {
        tags += 1;
        add(t)
    });
    ep.facts.iter().for_each(|f| add(&f.kind));
    ep.milestones.keys().for_each(|m| add(m));
    (bytes.saturating_add(values) <= MOST_BYTES && words.saturating_add(tags) <= MOST_WORDS)
        .then_some(h)
}

/// The patient's tags a condition of the rules tests: the others decide nothing, and do
/// not make a shape.
fn tested_tags<'a>(ep: &'a Episode, decider: &'a Decider) -> impl Iterator<Item = &'a str> {
    (ep.patient.tags.iter())
        .map(|t| t.as_str())
        .filter(|t| decider.tests_tag(t))
}

/// An episode's shape, looked for among those this thread keeps.
pub(super) struct Lookup {
    /// The decisions kept for it, if any.
    pub kept: Option<Rc<Decisions>>,
    /// Its [`fingerprint`]; `None`: too many words to be kept.
    print: Option<u64>,
}

/// Looks for the shape of `ep` under the rule set `rules` among those kept.
pub(super) fn look_up(rules: u64, ep: &Episode, decider: &Decider) -> Lookup {
    let Some(print) = fingerprint(ep, decider) else {
        return Lookup {
            kept: None,
            print: None,
        };
    };
    let kept = KEPT_SHAPES
        .try_with(|k| {
            let kept = k.try_borrow().ok()?;
            let found = (kept.keys.iter().zip(&kept.shapes))
                .filter(|(key, _)| **key == (rules, print))
                .find(|(_, shape)| shape.fits(rules, print, ep, decider))?;
            Some(found.1.decisions.clone())
        })
        .ok()
        .flatten();
    Lookup {
        kept,
        print: Some(print),
    }
}

/// Decides for `ep`, whose shape `looked` was not kept, and keeps the decisions for its
/// shape if the vocabulary accepts the episode; `false` with the decisions when it does
/// not ([`crate::vocabulary::Vocabulary::check`] says why).
pub(super) fn decide(
    rules: u64,
    looked: &Lookup,
    ep: &Episode,
    decider: &Decider,
) -> (Rc<Decisions>, bool) {
    let fresh = || {
        let mut d = Decisions::default();
        let mut words = Words::default();
        let accepted = decider.words(ep, &mut words);
        d.decide(decider, &words);
        (Rc::new(d), accepted)
    };
    let Some(print) = looked.print else {
        return fresh();
    };
    let kept = KEPT_SHAPES.try_with(|k| {
        let mut kept = k.try_borrow_mut().ok()?;
        let kept = &mut *kept;
        if !decider.words(ep, &mut kept.words) {
            // Not accepted: no shape is kept for it.
            return None;
        }
        let i = if kept.shapes.len() < KEPT {
            kept.shapes.push(Shape::default());
            kept.keys.push((rules, print));
            kept.shapes.len() - 1
        } else {
            let i = kept.next % KEPT;
            kept.next = (i + 1) % KEPT;
            *kept.keys.get_mut(i)? = (rules, print);
            i
        };
        let shape = kept.shapes.get_mut(i)?;
        shape.set(rules, print, ep, decider);
        // The vectors of the shape it replaces, unless a plan still holds them.
        match Rc::get_mut(&mut shape.decisions) {
            Some(d) => d.decide(decider, &kept.words),
            None => {
                let mut d = Decisions::default();
                d.decide(decider, &kept.words);
                shape.decisions = Rc::new(d);
            }
        }
        Some((shape.decisions.clone(), true))
    });
    kept.ok().flatten().unwrap_or_else(fresh)
}

#[cfg(test)]
#[cfg(feature = "builtin-rules")]
mod tests {
    use super::KEPT_SHAPES;
    use crate::calendar::Calendar;
    use crate::episode::Episode;
    use crate::rules::RuleSet;

    fn kept_count() -> usize {
        KEPT_SHAPES.with(|k| k.borrow().shapes.len())
    }

    /// An episode of long words is planned, and its shape is not kept: a thread keeps
    /// at most `KEPT` shapes of at most `MOST_BYTES` each.
    #[test]
    fn long_words_are_not_kept() {
        std::thread::spawn(|| {
            let rules = RuleSet::builtin().unwrap();
            let episode = |procedure: &str, product: &str| {
                let json = format!(
                    r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00",
                        "attributes": {{"category": "plastic", "procedure": "{procedure}",
                                        "product": "{product}"}},
                        "patient": {{"id": "p"}}}}"#
                );
                Episode::from_json("e", &json).unwrap()
            };
            // Two values of 200 characters (the most one may hold), 1,200 bytes.
            let long = episode(&"鼻".repeat(200), &"膏".repeat(200));
            assert!(!rules
                .plan(&long, &Calendar::default())
                .unwrap()
                .tasks
                .is_empty());
            assert_eq!(kept_count(), 0);
            rules
                .plan(&episode("鼻", "膏"), &Calendar::default())
                .unwrap();
            assert_eq!(kept_count(), 1);
        })
        .join()
        .unwrap();
    }

    /// The steps of a plan, tasks and dropped occurrences.
    fn steps(plan: &crate::plan::Plan) -> Vec<String> {
        (plan.tasks.iter().map(|t| t.step().to_string()))
            .chain(plan.dropped.iter().map(|d| d.step().to_string()))
            .collect()
    }

    /// Tags no condition tests make no shape, whatever their number; a tag a step tests
    /// (`key_customer`, of the repair callbacks) does, and changes the plan.
    #[test]
    fn only_tested_tags_make_shapes() {
        std::thread::spawn(|| {
            let rules = RuleSet::builtin().unwrap();
            let cal = Calendar::default();
            let repair = |tags: &str| {
                let json = format!(
                    r#"{{"id": "e", "event": "repair", "at": "2026-03-02T10:00:00",
                        "patient": {{"id": "p", "tags": [{tags}]}}}}"#
                );
                Episode::from_json("e", &json).unwrap()
            };
            let plain = steps(&rules.plan(&repair(""), &cal).unwrap());
            assert_eq!(kept_count(), 1);
            for tags in [r#""vip""#, r#""night_shift", "t1", "t2""#] {
                assert_eq!(steps(&rules.plan(&repair(tags), &cal).unwrap()), plain);
                assert_eq!(kept_count(), 1, "tags {tags}");
            }
            let key = steps(
                &rules
                    .plan(&repair(r#""vip", "key_customer""#), &cal)
                    .unwrap(),
            );
            assert_eq!(kept_count(), 2);
            assert!(
                key.contains(&"key-customer-callback".to_string()),
                "{key:?}"
            );
            assert!(!key.contains(&"callback".to_string()), "{key:?}");
            assert!(
                !plain.contains(&"key-customer-callback".to_string()),
                "{plain:?}"
            );
            // The same shape again: kept, and the same plan.
            let again = steps(
                &rules
                    .plan(&repair(r#""key_customer", "t9""#), &cal)
                    .unwrap(),
            );
            assert_eq!((again, kept_count()), (key, 2));
        })
        .join()
        .unwrap();
    }

    /// Episodes that differ only in the value of an attribute a condition tests have
    /// shapes of their own: past `KEPT` of them, the oldest make way.
    #[test]
    fn tested_values_make_shapes_up_to_kept() {
        std::thread::spawn(|| {
            let rules = RuleSet::builtin().unwrap();
            let cal = Calendar::default();
            // 4 outcomes × 2 severities × 3 visits (none, first, return) × 2 tags: 48.
            let mut n = 0;
            for k in 0..48 {
                let outcome = ["not_booked", "booked", "no_show", "visited_no_purchase"][k % 4];
                let severity = ["normal", "serious"][k / 4 % 2];
                let visit = ["", r#", "visit": "first""#, r#", "visit": "return""#][k / 8 % 3];
                let tag = ["", r#""key_customer""#][k / 24];
                let json = format!(
                    r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00",
                        "attributes": {{"category": "plastic", "setting": "inpatient",
                            "outcome": "{outcome}", "severity": "{severity}"{visit}}},
                        "patient": {{"id": "p", "tags": [{tag}]}},
                        "milestones": {{"discharge": "2026-03-05"}}}}"#
                );
                let plan = rules
                    .plan(&Episode::from_json("e", &json).unwrap(), &cal)
                    .unwrap();
                // A first visit adds the message the next day (rules/first-visit.json).
                assert_eq!(plan.tasks.len(), 18 + usize::from(k / 8 % 3 == 1));
                n += 1;
                assert_eq!(kept_count(), n.min(super::KEPT));
            }
            assert_eq!(n, 48);
        })
        .join()
        .unwrap();
    }
}
