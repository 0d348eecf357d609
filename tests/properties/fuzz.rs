//! The loaders never panic: arbitrary strings, arbitrary JSON, mutated rule, episode and
//! calendar files, and arbitrary step fields. Every error names the text it is about.

use super::*;

/// Keys of every object in the JSON formats, and some that are not.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "format", "id", "name", "zh", "en", "description", "applies", "milestones",
            "defaults", "steps", "from", "offset", "repeat", "when", "channel", "role", "time",
            "window", "month_end", "closed_day", "title", "script", "event", "category",
            "setting", "tag", "at", "attributes", "patient", "birthday", "tags", "discharge",
            "review_visit", "dressing_change", "closed_weekdays", "closed_dates", "windows",
            "morning", "afternoon", "evening", "day", "start", "end", "earliest", "latest",
            "limits", "programs", "source", "program", "max_occurrences_per_step",
            "max_json_depth",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{0,8}",
    ]
}

/// Strings the formats give meaning to, near misses, and anything at all.
fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "followup/v1", "followup/v2", "P1D", "-P1D", "P0D", "P1M", "P12M", "P1Y2M3W4D",
            "-P2M", "P9999999D", "P3660D", "PT1H", "2026-03-02", "2026-03-02T10:00:00",
            "2026-02-29", "+262142-12-31", "-262143-01-01", "phone", "sms", "in_person",
            "wechat", "customer_service", "onsite_consultant", "keep", "next_open_day",
            "previous_open_day", "clamp", "next_month_first", "skip", "Mon", "Sun",
            "morning", "day", "09:00", "24:00", "14:00", "event", "discharge",
            "dressing_change", "procedure", "plastic", "laser", "inpatient", "day-1-call",
            "FREQ=DAILY;COUNT=3", "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6", "FREQ=YEARLY;COUNT=366",
            "FREQ=WEEKLY;UNTIL=20010301T000000Z", "FREQ=SECONDLY;COUNT=2", "",
        ])
        .prop_map(String::from),
        1 => "[-+]?P([0-9]{1,7}[YMWDTH]){0,4}",
        1 => "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?",
        1 => arb_rrule(),
        1 => "\\PC{0,12}",
    ]
}

/// Texts made of placeholders, near misses, lone and doubled braces and other characters.
fn arb_template() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec![
                "{patient}", "{procedure}", "{owner}", "{clinic}", "{session}",
                "{sessions_left}", "{next_session}", "{visit:dressing_change}", "{visit:}",
                "{visit:discharge}", "{visit:x}", "{{", "}}", "{", "}", "{pateint}", "{}",
                "您好", "Dear ", "😀", "€",
            ])
            .prop_map(String::from),
            1 => "\\PC{0,4}",
        ],
        1..8,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("not blank", |s| !s.trim().is_empty())
}

/// RRULE-like texts: known and unknown keys, good and bad values.
fn arb_rrule() -> impl Strategy<Value = String> {
    let part = (
        prop::sample::select(vec![
            "FREQ",
            "INTERVAL",
            "COUNT",
            "UNTIL",
            "BYDAY",
            "BYMONTHDAY",
            "BYMONTH",
            "BYSETPOS",
            "BYYEARDAY",
            "BYWEEKNO",
            "WKST",
            "DTSTART",
            "BYHOUR",
            "X",
        ]),
        prop::sample::select(vec![
            "DAILY",
            "WEEKLY",
            "MONTHLY",
            "YEARLY",
            "HOURLY",
            "0",
            "1",
            "2",
            "3",
            "7",
            "-1",
            "31",
            "-31",
            "53",
            "366",
            "367",
            "99999999999999999999",
            "MO",
            "SU,MO",
            "1MO",
            "-1FR",
            "1,15",
            "2,30",
            "20010301T000000Z",
            "20010101",
            "99991231T000000Z",
            "19000101T000000Z",
            "",
            "=",
        ]),
    )
        .prop_map(|(k, v)| format!("{k}={v}"));
    prop::collection::vec(part, 1..6).prop_map(|parts| parts.join(";"))
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const SAMPLE_EPISODE: &str = r#"{
  "id": "ep-1001", "event": "procedure", "at": "2026-03-02T10:00:00",
  "attributes": {"category": "plastic", "setting": "outpatient"},
  "patient": {"id": "p-42", "name": "王女士", "birthday": "1990-02-28", "tags": ["night_shift"]},
  "milestones": {"discharge": "2026-03-05", "review_visit": ["2026-04-01", "2026-05-01"]}
}"#;

