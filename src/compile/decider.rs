//! The conditions that decide which programs and steps apply to an episode (`applies`,
//! `when`, `unless`), compiled to numbers: every word a condition tests is numbered once
//! for the rule set, so deciding for an episode looks each of its words up once, then
//! compares numbers, instead of looking the episode's attributes up and comparing
//! strings for every condition of every program.
//!
//! The rule set's vocabulary is in the same table: numbering an episode's words also says
//! whether the vocabulary accepts them, so an episode of a new shape looks each word up
//! once for both. When it does not, [`Vocabulary::check`] says why.
//!
//! Two words get the same number exactly when they are the same string, so a condition
//! holds here exactly when [`Conds::matches`] says it does, and an episode is accepted
//! here exactly when [`Vocabulary::check`] accepts it (property tests compare both on
//! random episodes).

use super::program::{CondKey, Conds, Program};
use crate::episode::Episode;
use crate::vocabulary::Vocabulary;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The compiled conditions of a rule set's episode programs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decider {
    /// Every word a condition tests or the vocabulary knows, numbered: the events, tags,
    /// attribute values, fact kinds and milestone names, and the attributes (their place
    /// in an episode's [`Words::attributes`] when a condition tests them, their accepted
    /// values when the vocabulary closes them).
    words: HashMap<Box<str>, Word, BuildHasherDefault<WordHasher>>,
    /// How many attributes the conditions test.
    attributes: usize,
    /// The accepted values of each attribute the vocabulary knows, by its
    /// [`Word::known`] (`None`: free), sorted.
    closed: Vec<Option<Box<[u32]>>>,
    /// The vocabulary accepts any event (a program applies to every event).
    any_event: bool,
    /// The tags a condition tests, sorted: a patient's other tags decide nothing.
    tags: Box<[Box<str>]>,
    /// The attributes whose value decides nothing (free, and no condition tests them:
    /// a procedure's free text), sorted.
    loose: Box<[Box<str>]>,
    /// Bit `n % 64` set for each length `n` of those names: most names are told apart
    /// from them by their length alone.
    loose_lengths: u64,
    /// By program, in the rule set's order: `None` for patient-level programs, which the
    /// episode's words decide nothing of.
    programs: Vec<Option<ProgramConds>>,
}

/// What the rule set knows of one word.
#[derive(Debug, Clone, Copy, Default)]
struct Word {
    /// Its number as a value (an event, a tag, an attribute's value).
    value: u32,
    /// Its place among the tested attributes, when it names one.
    attribute: Option<u32>,
    /// A condition tests it as a tag.
    tag: bool,
    /// Its place in [`Decider::closed`], when the vocabulary knows it as an attribute.
    known: Option<u32>,
    /// The vocabulary accepts it as an event, a fact's kind, a milestone's name.
    event: bool,
    fact: bool,
    milestone: bool,
}

#[derive(Debug, Clone)]
struct ProgramConds {
    /// The events it applies to (`None`: any), apart: most programs are told apart by
    /// their event alone.
    events: Option<Box<[u32]>>,
    /// The rest of its `applies`.
    applies: Compiled,
    /// Each step's `when` and `unless`, in the program's order; `None` when both are
    /// empty (the step is always planned).
    steps: Box<[Option<(Compiled, Compiled)>]>,
}

/// Every key must match one of its values (none: always true).
#[derive(Debug, Clone, Default)]
struct Compiled(Box<[(Key, Box<[u32]>)]>);

#[derive(Debug, Clone, Copy)]
enum Key {
    Event,
    Tag,
    /// Its place among the tested attributes.
    Attribute(u32),
}

/// An episode's words, numbered by a [`Decider`]: `None` (or left out, for tags) when the
/// rules do not know the word, so no condition can match it.
#[derive(Debug, Default)]
pub(crate) struct Words {
    event: Option<u32>,
    /// The value of each tested attribute the episode gives.
    attributes: Vec<Option<u32>>,
    tags: Vec<u32>,
}

