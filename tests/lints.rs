//! Lints (audit 84 B10): a word a rule set writes nearly as another of its kind — a fact
//! kind, an attribute value, a tag — is listed where the rarer one is written, with the
//! other's count and place. Lines and columns are counted by hand in the texts below.

use followup::rules::{Lint, RuleSet, WordKind};

const IMPLANT: &str = include_str!("lints/implant.json");

/// Each lint's kind, word, near word, pointer, line and column.
type Placed<'a> = (
    WordKind,
    &'a str,
    &'a str,
    &'a str,
    Option<usize>,
    Option<usize>,
);

fn placed(rules: &RuleSet) -> Vec<Placed<'_>> {
    (rules.lints().iter())
        .map(|l| {
            (
                l.kind.clone(),
                l.word.as_str(),
                l.near.as_str(),
                l.at.pointer.as_str(),
                l.at.line,
                l.at.column,
            )
        })
        .collect()
}

fn lints(rules: &RuleSet) -> Vec<(WordKind, &str, &str, &str)> {
    (rules.lints().iter())
        .map(|l: &Lint| {
            (
                l.kind.clone(),
                l.word.as_str(),
                l.near.as_str(),
                l.at.pointer.as_str(),
            )
        })
        .collect()
}

/// The implant program beside the built-ins: `not_bookex` (lead ownership writes
/// `not_booked` three times), `declinde` (the presales and lead programs write
/// `declined`), `recoverex` (four steps wait for `recovered`), `key_custmer` (five
/// conditions test `key_customer`). In the order the implant program writes them:
/// `applies`, then step 0, then step 1's `wait_for` before its `unless`.
#[test]
fn slips_beside_the_built_in_words() {
    let rules = RuleSet::builder()
        .builtin()
        .source("clinic/implant.json", IMPLANT)
        .build()
        .expect("rules");
    assert_eq!(
        lints(&rules),
        [
            (
                WordKind::Value("outcome".into()),
                "not_bookex",
                "not_booked",
                "/applies/outcome"
            ),
            (
                WordKind::Fact,
                "declinde",
                "declined",
                "/steps/0/stop_when/0"
            ),
            (
                WordKind::Fact,
                "recoverex",
                "recovered",
                "/steps/1/wait_for"
            ),
            (
                WordKind::Tag,
                "key_custmer",
                "key_customer",
                "/steps/1/unless/tag"
            ),
        ]
    );
    let l = &rules.lints()[0];
    // Line 5: `  "applies": {"event": "procedure", "category": "dental", "outcome": "not_bookex"},`
    assert_eq!((l.at.line, l.at.column, l.uses), (Some(5), Some(70), 1));
    assert_eq!(l.at.source, "clinic/implant.json");
    // rules/lead-ownership.json line 10 reads `… "outcome": ["not_booked", …` from column 40.
    let near = l.near_at.as_ref().expect("written by the rules");
    assert_eq!(
        (
            near.source.as_str(),
            near.pointer.as_str(),
            near.line,
            near.column
        ),
        (
            "rules/lead-ownership.json",
            "/applies/outcome/0",
            Some(10),
            Some(52)
        )
    );
    let wait = &rules.lints()[2];
    assert_eq!(
        wait.to_string(),
        "clinic/implant.json: /steps/1/wait_for (line 9, column 58): fact kind \"recoverex\" \
         (written once) is nearly \"recovered\" (written 3 times, first at \
         rules/laser-aftercare.json: /steps/5/wait_for (line 61, column 19)): if they are one \
         word, write it one way"
    );
}

/// Alone, the implant program's `declinde` is still nearly the engine's own `declined`;
/// its other words have nothing to be compared with (an episode's `recovered` is then
/// refused by the vocabulary, with "did you mean").
#[test]
fn alone_a_slip_of_an_engine_fact() {
    let rules = RuleSet::builder()
        .source("implant.json", IMPLANT)
        .build()
        .expect("rules");
    assert_eq!(
        lints(&rules),
        [(
            WordKind::Fact,
            "declinde",
            "declined",
            "/steps/0/stop_when/0"
        )]
    );
    let l = &rules.lints()[0];
    assert_eq!((l.near_uses, &l.near_at), (0, &None));
    assert!(l
        .to_string()
        .ends_with("is nearly \"declined\" (a fact the engine itself reads): did you mean it?"));
}