/// A course episode with facts, for mutations.
const SAMPLE_COURSE: &str = r#"{
  "id": "ep-2002", "event": "course", "at": "2026-03-02T10:00:00",
  "attributes": {"category": "skin", "outcome": "booked", "source": "online"},
  "patient": {"id": "p-43", "tags": ["key_customer", "vip"]},
  "course": {"package": 6, "done": ["2026-03-02", "2026-03-30"], "planned": ["2026-04-27"]},
  "facts": [{"kind": "visited", "at": "2026-03-10T15:00:00"},
            {"kind": "opt_out", "channel": "phone", "at": "2026-04-01T09:00:00"},
            {"kind": "declined", "at": "2026-05-01"}]
}"#;

const SAMPLE_CALENDAR: &str = r#"{
  "closed_weekdays": ["Sun"],
  "weekend": ["Sat", "Sun"],
  "closed_on_weekends": false,
  "closed_on_holidays": true,
  "holidays": {"2026-02-16": "春节", "2026-02-17": "春节", "2026-02-18": "春节"},
  "workdays": {"2026-02-28": "春节"},
  "closed_dates": ["2026-03-10"],
  "open_dates": ["2026-03-15"],
  "hours": {"open": "09:00", "close": "21:00"},
  "covers": {"from": "2026-01-01", "to": "2026-12-31"},
  "windows": {"morning": {"start": "08:30", "end": "11:30"}}
}"#;

/// A program that exercises `repeat`, `window`, `time` and `month_end`, for mutations.
const SAMPLE_PROGRAM: &str = r#"{
  "format": "followup/v1", "id": "course", "name": {"zh": "疗程", "en": "Course"},
  "applies": {"event": ["procedure", "course"]},
  "milestones": {"course_end": "P60D"},
  "defaults": {"channel": "sms", "time": {"start": "10:00", "end": "11:00"}, "window": "P2D",
               "month_end": "skip", "closed_day": "previous_open_day"},
  "steps": [
    {"id": "twice-monthly", "repeat": "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6",
     "title": {"zh": "短信", "en": "Message"}},
    {"id": "after", "from": "twice-monthly", "offset": "P1M", "window": {"earliest": "-P1D", "latest": "P1W"},
     "title": {"zh": "电话", "en": "Call"}},
    {"id": "end", "from": "course_end", "offset": "-P1W", "time": "evening", "when": {"tag": "vip"},
     "title": {"zh": "结束", "en": "End"}}
  ]
}"#;

/// The texts mutations start from.
fn seed_texts() -> Vec<&'static str> {
    let mut seeds: Vec<&'static str> = BUILTIN_RULES.iter().map(|(_, t)| *t).collect();
    seeds.extend([
        SAMPLE_EPISODE,
        SAMPLE_COURSE,
        SAMPLE_CALENDAR,
        SAMPLE_PROGRAM,
        include_str!("../../rules/calendars/cn-2026.json"),
    ]);
    seeds
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteChars(Index, usize),
    ReplaceChars(Index, usize, String),
    SwapValues(Index, Index),
    ReplaceValue(Index, Value),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::DeleteChars(i, n)),
        (
            any::<Index>(),
            0usize..20,
            "[\\[\\]{}\",:0-9a-zA-Z_ PDMYW\\\\-]{0,8}"
        )
            .prop_map(|(i, n, s)| Mutation::ReplaceChars(i, n, s)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
        (any::<Index>(), arb_json()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
    ]
}

