//! Property tests: one per invariant of DESIGN.md ("Invariants"), each named after its
//! property. Case counts are modest so that the whole file runs in a few seconds in debug
//! mode on two cores; raise them locally with `PROPTEST_CASES=10000`.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use followup::{
    Calendar, ClosedDay, DropReason, Episode, Limits, MonthEnd, Offset, Plan, RuleSet,
    BUILTIN_RULES,
};
use followup::{Dates, Landing};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------
// Shared rule sets, compiled once per test binary.

fn builtin() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

/// A second built-in rule set, compiled separately from [`builtin`].
fn builtin_again() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builder().builtin().build().unwrap())
}

/// The built-in rule texts with every step's `closed_day` set to `policy`.
fn builtin_with_closed_day(policy: &str) -> RuleSet {
    let mut b = RuleSet::builder();
    for (name, text) in BUILTIN_RULES {
        let mut v: Value = serde_json::from_str(text).unwrap();
        // A rule text holds one program or an array of them.
        let programs = match &mut v {
            Value::Array(programs) => programs.iter_mut().collect(),
            program => vec![program],
        };
        for program in programs {
            for step in program["steps"].as_array_mut().unwrap() {
                step["closed_day"] = Value::from(policy);
            }
        }
        b = b.source(*name, serde_json::to_string_pretty(&v).unwrap());
    }
    b.build().unwrap()
}

/// The built-in rules as written, then with every step forced to each closed-day policy.
fn policy_variants() -> &'static [RuleSet; 4] {
    static RULES: OnceLock<[RuleSet; 4]> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            RuleSet::builtin().unwrap(),
            builtin_with_closed_day("keep"),
            builtin_with_closed_day("next_open_day"),
            builtin_with_closed_day("previous_open_day"),
        ]
    })
}

/// What the rule definitions say about each (program, step): its effective closed-day
/// policy, whether its offset is negative, and the milestone default its anchor falls
/// back on (`Some` only for steps counted from a milestone that has a default).
struct StepFacts {
    closed_day: ClosedDay,
    negative: bool,
    milestone_default: Option<(String, Offset)>,
}

fn step_facts(rules: &RuleSet) -> BTreeMap<(String, String), StepFacts> {
    let mut out = BTreeMap::new();
    for sp in rules.definitions() {
        let p = &sp.program;
        for s in &p.steps {
            let negative = s
                .offset
                .as_deref()
                .is_some_and(|o| Offset::parse(o).unwrap().negative);
            let milestone_default = s.from.as_deref().and_then(|from| {
                let default = p.milestones.get(from)?.as_deref()?;
                Some((from.to_string(), Offset::parse(default).unwrap()))
            });
            let closed_day = s.closed_day.or(p.defaults.closed_day).unwrap_or_default();
            out.insert(
                (p.id.clone(), s.id.clone()),
                StepFacts {
                    closed_day,
                    negative,
                    milestone_default,
                },
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Strategies.

fn date_between(from_year: i32, to_year: i32) -> impl Strategy<Value = NaiveDate> {
    // Uniform over (year, month, day) rather than over days, so month ends are frequent.
    (from_year..to_year, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// Any date the crate supports, the ends of the range more often.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (0u64..800).prop_map(|d| NaiveDate::MIN.checked_add_days(Days::new(d)).unwrap()),
        (0u64..800).prop_map(|d| NaiveDate::MAX.checked_sub_days(Days::new(d)).unwrap()),
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()),
    ]
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs())).unwrap()
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs())).unwrap()
    }
}

