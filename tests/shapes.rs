//! A thread keeps what a rule set decided for the last shapes of episode it planned (the
//! vocabulary accepted it, which programs and steps apply): a plan must never tell
//! whether its episode's shape was kept. Each test plans on a fresh thread, so what
//! other tests planned before does not count.

use crate::support::{builtin, episode};
use followup::{calendar::Calendar, rules::RuleSet};

/// Runs `f` on a thread of its own: it starts with no shape kept.
fn fresh<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

fn inpatient(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {{"category": "plastic", "setting": "inpatient"{extra}}},
            "patient": {{"id": "p-{id}", "name": "王女士"}},
            "milestones": {{"discharge": "2026-03-05"}}}}"#
    )
}

/// A free attribute no condition tests does not make a shape: two procedures share one,
/// and each plan still fills its own procedure's name.
#[test]
fn free_text_shares_a_shape_and_fills_its_own_words() {
    let rules = builtin();
    let cal = Calendar::default();
    let skin = |id: &str, procedure: &str| {
        episode(&format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "skin", "procedure": "{procedure}"}},
                "patient": {{"id": "p-{id}"}}}}"#
        ))
    };
    let (a, b) = (skin("a", "光子嫩肤"), skin("b", "水光针"));
    let scripts = |p: &followup::plan::Plan| -> String {
        (p.tasks.iter())
            .filter_map(|t| t.script().map(|s| s.zh().to_string()))
            .collect()
    };
    fresh(|| {
        let first = rules.plan(&a, &cal).unwrap();
        let second = rules.plan(&b, &cal).unwrap();
        assert!(scripts(&first).contains("光子嫩肤后第二天"));
        assert!(!scripts(&first).contains("水光针"));
        assert!(scripts(&second).contains("水光针后第二天"));
        assert!(!scripts(&second).contains("光子嫩肤"));
        assert_eq!(second, fresh(|| rules.plan(&b, &cal).unwrap()));
    });
}

/// A closed value is part of the shape: an unknown value right after an accepted one of
/// the same shape is still refused, with the nearest value.
#[test]
fn a_misspelt_value_after_a_good_one_is_refused() {
    let rules = builtin();
    let cal = Calendar::default();
    let good = episode(&inpatient("a", ""));
    let bad = episode(&inpatient("b", "").replace("\"inpatient\"", "\"in-patient\""));
    let unknown_fact = episode(&inpatient("c", "").replace(
        r#""milestones""#,
        r#""facts": [{"kind": "visted", "at": "2026-03-03T09:00:00"}], "milestones""#,
    ));
    let unknown_milestone = episode(&inpatient("d", "").replace("discharge", "dischrage"));
    fresh(|| {
        rules.plan(&good, &cal).unwrap();
        let e = rules.plan(&bad, &cal).unwrap_err().to_string();
        assert!(e.contains("did you mean \"inpatient\""), "{e}");
        rules.plan(&good, &cal).unwrap();
        let e = rules.plan(&unknown_fact, &cal).unwrap_err().to_string();
        assert!(e.contains("unknown fact kind \"visted\""), "{e}");
        let e = rules
            .plan(&unknown_milestone, &cal)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown milestone \"dischrage\""), "{e}");
    });
}