impl Decider {
    /// Compiles the conditions of `programs`.
    pub(crate) fn of(programs: &[Program], vocabulary: &Vocabulary) -> Decider {
        let loose: Box<[Box<str>]> = vocabulary.deciding_nothing().map(Box::from).collect();
        let mut d = Decider {
            loose_lengths: (loose.iter()).fold(0, |bits, n| bits | 1 << (n.len() % 64)),
            loose,
            ..Decider::default()
        };
        d.programs = (programs.iter())
            .map(|p| {
                (!p.patient_scope).then(|| {
                    let (events, rest): (Vec<_>, Vec<_>) =
                        (p.applies.0.iter()).partition(|(key, _)| *key == CondKey::Event);
                    // Every event condition must hold: the values they share.
                    let events =
                        (events.into_iter()).fold(None, |acc: Option<Vec<u32>>, (_, v)| {
                            let v: Vec<u32> = v.iter().map(|w| d.value(w)).collect();
                            Some(match acc {
                                None => v,
                                Some(acc) => acc.into_iter().filter(|e| v.contains(e)).collect(),
                            })
                        });
                    ProgramConds {
                        events: events.map(Vec::into_boxed_slice),
                        applies: d.compile(&Conds(rest.into_iter().cloned().collect())),
                        steps: (p.steps.iter())
                            .map(|s| {
                                (!s.when.is_empty() || !s.unless.is_empty())
                                    .then(|| (d.compile(&s.when), d.compile(&s.unless)))
                            })
                            .collect(),
                    }
                })
            })
            .collect();
        d.vocabulary(vocabulary);
        let mut tags: Vec<Box<str>> = (d.words.iter())
            .filter(|(_, w)| w.tag)
            .map(|(t, _)| t.clone())
            .collect();
        tags.sort();
        d.tags = tags.into();
        d
    }

    /// True when the value of the attribute `name` decides nothing: it is free and no
    /// condition tests it ([`Vocabulary::deciding_nothing`]).
    #[inline]
    pub(crate) fn decides_nothing(&self, name: &str) -> bool {
        if self.loose_lengths & 1 << (name.len() % 64) == 0 {
            return false;
        }
        match self.loose.len() {
            1..=8 => self.loose.iter().any(|t| **t == *name),
            _ => self.loose.binary_search_by(|t| (**t).cmp(name)).is_ok(),
        }
    }

    /// True when a condition of the episode programs tests the tag `tag`.
    pub(crate) fn tests_tag(&self, tag: &str) -> bool {
        match self.tags.len() {
            0 => false,
            // A few: compared (most differ in length), not hashed.
            1..=8 => self.tags.iter().any(|t| **t == *tag),
            _ => self.words.get(tag).is_some_and(|w| w.tag),
        }
    }

    fn compile(&mut self, conds: &Conds) -> Compiled {
        let conds = conds.0.iter().map(|(key, values)| {
            let key = match key {
                CondKey::Event => Key::Event,
                CondKey::Tag => Key::Tag,
                CondKey::Attribute(name) => Key::Attribute(self.attribute(name)),
            };
            let values = values.iter().map(|v| {
                let w = self.word(v);
                w.tag |= matches!(key, Key::Tag);
                w.value
            });
            (key, values.collect())
        });
        Compiled(conds.collect())
    }

    /// Enters the words of `vocabulary`.
    fn vocabulary(&mut self, vocabulary: &Vocabulary) {
        match vocabulary.events() {
            None => self.any_event = true,
            Some(events) => {
                for e in events {
                    self.word(e).event = true;
                }
            }
        }
        for name in vocabulary.attributes() {
            let values = vocabulary.attribute_values(name).map(|values| {
                let mut numbers: Vec<u32> = values.map(|v| self.value(v)).collect();
                numbers.sort_unstable();
                numbers.into_boxed_slice()
            });
            let place = u32::try_from(self.closed.len()).unwrap_or(u32::MAX);
            self.closed.push(values);
            self.word(name).known = Some(place);
        }
        for f in vocabulary.facts() {
            self.word(f).fact = true;
        }
        for m in vocabulary.milestones() {
            self.word(m).milestone = true;
        }
    }

    /// The entry of `word`, numbered if it was not.
    fn word(&mut self, word: &str) -> &mut Word {
        let next = self.next();
        self.words.entry(word.into()).or_insert(Word {
            value: next,
            ..Word::default()
        })
    }

    /// The number of `word` as a value, given one if it has none.
    fn value(&mut self, word: &str) -> u32 {
        self.word(word).value
    }