/// Episodes as the built-in programs see them: a procedure in 1990..2090, plastic or
/// laser, inpatient or outpatient, an optional discharge 0..10 days after, optional
/// review visits, random ids.
fn arb_episode() -> impl Strategy<Value = Episode> {
    (
        "[a-z0-9-]{1,12}",
        "[a-z0-9-]{1,12}",
        date_between(1990, 2090),
        (0u32..24, 0u32..60, 0u32..60),
        prop::sample::select(vec!["plastic", "laser"]),
        prop::sample::select(vec!["inpatient", "outpatient"]),
        prop::option::of(0i64..=10),
        prop::option::of(prop::collection::vec(0i64..400, 0..4)),
        prop::option::of("\\PC{0,8}"),
        prop::collection::vec("[a-z_]{1,10}", 0..3),
    )
        .prop_map(
            |(id, patient, date, (h, m, s), category, setting, discharge, reviews, name, tags)| {
                let mut milestones = BTreeMap::new();
                if let Some(days) = discharge {
                    milestones.insert("discharge".to_string(), Dates(vec![plus(date, days)]));
                }
                if let Some(days) = reviews {
                    let dates = days.into_iter().map(|d| plus(date, d)).collect();
                    milestones.insert("review_visit".to_string(), Dates(dates));
                }
                let mut ep = base_episode(&id, &patient);
                ep.at = date.and_hms_opt(h, m, s).unwrap();
                ep.attributes = [("category", category), ("setting", setting)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ep.patient.name = name;
                ep.patient.tags = tags;
                ep.milestones = milestones;
                ep
            },
        )
}

/// Episodes of every kind the built-in programs know: the procedures above, and
/// consultations, courses, complaints, repairs and purchases with their attributes,
/// course sessions and facts. Every date is on or after the event, so every anchor is.
fn arb_any_episode() -> impl Strategy<Value = Episode> {
    let other = (
        arb_episode(),
        prop::sample::select(vec![
            "consultation",
            "course",
            "complaint",
            "repair",
            "purchase",
        ]),
        prop::collection::btree_map(
            prop::sample::select(vec!["outcome", "source", "visit", "assigned_to"]),
            prop::sample::select(vec![
                "not_booked",
                "booked",
                "no_show",
                "visited_no_purchase",
                "phone",
                "online",
                "onsite",
                "first",
                "customer_service",
            ]),
            0..4,
        ),
        prop::collection::vec(
            prop::sample::select(vec!["key_customer", "no_greetings", "vip", "night_shift"]),
            0..3,
        ),
        // A package of 1 or more, sessions on distinct days, no more than the package, the
        // done ones before the planned ones.
        prop::option::of((
            prop::option::of(1u32..10),
            prop::collection::btree_set(0i64..200, 0..8),
            any::<Index>(),
        )),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "converted",
                    "visited",
                    "declined",
                    "complaint_resolved",
                    "request_raised",
                    "contacted",
                    "opt_out",
                ]),
                0i64..200,
                0u32..24,
                prop::option::of(prop::sample::select(vec!["phone", "sms", "in_person"])),
            ),
            0..4,
        ),
        prop::option::of(0i64..10),
    )
        .prop_map(|(ep, event, attributes, tags, course, facts, promised)| {
            let mut ep = ep;
            let date = ep.date();
            ep.event = event.to_string();
            ep.attributes = attributes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            ep.patient.tags = tags.into_iter().map(String::from).collect();
            ep.milestones.clear();
            if let Some(days) = promised {
                ep.milestones
                    .insert("promised_callback".into(), Dates(vec![plus(date, days)]));
            }
            let day = |d: i64| plus(date, d).to_string();
            if let Some((package, sessions, split)) = course {
                let most = package.map_or(usize::MAX, |n| n as usize);
                let days: Vec<String> = sessions.into_iter().take(most).map(day).collect();
                let (done, planned) = days.split_at(split.index(days.len() + 1));
                ep.course = serde_json::from_value(serde_json::json!({
                    "package": package, "done": done, "planned": planned,
                }))
                .unwrap();
            }
            ep.facts = facts
                .into_iter()
                .map(|(kind, d, hour, channel)| {
                    // An opt-out names its channel.
                    let channel = match (kind, channel) {
                        ("opt_out", None) => Some("phone"),
                        (_, c) => c,
                    };
                    serde_json::from_value(serde_json::json!({
                        "kind": kind, "at": format!("{}T{hour:02}:00:00", day(d)),
                        "channel": channel,
                    }))
                    .unwrap()
                })
                .collect();
            ep
        });
    prop_oneof![2 => arb_episode(), 1 => other]
}