/// A value written in two cases in one array of programs: the second program's
/// `Dental` (once) against the first's `dental` (twice). The pointer has the program's
/// index; the value is the only one of its condition, so the pointer is the key's.
#[test]
fn case_and_separators_in_an_array_of_programs() {
    let text = r#"[
{"format": "followup/v1", "id": "a", "name": {"zh": "甲", "en": "A"},
 "applies": {"event": "procedure", "category": ["dental", "skin"]},
 "steps": [{"id": "s", "when": {"category": "dental"}, "title": {"zh": "甲", "en": "A"}}]},
{"format": "followup/v1", "id": "b", "name": {"zh": "乙", "en": "B"},
 "applies": {"event": "procedure", "category": "Dental"},
 "steps": [{"id": "s", "title": {"zh": "乙", "en": "B"}}]}
]"#;
    let rules = RuleSet::builder()
        .source("two.json", text)
        .build()
        .expect("rules");
    assert_eq!(
        lints(&rules),
        [(
            WordKind::Value("category".into()),
            "Dental",
            "dental",
            "/1/applies/category"
        )]
    );
    let l = &rules.lints()[0];
    assert_eq!(
        (l.at.line, l.at.column, l.near_uses),
        (Some(6), Some(48), 2)
    );
    let near = l.near_at.as_ref().expect("written");
    assert_eq!(
        (near.pointer.as_str(), near.line, near.column),
        ("/0/applies/category/0", Some(3), Some(49))
    );
}

/// A word an override adds is placed in the program as in effect, named with the
/// override's source, with no line (the program is no longer as its file says).
#[test]
fn a_slip_an_override_adds() {
    let over = r#"{"format": "followup/v1", "override": "laser-aftercare",
      "add_steps": [{"id": "week-2-call", "offset": "P14D", "wait_for": "recoverd",
                     "title": {"zh": "两周回访", "en": "Week-2 call"}}]}"#;
    let rules = RuleSet::builder()
        .builtin()
        .source("clinic/laser.json", over)
        .build()
        .expect("rules");
    assert_eq!(
        lints(&rules),
        [(
            WordKind::Fact,
            "recoverd",
            "recovered",
            "/steps/10/wait_for"
        )]
    );
    let l = &rules.lints()[0];
    assert_eq!(
        (l.at.line, l.at.changed_by.as_slice()),
        (None, &["clinic/laser.json".to_string()][..])
    );
    assert!(l.to_string().starts_with(
        "rules/laser-aftercare.json as changed by clinic/laser.json: /steps/10/wait_for: fact kind \"recoverd\""
    ));
}

/// Words meant apart are no lint: two edits (`online_consultant`, `onsite_consultant`
/// in the built-in presales), short words, the same word written twice.
#[test]
fn the_built_in_programs_have_none() {
    assert_eq!(lints(&RuleSet::builtin().expect("rules")), []);
    let text = r#"{"format": "followup/v1", "id": "a", "name": {"zh": "甲", "en": "A"},
      "applies": {"event": "procedure", "category": ["ab", "ac", "skin"]},
      "steps": [{"id": "s", "stop_when": ["visit", "visited"], "when": {"category": "skin"},
                 "title": {"zh": "甲", "en": "A"}}]}"#;
    let rules = RuleSet::builder()
        .source("a.json", text)
        .build()
        .expect("rules");
    assert_eq!(lints(&rules), []);
}

