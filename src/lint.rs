//! Lints: a word a rule set writes two ways.
//!
//! Fact kinds, events, attribute names and values, tags and milestone names are the rule
//! author's own words: a rule file may say `"wait_for": "recoverex"`, and nothing about
//! the file itself is wrong. The vocabulary catches such a slip when it is the only
//! spelling (an episode's `recovered` is refused: "did you mean `recoverex`?"), but not
//! when another program of the set writes the right one: the episode is accepted and the
//! step waits for a fact no episode gives (audit 84). [`crate::rules::RuleSet::lints`]
//! lists each word of a kind that is nearly another word of the same kind, where the
//! rarer one is written.

use crate::model::{AttributeValues, Conditions, ProgramDef};
use crate::ruleset::SourcedProgram;
use crate::vocabulary::{distance, normalized, ENGINE_FACTS};
use std::collections::hash_map::{Entry, HashMap};
use std::fmt;

/// The kind of word a [`Lint`] is about: words are compared with words of their own kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum WordKind {
    /// An event (`applies.event`, `vocabulary.events`).
    Event,
    /// An attribute's name (a condition's key, `requires`, `vocabulary.attributes`).
    Attribute,
    /// A value of the attribute named (`"category": "plastic"`).
    Value(String),
    /// A patient tag a condition tests.
    Tag,
    /// A fact kind (`stop_when`, `wait_for`, `fact:KIND`, `latest:KIND`,
    /// `vocabulary.facts`, and the engine's `declined` and `opt_out`).
    Fact,
    /// A milestone's name.
    Milestone,
}

impl fmt::Display for WordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WordKind::Event => f.write_str("event"),
            WordKind::Attribute => f.write_str("attribute"),
            WordKind::Value(attribute) => write!(f, "{attribute} value"),
            WordKind::Tag => f.write_str("tag"),
            WordKind::Fact => f.write_str("fact kind"),
            WordKind::Milestone => f.write_str("milestone"),
        }
    }
}

/// Where a word is written: the source's name and the JSON pointer in it, with the line
/// and column when the pointer could be found in the source's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The source's name (a file name for files).
    pub source: String,
    /// The JSON pointer: `/steps/3/wait_for`, `/0/applies/category` in an array of
    /// programs. For a program an override changed, the pointer is in the program as in
    /// effect ([`crate::rules::RuleSet::definition`]), and no line is given.
    pub pointer: String,
    /// The sources of the overrides that changed the program, in order; empty when none
    /// did.
    pub changed_by: Vec<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in bytes), when known.
    pub column: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        f.write_str(&self.source)?;
        if !self.changed_by.is_empty() {
            write!(f, " as changed by {}", self.changed_by.join(", "))?;
        }
        write!(f, ": {pointer}")?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// A word the rule set writes nearly as another word of the same kind: the same once
/// case and `-`/`_`/space are set aside, or one edit apart (a letter added, left out or
/// changed, or two letters swapped), both of three letters or more — numbered siblings
/// (`grade_1`, `grade_2`) apart. The word is the rarer of the two
/// (written fewer times; of two written as often, the one written later), where it is
/// first written. A lint is no error: two words may be meant (`visit` and `visits`), but
/// an episode gives one or the other, and a step testing the other never sees it.
///
/// ```
/// use followup::rules::RuleSet;
/// let rules = RuleSet::builder().builtin().source("dental.json", r#"{
///   "format": "followup/v1", "id": "implant", "name": {"zh": "种植", "en": "Implant"},
///   "applies": {"event": "procedure", "category": "dental"},
///   "steps": [{"id": "sell", "offset": "P1M", "wait_for": "recoverex", "role": "consultant",
///              "title": {"zh": "推荐", "en": "Further needs"}}]}"#).build()?;
/// let lint = &rules.lints()[0];
/// assert_eq!((lint.word.as_str(), lint.near.as_str()), ("recoverex", "recovered"));
/// // Line 4 of the text, column 57: the value of `wait_for`. The built-in laser program
/// // is the first of three to write `recovered`.
/// assert_eq!(lint.to_string(), "dental.json: /steps/0/wait_for (line 4, column 57): \
///     fact kind \"recoverex\" (written once) is nearly \"recovered\" (written 3 times, first \
///     at rules/laser-aftercare.json: /steps/5/wait_for (line 61, column 19)): if they are \
///     one word, write it one way");
/// assert!(RuleSet::builtin()?.lints().is_empty());
/// # Ok::<(), followup::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// What kind of word it is.
    pub kind: WordKind,
    /// The rarer word.
    pub word: String,
    /// How many times the set writes it.
    pub uses: usize,
    /// Where it is first written.
    pub at: Place,
    /// The word it is nearly.
    pub near: String,
    /// How many times the set writes that one (0 for a fact the engine itself reads,
    /// `declined` or `opt_out`, that no rule writes).
    pub near_uses: usize,
    /// Where that one is first written; `None` for a fact the engine itself reads that
    /// no rule writes.
    pub near_at: Option<Place>,
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = |n: usize| match n {
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        write!(
            f,
            "{}: {} {:?} (written {}) is nearly {:?} ",
            self.at,
            self.kind,
            self.word,
            times(self.uses),
            self.near
        )?;
        match &self.near_at {
            Some(at) => write!(
                f,
                "(written {}, first at {at}): if they are one word, write it one way",
                times(self.near_uses)
            ),
            None => f.write_str("(a fact the engine itself reads): did you mean it?"),
        }
    }
}