/// A calendar relative to an episode date, read from its JSON form: closed weekdays
/// (never all seven, often five or six), a weekend closed or not, public holidays
/// (runs of dates) closed or not, make-up working days, scattered closed and open dates,
/// sometimes a few of the clinic's open days in a row closed as well (closed runs of
/// weeks from a handful of dates), and sometimes the official calendars of mainland China
/// merged in. All within months of the event, either side.
#[derive(Debug, Clone)]
struct CalendarSpec {
    closed_weekdays: u8,
    weekend: Option<u8>,
    closed_on_weekends: bool,
    closed_on_holidays: bool,
    holidays: Vec<(i64, i64)>,
    workdays: Vec<i64>,
    scattered: Vec<i64>,
    open_dates: Vec<i64>,
    /// From this day, close this many of the days that are open by weekday.
    open_days_closed: Option<(i64, usize)>,
    china: bool,
}

fn arb_calendar_spec() -> impl Strategy<Value = CalendarSpec> {
    let mask = prop_oneof![
        1 => 0u8..127,
        // Five or six closed weekdays: one or two open.
        1 => (0u32..7).prop_map(|open| 0x7f & !(1u8 << open)),
        1 => (0u32..7, 0u32..7).prop_map(|(a, b)| 0x7f & !(1u8 << a) & !(1u8 << b)),
    ];
    (
        (
            mask,
            prop::option::of(0u8..127),
            any::<bool>(),
            any::<bool>(),
        ),
        prop::collection::vec((-30i64..40, 1i64..21), 0..3),
        prop::collection::vec(-30i64..60, 0..3),
        prop::collection::vec(-30i64..200, 0..4),
        prop::collection::vec(-30i64..60, 0..2),
        prop::option::of((-30i64..30, 1usize..6)),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(
                (closed_weekdays, weekend, closed_on_weekends, closed_on_holidays),
                holidays,
                workdays,
                scattered,
                open_dates,
                open_days_closed,
                china,
            )| CalendarSpec {
                closed_weekdays,
                weekend,
                closed_on_weekends,
                closed_on_holidays,
                holidays,
                workdays,
                scattered,
                open_dates,
                open_days_closed,
                china,
            },
        )
}

fn weekday_names(mask: u8) -> Vec<&'static str> {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, name)| name)
        .collect()
}

