//! Scripts that speak to the patient: placeholders filled when a plan is made, the
//! fallback words when a value is missing, texts in more languages than Chinese and
//! English, and the SMS segment count. Expected texts are written by hand from the rule
//! files and the episode.

use crate::support::{builtin, episode};
use followup::{
    calendar::Calendar,
    episode::Patient,
    plan::{Plan, Task},
    rules::{RuleSet, Text},
};

/// A clinic calendar naming the clinic in three languages.
fn victoria() -> Calendar {
    Calendar::from_json(
        "clinic.json",
        r#"{"clinic": {"zh": "维多利亚医美", "en": "Victoria Clinic", "zh-Hant": "維多利亞醫美"}}"#,
    )
    .unwrap()
}

/// Plastic surgery, outpatient, Mon 2 Mar 2026: the dressing change defaults to D+2.
fn outpatient(patient: &str) -> followup::episode::Episode {
    episode(&format!(
        r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {{"category": "plastic", "setting": "outpatient"}},
            "patient": {patient}}}"#
    ))
}

fn task<'a>(plan: &'a Plan, step: &str) -> &'a Task {
    plan.tasks
        .iter()
        .find(|t| t.step() == step && t.derived.is_none())
        .unwrap_or_else(|| panic!("no task {step}"))
}

fn rules(text: &str) -> RuleSet {
    RuleSet::builder()
        .source("clinic.json", text)
        .build()
        .unwrap()
}

#[test]
fn the_dressing_change_reminder_names_the_patient_and_the_clinic() {
    let ep = outpatient(r#"{"id": "p-1", "name": "王女士"}"#);
    let plan = builtin().plan(&ep, &victoria()).unwrap();
    let reminder = task(&plan, "dressing-change-reminder");
    assert_eq!(reminder.due.to_string(), "2026-03-03"); // the day before D+2
    let script = reminder.script().unwrap();
    assert_eq!(
        script.zh(),
        "王女士您好，维多利亚医美提醒您：明天请来院换药。如有不适，请随时联系我们。"
    );
    assert_eq!(
        script.en(),
        "Dear 王女士, a reminder from Victoria Clinic: please come in tomorrow for your dressing change. If anything feels wrong, call us at any time."
    );
    // The title has no placeholder: it stays the rule's.
    assert_eq!(reminder.title().zh(), "换药提醒短信");
}

/// A reminder moved off the day before its visit tells the patient the visit's real day
/// (audit 65 F2: it said "tomorrow" two days before). The same outpatient with the
/// message system closed on Tue 3 Mar: the dressing-change reminder goes out on Mon 2 Mar
/// (`previous_open_day`), for the visit on Wed 4 Mar, the day after tomorrow.
#[test]
fn a_reminder_moved_earlier_names_the_visits_real_day() {
    let ep = outpatient(r#"{"id": "p-1", "name": "王女士"}"#);
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"clinic": {"zh": "维多利亚医美", "en": "Victoria Clinic"},
            "messages": {"closed_dates": ["2026-03-03"]}}"#,
    )
    .unwrap();
    let plan = builtin().plan(&ep, &cal).unwrap();
    let reminder = task(&plan, "dressing-change-reminder");
    assert_eq!(reminder.due.to_string(), "2026-03-02");
    let script = reminder.script().unwrap();
    assert_eq!(
        script.zh(),
        "王女士您好，维多利亚医美提醒您：后天请来院换药。如有不适，请随时联系我们。"
    );
    assert_eq!(
        script.en(),
        "Dear 王女士, a reminder from Victoria Clinic: please come in the day after tomorrow for your dressing change. If anything feels wrong, call us at any time."
    );
}

/// `{when:event}` and the days before the task (audit 67 B1: a thank-you pushed past a
/// closed day still said "yesterday"). Steps 1, 2 and 3 days after an event of Mon 2 Mar
/// 2026 say it 昨天 / yesterday, 前天 / the day before yesterday, 3月2日 / on 2 March.
/// The built-in first-visit thank-you SMS (D+1),
/// the message system closed on Tue 3 Mar, goes out on Wed 4 Mar: 前天.
#[test]
fn when_event_says_the_events_day_from_the_tasks_day() {
    let rules = rules(
        r#"{"format": "followup/v1", "id": "r", "name": {"zh": "r", "en": "r"},
            "applies": {"event": "procedure"}, "defaults": {"channel": "sms"},
            "steps": [
              {"id": "d1", "offset": "P1D", "title": {"zh": "t", "en": "t"}, "script": {"zh": "{when:event}", "en": "{when:event}"}},
              {"id": "d2", "offset": "P2D", "title": {"zh": "t", "en": "t"}, "script": {"zh": "{when:event}", "en": "{when:event}"}},
              {"id": "d3", "offset": "P3D", "title": {"zh": "t", "en": "t"}, "script": {"zh": "{when:event}", "en": "{when:event}"}}]}"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p"}}"#,
    );
    let plan = rules.plan(&ep, &Calendar::default()).unwrap();
    let said = |step: &str| {
        let s = task(&plan, step).script().unwrap();
        (s.zh().to_string(), s.en().to_string())
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(said("d1"), pair("昨天", "yesterday"));
    assert_eq!(said("d2"), pair("前天", "the day before yesterday"));
    assert_eq!(said("d3"), pair("3月2日", "on 2 March"));

    let visit = episode(
        r#"{"id": "v", "event": "consultation", "at": "2026-03-02T10:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p", "name": "王女士"}}"#,
    );
    let closed =
        Calendar::from_json("c", r#"{"messages": {"closed_dates": ["2026-03-03"]}}"#).unwrap();
    let plan = builtin().plan(&visit, &closed).unwrap();
    let sms = task(&plan, "first-visit-sms");
    assert_eq!(sms.due.to_string(), "2026-03-04");
    assert!(
        sms.script().unwrap().zh().contains("感谢您前天光临本院"),
        "{}",
        sms.script().unwrap().zh()
    );
}

/// A reminder names its own visit when the milestone has several dates (audit 67 A2:
/// the reminder of the second visit, sent on the day of the first, said "今天", naming
/// the first). The outpatient of Mon 2 Mar 2026 with dressing changes on Wed 4 and Thu
/// 5 Mar: the reminders go out on Tue 3 and Wed 4 Mar, each saying 明天; given in the
/// other order, the same.
#[test]
fn a_reminder_names_its_own_visit_among_several() {
    let surgery = |dates: &str, cal: &Calendar| {
        let ep = episode(&format!(
            r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "patient": {{"id": "p-1"}}, "milestones": {{"dressing_change": [{dates}]}}}}"#
        ));
        builtin().plan(&ep, cal).unwrap()
    };
    let reminders = |p: &Plan| -> Vec<(String, String)> {
        let mut r: Vec<(String, String)> = (p.tasks.iter())
            .filter(|t| t.step() == "dressing-change-reminder" && t.derived.is_none())
            .map(|t| {
                let zh = t.script().unwrap().zh().to_string();
                let said = zh
                    .split('：')
                    .nth(1)
                    .unwrap_or_default()
                    .chars()
                    .take(2)
                    .collect();
                (t.due.to_string(), said)
            })
            .collect();
        r.sort();
        r
    };
    let pair = |d: &str, s: &str| (d.to_string(), s.to_string());
    let open = Calendar::default();
    for dates in [
        r#""2026-03-04", "2026-03-05""#,
        r#""2026-03-05", "2026-03-04""#,
    ] {
        assert_eq!(
            reminders(&surgery(dates, &open)),
            [pair("2026-03-03", "明天"), pair("2026-03-04", "明天")],
            "{dates}"
        );
    }
}