/// One word as written.
struct Word {
    kind: WordKind,
    word: String,
    /// Index of the program in the definitions, and the pointer within it.
    program: usize,
    pointer: String,
    /// Written as a JSON key (a milestone's name, an attribute's): placed at the key.
    key: bool,
    /// The only value of a condition, written as a string or as an array of one: placed
    /// at the array's item when it is one.
    maybe_item: bool,
}

/// The lints of `defs`, whose sources' texts are `texts` (name, text) and whose JSON
/// pointer prefixes in them are `prefixes` (`/2` for the third program of an array).
pub(crate) fn of<N: AsRef<str>, T: AsRef<str>>(
    defs: &[SourcedProgram],
    prefixes: &[String],
    texts: &[(N, T)],
) -> Vec<Lint> {
    let mut words = Vec::new();
    for (i, d) in defs.iter().enumerate() {
        collect(&d.program, i, &mut words);
    }
    let place = |w: &Word| -> Place {
        let d = defs.get(w.program);
        let source = d.map(|d| d.source.clone()).unwrap_or_default();
        let changed_by = d.map(|d| d.overridden_by.clone()).unwrap_or_default();
        let prefix = prefixes.get(w.program).map(String::as_str).unwrap_or("");
        let pointer = format!("{prefix}{}", w.pointer);
        // A program an override changed is no longer as its text says.
        let text = (texts.iter())
            .find(|(name, _)| name.as_ref() == source)
            .map(|(_, text)| text.as_ref())
            .filter(|_| changed_by.is_empty());
        let item = format!("{pointer}/0");
        let (pointer, at) = match text {
            Some(text) if w.key => (pointer.clone(), crate::json::locate_key(text, &pointer)),
            Some(text) => match crate::json::locate(text, &item).filter(|_| w.maybe_item) {
                Some(at) => (item, Some(at)),
                None => (pointer.clone(), crate::json::locate(text, &pointer)),
            },
            None => (pointer, None),
        };
        Place {
            source,
            pointer,
            changed_by,
            line: at.map(|(line, _)| line),
            column: at.map(|(_, column)| column),
        }
    };
    // Distinct words of each kind, in the order first written, with their counts.
    let mut index: HashMap<(&WordKind, &str), usize> = HashMap::new();
    let mut distinct: Vec<(&Word, usize)> = Vec::new();
    for w in &words {
        match index.entry((&w.kind, w.word.as_str())) {
            Entry::Occupied(e) => {
                if let Some((_, n)) = distinct.get_mut(*e.get()) {
                    *n += 1;
                }
            }
            Entry::Vacant(e) => {
                e.insert(distinct.len());
                distinct.push((w, 1));
            }
        }
    }
    // Each word's nearest other word of its kind that it is the rarer of: candidates
    // share a key (the word with one letter left out, or whole), so the work grows with
    // the words, not their pairs; a key shared by more than `CROWD` words is skipped
    // (a list of generated codes, not slips).
    let rarer = |i: usize, j: usize| {
        let (a, b) = (
            distinct.get(i).map_or(0, |d| d.1),
            distinct.get(j).map_or(0, |d| d.1),
        );
        a < b || (a == b && i > j)
    };
    let mut best: Vec<Option<usize>> = vec![None; distinct.len()];
    let mut buckets: HashMap<(&WordKind, Vec<char>), Vec<usize>> = HashMap::new();
    for (i, (w, _)) in distinct.iter().enumerate() {
        for key in keys(&w.word) {
            buckets.entry((&w.kind, key)).or_default().push(i);
        }
    }
    for members in buckets.values().filter(|m| m.len() > 1 && m.len() <= CROWD) {
        for &i in members {
            for &j in members {
                let (Some((w, _)), Some((v, n))) = (distinct.get(i), distinct.get(j)) else {
                    continue;
                };
                if i == j || !rarer(i, j) || !near(&w.word, &v.word) {
                    continue;
                }
                // The most written, and of two as often the first written.
                let better = best.get(i).copied().flatten().is_none_or(|k| {
                    let m = distinct.get(k).map_or(0, |d| d.1);
                    (*n, std::cmp::Reverse(j)) > (m, std::cmp::Reverse(k))
                });
                if better && let Some(b) = best.get_mut(i) {
                    *b = Some(j);
                }
            }
        }
    }
    let mut lints = Vec::new();
    for (i, &(w, uses)) in distinct.iter().enumerate() {
        if lints.len() >= MAX_LINTS {
            break;
        }
        let other = (best.get(i).copied().flatten())
            .and_then(|j| distinct.get(j))
            .map(|&(v, n)| (v.word.clone(), n, Some(place(v))));
        // (A condition key nearly `tag` or `event` is an error already.)
        let reserved = || {
            let own: &[&str] = match w.kind {
                WordKind::Fact => &ENGINE_FACTS,
                _ => &[],
            };
            (own.iter())
                .find(|r| **r != w.word && near(&w.word, r))
                .map(|r| (r.to_string(), 0, None))
        };
        if let Some((near, near_uses, near_at)) = other.or_else(reserved) {
            let at = place(w);
            let key = (w.program, at.line.unwrap_or(usize::MAX), at.column);
            lints.push((
                key,
                Lint {
                    kind: w.kind.clone(),
                    word: w.word.clone(),
                    uses,
                    at,
                    near,
                    near_uses,
                    near_at,
                },
            ));
        }
    }
    // In the order of the texts: by program, then line and column where known.
    lints.sort_by_key(|(key, _)| *key);
    lints.into_iter().map(|(_, lint)| lint).collect()
}