/// What a condition tests is part of the shape, even an attribute a rule file declares
/// free; so are the patient's tags. Each plan is the one a fresh thread makes.
#[test]
fn tested_values_and_tags_make_shapes() {
    let text = r#"{"format": "followup/v1", "id": "t", "name": {"zh": "t", "en": "t"},
        "applies": {"event": "procedure"},
        "vocabulary": {"attributes": {"procedure": "free"}},
        "steps": [
          {"id": "always", "offset": "P1D", "title": {"zh": "a", "en": "a"}},
          {"id": "nose-only", "offset": "P2D", "when": {"procedure": "nose"},
           "title": {"zh": "n", "en": "n"}},
          {"id": "unless-vip", "offset": "P3D", "unless": {"tag": "vip"},
           "title": {"zh": "v", "en": "v"}},
          {"id": "unless-gold", "offset": "P4D", "unless": {"tag": "gold-member"},
           "title": {"zh": "g", "en": "g"}}
        ]}"#;
    let rules = RuleSet::builder().source("t.json", text).build().unwrap();
    let cal = Calendar::default();
    let ep = |id: &str, procedure: &str, tags: &str| {
        episode(&format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"procedure": "{procedure}"}},
                "patient": {{"id": "p", "tags": [{tags}]}}}}"#
        ))
    };
    let episodes = [
        ep("1", "nose", ""),
        ep("2", "eyes", ""),
        ep("3", "nose", r#""vip""#),
        ep("4", "eyes", r#""vip""#),
        ep("5", "nose", ""),
        ep("6", "nose", r#""regular""#),
        // Same length, same first and last bytes: told apart by the words themselves.
        ep("7", "nose", r#""gold-member""#),
        ep("8", "nose", r#""gold_member""#),
    ];
    let steps = |p: &followup::plan::Plan| -> Vec<String> {
        p.tasks.iter().map(|t| t.step().to_string()).collect()
    };
    let all: &[&str] = &["always", "nose-only", "unless-vip", "unless-gold"];
    let expected: [&[&str]; 8] = [
        all,
        &["always", "unless-vip", "unless-gold"],
        &["always", "nose-only", "unless-gold"],
        &["always", "unless-gold"],
        all,
        all,
        &["always", "nose-only", "unless-vip"],
        all,
    ];
    fresh(|| {
        for (e, want) in episodes.iter().zip(expected) {
            assert_eq!(
                steps(&rules.plan(e, &cal).unwrap()),
                want,
                "episode {}",
                e.id
            );
        }
    });
}

/// Two rule sets on one thread do not share their decisions, though the episode's shape
/// is the same: one has the plastic programs, the other only laser aftercare.
#[test]
fn rule_sets_do_not_share_shapes() {
    let all = builtin();
    let laser = RuleSet::builder()
        .source(
            "laser.json",
            include_str!("../rules/laser-aftercare.json").to_string(),
        )
        .build()
        .unwrap();
    let cal = Calendar::default();
    let ep = episode(&inpatient("a", ""));
    fresh(|| {
        for _ in 0..2 {
            assert!(!all.plan(&ep, &cal).unwrap().tasks.is_empty());
            let e = laser.plan(&ep, &cal).unwrap_err().to_string();
            assert!(e.contains("unknown"), "{e}");
        }
    });
}

/// More shapes than a thread keeps, twice around: the oldest make way and their vectors
/// are reused, and every plan is still the one a fresh thread makes.
#[test]
fn shapes_past_what_a_thread_keeps() {
    let rules = builtin();
    let cal = Calendar::default();
    // 40 shapes: the lead's attributes a CRM copies in and a tag a step tests, in turn
    // (tags no condition tests would make no shape).
    let sources = ["phone", "online", "onsite"];
    let owners = [
        "customer_service",
        "consultant",
        "onsite_consultant",
        "online_consultant",
    ];
    let episodes: Vec<_> = (0..80)
        .map(|i| {
            let category = if i % 3 == 0 { "laser" } else { "plastic" };
            let k = i % 40;
            let tag = if k / 12 % 2 == 1 {
                r#""key_customer""#
            } else {
                ""
            };
            episode(&format!(
                r#"{{"id": "e{i}", "event": "procedure", "at": "2026-03-02T10:00:00",
                    "attributes": {{"category": "{category}", "setting": "inpatient",
                        "source": "{}", "assigned_to": "{}", "visit": "{}"}},
                    "patient": {{"id": "p{i}", "tags": [{tag}]}}}}"#,
                sources[k % 3],
                owners[k / 3 % 4],
                ["first", "return"][k / 24 % 2],
            ))
        })
        .collect();
    let alone: Vec<_> = (episodes.iter())
        .map(|e| fresh(|| rules.plan(e, &cal).unwrap()))
        .collect();
    fresh(|| {
        for (e, want) in episodes.iter().zip(&alone) {
            assert_eq!(&rules.plan(e, &cal).unwrap(), want, "episode {}", e.id);
        }
    });
    // Laser and plastic episodes do get different plans.
    assert_ne!(alone[0].programs, alone[1].programs);
}