/// `{when:NAME}` says a milestone's day from the task's day: today, tomorrow, the day
/// after tomorrow (今天, 明天, 后天 / 後天), else the date (3月9日 / on 9 March), with its
/// year when it is not the task's (2027年1月2日 / on 2 January 2027). A review visit on
/// Mon 9 Mar 2026 with reminders 3, 2, 1 and 0 days before it; and one on Sat 2 Jan 2027
/// reminded on Wed 30 Dec 2026.
#[test]
fn when_says_a_day_from_the_tasks_day() {
    let rules = rules(
        r#"{"format": "followup/v1", "id": "r", "name": {"zh": "r", "en": "r"},
            "applies": {"event": "procedure"}, "milestones": {"review": null},
            "defaults": {"channel": "sms"},
            "steps": [
              {"id": "d3", "from": "review", "offset": "-P3D", "title": {"zh": "t", "en": "t"},
               "script": {"zh": "{when:review}复诊", "zh-Hant": "{when:review}複診", "en": "review {when:review}"}},
              {"id": "d2", "from": "review", "offset": "-P2D", "title": {"zh": "t", "en": "t"},
               "script": {"zh": "{when:review}复诊", "zh-Hant": "{when:review}複診", "en": "review {when:review}"}},
              {"id": "d1", "from": "review", "offset": "-P1D", "title": {"zh": "t", "en": "t"},
               "script": {"zh": "{when:review}复诊", "zh-Hant": "{when:review}複診", "en": "review {when:review}"}},
              {"id": "d0", "from": "review", "title": {"zh": "t", "en": "t"},
               "script": {"zh": "{when:review}复诊", "zh-Hant": "{when:review}複診", "en": "review {when:review}"}}]}"#,
    );
    let on = |review: &str| {
        let ep = episode(&format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {{"id": "p"}},
                "milestones": {{"review": "{review}"}}}}"#
        ));
        rules.plan(&ep, &Calendar::default()).unwrap()
    };
    let march = on("2026-03-09");
    let said = |p: &Plan, step: &str| {
        let s = task(p, step).script().unwrap();
        (
            s.zh().to_string(),
            s.get_tag("zh-Hant").to_string(),
            s.en().to_string(),
        )
    };
    let row = |zh: &str, hant: &str, en: &str| (zh.to_string(), hant.to_string(), en.to_string());
    for (step, expected) in [
        ("d3", row("3月9日复诊", "3月9日複診", "review on 9 March")),
        (
            "d2",
            row("后天复诊", "後天複診", "review the day after tomorrow"),
        ),
        ("d1", row("明天复诊", "明天複診", "review tomorrow")),
        ("d0", row("今天复诊", "今天複診", "review today")),
    ] {
        assert_eq!(said(&march, step), expected, "{step}");
    }
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-12-20T10:00:00", "patient": {"id": "p"},
            "milestones": {"review": "2027-01-02"}}"#,
    );
    let january = rules.plan(&ep, &Calendar::default()).unwrap();
    assert_eq!(task(&january, "d3").due.to_string(), "2026-12-30");
    assert_eq!(
        said(&january, "d3"),
        row(
            "2027年1月2日复诊",
            "2027年1月2日複診",
            "review on 2 January 2027"
        )
    );
}

/// A day said in words counts as text in an SMS, one unit a Chinese character (audit 67
/// A1: 明天 counted its six bytes in the plan's JSON, so a message of 68 characters, one
/// segment, was written `long_message`). The review reminder the day before: "明天" and
/// 66 or 69 more characters, 68 (one segment) or 71 (two); the JSON and the task agree.
#[test]
fn a_day_in_words_counts_its_characters_in_an_sms() {
    let program = |more: usize| {
        rules(&format!(
            r#"{{"format": "followup/v1", "id": "r", "name": {{"zh": "r", "en": "r"}},
                "applies": {{"event": "procedure"}}, "milestones": {{"review": null}},
                "steps": [{{"id": "d1", "from": "review", "offset": "-P1D", "channel": "sms",
                    "title": {{"zh": "t", "en": "t"}},
                    "script": {{"zh": "{{when:review}}{}", "en": "r"}}}}]}}"#,
            "字".repeat(more)
        ))
    };
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p"},
            "milestones": {"review": "2026-03-09"}}"#,
    );
    for (more, long) in [(66, false), (69, true)] {
        let plan = program(more).plan(&ep, &Calendar::default()).unwrap();
        let t = task(&plan, "d1");
        assert_eq!(t.script().unwrap().zh().chars().count(), 2 + more);
        assert_eq!(t.long_message(), long, "{more}");
        let json: serde_json::Value = serde_json::from_str(&plan.to_json().unwrap()).unwrap();
        let written = json["tasks"][0].get("long_message").is_some();
        assert_eq!(written, long, "{more}: {}", json["tasks"][0]);
    }
}