impl CalendarSpec {
    fn build(&self, around: NaiveDate) -> Calendar {
        let day = |d: i64| plus(around, d);
        let weekend = self.weekend.unwrap_or(0b110_0000);
        // At least one weekday must stay open.
        let closed_on_weekends =
            self.closed_on_weekends && (self.closed_weekdays | weekend) & 0x7f != 0x7f;
        let in_mask =
            |mask: u8, d: NaiveDate| mask & (1 << d.weekday().num_days_from_monday()) != 0;
        let closed_by_week = |d: NaiveDate| {
            in_mask(self.closed_weekdays, d) || (closed_on_weekends && in_mask(weekend, d))
        };
        let holidays: BTreeSet<NaiveDate> = self
            .holidays
            .iter()
            .flat_map(|&(start, len)| (start..start + len).map(day))
            .collect();
        // Make-up working days are weekend days that are not holidays.
        let workdays: BTreeSet<NaiveDate> = self
            .workdays
            .iter()
            .map(|&d| day(d))
            .filter(|&d| in_mask(weekend, d) && !holidays.contains(&d))
            .collect();
        let mut closed: BTreeSet<NaiveDate> = self.scattered.iter().map(|&d| day(d)).collect();
        if let Some((start, n)) = self.open_days_closed {
            let open = (start..).map(day).filter(|&d| !closed_by_week(d));
            closed.extend(open.take(n));
        }
        let open: BTreeSet<NaiveDate> = self
            .open_dates
            .iter()
            .map(|&d| day(d))
            .filter(|d| !closed.contains(d))
            .collect();
        let named = |dates: &BTreeSet<NaiveDate>| -> serde_json::Map<String, Value> {
            dates
                .iter()
                .map(|d| (d.to_string(), Value::from("节")))
                .collect()
        };
        let mut json = serde_json::json!({
            "closed_weekdays": weekday_names(self.closed_weekdays),
            "closed_on_weekends": closed_on_weekends,
            "closed_on_holidays": self.closed_on_holidays,
            "holidays": named(&holidays),
            "workdays": named(&workdays),
            "closed_dates": closed.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "open_dates": open.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        });
        if self.weekend.is_some() {
            json["weekend"] = Value::from(weekday_names(weekend));
        }
        let text = json.to_string();
        let cal =
            Calendar::from_json("calendar.json", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let year = around.year();
        let years = Calendar::CHINA_YEARS;
        if self.china && years.contains(&(year - 1)) && years.contains(&(year + 1)) {
            // Merging fails when a date is a holiday in one calendar and a make-up
            // working day in the other: then the clinic's calendar alone is used.
            let cn = Calendar::china_years(year - 1..=year + 1).unwrap();
            return cal.merge(&cn).unwrap_or(cal);
        }
        cal
    }
}

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
        include_str!("../rules/calendars/cn-2026.json"),
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

// ---------------------------------------------------------------------------------------
// Checks shared by several properties.

fn to_json(plan: &Plan) -> String {
    serde_json::to_string(plan).unwrap()
}

fn all_ids(plan: &Plan) -> Vec<String> {
    let tasks = plan.tasks.iter().map(|t| t.id());
    tasks
        .chain(plan.dropped.iter().map(|d| d.id.clone()))
        .collect()
}

fn shifted(ep: &Episode, days: i64) -> Episode {
    let mut moved = ep.clone();
    let at: NaiveDateTime = plus(ep.date(), days).and_time(ep.at.time());
    moved.at = at;
    for dates in moved.milestones.values_mut() {
        for d in &mut dates.0 {
            *d = plus(*d, days);
        }
    }
    if let Some(course) = &mut moved.course {
        for d in course.done.iter_mut().chain(course.planned.iter_mut()) {
            *d = plus(*d, days);
        }
    }
    for f in &mut moved.facts {
        f.at = plus(f.at.date(), days).and_time(f.at.time());
    }
    moved
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

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn check_error(e: &followup::Error, name: &str) {
    let shown = e.to_string();
    assert!(!shown.is_empty());
    assert!(
        shown.starts_with(&format!("{name}: ")),
        "the error does not name its source {name:?}: {shown}"
    );
    assert!(shown.len() > name.len() + 2, "no message: {shown}");
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One program with steps `m-0` … `m-24` at `P0M` … `P24M`, under `month_end`.
fn months_rules(month_end: &str) -> RuleSet {
    let steps: Vec<Value> = (0..=24)
        .map(|n| {
            serde_json::json!({
                "id": format!("m-{n}"), "offset": format!("P{n}M"),
                "title": {"zh": format!("{n}个月"), "en": format!("Month {n}")}
            })
        })
        .collect();
    let program = serde_json::json!({
        "format": "followup/v1", "id": "months", "name": {"zh": "月", "en": "Months"},
        "defaults": {"month_end": month_end, "closed_day": "keep"},
        "steps": steps,
    });
    RuleSet::builder()
        .source("months.json", program.to_string())
        .build()
        .unwrap()
}

fn months_variants() -> &'static [RuleSet; 3] {
    static RULES: OnceLock<[RuleSet; 3]> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            months_rules("clamp"),
            months_rules("next_month_first"),
            months_rules("skip"),
        ]
    })
}

