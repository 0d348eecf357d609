//! Every file in `rules/` is embedded, loads and compiles.

use followup::rules::{RuleSet, BUILTIN_RULES};
use std::path::Path;

#[test]
fn every_rules_file_is_embedded_and_compiles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| format!("rules/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let embedded: Vec<&str> = BUILTIN_RULES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        files, embedded,
        "BUILTIN_RULES must list every file in rules/, sorted"
    );
    let mut programs = 0;
    for name in &files {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
        let (_, embedded_text) = BUILTIN_RULES.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(
            &text, embedded_text,
            "{name} differs from its embedded copy"
        );
        let one = RuleSet::builder()
            .source(name.clone(), text)
            .build()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        programs += one.program_ids().count();
    }
    let all = RuleSet::builtin().unwrap();
    assert_eq!(all.program_ids().count(), programs);
}

#[test]
fn rule_set_is_send_and_sync() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<RuleSet>();
}