#[test]
fn without_a_name_or_a_clinic_the_fallback_words_read_naturally() {
    let ep = outpatient(r#"{"id": "p-1"}"#);
    let plan = builtin().plan(&ep, &Calendar::default()).unwrap();
    let script = task(&plan, "dressing-change-reminder").script().unwrap();
    assert_eq!(
        script.zh(),
        "顾客您好，本院提醒您：明天请来院换药。如有不适，请随时联系我们。"
    );
    assert_eq!(
        script.en(),
        "Dear customer, a reminder from our clinic: please come in tomorrow for your dressing change. If anything feels wrong, call us at any time."
    );
    let month1 = task(&plan, "month-1-sms").script().unwrap();
    assert_eq!(
        month1.zh(),
        "顾客您好，术后一个月了，恢复得还好吗？如有任何疑问，欢迎随时联系本院，我们一直都在。"
    );
    assert_eq!(
        month1.en(),
        "Dear customer, it has been a month since your surgery: how are you recovering? If you have any question, our clinic is always here for you."
    );
}

/// docs/domain.md §3: a course of 5 sessions, two done (2 and 30 Mar), three booked (27 Apr,
/// 25 May, 22 Jun).
#[test]
fn course_steps_number_their_sessions_and_name_the_next_one() {
    let ep = episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-02T14:00:00",
            "attributes": {"category": "skin", "procedure": "光子嫩肤"},
            "patient": {"id": "p-51", "name": "周女士"},
            "course": {"package": 5, "done": ["2026-03-02", "2026-03-30"],
                       "planned": ["2026-04-27", "2026-05-25", "2026-06-22"]}}"#,
    );
    let plan = builtin().plan(&ep, &victoria()).unwrap();
    let of = |step: &str| -> Vec<(String, String, String)> {
        plan.tasks
            .iter()
            .filter(|t| t.step() == step && t.derived.is_none())
            .map(|t| {
                let s = t.script().unwrap();
                (
                    t.due.to_string(),
                    t.title().zh().to_string(),
                    s.zh().to_string(),
                )
            })
            .collect()
    };
    let reminders = of("session-reminder");
    assert_eq!(
        reminders,
        [
            (
                "2026-04-26",
                "治疗前一日提醒短信（第3次）",
                "周女士您好，维多利亚医美提醒您：明天是您的第3次光子嫩肤，期待您的光临。"
            ),
            (
                "2026-05-24",
                "治疗前一日提醒短信（第4次）",
                "周女士您好，维多利亚医美提醒您：明天是您的第4次光子嫩肤，期待您的光临。"
            ),
            (
                "2026-06-21",
                "治疗前一日提醒短信（第5次）",
                "周女士您好，维多利亚医美提醒您：明天是您的第5次光子嫩肤，期待您的光临。"
            ),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let reminder = task(&plan, "session-reminder");
    assert_eq!(reminder.title().en(), "Reminder the day before session 3");
    assert_eq!(
        reminder.script().unwrap().en(),
        "Dear 周女士, a reminder from Victoria Clinic: session 3 of your 光子嫩肤 is tomorrow. We look forward to seeing you."
    );
    // One session left after session 4 (25 May): the last one is booked on 22 June.
    let planning = task(&plan, "course-planning-call").script().unwrap();
    assert_eq!(
        planning.zh(),
        "第4次已完成，疗程还剩1次（2026-06-22）：与顾客沟通效果并规划下一个疗程。"
    );
    assert_eq!(
        planning.en(),
        "Session 4 is done and 1 is left (2026-06-22): talk about the results so far and plan the next course."
    );
    // The course ends the day after session 5.
    let thanks = task(&plan, "course-end-thanks-sms");
    assert_eq!(thanks.due.to_string(), "2026-06-23");
    assert_eq!(
        thanks.script().unwrap().zh(),
        "周女士您好，您的光子嫩肤疗程已结束（共5次），感谢您对维多利亚医美的信任！如有任何疑问，欢迎随时联系我们。"
    );
    // Calls of sessions 1 to 6 number them too.
    let calls: Vec<String> = plan
        .tasks
        .iter()
        .filter(|t| t.step() == "session-care-call")
        .map(|t| t.title().en().to_string())
        .collect();
    assert_eq!(
        calls,
        (1..=5)
            .map(|n| format!("Day-3 warm care call after session {n}"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_next_session_falls_back_when_it_is_not_booked() {
    // Session 5 is not booked yet: the planning call says "the agreed date".
    let ep = episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-02T14:00:00",
            "attributes": {"category": "skin"}, "patient": {"id": "p-51"},
            "course": {"package": 5, "done": ["2026-03-02", "2026-03-30", "2026-04-27", "2026-05-25"]}}"#,
    );
    let plan = builtin().plan(&ep, &Calendar::default()).unwrap();
    let planning = task(&plan, "course-planning-call").script().unwrap();
    assert_eq!(
        planning.zh(),
        "第4次已完成，疗程还剩1次（约定的日期）：与顾客沟通效果并规划下一个疗程。"
    );
    assert_eq!(
        planning.en(),
        "Session 4 is done and 1 is left (the agreed date): talk about the results so far and plan the next course."
    );
}

const COURSE_TEXTS: &str = r#"{
  "format": "followup/v1", "id": "course-texts",
  "name": {"zh": "疗程短信", "en": "Course messages"},
  "applies": {"event": "course"},
  "steps": [
    {"id": "after", "from": "each_session", "offset": "P1D", "channel": "sms",
     "title": {"zh": "第{session}次后", "en": "After session {session}"},
     "script": {"zh": "您还剩{sessions_left}次治疗，请于{next_session}来院。",
                "en": "You have {sessions_left} sessions left; see you on {next_session}."}}
  ]
}"#;

#[test]
fn sessions_left_needs_the_package_and_next_session_a_booking() {
    let rules = rules(COURSE_TEXTS);
    let scripts = |course: &str| -> Vec<String> {
        let ep = episode(&format!(
            r#"{{"id": "c-1", "event": "course", "at": "2026-03-02", "patient": {{"id": "p-1"}},
                "course": {course}}}"#
        ));
        let plan = rules.plan(&ep, &Calendar::default()).unwrap();
        plan.tasks
            .iter()
            .flat_map(|t| {
                let s = t.script().unwrap();
                [format!("{} {}", t.title().zh(), s.zh()), s.en().to_string()]
            })
            .collect()
    };
    assert_eq!(
        scripts(r#"{"package": 3, "done": ["2026-03-02"], "planned": ["2026-03-16"]}"#),
        [
            "第1次后 您还剩2次治疗，请于2026-03-16来院。",
            "You have 2 sessions left; see you on 2026-03-16.",
            "第2次后 您还剩1次治疗，请于约定的日期来院。",
            "You have 1 sessions left; see you on the agreed date.",
        ]
    );
    assert_eq!(
        scripts(r#"{"done": ["2026-03-02"], "planned": ["2026-03-16"]}"#),
        [
            "第1次后 您还剩若干次治疗，请于2026-03-16来院。",
            "You have some sessions left; see you on 2026-03-16.",
            "第2次后 您还剩若干次治疗，请于约定的日期来院。",
            "You have some sessions left; see you on the agreed date.",
        ]
    );
}

#[test]
fn the_procedure_is_the_procedure_then_the_interest_the_product_the_category() {
    let rules = rules(
        r#"{"format": "followup/v1", "id": "what", "name": {"zh": "项目", "en": "What"},
            "applies": {"event": "procedure"},
            "vocabulary": {"attributes": {"procedure": "free", "interest": "free",
                           "product": "free", "category": ["skin", "hair"]}},
            "steps": [{"id": "s", "title": {"zh": "项目：{procedure}", "en": "About: {procedure}"}}]}"#,
    );
    let title = |attributes: &str| -> (String, String) {
        let ep = episode(&format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p"}},
                "attributes": {attributes}}}"#
        ));
        let plan = rules.plan(&ep, &Calendar::default()).unwrap();
        let t = plan.tasks[0].title();
        (t.zh().to_string(), t.en().to_string())
    };
    let pair = |zh: &str, en: &str| (zh.to_string(), en.to_string());
    assert_eq!(
        title(r#"{"procedure": "光子嫩肤", "interest": "祛斑", "category": "skin"}"#),
        pair("项目：光子嫩肤", "About: 光子嫩肤")
    );
    assert_eq!(
        title(r#"{"interest": "祛斑", "category": "skin"}"#),
        pair("项目：祛斑", "About: 祛斑")
    );
    assert_eq!(
        title(r#"{"product": "home-care device"}"#),
        pair("项目：home-care device", "About: home-care device")
    );
    // A built-in category is named in the text's language; another is shown as written.
    assert_eq!(
        title(r#"{"category": "skin"}"#),
        pair("项目：皮肤护理", "About: skin treatment")
    );
    assert_eq!(
        title(r#"{"category": "hair"}"#),
        pair("项目：hair", "About: hair")
    );
    assert_eq!(title("{}"), pair("项目：治疗", "About: treatment"));
}

/// The same no-show lead as below, its owners given (audit 87): the online consultant
/// the episode names owns the `consultant` tasks ("whichever consultant handled the
/// lead", README), and scripts say their name; one given by id alone, or with a blank
/// name, is still the owner, and scripts say "您的顾问" — never a staff id to the patient.
#[test]
fn the_consultant_who_handled_the_lead_owns_its_calls_by_name_or_as_your_consultant() {
    let plan_of = |owners: &str| {
        let ep = episode(&format!(
            r#"{{"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00:00",
                "attributes": {{"source": "online", "outcome": "no_show", "interest": "双眼皮"}},
                "patient": {{"id": "p-61", "name": "赵女士"}}, "owners": {owners}}}"#
        ));
        builtin().plan(&ep, &victoria()).unwrap()
    };
    let opening = |p: &Plan| {
        let t = task(p, "no-show-call");
        let zh = t.script().unwrap().zh().to_string();
        let who = (zh.split_once("我是"))
            .and_then(|(_, rest)| rest.split_once('，'))
            .map(|(who, _)| who.to_string());
        (
            t.owner.as_deref().map(str::to_string),
            who.unwrap_or_default(),
        )
    };
    let p = plan_of(
        r#"{"online_consultant": {"id": "u-9", "name": "网咨小刘"}, "customer_service": "u-3"}"#,
    );
    assert_eq!(
        opening(&p),
        (Some("u-9".to_string()), "网咨小刘".to_string())
    );
    for owners in [
        r#"{"online_consultant": "u-22"}"#,
        r#"{"online_consultant": {"id": "u-22", "name": "  "}}"#,
    ] {
        let p = plan_of(owners);
        assert_eq!(
            opening(&p),
            (Some("u-22".to_string()), "您的顾问".to_string()),
            "{owners}"
        );
    }
    // Two kinds of consultant and no `consultant`: which one handled it is not said.
    let p = plan_of(r#"{"online_consultant": "u-9", "onsite_consultant": "u-7"}"#);
    assert_eq!(opening(&p).0, None);
    // The lead handed to a `consultant` on Mon 20 Apr: before that, nobody held the role,
    // and the online consultant owns the calls that were over by then (the no-show call
    // of Tue 10 Mar, worth doing until 17 Mar); the 611 plan's D+45 call (24 Apr) is the
    // new consultant's (audit 92: the first were no one's).
    let ep = episode(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00:00",
            "attributes": {"source": "online", "outcome": "no_show", "interest": "双眼皮"},
            "patient": {"id": "p-61"}, "owners": {"online_consultant": "u-7"},
            "reassignments": [{"role": "consultant", "to": "u-9", "at": "2026-04-20T09:00:00"}]}"#,
    );
    let p = builtin().plan(&ep, &victoria()).unwrap();
    assert_eq!(task(&p, "no-show-call").owner.as_deref(), Some("u-7"));
    assert_eq!(task(&p, "day-45-call").owner.as_deref(), Some("u-9"));
}

#[test]
fn the_owner_is_your_consultant_until_episodes_name_one() {
    let ep = episode(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00:00",
            "attributes": {"source": "online", "outcome": "no_show", "interest": "双眼皮"},
            "patient": {"id": "p-61", "name": "赵女士"}}"#,
    );
    let plan = builtin().plan(&ep, &victoria()).unwrap();
    let call = task(&plan, "no-show-call").script().unwrap();
    assert_eq!(
        call.zh(),
        "赵女士您好！这里是维多利亚医美，我是您的顾问，您现在接电话方便吗？今天没能见到您，您咨询的双眼皮还有什么顾虑吗？"
    );
    assert_eq!(
        call.en(),
        "Hello 赵女士, this is your consultant from Victoria Clinic. Is now a good time? We missed you today: is anything about the 双眼皮 still worrying you?"
    );
}

const HONG_KONG: &str = r#"{
  "format": "followup/v1", "id": "hk-aftercare",
  "name": {"zh": "术后回访", "en": "Aftercare", "zh-Hant": "術後回訪"},
  "steps": [
    {"id": "day-1-sms", "offset": "P1D", "channel": "sms",
     "title": {"zh": "术后第一天短信", "en": "Day-1 message", "zh-Hant": "術後第一天短信"},
     "script": {"zh": "{patient}您好，{clinic}祝您早日康复。",
                "en": "Dear {patient}, everyone at {clinic} wishes you a quick recovery."}},
    {"id": "day-2-sms", "offset": "P2D", "channel": "sms",
     "title": {"zh": "复诊提醒", "en": "Review reminder"},
     "script": {"zh": "{patient}您好，{clinic}提醒您：明天请来院复诊。",
                "en": "Dear {patient}, a reminder from {clinic}: your review visit is tomorrow.",
                "zh-Hant": "{patient}您好，{clinic}提醒您：明天請來院複診。"}}
  ]
}"#;