/// At most this many lints (the first written): past them, a rule set has other troubles.
const MAX_LINTS: usize = 100;

/// Words sharing one comparison key past this many are not compared (generated codes).
const CROWD: usize = 32;

/// The comparison keys of a word: its normalized form, whole and with each letter left
/// out. Two words one edit apart (a letter added, left out or changed, two swapped) share
/// one; words of fewer than three letters (compared whole only) and of more than 64 (no
/// rule value is longer) have only the whole.
fn keys(word: &str) -> Vec<Vec<char>> {
    let w = normalized(word);
    let mut keys = vec![w.clone()];
    if (3..=64).contains(&w.len()) {
        for i in 0..w.len() {
            let mut k = w.clone();
            k.remove(i);
            keys.push(k);
        }
    }
    // A run of one letter gives one key, not one per letter (audit 123: a run of 32 made
    // a crowd of the word alone).
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Nearly the same word: equal once case and separators are set aside, else one edit
/// apart, both of three letters or more, and not two numbered siblings (`stage_1`,
/// `stage_2`). Two edits would take words meant apart (`online_consultant`,
/// `onsite_consultant`).
fn near(a: &str, b: &str) -> bool {
    let (a, b) = (normalized(a), normalized(b));
    if a == b {
        return true;
    }
    // Numbered siblings are meant apart (`grade_1`, `grade_2`; audit 117).
    let numbered = a.len() == b.len()
        && (a.iter().zip(&b)).all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()));
    !numbered && a.len().min(b.len()) >= 3 && distance(&a, &b) <= 1
}