/// A tag written in a time override is a tag as a condition's is, and a word written as a
/// JSON key (a milestone's name, an attribute's) is placed at the key, not at its value
/// (audit 117). The program below, beside the built-ins: `no_greeting` in a step's time
/// override (the greetings test `no_greetings` nine times); the milestone `dischage`
/// (the plastic program's `discharge`), its value on the next line; the condition key
/// `categroy`… is an error, so the attribute slip is `catgory` in `vocabulary`.
#[test]
fn tags_of_time_overrides_and_words_written_as_keys() {
    let text = r#"{"format": "followup/v1", "id": "implant", "name": {"zh": "种植", "en": "Implant"},
  "applies": {"event": "procedure", "category": "dental"},
  "milestones": {"dischage":
      null},
  "vocabulary": {"attributes": {"catgory": ["x"]}},
  "steps": [{"id": "s", "from": "dischage", "title": {"zh": "甲", "en": "A"},
    "time_overrides": [{"tag": "no_greeting", "time": "morning"}]}]}"#;
    let rules = RuleSet::builder()
        .builtin()
        .source("implant.json", text)
        .build()
        .expect("rules");
    assert_eq!(
        placed(&rules),
        [
            // Line 3: `  "milestones": {"dischage":` — the key at column 18.
            (
                WordKind::Milestone,
                "dischage",
                "discharge",
                "/milestones/dischage",
                Some(3),
                Some(18)
            ),
            // Line 5: `  "vocabulary": {"attributes": {"catgory": ["x"]}},` — column 33.
            (
                WordKind::Attribute,
                "catgory",
                "category",
                "/vocabulary/attributes/catgory",
                Some(5),
                Some(33)
            ),
            // Line 7: `    "time_overrides": [{"tag": "no_greeting", …` — the value at column 32.
            (
                WordKind::Tag,
                "no_greeting",
                "no_greetings",
                "/steps/0/time_overrides/0/tag",
                Some(7),
                Some(32)
            ),
        ]
    );
}

/// At most 100 lints, the first written: a rule set with hundreds of words one letter
/// apart (every three-letter word of `a`-`f` as values of one attribute) has other
/// troubles than slips, and its lints are found by comparing each word with those that
/// share a key with it, not every pair.
#[test]
fn at_most_a_hundred_lints() {
    let letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    let mut words = Vec::new();
    for x in letters {
        for y in letters {
            for z in letters {
                words.push(format!("\"{x}{y}{z}\""));
            }
        }
    }
    let text = format!(
        r#"{{"format": "followup/v1", "id": "a", "name": {{"zh": "甲", "en": "A"}},
          "applies": {{"event": "procedure", "category": "x"}},
          "vocabulary": {{"attributes": {{"procedure": [{}]}}}},
          "steps": [{{"id": "s", "title": {{"zh": "甲", "en": "A"}}}}]}}"#,
        words.join(", ")
    );
    let rules = RuleSet::builder()
        .source("a.json", text)
        .build()
        .expect("rules");
    assert_eq!(rules.lints().len(), 100);
    // Each written once: the later of two is the rarer, so `aaa`, first, is no lint.
    assert_eq!(rules.lints()[0].word, "aab");
    assert_eq!(rules.lints()[0].near, "aaa");
}

/// The only value of a condition written as an array of one is placed at the item, not
/// at the array (audit 123); and a word with a long run of one letter is compared as any
/// word (a run of 32 `x` made a crowd of the word alone: no lint).
#[test]
fn an_array_of_one_and_a_long_run_of_one_letter() {
    let run = "x".repeat(32);
    let slip = format!("{}y", "x".repeat(31));
    let text = format!(
        r#"[
{{"format": "followup/v1", "id": "a", "name": {{"zh": "甲", "en": "A"}},
 "applies": {{"event": "procedure", "category": ["dental", "{run}"]}},
 "steps": [{{"id": "s", "when": {{"category": "dental"}}, "unless": {{"category": "{run}"}}, "title": {{"zh": "甲", "en": "A"}}}}]}},
{{"format": "followup/v1", "id": "b", "name": {{"zh": "乙", "en": "B"}},
 "applies": {{"event": "procedure", "category": [
   "Dental"]}},
 "steps": [{{"id": "s", "unless": {{"category": "{slip}"}}, "title": {{"zh": "乙", "en": "B"}}}}]}}
]"#
    );
    let rules = RuleSet::builder()
        .source("two.json", text)
        .build()
        .expect("rules");
    let value = || WordKind::Value("category".into());
    assert_eq!(
        placed(&rules),
        [
            // Line 7: `   "Dental"]}},` — the item at column 4.
            (
                value(),
                "Dental",
                "dental",
                "/1/applies/category/0",
                Some(7),
                Some(4)
            ),
            (
                value(),
                slip.as_str(),
                run.as_str(),
                "/1/steps/0/unless/category",
                Some(8),
                Some(47)
            ),
        ]
    );
}