#[test]
fn zh_hant_added_to_a_rule_file_is_used_with_fallback_for_missing_ones() {
    let rules = rules(HONG_KONG);
    let ep = |name: &str| {
        episode(&format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p"{name}}}}}"#
        ))
    };
    let plan = rules
        .plan(&ep(r#", "name": "陳小姐""#), &victoria())
        .unwrap();
    let (day1, day2) = (task(&plan, "day-1-sms"), task(&plan, "day-2-sms"));
    // The title has zh-Hant: Hong Kong, Taiwan and Macau read it.
    for tag in ["zh-Hant", "zh-HK", "zh-TW", "zh-MO", "zh-Hant-HK"] {
        assert_eq!(day1.title().get_tag(tag), "術後第一天短信", "{tag}");
    }
    assert_eq!(day1.title().get_tag("zh-CN"), "术后第一天短信");
    // Its script has no zh-Hant: they read the Chinese one.
    assert_eq!(
        day1.script().unwrap().get_tag("zh-HK"),
        "陳小姐您好，维多利亚医美祝您早日康复。"
    );
    assert_eq!(
        day1.script().unwrap().get_tag("ja"),
        "Dear 陳小姐, everyone at Victoria Clinic wishes you a quick recovery."
    );
    // The other step's title falls back; its script is in zh-Hant, with the clinic's
    // zh-Hant name.
    assert_eq!(day2.title().get_tag("zh-HK"), "复诊提醒");
    assert_eq!(
        day2.script().unwrap().get_tag("zh-HK"),
        "陳小姐您好，維多利亞醫美提醒您：明天請來院複診。"
    );
    assert_eq!(
        day2.script().unwrap().tags().collect::<Vec<_>>(),
        ["zh", "en", "zh-Hant"]
    );
    assert_eq!(
        rules.program_name("hk-aftercare").unwrap().get_tag("zh-MO"),
        "術後回訪"
    );
    // Without a name or a clinic name, zh-Hant takes traditional fallback words.
    let plan = rules.plan(&ep(""), &Calendar::default()).unwrap();
    assert_eq!(
        task(&plan, "day-2-sms")
            .script()
            .unwrap()
            .get_tag("zh-Hant"),
        "顧客您好，本院提醒您：明天請來院複診。"
    );
}

/// Seed 003 (a phone maker's after-sales manual) is written in traditional Chinese: the
/// built-in product programs carry zh-Hant.
#[test]
fn the_built_in_repair_message_is_also_in_traditional_chinese() {
    let ep = episode(
        r#"{"id": "ep-5001", "event": "repair", "at": "2026-06-01T10:00:00",
            "attributes": {"product": "phone"}, "patient": {"id": "c-9001", "name": "吳先生"}}"#,
    );
    let plan = builtin().plan(&ep, &Calendar::default()).unwrap();
    let all: Vec<&Task> = plan.tasks.iter().collect();
    assert!(all.iter().all(|t| t.title().exact("zh-Hant").is_some()));
    // c-9001 is in the message's 50% sample.
    assert_eq!(
        task(&plan, "message").script().unwrap().get_tag("zh-TW"),
        "親愛的吳先生，您的產品維修後使用是否正常？如有任何問題，請隨時與我們聯繫，我們竭誠為您服務！"
    );
    assert_eq!(
        builtin()
            .program_name("repair-aftersales")
            .unwrap()
            .get_tag("zh-HK"),
        "維修客戶回訪"
    );
}