/// JSON pointers of every value in `v` (the root included).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn mutate(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let splice = |start: &Index, len: usize, with: &str| {
        let s = start.index(chars.len() + 1);
        let e = (s + len).min(chars.len());
        let mut out: String = chars.get(..s).unwrap().iter().collect();
        out.push_str(with);
        out.extend(chars.get(e..).unwrap().iter());
        out
    };
    match m {
        Mutation::DeleteChars(i, n) => splice(i, *n, ""),
        Mutation::ReplaceChars(i, n, s) => splice(i, *n, s),
        Mutation::SwapValues(a, b) => {
            let mut v: Value = serde_json::from_str(text).unwrap();
            let mut ps = Vec::new();
            pointers(&v, String::new(), &mut ps);
            let (pa, pb) = (&ps[a.index(ps.len())], &ps[b.index(ps.len())]);
            let nested = |x: &str, y: &str| y.starts_with(x) && y[x.len()..].starts_with('/');
            if pa != pb && !nested(pa, pb) && !nested(pb, pa) {
                let va = v.pointer(pa).unwrap().clone();
                let vb = std::mem::replace(v.pointer_mut(pb).unwrap(), va);
                *v.pointer_mut(pa).unwrap() = vb;
            }
            serde_json::to_string_pretty(&v).unwrap()
        }
        Mutation::ReplaceValue(i, new) => {
            let mut v: Value = serde_json::from_str(text).unwrap();
            let mut ps = Vec::new();
            pointers(&v, String::new(), &mut ps);
            let p = &ps[i.index(ps.len())];
            *v.pointer_mut(p).unwrap() = new.clone();
            serde_json::to_string_pretty(&v).unwrap()
        }
    }
}