fn episode_on(date: NaiveDate) -> Episode {
    let mut ep = base_episode("e", "p");
    ep.at = date.and_hms_opt(9, 0, 0).unwrap();
    ep
}

/// A bare episode, read from JSON so that fields added to `Episode` later need no change
/// here.
fn base_episode(id: &str, patient: &str) -> Episode {
    serde_json::from_value(serde_json::json!({
        "id": id, "event": "procedure", "at": "2000-01-01", "patient": {"id": patient}
    }))
    .unwrap()
}

/// The target month of `anchor + n months`, and the anchor's day.
fn target_month(anchor: NaiveDate, n: u32) -> (i32, u32, u32) {
    let index = anchor.year() * 12 + anchor.month0() as i32 + n as i32;
    (
        index.div_euclid(12),
        index.rem_euclid(12) as u32 + 1,
        anchor.day(),
    )
}

// ---------------------------------------------------------------------------------------
// Properties.

/// `default` cases, or `PROPTEST_CASES` when set (to search harder locally).
fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(n)
}

proptest! {
    #![proptest_config(cases(64))]

    /// Planning is a pure function: twice with the same rule set, with a clone of it and
    /// with a second rule set compiled separately, give the same bytes.
    #[test]
    fn prop_same_input_same_output(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        let cal = spec.build(ep.date());
        let clone = builtin().clone();
        for cal in [Calendar::default(), cal] {
            let first = to_json(&builtin().plan(&ep, &cal).unwrap());
            prop_assert_eq!(&first, &to_json(&builtin().plan(&ep, &cal).unwrap()));
            prop_assert_eq!(&first, &to_json(&clone.plan(&ep, &cal).unwrap()));
            prop_assert_eq!(&first, &to_json(&builtin_again().plan(&ep, &cal).unwrap()));
        }
    }

    /// Ids are unique across tasks and dropped entries, and are
    /// `program/step/episode/occurrence`.
    #[test]
    fn prop_ids_unique_within_a_plan(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = builtin().plan(&ep, &cal).unwrap();
            let ids = all_ids(&plan);
            let unique: BTreeSet<&String> = ids.iter().collect();
            prop_assert_eq!(unique.len(), ids.len(), "duplicate ids in {:?}", ids);
            for t in &plan.tasks {
                prop_assert_eq!(&t.id(), &format!("{}/{}/{}/{}", t.program(), t.step(), ep.id, t.occurrence));
            }
            for d in &plan.dropped {
                prop_assert_eq!(&d.id, &format!("{}/{}/{}/{}", d.program, d.step, ep.id, d.occurrence));
            }
        }
    }

    /// Moving the event (and every milestone date with it) changes no id, with or without
    /// closed days.
    #[test]
    fn prop_ids_stable_when_dates_move(
        ep in arb_any_episode(),
        days in -4000i64..4000,
        spec in arb_calendar_spec(),
    ) {
        let moved = shifted(&ep, days);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let before = builtin().plan(&ep, &cal).unwrap();
            let after = builtin().plan(&moved, &cal).unwrap();
            let a: BTreeSet<String> = all_ids(&before).into_iter().collect();
            let b: BTreeSet<String> = all_ids(&after).into_iter().collect();
            prop_assert_eq!(a, b);
        }
    }

    /// Tasks come sorted by (due, window start, program, step, occurrence); dropped
    /// entries by (program, step, occurrence).
    #[test]
    fn prop_tasks_sorted(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..4,
    ) {
        let rules = &policy_variants()[variant];
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            let keys: Vec<_> = plan
                .tasks
                .iter()
                .map(|t| (t.due, t.window.start, t.program(), t.step(), t.occurrence))
                .collect();
            prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "unsorted: {:?}", keys);
            let dropped: Vec<_> =
                plan.dropped.iter().map(|d| (&d.program, &d.step, d.occurrence)).collect();
            prop_assert!(dropped.windows(2).all(|w| w[0] <= w[1]), "unsorted: {:?}", dropped);
        }
    }

    /// No task is due before the event unless its step's offset is negative (in the
    /// built-ins: the dressing-change and suture-removal reminders), whatever the
    /// calendar and whatever the closed-day policy. Every anchor of the built-in programs
    /// is on or after the event (the episodes give discharge and review dates after it).
    #[test]
    fn prop_no_task_due_before_its_anchor(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..4,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            for t in &plan.tasks {
                let f = &facts[&(t.program().to_string(), t.step().to_string())];
                if !f.negative {
                    prop_assert!(
                        t.due >= ep.date(),
                        "{} is due {} (nominal {}), before the event {} (policy {:?}, calendar {:?})",
                        t.id(), t.due, t.nominal, ep.date(), f.closed_day, cal
                    );
                }
            }
        }
    }

    /// The mirror image: a step with a negative offset is never moved past its anchor
    /// (in the built-ins, a reminder never comes after the day it reminds of).
    #[test]
    fn prop_no_negative_offset_task_due_after_its_anchor(
        ep in arb_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..4,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            for t in &plan.tasks {
                let f = &facts[&(t.program().to_string(), t.step().to_string())];
                let Some((milestone, default)) = &f.milestone_default else { continue };
                if !f.negative || ep.milestones.contains_key(milestone) {
                    continue;
                }
                let Landing::Date(anchor) = default.apply(ep.date(), MonthEnd::Clamp) else {
                    unreachable!()
                };
                prop_assert!(
                    t.due <= anchor,
                    "{} is due {} (nominal {}), after its anchor {} (policy {:?}, calendar {:?})",
                    t.id(), t.due, t.nominal, anchor, f.closed_day, cal
                );
            }
        }
    }

    /// With a calendar: a task that was not shifted is due on its nominal day; a shifted
    /// one says why and moved; every task is on an open day unless its step keeps closed
    /// days.
    #[test]
    fn prop_calendar_shifts_land_on_open_days(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..4,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        for t in &plan.tasks {
            let policy = facts[&(t.program().to_string(), t.step().to_string())].closed_day;
            match t.shifted {
                None => prop_assert_eq!(t.due, t.nominal, "{}", t.id()),
                Some(reason) => {
                    prop_assert_ne!(t.due, t.nominal, "{}", t.id());
                    prop_assert_eq!(cal.closed_reason(t.nominal), Some(reason), "{}", t.id());
                    prop_assert_ne!(policy, ClosedDay::Keep, "{}", t.id());
                }
            }
            if policy != ClosedDay::Keep {
                prop_assert!(cal.is_open(t.due), "{} is due on closed {} ({:?})", t.id(), t.due, cal);
            }
        }
        for d in &plan.dropped {
            // A calendar with an open weekday always has an open day near any date.
            prop_assert_ne!(d.reason, DropReason::NoOpenDay, "{} dropped ({:?})", d.id, cal);
        }
    }

    /// `next_open_day` lands on the first open day on or after the nominal day, long
    /// holidays included (for steps that count forward from their anchor).
    #[test]
    fn prop_next_open_day_is_the_first_open_day_after(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
    ) {
        let rules = &policy_variants()[2];
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        for t in &plan.tasks {
            if facts[&(t.program().to_string(), t.step().to_string())].negative {
                continue;
            }
            let first_open = (0..400).map(|i| plus(t.nominal, i)).find(|&d| cal.is_open(d)).unwrap();
            prop_assert_eq!(t.due, first_open, "{} (nominal {}, calendar {:?})", t.id(), t.nominal, cal);
        }
    }

    /// Plan → JSON → Plan gives the same plan.
    #[test]
    fn prop_plan_serde_round_trip(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        let plan = builtin().plan(&ep, &spec.build(ep.date())).unwrap();
        let back: Plan = serde_json::from_str(&to_json(&plan)).unwrap();
        prop_assert_eq!(back, plan);
    }

    /// Episode → JSON → Episode gives the same episode, at any supported date (years
    /// beyond 9999 and before 1 included).
    #[test]
    fn prop_episode_serde_round_trip(
        ep in arb_any_episode(),
        anywhen in prop::option::of(any_date()),
    ) {
        let mut ep = ep;
        if let Some(d) = anywhen {
            ep.at = d.and_time(ep.at.time());
            ep.patient.birthday = Some(d);
        }
        let text = serde_json::to_string(&ep).unwrap();
        let back = Episode::from_json("round-trip", &text).unwrap();
        prop_assert_eq!(back, ep);
    }

    /// Calendar → JSON → Calendar gives the same calendar.
    #[test]
    fn prop_calendar_serde_round_trip(spec in arb_calendar_spec(), around in date_between(1990, 2090)) {
        let cal = spec.build(around);
        let text = serde_json::to_string(&cal).unwrap();
        let back = Calendar::from_json("round-trip", &text).unwrap();
        prop_assert_eq!(back, cal);
    }

    /// Months are counted from the anchor: `anchor + PnM` under `clamp` is day
    /// min(anchor day, days in the target month) of the target month, for n in 0..=24.
    #[test]
    fn prop_month_offset_clamps_to_the_target_month(anchor in date_between(1600, 2400)) {
        let plan = months_variants()[0].plan(&episode_on(anchor), &Calendar::default()).unwrap();
        prop_assert_eq!(plan.tasks.len(), 25);
        prop_assert!(plan.dropped.is_empty());
        for t in &plan.tasks {
            let n: u32 = t.step().strip_prefix("m-").unwrap().parse().unwrap();
            let (y, m, d) = target_month(anchor, n);
            let want = NaiveDate::from_ymd_opt(y, m, d.min(days_in_month(y, m))).unwrap();
            prop_assert_eq!(t.due, want, "{} + P{}M", anchor, n);
        }
    }

    /// Under `next_month_first` a day missing from the target month becomes the first of
    /// the month after it; under `skip` the occurrence is dropped, with its reason.
    #[test]
    fn prop_month_offset_follows_the_month_end_policy(anchor in date_between(1600, 2400)) {
        let ep = episode_on(anchor);
        let next = months_variants()[1].plan(&ep, &Calendar::default()).unwrap();
        let skip = months_variants()[2].plan(&ep, &Calendar::default()).unwrap();
        for n in 0..=24u32 {
            let (y, m, d) = target_month(anchor, n);
            let step = format!("m-{n}");
            let got = next.tasks.iter().find(|t| *t.step() == step).unwrap().due;
            let kept = skip.tasks.iter().find(|t| *t.step() == step);
            let dropped = skip.dropped.iter().find(|t| *t.step == step);
            if d <= days_in_month(y, m) {
                let want = NaiveDate::from_ymd_opt(y, m, d).unwrap();
                prop_assert_eq!(got, want);
                prop_assert_eq!(kept.map(|t| t.due), Some(want));
                prop_assert!(dropped.is_none());
            } else {
                let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
                let want = plus(first, i64::from(days_in_month(y, m)));
                prop_assert_eq!(got, want, "{} + P{}M", anchor, n);
                prop_assert!(kept.is_none());
                prop_assert_eq!(dropped.map(|t| t.reason), Some(DropReason::MonthEndSkipped));
            }
        }
    }

    /// Patient-level task ids do not depend on the horizon asked: planning a longer
    /// horizon gives the same tasks for the days both cover (ids, days and times).
    #[test]
    fn prop_patient_plan_ids_do_not_depend_on_the_horizon(
        ep in arb_any_episode(),
        birthday in prop::option::of(date_between(1930, 2020)),
        from in date_between(1990, 2080),
        short in 0i64..500,
        more in 0i64..500,
        spec in arb_calendar_spec(),
    ) {
        let mut patient = ep.patient.clone();
        patient.birthday = birthday;
        let cal = spec.build(from);
        let until = plus(from, short);
        let a = builtin().plan_patient(&patient, from, until, &cal).unwrap();
        let b = builtin().plan_patient(&patient, from, plus(until, more), &cal).unwrap();
        let within: Vec<_> = b.tasks.iter().filter(|t| t.nominal <= until).collect();
        prop_assert_eq!(within.len(), a.tasks.len());
        for (x, y) in a.tasks.iter().zip(within) {
            prop_assert_eq!(x, y);
        }
        let ids: BTreeSet<String> = all_ids(&b).into_iter().collect();
        prop_assert_eq!(ids.len(), b.tasks.len() + b.dropped.len(), "duplicate ids");
    }

    /// Dates at the very ends of the supported range give an error, never a panic.
    #[test]
    fn prop_plan_never_panics_on_extreme_dates(
        date in any_date(),
        variant in 0usize..4,
    ) {
        for category in ["plastic", "laser"] {
            let mut ep = episode_on(date);
            ep.attributes.insert("category".into(), category.into());
            ep.milestones.insert("discharge".into(), Dates(vec![date]));
            if let Err(e) = policy_variants()[variant].plan(&ep, &Calendar::default()) {
                check_error(&e, &format!("episode {:?}", ep.id));
            }
        }
    }
}