#[test]
fn greetings_address_the_patient_by_name() {
    let patient = Patient {
        id: "p-7".into(),
        name: Some("王女士".into()),
        birthday: Some("1990-11-03".parse().unwrap()),
        ..Patient::default()
    };
    let (from, until) = ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    let plan = builtin()
        .plan_patient(&patient, from, until, &Calendar::default())
        .unwrap();
    let birthday = task(&plan, "birthday-greeting").script().unwrap();
    assert_eq!(birthday.zh(), "亲爱的王女士，本院祝您生日快乐，幸福安康！");
    assert_eq!(
        birthday.en(),
        "Dear 王女士, happy birthday from all of us at our clinic!"
    );
}

#[test]
fn texts_without_placeholders_are_shared_and_filled_ones_are_each_tasks_own() {
    let rules = builtin();
    let a = rules
        .plan(
            &outpatient(r#"{"id": "p-1", "name": "王女士"}"#),
            &Calendar::default(),
        )
        .unwrap();
    let b = rules
        .plan(
            &outpatient(r#"{"id": "p-2", "name": "李女士"}"#),
            &Calendar::default(),
        )
        .unwrap();
    let (call_a, call_b) = (task(&a, "day-3-call"), task(&b, "day-3-call"));
    assert!(Text::ptr_eq(&call_a.title(), &call_b.title()));
    assert!(Text::ptr_eq(
        &call_a.script().unwrap(),
        &call_b.script().unwrap()
    ));
    let (sms_a, sms_b) = (
        task(&a, "dressing-change-reminder"),
        task(&b, "dressing-change-reminder"),
    );
    assert!(Text::ptr_eq(&sms_a.title(), &sms_b.title()));
    assert!(sms_a.script().unwrap().zh().starts_with("王女士您好"));
    assert!(sms_b.script().unwrap().zh().starts_with("李女士您好"));
}

#[test]
fn a_task_read_back_from_json_keeps_its_filled_texts() {
    let plan = builtin()
        .plan(
            &outpatient(r#"{"id": "p-1", "name": "王女士"}"#),
            &victoria(),
        )
        .unwrap();
    let json = serde_json::to_string(&plan.tasks).unwrap();
    let back: Vec<Task> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan.tasks);
    let reminder = back
        .iter()
        .find(|t| t.step() == "dressing-change-reminder")
        .unwrap();
    assert_eq!(
        reminder.script().unwrap().zh(),
        "王女士您好，维多利亚医美提醒您：明天请来院换药。如有不适，请随时联系我们。"
    );
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn braces_are_written_twice_and_shown_once() {
    let rules = rules(
        r#"{"format": "followup/v1", "id": "vip", "name": {"zh": "贵宾", "en": "VIP"},
            "steps": [{"id": "s", "title": {"zh": "{{贵宾}}回访", "en": "{{VIP}} call"},
                       "script": {"zh": "{{贵宾}}{patient}", "en": "{{VIP}} {patient}"}}]}"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "x", "at": "2026-03-02", "patient": {"id": "p", "name": "王女士"}}"#,
    );
    let plan = rules.plan(&ep, &Calendar::default()).unwrap();
    let t = &plan.tasks[0];
    assert_eq!(
        (t.title().zh(), t.title().en()),
        ("{贵宾}回访", "{VIP} call")
    );
    let s = t.script().unwrap();
    assert_eq!((s.zh(), s.en()), ("{贵宾}王女士", "{VIP} 王女士"));
    // The title is unescaped once, when the rules are compiled, and shared.
    let again = rules.plan(&ep, &Calendar::default()).unwrap();
    assert!(Text::ptr_eq(&t.title(), &again.tasks[0].title()));
}

/// The supervisor's task of a call a month after 2 Mar 2026 that waits for `fact` a
/// month, titled `zh`/`en`, for the patient `patient` (JSON).
fn wait_escalation(fact: &str, zh: &str, en: &str, patient: &str) -> followup::plan::Task {
    let rules = rules(&format!(
        r#"{{"format": "followup/v1", "id": "upsell", "name": {{"zh": "复购", "en": "Upsell"}},
            "steps": [{{"id": "further-needs", "offset": "P1M",
                       "wait_for": {{"fact": "{fact}", "max": "P1M", "then": "escalate"}},
                       "title": {{"zh": "{zh}", "en": "{en}"}}}}]}}"#
    ));
    let ep = episode(&format!(
        r#"{{"id": "e", "event": "x", "at": "2026-03-02", "patient": {patient}}}"#
    ));
    let plan = rules.plan(&ep, &Calendar::default()).unwrap();
    plan.tasks
        .into_iter()
        .find(|t| t.derived.is_some())
        .unwrap()
}