/// Loads `text` in every way the crate reads JSON; none may panic, every error must
/// render and name the text it is about. What loads is planned, which must not panic
/// either.
fn load_everything(text: &str) {
    let samples = [
        Episode::from_json("sample", SAMPLE_EPISODE).unwrap(),
        Episode::from_json("sample", SAMPLE_COURSE).unwrap(),
    ];
    let sample_cal = Calendar::from_json("c", SAMPLE_CALENDAR).unwrap();
    let (from, until) = (date("2026-01-01"), date("2026-12-31"));
    // Plans with everything: episode plans, as-of plans and patient plans; errors are
    // fine, panics are not.
    let plan_all = |rules: &RuleSet, ep: &Episode, cal: &Calendar| {
        let _ = rules.plan(ep, cal);
        let _ = rules.plan_as_of(ep, cal, date("2026-03-05"));
        let _ = rules.plan_patient(&ep.patient, from, until, cal);
    };
    match RuleSet::builder().source("fuzz.json", text).build() {
        Ok(rules) => {
            for cal in [Calendar::default(), sample_cal.clone()] {
                for ep in &samples {
                    plan_all(&rules, ep, &cal);
                }
            }
        }
        Err(e) => check_error(&e, "fuzz.json"),
    }
    match Episode::from_json("fuzz-episode", text) {
        Ok(ep) => plan_all(builtin(), &ep, &sample_cal),
        Err(e) => check_error(&e, "fuzz-episode"),
    }
    match Calendar::from_json("fuzz-calendar", text) {
        Ok(cal) => {
            for ep in &samples {
                plan_all(builtin(), ep, &cal);
            }
            let _ = cal.merge(&sample_cal);
        }
        Err(e) => check_error(&e, "fuzz-calendar"),
    }
    if let Err(e) = serde_json::from_str::<RuleSet>(text) {
        assert!(!e.to_string().is_empty());
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// Arbitrary strings never panic a loader, and errors say which text they are about.
    #[test]
    fn prop_loader_never_panics_on_arbitrary_strings(text in prop_oneof![
        "\\PC{0,64}",
        "[\\[\\]{}\",:0-9a-z \\\\-]{0,64}",
    ]) {
        load_everything(&text);
    }

    /// Arbitrary JSON values (bounded depth and size) never panic a loader.
    #[test]
    fn prop_loader_never_panics_on_arbitrary_json(value in arb_json()) {
        load_everything(&value.to_string());
    }

    /// Mutations of real rule, episode and calendar texts (characters deleted or replaced,
    /// values swapped or replaced) never panic a loader or the planner.
    #[test]
    fn prop_loader_never_panics_on_mutated_rule_files(
        seed in any::<Index>(),
        mutations in prop::collection::vec(arb_mutation(), 1..4),
    ) {
        let seeds = seed_texts();
        let mut text = seeds[seed.index(seeds.len())].to_string();
        for m in &mutations {
            // Value mutations need valid JSON; once characters are cut they pass.
            if serde_json::from_str::<Value>(&text).is_err()
                && matches!(m, Mutation::SwapValues(..) | Mutation::ReplaceValue(..))
            {
                continue;
            }
            text = mutate(&text, m);
        }
        load_everything(&text);
    }

    /// Programs built around random offsets, repeat rules, windows and times compile or
    /// fail with a located error, and what compiles plans without panicking, at any date.
    #[test]
    fn prop_rule_loader_never_panics_on_arbitrary_step_fields(
        offset in arb_string(),
        repeat in prop::option::of(arb_rrule()),
        window in prop::option::of(arb_json()),
        time in prop::option::of(arb_json()),
        month_end in prop::sample::select(vec!["clamp", "next_month_first", "skip"]),
        anchor in date_between(1, 9999),
    ) {
        let mut step = serde_json::json!({
            "id": "s", "offset": offset, "title": {"zh": "步", "en": "Step"}
        });
        if let Some(r) = repeat { step["repeat"] = Value::from(r); }
        if let Some(w) = window { step["window"] = w; }
        if let Some(t) = time { step["time"] = t; }
        let program = serde_json::json!({
            "format": "followup/v1", "id": "p", "name": {"zh": "程", "en": "Program"},
            "defaults": {"month_end": month_end},
            "steps": [step, {"id": "after", "from": "s", "offset": "-P1M",
                             "title": {"zh": "后", "en": "After"}}],
        });
        let text = serde_json::to_string_pretty(&program).unwrap();
        match RuleSet::builder().source("step.json", text).build() {
            Ok(rules) => {
                let cal = Calendar::from_json("c", SAMPLE_CALENDAR).unwrap();
                if let Err(e) = rules.plan(&episode_on(anchor), &cal) {
                    prop_assert!(!e.to_string().is_empty());
                }
            }
            Err(e) => check_error(&e, "step.json"),
        }
    }
    /// Titles and scripts with any braces and placeholder names compile, or fail with an
    /// error located at their language; what compiles plans without panicking, and a text
    /// without braces is shown as written.
    #[test]
    fn prop_templates_compile_or_fail_at_their_language_and_fill(
        title in arb_template(),
        script in arb_template(),
        from in prop::sample::select(vec!["event", "each_session", "course_end", "one_session_left"]),
        package in 2u32..6,
    ) {
        let program = serde_json::json!({
            "format": "followup/v1", "id": "p", "name": {"zh": "程", "en": "Program"},
            "applies": {"event": "course"},
            "steps": [{"id": "s", "from": from, "channel": "sms",
                       "title": {"zh": title, "en": "Step"},
                       "script": {"zh": "x", "en": "x", "zh-Hant": script}}],
        });
        let text = serde_json::to_string_pretty(&program).unwrap();
        match RuleSet::builder().source("texts.json", text).build() {
            Ok(rules) => {
                let ep = Episode::from_json("course", &serde_json::json!({
                    "id": "c", "event": "course", "at": "2026-03-02",
                    "patient": {"id": "p", "name": "王女士"},
                    "course": {"package": package, "done": ["2026-03-02"], "planned": ["2026-03-16"]},
                }).to_string()).unwrap();
                let plan = rules.plan(&ep, &Calendar::default()).unwrap();
                for t in &plan.tasks {
                    if !title.contains(['{', '}']) {
                        let shown = t.title();
                        prop_assert_eq!(shown.zh(), title.as_str());
                    }
                    let _ = (t.long_message(), t.sms_segments("zh-HK"));
                }
            }
            Err(e) => {
                check_error(&e, "texts.json");
                prop_assert!(
                    ["/steps/0/title/zh", "/steps/0/script/zh-Hant"].contains(&e.pointer()),
                    "{}", e
                );
            }
        }
    }
}
