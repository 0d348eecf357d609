//! The shipped schemas are the generated ones; every sample file, built-in rule file and
//! plan validates against its schema; what the readers refuse for its shape, the schemas
//! refuse too.
//!
//! `UPDATE_SCHEMA=1 cargo test --lib schema` writes the generated schemas to `schema/`.

#[cfg(test)]
mod checks {
    use super::super::{files, to_text};
    use crate::{
        calendar::Calendar,
        episode::Episode,
        history::History,
        plan::Plan,
        rules::{Notice, RuleSet},
    };
    use serde_json::{json, Value};
    use std::path::{Path, PathBuf};

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// The `.json` files of a folder of the repository, sorted.
    fn json_files(dir: &str) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        out.sort();
        assert!(!out.is_empty(), "no .json file in {dir}");
        out
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn value(path: &Path) -> Value {
        serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The validator of a shipped schema (`rules`, `episode`…), built as editors and hosts
    /// would: from the file.
    fn validator(name: &str) -> jsonschema::Validator {
        let schema = value(&root().join(format!("schema/{name}.schema.json")));
        jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("schema/{name}: {e}"))
    }

    /// Every error of `instance` against `v`, one per line with its location.
    fn errors(v: &jsonschema::Validator, instance: &Value) -> String {
        v.iter_errors(instance)
            .map(|e| format!("  {}: {e}", e.instance_path()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
        let found = errors(v, instance);
        assert!(found.is_empty(), "{what} does not validate:\n{found}");
    }

    #[test]
    fn shipped_schemas_are_the_generated_ones() {
        let dir = root().join("schema");
        let update = std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1");
        let mut stale = Vec::new();
        for (file, schema) in files() {
            let path = dir.join(file);
            let text = to_text(&schema);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(&*text) {
                stale.push(format!("schema/{file}"));
            }
        }
        assert!(
            stale.is_empty(),
            "{} differ from the schemas the serde model gives: run `UPDATE_SCHEMA=1 cargo test --lib schema` and commit schema/",
            stale.join(", ")
        );
        let shipped: Vec<String> = json_files("schema")
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let generated: Vec<&str> = files().iter().map(|(f, _)| *f).collect();
        let mut sorted = generated.clone();
        sorted.sort_unstable();
        assert_eq!(
            shipped, sorted,
            "schema/ holds exactly the generated schemas"
        );
    }

    #[test]
    fn schemas_are_valid_draft_2020_12_with_ids() {
        for (file, schema) in files() {
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{file}"
            );
            let id = schema["$id"].as_str().unwrap();
            assert!(id.starts_with("urn:followup:schema:v1:"), "{file}: {id}");
            assert!(
                jsonschema::meta::is_valid(&schema),
                "{file} is not a valid schema"
            );
        }
    }

    #[test]
    fn every_built_in_rule_file_validates_and_names_its_schema() {
        let v = validator("rules");
        for path in json_files("rules") {
            let file = value(&path);
            assert_valid(&v, &file, &path.display().to_string());
            let programs = match &file {
                Value::Array(list) => list.clone(),
                one => vec![one.clone()],
            };
            for p in programs {
                assert_eq!(
                    p["$schema"],
                    "../schema/rules.schema.json",
                    "{} names its schema",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn every_sample_input_validates() {
        let calendar = validator("calendar");
        for dir in ["rules/calendars", "examples/calendars"] {
            for path in json_files(dir) {
                assert_valid(&calendar, &value(&path), &path.display().to_string());
                Calendar::from_json("calendar", &read(&path)).unwrap();
            }
        }
        let episode = validator("episode");
        for path in json_files("examples/episodes") {
            assert_valid(&episode, &value(&path), &path.display().to_string());
        }
        let Value::Array(data) = value(&root().join("examples/data/episodes.json")) else {
            panic!("examples/data/episodes.json is an array of episodes");
        };
        for (i, ep) in data.iter().enumerate() {
            assert_valid(&episode, ep, &format!("examples/data/episodes.json/{i}"));
        }
        let history = validator("history");
        for path in json_files("examples/histories") {
            assert_valid(&history, &value(&path), &path.display().to_string());
        }
        let notices = validator("notices");
        for path in json_files("examples/notices") {
            assert_valid(&notices, &value(&path), &path.display().to_string());
        }
    }

    /// The sample episodes, read as the examples read them.
    fn sample_episodes(rules: &RuleSet) -> Vec<(String, Episode)> {
        json_files("examples/episodes")
            .iter()
            .map(|p| {
                let name = p.display().to_string();
                let ep = rules.read_episode(&name, &read(p)).unwrap();
                (name, ep)
            })
            .collect()
    }

    #[test]
    fn every_plan_of_the_sample_episodes_validates() {
        let rules = RuleSet::builtin().unwrap();
        let plan = validator("plan");
        let check = |p: &Plan, what: &str| {
            // The hand-written JSON is serde's, to the byte.
            assert_eq!(
                p.to_json().unwrap(),
                serde_json::to_string(p).unwrap(),
                "{what}"
            );
            let json = serde_json::to_value(p).unwrap();
            assert_valid(&plan, &json, what);
            // Without texts: serde's JSON less each task's title, script and long_message
            // (compared as values: the order of keys is the full form's, checked above).
            let mut lean = json.clone();
            for t in lean["tasks"].as_array_mut().unwrap() {
                let t = t.as_object_mut().unwrap();
                assert!(t.remove("title").is_some(), "{what}");
                t.remove("script");
                t.remove("long_message");
            }
            let written =
                (p.to_json_with(crate::plan::JsonOptions::default().texts(false))).unwrap();
            let written: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(written, lean, "{what}");
        };
        let cn = Calendar::china(2026).unwrap();
        let history = History::from_json(
            "p42-march",
            &read(&root().join("examples/histories/p42-march.json")),
        )
        .unwrap();
        let notices = rules
            .read_notices(
                "clinic-2026",
                &read(&root().join("examples/notices/clinic-2026.json")),
            )
            .unwrap();
        let as_of = "2026-03-20".parse().unwrap();
        let mut tasks = 0;
        for (name, ep) in sample_episodes(&rules) {
            for calendar in [&Calendar::default(), &cn] {
                let p = rules.plan(&ep, calendar).unwrap();
                tasks += p.tasks.len();
                check(&p, &name);
                check(&rules.plan_as_of(&ep, calendar, as_of).unwrap(), &name);
                check(&rules.plan_with(&ep, &history, calendar).unwrap(), &name);
            }
            let greetings = rules
                .plan_patient(&ep.patient, as_of, "2027-03-19".parse().unwrap(), &cn)
                .unwrap();
            check(&greetings, &format!("{name} (greetings)"));
            let targeted = rules
                .plan_notices(&ep.patient, std::slice::from_ref(&ep), &notices, &cn)
                .unwrap();
            check(&targeted, &format!("{name} (notices)"));
        }
        assert!(tasks > 100, "the samples make plans with tasks");
    }

    #[test]
    fn the_history_example_fills_every_optional_part_of_a_plan() {
        // So that the plan schema is tested on records, owners, derived tasks and ignored
        // outcomes, not only on bare tasks.
        let rules = RuleSet::builtin().unwrap();
        let ep = rules
            .read_episode(
                "ep",
                &read(&root().join("examples/episodes/plastic-inpatient.json")),
            )
            .unwrap();
        let mut history = History::from_json(
            "h",
            &read(&root().join("examples/histories/p42-march.json")),
        )
        .unwrap();
        history.outcomes.push(
            serde_json::from_value(json!({"task": "plastic-aftercare/no-such-step/ep-1001/0",
                "outcome": "done", "at": "2026-03-05T10:00"}))
            .unwrap(),
        );
        let plan = rules
            .plan_with(&ep, &history, &Calendar::default())
            .unwrap();
        assert_eq!(
            plan.to_json().unwrap(),
            serde_json::to_string(&plan).unwrap()
        );
        let json = serde_json::to_value(&plan).unwrap();
        let has = |key: &str| {
            json["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t.get(key).is_some())
        };
        assert!(has("record") && has("owner") && has("derived"));
        assert!(!json["ignored"].as_array().unwrap().is_empty());
        assert_valid(&validator("plan"), &json, "the plan with a history");
    }

    /// What the readers refuse for its shape, one case a line: `schema | what | JSON`. A
    /// `step` case is one step of a rule file, an `episode` case what it changes in a
    /// plain episode; `TITLE` stands for a title in both languages.
    const REFUSED: &str = r#"
step | an unknown field in a step | {"id": "a", "ofset": "P1D", "title": TITLE}
step | a title without en | {"id": "a", "title": {"zh": "回访"}}
step | a blank zh title | {"id": "a", "title": {"zh": "  ", "en": "Call"}}
step | a bad offset | {"id": "a", "offset": "P1X", "title": TITLE}
step | an offset in hours | {"id": "a", "offset": "PT2H", "title": TITLE}
step | an upper-case step id | {"id": "Day-1", "title": TITLE}
step | an unknown channel | {"id": "a", "channel": "fax", "title": TITLE}
step | a window in months | {"id": "a", "window": "P1M", "title": TITLE}
step | an unknown time window | {"id": "a", "time": "noon", "title": TITLE}
step | a sample of 1.5 | {"id": "a", "sample": {"fraction": 1.5}, "title": TITLE}
rules | another format | {"format": "followup/v2", "id": "p", "name": TITLE, "steps": [{"id": "a", "title": TITLE}]}
rules | no steps | {"format": "followup/v1", "id": "p", "name": TITLE, "steps": []}
rules | an empty array | []
step | an anchor with more around it | {"id": "a", "from": "x fact:visited y", "title": TITLE}
step | an expiry with more after it | {"id": "a", "expires": "never-ever", "title": TITLE}
step | a last session of null | {"id": "a", "from": "each_session", "sessions": {"first": 1, "last": null}, "title": TITLE}
episode | an unknown field | {"categroy": "plastic"}
episode | a date without its zero | {"at": "2026-3-02"}
episode | a date-time with a zone | {"at": "2026-03-02T10:00:00Z"}
episode | a milestone with no dates | {"milestones": {"discharge": []}}
episode | an id with a slash | {"id": "ep/1"}
episode | an owner with an unknown role | {"owners": {"boss": "u-1"}}
calendar | an unknown weekday | {"closed_weekdays": ["Mo"]}
calendar | a holiday that is not a date | {"holidays": {"17 Feb": "春节"}}
calendar | an hour at 24:00 | {"hours": {"open": "09:00", "close": "24:00"}}
history | an unknown outcome | {"outcomes": [{"task": "a/b/c/0", "outcome": "sent", "at": "2026-03-03"}]}
history | a task id without occurrence | {"outcomes": [{"task": "a/b/c", "outcome": "done", "at": "2026-03-03"}]}
history | a rescheduled outcome with a null to | {"outcomes": [{"task": "a/b/c/0", "outcome": "rescheduled", "at": "2026-03-03", "to": null}]}
history | a picked outcome with a null day | {"outcomes": [{"task": "a/b/c/0", "outcome": "picked", "at": "2026-03-03", "day": null}]}
history | a blank recorder | {"outcomes": [{"task": "a/b/c/0", "outcome": "done", "at": "2026-03-03", "by": ""}]}
history | a recorder with a space | {"outcomes": [{"task": "a/b/c/0", "outcome": "done", "at": "2026-03-03", "by": "U 3"}]}
notices | a notice in person | [{"id": "n", "send_on": "2026-03-09", "audience": {}, "channel": "in_person", "title": TITLE}]
notices | a spread of zero days | [{"id": "n", "send_on": "2026-03-09", "audience": {}, "spread": "P0D", "title": TITLE}]
notices | a notice without audience | {"id": "n", "send_on": "2026-03-09", "title": TITLE}
"#;

    /// [`REFUSED`], read: (schema, what, JSON).
    fn refused() -> Vec<(&'static str, &'static str, Value)> {
        let title = json!({"zh": "回访", "en": "Call"}).to_string();
        let program = |step: Value| {
            json!({"format": "followup/v1", "id": "p", "name": {"zh": "回访", "en": "Follow-up"},
                   "steps": [step]})
        };
        let episode = |patch: Value| {
            let mut ep = json!({"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                                "patient": {"id": "p-1"}});
            if let (Value::Object(ep), Value::Object(patch)) = (&mut ep, patch) {
                ep.extend(patch);
            }
            ep
        };
        (REFUSED.lines())
            .filter(|line| !line.is_empty())
            .map(|line| {
                let mut parts = line.splitn(3, " | ");
                let (kind, what, text) = (parts.next(), parts.next(), parts.next());
                let (Some(kind), Some(what), Some(text)) = (kind, what, text) else {
                    panic!("not `schema | what | JSON`: {line}");
                };
                let value: Value = serde_json::from_str(&text.replace("TITLE", &title))
                    .unwrap_or_else(|e| panic!("{line}: {e}"));
                match kind {
                    "step" => ("rules", what, program(value)),
                    "episode" => ("episode", what, episode(value)),
                    schema => (schema, what, value),
                }
            })
            .collect()
    }

    #[test]
    fn schemas_refuse_what_readers_refuse_for_its_shape() {
        let rules = RuleSet::builtin().unwrap();
        for (schema, what, instance) in refused() {
            let v = validator(schema);
            assert!(
                !v.is_valid(&instance),
                "the {schema} schema accepts {what}: {instance}"
            );
            let text = instance.to_string();
            let read = match schema {
                "rules" => RuleSet::builder().source("r", text).build().err(),
                "episode" => rules.read_episode("e", &text).err(),
                "calendar" => Calendar::from_json("c", &text).err(),
                "history" => History::from_json("h", &text).err(),
                _ => rules.read_notices("n", &text).err(),
            };
            assert!(
                read.is_some(),
                "the {schema} reader accepts {what}: {instance}"
            );
        }
    }

    /// A host that writes every optional field, `null` when it has no value, passes the
    /// schemas as it passes the readers (audit 32: `"to": null` on a done call, an
    /// owner's `"name": null` and a notice's `"event_day": null` failed the schemas).
    #[test]
    fn optional_fields_written_as_null_are_valid() {
        let history = json!({"outcomes": [
            {"task": "a/b/c/0", "outcome": "done", "at": "2026-03-03T10:00", "by": null,
             "note": null, "to": null, "day": null},
            {"task": "a/b/c/1", "outcome": "rescheduled", "at": "2026-03-03T10:00",
             "to": "2026-03-05T16:00", "day": null, "by": "u-3"},
            {"task": "a/b/c/2", "outcome": "picked", "at": "2026-03-03T10:00",
             "day": "2026-03-20", "to": null}
        ]});
        assert_valid(
            &validator("history"),
            &history,
            "a history with null fields",
        );
        History::from_json("h", &history.to_string()).unwrap();
        let ep = json!({"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
            "patient": {"id": "p-1"}, "owners": {"consultant": {"id": "u-1", "name": null}}});
        assert_valid(&validator("episode"), &ep, "an owner with a null name");
        Episode::from_json("e", &ep.to_string()).unwrap();
        let notice = json!({"id": "n", "send_on": "2026-03-09", "audience": {},
            "event_day": null, "title": {"zh": "通知", "en": "Notice"}});
        assert_valid(
            &validator("notices"),
            &notice,
            "a notice with a null event day",
        );
        Notice::from_json("n", &notice.to_string()).unwrap();
        // A rule file's optional members of a window, a wait and a milestone (audit 84:
        // the reader took their nulls, the schema refused them).
        let title = json!({"zh": "回访", "en": "Call"});
        let rules = json!({"format": "followup/v1", "id": "p", "name": title,
        "milestones": {"discharge": {"default": "P7D", "closed_day": null}},
        "steps": [
            {"id": "a", "title": title, "window": {"earliest": null, "latest": null}},
            {"id": "b", "title": title, "window": {"around": null, "fixed": true}},
            {"id": "c", "title": title, "wait_for": {"fact": "recovered", "max": null, "then": null}}
        ]});
        assert_valid(&validator("rules"), &rules, "a rule file with null members");
        RuleSet::builder()
            .source("r", rules.to_string())
            .build()
            .unwrap();
    }

    /// Overrides validate (audit 134: the schema refused every one), and so do the rule
    /// files of the examples; `retry_after` takes weeks, not a bare designator.
    #[test]
    fn overrides_and_the_example_rule_files_validate() {
        let v = validator("rules");
        for dir in ["examples/rule-overrides", "examples/rule-authoring"] {
            for path in json_files(dir) {
                if path.to_string_lossy().ends_with(".cases.json") {
                    continue;
                }
                assert_valid(&v, &value(&path), &path.display().to_string());
            }
        }
        let off = json!({"format": "followup/v1", "override": "laser-aftercare", "enabled": false});
        assert_valid(&v, &off, "a program switched off");
        let steps = json!({"format": "followup/v1", "override": "laser-aftercare",
            "steps": {"month-6-call": {"enabled": false}, "day-3-call": {"offset": "P2D", "role": null}}});
        assert_valid(&v, &steps, "steps changed and switched off");
        // In an array, and a step's `"enabled": true`, as the reader takes them (audit 136).
        assert_valid(&v, &json!([off.clone()]), "an override in an array");
        let on = json!({"format": "followup/v1", "override": "laser-aftercare",
            "steps": {"day-3-call": {"enabled": true}}});
        assert_valid(&v, &on, "a step left on");
        RuleSet::builder()
            .builtin()
            .source("on.json", on.to_string())
            .build()
            .unwrap();
        let typo = json!({"format": "followup/v1", "override": "laser-aftercare",
            "steps": {"day-3-call": {"offest": "P2D"}}});
        assert!(!v.is_valid(&typo), "a misspelt step field");
        let retry = |after: &str| {
            json!({"format": "followup/v1", "id": "p", "name": {"zh": "回访", "en": "Call"},
                "steps": [{"id": "s", "title": {"zh": "回访", "en": "Call"},
                    "no_answer": {"retry_after": after, "max_attempts": 2, "then": "drop"}}]})
        };
        assert_valid(&v, &retry("P1W"), "retry_after P1W");
        assert_valid(&v, &retry("P1DT2H"), "retry_after P1DT2H");
        for bare in ["P", "PT", "P1DT"] {
            assert!(!v.is_valid(&retry(bare)), "retry_after {bare}");
        }
        // What the readers refuse as no condition: a blank value, a time override with
        // neither `tag` nor `days` (audit 134).
        let step = |extra: Value| {
            let mut s = json!({"id": "s", "title": {"zh": "回访", "en": "Call"}});
            if let (Some(s), Value::Object(extra)) = (s.as_object_mut(), extra) {
                s.extend(extra);
            }
            json!({"format": "followup/v1", "id": "p", "name": {"zh": "回访", "en": "Call"}, "steps": [s]})
        };
        assert!(
            !v.is_valid(&step(json!({"when": {"tag": " "}}))),
            "a blank tag"
        );
        assert_valid(&v, &step(json!({"when": {"tag": "vip"}})), "a tag");
        let over = |o: Value| step(json!({"time_overrides": [o]}));
        assert!(
            !v.is_valid(&over(json!({"time": "afternoon"}))),
            "no condition"
        );
        assert!(
            !v.is_valid(&over(json!({"days": [], "time": "afternoon"}))),
            "no day"
        );
        assert_valid(
            &v,
            &over(json!({"days": ["weekend"], "time": "afternoon"})),
            "days",
        );
    }

    #[test]
    fn every_top_level_file_may_name_its_schema() {
        // Rule files through the `$schema` field, the others through the readers.
        let ep = json!({"$schema": "../../schema/episode.schema.json", "id": "ep-1",
            "event": "procedure", "at": "2026-03-02", "patient": {"id": "p-1"}});
        assert_valid(&validator("episode"), &ep, "an episode naming its schema");
        Episode::from_json("e", &ep.to_string()).unwrap();
        let cal =
            json!({"$schema": "../../schema/calendar.schema.json", "closed_weekdays": ["Mon"]});
        assert_valid(&validator("calendar"), &cal, "a calendar naming its schema");
        Calendar::from_json("c", &cal.to_string()).unwrap();
        let history = json!({"$schema": "../../schema/history.schema.json", "outcomes": []});
        assert_valid(
            &validator("history"),
            &history,
            "a history naming its schema",
        );
        History::from_json("h", &history.to_string()).unwrap();
        let notice = json!({"$schema": "../../schema/notices.schema.json", "id": "n",
            "send_on": "2026-03-09", "audience": {}, "title": {"zh": "通知", "en": "Notice"}});
        assert_valid(&validator("notices"), &notice, "a notice naming its schema");
        Notice::from_json("n", &notice.to_string()).unwrap();
        // Nowhere else: a nested object with `$schema` is refused by schema and reader alike.
        let nested = json!({"id": "ep-1", "event": "procedure", "at": "2026-03-02",
            "patient": {"$schema": "x", "id": "p-1"}});
        assert!(!validator("episode").is_valid(&nested));
        assert!(Episode::from_json("e", &nested.to_string()).is_err());
    }

    /// Every property of every schema says what it is: doc comments became descriptions.
    #[test]
    fn every_property_has_a_description() {
        fn walk(v: &Value, at: &str, missing: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::Object(props)) = map.get("properties") {
                        for (name, prop) in props {
                            let described = prop.get("description").and_then(Value::as_str);
                            if described.is_none_or(|d| d.trim().is_empty()) {
                                missing.push(format!("{at}/properties/{name}"));
                            }
                        }
                    }
                    // Conditions (`if`, `then`…) restate properties described elsewhere.
                    for (k, child) in map
                        .iter()
                        .filter(|(k, _)| !["if", "then", "else", "not"].contains(&k.as_str()))
                    {
                        walk(child, &format!("{at}/{k}"), missing);
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        walk(child, &format!("{at}/{i}"), missing);
                    }
                }
                _ => {}
            }
        }
        let mut missing = Vec::new();
        for (file, schema) in files() {
            walk(&schema, file, &mut missing);
        }
        assert!(
            missing.is_empty(),
            "without a description:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn descriptions_are_plain_text() {
        use super::super::clean_doc;
        assert_eq!(
            clean_doc("One task.\nSee [`crate::rules::RuleSet::plan`] and [the loop](crate::history::History).\n\n```json\n{}\n```\nmore"),
            "One task. See `RuleSet::plan` and the loop."
        );
        assert_eq!(clean_doc("`[{\"a\": 1}]` stays"), "`[{\"a\": 1}]` stays");
        assert_eq!(clean_doc("a\n\nb\n\n# Errors\n\nc"), "a\n\nb");
    }

    /// Every invalid fixture of the readers whose error is about shape (an unknown or missing
    /// field, a wrong type or value) is refused by its schema too. The others (a cycle, a day
    /// that does not exist, the vocabulary) are the readers' alone.
    #[test]
    fn schemas_refuse_the_invalid_fixtures_of_shape() {
        // The readers' words for these (src/json/words.rs).
        const SHAPE: [&str; 6] = [
            "unknown field",
            "missing field",
            ", found ",
            "is out of range: expected",
            "unknown value",
            "missing language",
        ];
        let mut checked = 0;
        for (dir, schema) in [
            ("tests/invalid", "rules"),
            ("tests/invalid_fields", "rules"),
            ("tests/invalid_episodes", "episode"),
            ("tests/invalid_histories", "history"),
            ("tests/notices/invalid", "notices"),
        ] {
            let v = validator(schema);
            for path in json_files(dir) {
                let err = std::fs::read_to_string(path.with_extension("err")).unwrap_or_default();
                let Ok(instance) = serde_json::from_str::<Value>(&read(&path)) else {
                    continue; // not JSON: no schema to ask
                };
                if SHAPE.iter().any(|m| err.contains(m)) {
                    checked += 1;
                    assert!(
                        !v.is_valid(&instance),
                        "the {schema} schema accepts {}, which its reader refuses: {}",
                        path.display(),
                        err.trim()
                    );
                }
            }
        }
        assert!(checked > 50, "{checked} fixtures of shape");
    }
}