#[test]
fn an_escalation_is_titled_after_its_step_filled_the_same_way() {
    let escalation = wait_escalation(
        "recovered",
        "回访{patient}",
        "Call {patient}",
        r#"{"id": "p", "name": "王女士"}"#,
    );
    assert_eq!(
        escalation.title().zh(),
        "跟进：回访王女士（未等到「已康复」）"
    );
    assert_eq!(
        escalation.title().en(),
        "Look into: Call 王女士 (“recovered” did not come by the end of its wait)"
    );
    assert_eq!(
        escalation.script().map(|s| s.en().to_string()).as_deref(),
        Some("The wait for “recovered” is over: find out how the patient is, decide what comes next and who does it.")
    );
}

/// A fact the built-in vocabulary has no words for is named by its id, in quotes.
#[test]
fn an_escalation_names_a_fact_of_the_clinic_by_its_id() {
    let escalation = wait_escalation("x_ray_read", "回访", "Call", r#"{"id": "p"}"#);
    assert_eq!(escalation.title().zh(), "跟进：回访（未等到 x_ray_read）");
    assert_eq!(
        escalation.title().en(),
        "Look into: Call (“x_ray_read” did not come by the end of its wait)"
    );
}

/// UCS-2 (any Chinese character): 70 units in one segment; GSM 7-bit: 160.
#[test]
fn long_message_lists_the_languages_whose_sms_takes_more_than_one_segment() {
    let rules = rules(&format!(
        r#"{{"format": "followup/v1", "id": "sms", "name": {{"zh": "短信", "en": "SMS"}},
            "steps": [{{"id": "s", "channel": "sms", "title": {{"zh": "短信", "en": "SMS"}},
                        "script": {{"zh": "{{patient}}{}", "en": "Dear {{patient}}"}}}},
                      {{"id": "c", "title": {{"zh": "电话", "en": "Call"}},
                        "script": {{"zh": "{}", "en": "x"}}}}]}}"#,
        "好".repeat(67),
        "好".repeat(100)
    ));
    let plan_for = |name: &str| {
        let ep = episode(&format!(
            r#"{{"id": "e", "event": "x", "at": "2026-03-02", "patient": {{"id": "p", "name": "{name}"}}}}"#
        ));
        rules.plan(&ep, &Calendar::default()).unwrap()
    };
    // 3 + 67 = 70 characters: one segment.
    let short = plan_for("王女士");
    let sms = task(&short, "s");
    assert_eq!(sms.sms_segments("zh"), Some(1));
    assert!(!sms.long_message());
    assert!(!serde_json::to_string(sms).unwrap().contains("long_message"));
    // 4 + 67 = 71: two; the English "Dear 欧阳女士" is 9 UCS-2 units, one.
    let long = plan_for("欧阳女士");
    let sms = task(&long, "s");
    assert_eq!(
        (
            sms.sms_segments("zh"),
            sms.sms_segments("en"),
            sms.sms_segments("ja")
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(sms.long_message_tags(), ["zh"]);
    assert!(serde_json::to_string(sms)
        .unwrap()
        .contains(r#""long_message":["zh"]"#));
    // Calls are not messages: their scripts have no segments.
    let call = task(&long, "c");
    assert_eq!(call.sms_segments("zh"), None);
    assert!(!call.long_message());
}

/// The errors of templates, with the accessors a host uses (the full messages of more
/// cases are in `tests/invalid/template_*`).
#[test]
fn an_unknown_placeholder_is_a_compile_error_at_its_language() {
    let err = RuleSet::builder()
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "id": "x", "name": {"zh": "x", "en": "x"},
  "steps": [{"id": "a", "title": {"zh": "a", "en": "a"},
             "script": {"zh": "您好", "en": "Dear {name}"}}]}"#,
        )
        .build()
        .unwrap_err();
    assert!(err.is_rule());
    assert_eq!(err.pointer(), "/steps/0/script/en");
    assert_eq!(err.line_column(), Some((3, 43)));
    assert_eq!(
        err.to_string(),
        "clinic.json: /steps/0/script/en (line 3, column 43): unknown placeholder {name} at character 6: expected one of {patient}, {procedure}, {owner}, {clinic}, {session}, {sessions_left}, {next_session}, {visit:MILESTONE}, {when:MILESTONE}, {ahead:MILESTONE}, {when:session}, {when:event} (write {{ and }} for literal braces)"
    );
}

/// `Plan::to_json` writes filled texts straight from their templates: the same bytes as
/// serde_json, whatever the texts hold (quotes, backslashes, tabs and line breaks, emoji,
/// GSM extension characters), in every language, with `long_message` as the SMS segment
/// count says, on both sides of the one-segment limits.
#[test]
fn to_json_writes_filled_texts_as_serde_json_does() {
    let rules = rules(&format!(
        r#"{{"format": "followup/v1", "id": "sms", "name": {{"zh": "短信", "en": "SMS"}},
            "vocabulary": {{"attributes": {{"procedure": "free"}}}},
            "steps": [{{"id": "s", "channel": "sms",
                        "title": {{"zh": "给{{patient}}的\"短信\"", "en": "SMS to {{patient}}\\", "zh-Hant": "簡訊"}},
                        "script": {{"zh": "{{patient}}{}", "en": "Dear {{patient}}, {{{{VIP}}}} {}",
                                    "zh-Hant": "{{patient}}您好\t{{clinic}}", "ja": "こんにちは"}}}},
                      {{"id": "c", "title": {{"zh": "电话{{patient}}", "en": "Call"}},
                        "script": {{"zh": "{{clinic}}：{{procedure}}\r\n", "en": "x"}}}}]}}"#,
        "好".repeat(67),
        "a".repeat(141),
    ));
    let cal = victoria();
    // By hand: zh is the name and 67 characters, UCS-2, long past 70; en is "Dear ",
    // the name, ", {VIP} " (the braces two septets each) and 141 letters: GSM while the
    // name is, long past 160 septets, else UCS-2 and long. No name: 顾客 and "customer".
    for (name, expected) in [
        ("王女士", &["en"][..]),
        ("王\"女\\士", &["zh", "en"]),
        ("Ann", &[]),
        ("Anna", &["zh"]),
        ("{An}", &["zh", "en"]),
        // Control characters are refused in names (tabs and line breaks stay in the
        // scripts above).
        ("A\\B\u{a0}😀", &["zh", "en"]),
        ("€€", &[]),
        ("", &["en"]),
    ] {
        let ep = episode(&format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02",
                "attributes": {{"procedure": "双眼皮\"切开\""}},
                "patient": {{"id": "p", "name": {}}}}}"#,
            serde_json::to_string(name).unwrap()
        ));
        let plan = rules.plan(&ep, &cal).unwrap();
        let json = plan.to_json().unwrap();
        assert_eq!(json, serde_json::to_string(&plan).unwrap(), "{name:?}");
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        // Both writers fill from the templates: the texts they wrote are the texts the
        // tasks give, built.
        for (t, written) in plan.tasks.iter().zip(json["tasks"].as_array().unwrap()) {
            assert_eq!(written["title"], serde_json::to_value(&*t.title()).unwrap());
            let script = t.script().map(|s| serde_json::to_value(&*s).unwrap());
            assert_eq!(written["script"], script.unwrap_or_default(), "{name:?}");
        }
        let sms = (json["tasks"].as_array().unwrap().iter())
            .find(|t| t["step"] == "s")
            .unwrap();
        let written: Vec<&str> = (sms["long_message"].as_array())
            .map_or(vec![], |a| a.iter().map(|t| t.as_str().unwrap()).collect());
        assert_eq!(written, expected, "{name:?}");
        // And as the segment count says.
        let script = task(&plan, "s").script().unwrap();
        let counted: Vec<&str> = (script.iter())
            .filter(|(_, text)| followup::plan::sms_segments(text) > 1)
            .map(|(tag, _)| tag)
            .collect();
        assert_eq!(counted, expected, "{name:?}");
    }
}