    /// The place of the attribute `name`, given one if it has none.
    fn attribute(&mut self, name: &str) -> u32 {
        let place = self.attributes;
        let w = self.word(name);
        match w.attribute {
            Some(a) => a,
            None => {
                let a = u32::try_from(place).unwrap_or(u32::MAX);
                w.attribute = Some(a);
                self.attributes = place.saturating_add(1);
                a
            }
        }
    }

    /// The number a new word would take (rule sets are far smaller than `u32::MAX` words).
    fn next(&self) -> u32 {
        u32::try_from(self.words.len()).unwrap_or(u32::MAX)
    }

    /// Numbers the words of `ep` into `out` (its vectors reused), and says whether the
    /// vocabulary accepts them: its event, its attributes and their values, its facts'
    /// kinds and its milestones' names (as [`Vocabulary::check`] does, which says why
    /// not).
    pub(crate) fn words(&self, ep: &Episode, out: &mut Words) -> bool {
        let event = self.words.get(ep.event.as_str());
        let mut accepted = self.any_event || event.is_some_and(|w| w.event);
        out.event = event.map(|w| w.value);
        out.attributes.clear();
        out.attributes.resize(self.attributes, None);
        out.tags.clear();
        for (name, value) in &ep.attributes {
            let name = self.words.get(name.as_str());
            let closed = name.and_then(|w| self.closed.get(w.known? as usize));
            let tested = name.and_then(|w| w.attribute);
            // A free attribute no condition tests (a procedure's free text): its value is
            // not looked up.
            let value = match (closed, tested) {
                (Some(None), None) => None,
                _ => self.words.get(value.as_str()).map(|w| w.value),
            };
            accepted &= match closed {
                Some(None) => true,
                Some(Some(values)) => value.is_some_and(|v| values.binary_search(&v).is_ok()),
                // Not an attribute the vocabulary knows.
                None => false,
            };
            if let Some(slot) = tested.and_then(|place| out.attributes.get_mut(place as usize)) {
                *slot = Some(value.unwrap_or(NONE));
            }
        }
        let tags = ep.patient.tags.iter();
        out.tags
            .extend(tags.filter_map(|t| self.words.get(t.as_str()).map(|w| w.value)));
        let known = |word: &str, kind: fn(&Word) -> bool| self.words.get(word).is_some_and(kind);
        accepted
            && ep.facts.iter().all(|f| known(&f.kind, |w| w.fact))
            && ep.milestones.keys().all(|m| known(m, |w| w.milestone))
    }

    /// Which of `programs` (those this decider was compiled from) apply to the episode
    /// of `words`, and which of their steps are planned: pushed to `applying` as (index,
    /// from, to) ranges into `steps`.
    pub(crate) fn decide(
        &self,
        words: &Words,
        applying: &mut Vec<(usize, usize, usize)>,
        steps: &mut Vec<bool>,
    ) {
        for (i, p) in self.programs.iter().enumerate() {
            let Some(p) = p else { continue };
            if let Some(events) = &p.events
                && !words.event.is_some_and(|e| events.contains(&e))
            {
                continue;
            }
            if !p.applies.matches(words) {
                continue;
            }
            let from = steps.len();
            steps.extend((p.steps.iter()).map(|conds| match conds {
                None => true,
                Some((when, unless)) => {
                    when.matches(words) && (unless.0.is_empty() || !unless.matches(words))
                }
            }));
            applying.push((i, from, steps.len()));
        }
    }
}

/// The number of an attribute value the rules do not test: no condition lists it.
const NONE: u32 = u32::MAX;

impl Compiled {
    #[inline]
    fn matches(&self, words: &Words) -> bool {
        self.0.iter().all(|(key, values)| match key {
            Key::Event => words.event.is_some_and(|e| values.contains(&e)),
            Key::Tag => words.tags.iter().any(|t| values.contains(t)),
            Key::Attribute(a) => (words.attributes.get(*a as usize))
                .copied()
                .flatten()
                .is_some_and(|v| v != NONE && values.contains(&v)),
        })
    }
}