/// JSON pointer token of a key.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn collect(p: &ProgramDef, program: usize, out: &mut Vec<Word>) {
    // A pointer ending in `#` is to a key: the word is the last member's name.
    // One ending in `?` may be to an array of one: its item then.
    let mut add = |kind: WordKind, word: &str, pointer: String| {
        let (pointer, key) = match pointer.strip_suffix('#') {
            Some(p) => (p.to_string(), true),
            None => (pointer, false),
        };
        let (pointer, maybe_item) = match pointer.strip_suffix('?') {
            Some(p) => (p.to_string(), true),
            None => (pointer, false),
        };
        out.push(Word {
            kind,
            word: word.to_string(),
            program,
            pointer,
            key,
            maybe_item,
        });
    };
    let conds = |c: &Conditions, at: &str, add: &mut dyn FnMut(WordKind, &str, String)| {
        for (key, values) in c {
            let at = format!("{at}/{}", token(key));
            let kind = match key.as_str() {
                "event" => WordKind::Event,
                "tag" => WordKind::Tag,
                attribute => {
                    add(WordKind::Attribute, attribute, format!("{at}#"));
                    WordKind::Value(attribute.to_string())
                }
            };
            // One value may be written as a string or as an array of one.
            let one = values.0.len() == 1;
            for (i, v) in values.0.iter().enumerate() {
                let at = if one {
                    format!("{at}?")
                } else {
                    format!("{at}/{i}")
                };
                add(kind.clone(), v, at);
            }
        }
    };
    conds(&p.applies, "/applies", &mut add);
    for (i, r) in p.requires.iter().enumerate() {
        add(WordKind::Attribute, r, format!("/requires/{i}"));
    }
    for name in p.milestones.keys() {
        add(
            WordKind::Milestone,
            name,
            format!("/milestones/{}#", token(name)),
        );
    }
    let v = &p.vocabulary;
    for (i, e) in v.events.iter().enumerate() {
        add(WordKind::Event, e, format!("/vocabulary/events/{i}"));
    }
    for (name, values) in &v.attributes {
        let at = format!("/vocabulary/attributes/{}", token(name));
        add(WordKind::Attribute, name, format!("{at}#"));
        if let AttributeValues::Values(list) = values {
            for (i, x) in list.iter().enumerate() {
                add(WordKind::Value(name.clone()), x, format!("{at}/{i}"));
            }
        }
    }
    for (i, f) in v.facts.iter().enumerate() {
        add(WordKind::Fact, f, format!("/vocabulary/facts/{i}"));
    }
    let overrides = |list: &Option<Vec<crate::model::TimeOverrideDef>>,
                     at: &str,
                     add: &mut dyn FnMut(WordKind, &str, String)| {
        for (i, o) in list.iter().flatten().enumerate() {
            let one = o.tag.as_ref().is_some_and(|t| t.0.len() == 1);
            for (j, tag) in o.tag.iter().flat_map(|t| &t.0).enumerate() {
                let at = format!("{at}/time_overrides/{i}/tag");
                add(
                    WordKind::Tag,
                    tag,
                    if one {
                        format!("{at}?")
                    } else {
                        format!("{at}/{j}")
                    },
                );
            }
        }
    };
    overrides(&p.defaults.time_overrides, "/defaults", &mut add);
    for (i, s) in p.steps.iter().enumerate() {
        let at = format!("/steps/{i}");
        overrides(&s.time_overrides, &at, &mut add);
        conds(&s.when, &format!("{at}/when"), &mut add);
        conds(&s.unless, &format!("{at}/unless"), &mut add);
        if let Some(sample) = &s.sample {
            conds(&sample.always, &format!("{at}/sample/always"), &mut add);
        }
        for (j, k) in s.stop_when.iter().enumerate() {
            add(WordKind::Fact, k, format!("{at}/stop_when/{j}"));
        }
        if let Some(w) = &s.wait_for {
            add(WordKind::Fact, &w.fact, format!("{at}/wait_for"));
        }
        let from = s.from.as_deref().unwrap_or("");
        let kinds = (from.strip_prefix("fact:"))
            .or_else(|| from.strip_prefix("latest:"))
            .map(|kinds| kinds.split(','));
        for k in kinds.into_iter().flatten() {
            add(WordKind::Fact, k, format!("{at}/from"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_words() {
        assert!(near("recoverex", "recovered"));
        assert!(near("Plastic", "plastic"));
        assert!(near("visited-no-purchase", "visited_no_purchase"));
        assert!(near("tga", "tag"));
        assert!(near("complaint_resolvd", "complaint_resolved"));
        assert!(near("recovred", "recovered"));
        // Two edits are two words.
        assert!(!near("online_consultant", "onsite_consultant"));
        assert!(!near("visit", "visits_"));
        assert!(!near("grade_1", "grade_2"));
        assert!(!near("stage_10", "stage_12"));
        assert!(near("stage_1", "stagee_1"));
        assert!(!near("laser", "lasik"));
        // Too short to tell.
        assert!(!near("a", "b"));
        assert!(!near("ab", "ac"));
    }
}