/// A plan a host puts together from the tasks of several plans (patients, episodes) is
/// written as serde_json writes it: each task with its own episode and patient.
#[test]
fn to_json_of_tasks_of_several_episodes_in_turn() {
    let cal = victoria();
    let plan_of = |ep: &str, patient: &str, name: &str| {
        let mut episode = outpatient(&format!(r#"{{"id": "{patient}", "name": "{name}"}}"#));
        episode.id = ep.into();
        builtin().plan(&episode, &cal).unwrap()
    };
    let a = plan_of("ep-a", "p-a", "王女士");
    let b = plan_of("ep-b", "p-b", "Ann \\\"Q\\\"");
    let mut both = a.clone();
    both.tasks.clear();
    for (x, y) in a.tasks.iter().zip(b.tasks.iter()) {
        both.tasks.push(x.clone());
        both.tasks.push(y.clone());
    }
    assert!(both.tasks.len() > 4);
    let json = both.to_json().unwrap();
    assert_eq!(json, serde_json::to_string(&both).unwrap());
    assert!(json.contains(r#""episode":"ep-b","patient":"p-b""#));
    assert!(json.contains(r#"Ann \"Q\""#));
}

/// docs/domain.md §1 and §9: the D+1 call tells the patient to come for the dressing
/// change, the D+6 call that the sutures come out — on the day the visit really is,
/// which is "tomorrow" only when nothing moved it. The built-in scripts say the
/// milestone's day from the call's day (`{when:dressing_change}`,
/// `{when:suture_removal}`; audit 83: a raw ISO date, and the call's own day when a
/// closure moved the visit onto it).
/// - Default calendar, surgery Mon 2 Mar: dressing change D+2 = Wed 4, suture removal
///   D+7 = Mon 9 (the day after the D+1 and D+6 calls): tomorrow, both.
/// - The clinic closed on Mondays: the suture removal (Mon 9) moves to the next open
///   day, Tue 10; the D+6 call (Sun 8) says so: the day after tomorrow.
/// - The episode gives the suture removal, Thu 12 Mar: the call names it (4 days on).
/// - Surgery Fri 13 Feb 2026 with the official calendar: the dressing change (Sun 15,
///   in the Spring Festival closure of 15-23 Feb) moves to the nearest open day, Sat 14
///   (a make-up working day), the D+1 call's own day: today.
#[test]
fn the_day_1_and_day_6_calls_name_the_visit_days_as_the_plan_has_them() {
    let rules = builtin();
    let scripts = |ep: &followup::episode::Episode, cal: &Calendar| {
        let p = rules.plan(ep, cal).unwrap();
        let s = |step: &str| task(&p, step).script().unwrap().into_owned();
        (s("day-1-call"), s("day-6-call"))
    };
    let ep = outpatient(r#"{"id": "p-1"}"#);
    let (day1, day6) = scripts(&ep, &Calendar::default());
    ends(day1.zh(), "通知顾客明天来院复查换药。");
    ends(
        day1.en(),
        "come back tomorrow for the check-up and dressing change.",
    );
    ends(day6.zh(), "告知顾客明天来院拆线。");
    ends(day6.en(), "remind them that the sutures come out tomorrow.");

    let mondays = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Mon"]}"#).unwrap();
    let (day1, day6) = scripts(&ep, &mondays);
    ends(day1.zh(), "通知顾客明天来院复查换药。");
    ends(day6.zh(), "告知顾客后天来院拆线。");
    ends(day6.en(), "the sutures come out the day after tomorrow.");

    // `ep` with its visits booked on these days.
    let booked = |visits: &[(&str, &str)]| {
        let mut ep = ep.clone();
        for (name, day) in visits {
            let day = followup::episode::Dates(vec![day.parse().unwrap()]);
            ep.milestones.insert((*name).into(), day);
        }
        ep
    };
    let given = booked(&[("suture_removal", "2026-03-12")]);
    let (_, day6) = scripts(&given, &Calendar::default());
    ends(day6.zh(), "告知顾客3月12日来院拆线。");
    ends(day6.en(), "come out on 12 March.");

    // Booked for before the call (`{ahead:…}`, audit 90): the suture removal on Sat 7
    // Mar (D+5, as for the face), the dressing change on the surgery's day. The calls
    // announce no visit that is past: the clause goes, with the mark before it.
    let early = booked(&[
        ("suture_removal", "2026-03-07"),
        ("dressing_change", "2026-03-02"),
    ]);
    let (day1, day6) = scripts(&early, &Calendar::default());
    assert_eq!(day6.zh(), "了解顾客目前的状况，通过语言进行安抚。");
    assert_eq!(day6.en(), "Ask how the patient is doing and reassure them.");
    ends(day1.zh(), "勿服阿司匹林类血溶性药物。");
    ends(day1.en(), "no aspirin-type drugs.");

    let spring = builtin()
        .read_episode(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-02-13T10:00",
                "attributes": {"category": "plastic", "setting": "outpatient"},
                "patient": {"id": "p-1"}}"#,
        )
        .unwrap();
    // (Its D+6 call, Thu 19 Feb, is dropped: the closure is longer than it may move.)
    let p = (rules.plan(&spring, &Calendar::china_years(2026..=2026).unwrap())).unwrap();
    let day1 = task(&p, "day-1-call").script().unwrap().into_owned();
    ends(day1.zh(), "通知顾客今天来院复查换药。");
    ends(
        day1.en(),
        "come back today for the check-up and dressing change.",
    );
}

/// `{visit:NAME}` in a rule file: of several dates, the first on or after the task's
/// day, else the last before it; without a date and without a default, the fallback
/// words. A name that is not one of the program's milestones is a compile error, with
/// the nearest name; a text with no milestones to name (a history's follow-up) too.
#[test]
fn visit_names_the_milestone_day_next_to_the_task() {
    let rules = rules(
        r#"{"format": "followup/v1", "id": "review", "name": {"zh": "复诊", "en": "Review"},
  "milestones": {"review_visit": null, "check": null},
  "steps": [
    {"id": "day-3-call", "offset": "P3D", "title": {"zh": "回访", "en": "Call"},
     "script": {"zh": "复诊：{visit:review_visit}", "en": "Review: {visit:review_visit}"}},
    {"id": "day-20-call", "offset": "P20D", "title": {"zh": "回访", "en": "Call"},
     "script": {"zh": "复诊：{visit:review_visit}；检查：{visit:check}", "en": "Review: {visit:review_visit}; check: {visit:check}"}}]}"#,
    );
    let ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "patient": {"id": "p-1"},
            "milestones": {"review_visit": ["2026-03-16", "2026-03-09"]}}"#,
    );
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    // Day 3 (5 Mar): the review of 9 Mar comes first after it (the dates given in any
    // order); day 20 (22 Mar): none after it, so the last, 16 Mar. No check is given and
    // it has no default: "the agreed date".
    assert_eq!(
        task(&p, "day-3-call").script().unwrap().en(),
        "Review: 2026-03-09"
    );
    assert_eq!(
        task(&p, "day-20-call").script().unwrap().en(),
        "Review: 2026-03-16; check: the agreed date"
    );
    assert_eq!(
        task(&p, "day-20-call").script().unwrap().zh(),
        "复诊：2026-03-16；检查：约定的日期"
    );

    let err = RuleSet::builder()
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "id": "x", "name": {"zh": "x", "en": "x"},
  "milestones": {"suture_removal": "P7D"},
  "steps": [{"id": "a", "title": {"zh": "a", "en": "a"},
             "script": {"zh": "{visit:sutre_removal}拆线", "en": "a"}}]}"#,
        )
        .build()
        .unwrap_err();
    assert_eq!(err.pointer(), "/steps/0/script/zh");
    assert!(
        err.to_string().ends_with(
            "unknown milestone {visit:sutre_removal} at character 1: expected one of the program's milestones (suture_removal); did you mean {visit:suture_removal}?"
        ),
        "{err}"
    );
    // {when:NAME} names a milestone as {visit:NAME} does; {when:session} needs a session.
    for (script, tail) in [
        ("{when:sutre_removal}拆线", "unknown day {when:sutre_removal} at character 1: expected {when:event}, {when:session} or one of the program's milestones (suture_removal); did you mean {when:suture_removal}?"),
        ("{when:evnet}拆线", "unknown day {when:evnet} at character 1: expected {when:event}, {when:session} or one of the program's milestones (suture_removal); did you mean {when:event}?"),
        ("{when:session}拆线", "placeholder {when:session} needs a course session, and this step counts from \"event\": expected it only in steps from each_session, before_each_upcoming_session, one_session_left, course_end"),
    ] {
        let err = RuleSet::builder()
            .source(
                "clinic.json",
                format!(r#"{{"format": "followup/v1", "id": "x", "name": {{"zh": "x", "en": "x"}},
  "milestones": {{"suture_removal": "P7D"}},
  "steps": [{{"id": "a", "title": {{"zh": "a", "en": "a"}},
             "script": {{"zh": "{script}", "en": "a"}}}}]}}"#),
            )
            .build()
            .unwrap_err();
        assert_eq!(err.pointer(), "/steps/0/script/zh");
        assert!(err.to_string().ends_with(tail), "{err}");
    }
    let err = followup::history::History::from_json(
        "history.json",
        r#"{"follow_ups": [{"id": "f1", "due": "2026-03-10", "channel": "phone",
            "role": "customer_service", "title": {"zh": "{visit:check}", "en": "a"}}]}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains(
            "unknown milestone {visit:check} at character 1: this text has no milestones to name"
        ),
        "{err}"
    );
}

/// Asserts that `text` ends with `tail`, showing the text when it does not.
fn ends(text: &str, tail: &str) {
    assert!(text.ends_with(tail), "{text}");
}