// Properties that compile rule sets in every case: fewer cases.
proptest! {
    #![proptest_config(cases(12))]

    /// RuleSet → JSON → RuleSet gives the same rule set (limits included), which plans
    /// the same.
    #[test]
    fn prop_ruleset_serde_round_trip(
        variant in 0usize..7,
        ep in arb_episode(),
        max_tasks_per_plan in 100usize..20_000,
        max_json_depth in 8usize..64,
    ) {
        let limits = Limits { max_tasks_per_plan, max_json_depth, ..Limits::default() };
        let rules = match variant {
            0..=3 => RuleSet::builder()
                .limits(limits)
                .source("builtin.json", serde_json::to_string(
                    &policy_variants()[variant].definitions().iter().map(|d| &d.program).collect::<Vec<_>>(),
                ).unwrap())
                .build()
                .unwrap(),
            _ => months_variants()[variant - 4].clone(),
        };
        let text = serde_json::to_string(&rules).unwrap();
        let back: RuleSet = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &rules);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
        let cal = Calendar::default();
        prop_assert_eq!(back.plan(&ep, &cal).unwrap(), rules.plan(&ep, &cal).unwrap());
    }

    /// Planning with a rule set compiled afresh for each case gives the same bytes as
    /// with the shared one.
    #[test]
    fn prop_same_output_with_a_freshly_built_rule_set(
        eps in prop::collection::vec(arb_any_episode(), 8),
        spec in arb_calendar_spec(),
    ) {
        let fresh = RuleSet::builtin().unwrap();
        for ep in &eps {
            let cal = spec.build(ep.date());
            prop_assert_eq!(
                to_json(&builtin().plan(ep, &cal).unwrap()),
                to_json(&fresh.plan(ep, &cal).unwrap())
            );
        }
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
}

/// The negative-offset steps of the built-in post-operative programs are the two
/// reminders, as the properties above assume.
#[test]
fn builtin_negative_offset_steps_are_the_reminders() {
    let facts = step_facts(builtin());
    let negative: Vec<&str> = facts
        .iter()
        .filter(|((program, _), f)| program.ends_with("-aftercare") && f.negative)
        .map(|((_, step), _)| step.as_str())
        .collect();
    assert_eq!(
        negative,
        ["dressing-change-reminder", "suture-removal-reminder"]
    );
}