/// FxHash's step over eight bytes at a time. The table holds the rule set's words only
/// (an episode's words are looked up, never added), so a fast hash is worth more here
/// than one resisting chosen collisions.
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        let mut b = [0u8; 8];
        if let Some(to) = b.get_mut(..rest.len()) {
            to.copy_from_slice(rest);
        }
        self.add(u64::from_le_bytes(b) ^ (rest.len() as u64) << 59);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod properties {
    use super::Words;
    use crate::episode::Episode;
    use crate::rules::RuleSet;
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    const EVENTS: [&str; 3] = ["procedure", "consultation", "repair"];
    const NAMES: [&str; 3] = ["category", "setting", "source"];
    const VALUES: [&str; 4] = ["a", "b", "ab", "ba"];
    const TAGS: [&str; 3] = ["vip", "gold", "gold-member"];

    /// A condition object from bits: which keys, which values (the first when none).
    fn conds(bits: u32) -> Value {
        let mut c = Map::new();
        let pick = |list: &[&'static str], b: u32| -> Vec<&'static str> {
            (list.iter().enumerate())
                .filter(|(i, _)| b >> i & 1 == 1)
                .map(|(_, w)| *w)
                .collect::<Vec<&str>>()
        };
        let pick = |list: &[&'static str], b: u32| -> Vec<&'static str> {
            let mut p = pick(list, b);
            if p.is_empty() {
                p.extend(list.first());
            }
            p
        };
        if bits & 1 == 1 {
            c.insert("event".into(), json!(pick(&EVENTS, bits >> 1)));
        }
        for (k, name) in NAMES.iter().enumerate() {
            let b = bits >> (4 + 5 * k);
            if b & 1 == 1 {
                c.insert((*name).into(), json!(pick(&VALUES, b >> 1)));
            }
        }
        if bits >> 19 & 1 == 1 {
            c.insert("tag".into(), json!(pick(&TAGS, bits >> 20)));
        }
        Value::Object(c)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The numbers decide as the words do: for random programs and episodes (words
        /// the rules know and words they do not), the same programs apply and the same
        /// steps are planned as `Conds::matches` says.
        #[test]
        fn numbers_decide_as_words_do(
            programs in proptest::collection::vec(
                (any::<u32>(), proptest::collection::vec((any::<u32>(), any::<u32>()), 1..4)),
                1..5,
            ),
            event in 0usize..4,
            attributes in proptest::collection::vec((0usize..4, 0usize..5), 0..4),
            tags in proptest::collection::vec(0usize..4, 0..3),
            facts in proptest::collection::vec(0usize..3, 0..2),
        ) {
            let defs: Vec<Value> = (programs.iter().enumerate())
                .map(|(i, (applies, steps))| {
                    let steps: Vec<Value> = (steps.iter().enumerate())
                        .map(|(k, (when, unless))| {
                            let mut s = json!({"id": format!("s{k}"), "offset": "P1D",
                                "title": {"zh": "t", "en": "t"}});
                            // Some steps have neither condition.
                            if when % 3 != 0 {
                                s["when"] = conds(*when);
                            }
                            if unless % 3 != 0 {
                                s["unless"] = conds(*unless);
                            }
                            s
                        })
                        .collect();
                    json!({"format": "followup/v1", "id": format!("p{i}"),
                        "name": {"zh": "p", "en": "p"}, "applies": conds(*applies),
                        "vocabulary": {"attributes": {"free_text": "free"}},
                        "steps": steps})
                })
                .collect();
            let rules = RuleSet::builder()
                .source("r.json", Value::Array(defs).to_string())
                .build()
                .unwrap();
            let word = |list: &[&'static str], i: usize| -> &'static str { list.get(i).copied().unwrap_or("unknown") };
            let mut attrs = Map::new();
            for (n, v) in &attributes {
                let name = NAMES.get(*n).copied().unwrap_or("free_text");
                attrs.insert(name.into(), json!(word(&VALUES, *v)));
            }
            let tags: Vec<&str> = tags.iter().map(|t| word(&TAGS, *t)).collect();
            let facts: Vec<Value> = (facts.iter())
                .map(|f| json!({"kind": word(&["contacted", "purchased"], *f), "at": "2026-03-03T10:00:00"}))
                .collect();
            let ep = json!({"id": "e", "event": word(&EVENTS, event), "at": "2026-03-02T10:00:00",
                "attributes": attrs, "patient": {"id": "p", "tags": tags}, "facts": facts});
            let ep = Episode::from_json("e", &ep.to_string()).unwrap();

            let mut words = Words::default();
            let accepted = rules.decider.words(&ep, &mut words);
            prop_assert_eq!(accepted, rules.vocabulary().check(&ep).is_ok());
            let (mut applying, mut steps) = (Vec::new(), Vec::new());
            rules.decider.decide(&words, &mut applying, &mut steps);
            let mut want = (Vec::new(), Vec::new());
            for (i, p) in rules.programs.iter().enumerate() {
                if p.patient_scope || !p.applies.matches(&ep) {
                    continue;
                }
                let from = want.1.len();
                want.1.extend(p.steps.iter().map(|s| {
                    s.when.matches(&ep) && (s.unless.is_empty() || !s.unless.matches(&ep))
                }));
                want.0.push((i, from, want.1.len()));
            }
            prop_assert_eq!((applying, steps), want);
            // The tags the rules test are those some condition names.
            for t in TAGS.iter().chain(&["unknown"]) {
                let named = rules.programs.iter().any(|p| {
                    std::iter::once(&p.applies)
                        .chain(p.steps.iter().flat_map(|s| [&s.when, &s.unless]))
                        .any(|c| c.0.iter().any(|(k, v)| {
                            *k == super::CondKey::Tag && v.iter().any(|x| **x == **t)
                        }))
                });
                prop_assert_eq!(rules.decider.tests_tag(t), named, "tag {}", t);
            }
        }
    }

    /// Words the built-in programs know, and words they do not, by kind.
    #[cfg(feature = "builtin-rules")]
    const BUILTIN: [&[&str]; 5] = [
        &[
            "procedure",
            "consultation",
            "course",
            "repair",
            "complaint",
            "lunch",
        ],
        &[
            "category",
            "setting",
            "source",
            "visit",
            "procedure",
            "severity",
            "colour",
        ],
        &[
            "plastic",
            "laser",
            "inpatient",
            "outpatient",
            "phone",
            "first",
            "serious",
            "鼻",
            "",
        ],
        &[
            "contacted",
            "visited",
            "purchased",
            "request_raised",
            "refused",
            "called",
        ],
        &[
            "discharge",
            "review_visit",
            "promised_callback",
            "contacted",
            "day",
        ],
    ];

    #[cfg(feature = "builtin-rules")]
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// On the built-in programs, the numbered words accept exactly the episodes
        /// `Vocabulary::check` accepts, and decide as the words do.
        #[test]
        fn numbers_accept_as_the_vocabulary_does(
            event in 0usize..6,
            attributes in proptest::collection::vec((0usize..7, 0usize..9), 0..4),
            facts in proptest::collection::vec(0usize..6, 0..3),
            milestones in proptest::collection::vec(0usize..5, 0..3),
            tags in proptest::collection::vec(0usize..3, 0..3),
        ) {
            let rules = RuleSet::builtin().unwrap();
            let pick = |kind: usize, i: usize| BUILTIN[kind].get(i).copied().unwrap_or("");
            let attrs: Map<String, Value> = (attributes.iter())
                .map(|(n, v)| (pick(1, *n).to_string(), json!(pick(2, *v))))
                .collect();
            let facts: Vec<Value> = (facts.iter())
                .map(|f| json!({"kind": pick(3, *f), "at": "2026-03-03T10:00:00"}))
                .collect();
            let milestones: Map<String, Value> = (milestones.iter())
                .map(|m| (pick(4, *m).to_string(), json!("2026-03-04")))
                .collect();
            let tags: Vec<&str> = (tags.iter())
                .map(|t| ["key_customer", "vip", "no_greetings"][*t])
                .collect();
            let ep = json!({"id": "e", "event": pick(0, event), "at": "2026-03-02T10:00:00",
                "attributes": attrs, "facts": facts, "milestones": milestones,
                "patient": {"id": "p", "tags": tags}});
            let Ok(ep) = Episode::from_json("e", &ep.to_string()) else {
                // An episode the reader refuses (a fact without its milestone…).
                return Ok(());
            };
            let mut words = Words::default();
            let accepted = rules.decider.words(&ep, &mut words);
            prop_assert_eq!(accepted, rules.vocabulary().check(&ep).is_ok());
            let (mut applying, mut steps) = (Vec::new(), Vec::new());
            rules.decider.decide(&words, &mut applying, &mut steps);
            let applies: Vec<usize> = (rules.programs.iter().enumerate())
                .filter(|(_, p)| !p.patient_scope && p.applies.matches(&ep))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(applying.iter().map(|a| a.0).collect::<Vec<_>>(), applies);
        }
    }
}
