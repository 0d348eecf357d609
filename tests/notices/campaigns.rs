//! Mail campaigns (docs/domain.md §6, seed 003 "郵寄回訪"): "mail to 5-10% of customers,
//! spread over 2-3 months" — a notice with a `sample` and a `spread`. Shares and spans are
//! checked over many patients against the domain's figures; days against the calendar by
//! hand (2026-04-01 is a Wednesday; Qingming closes Sat 4 to Mon 6 April 2026).

use super::*;
use chrono::NaiveDate;
use followup::{
    calendar::ShiftReason,
    plan::DropReason,
    plan::Plan,
    rules::{sample_draw, Channel},
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The spring mail campaign: 8 % of the customers (inside the seed's 5-10 %), spread over
/// two months from Wed 1 April 2026, by mail; `extra` adds members.
fn campaign(extra: &str) -> Vec<Notice> {
    one_notice(
        "mail-2026-spring",
        "2026-04-01",
        &format!(
            r#""channel": "mail", "spread": "P2M", "sample": {{"fraction": 0.08{extra}}}, "audience": {{}}"#
        ),
    )
}

/// The built-in rules, compiled once for the thousands of plans below.
fn rules() -> &'static followup::rules::RuleSet {
    static RULES: std::sync::OnceLock<followup::rules::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(builtin)
}

/// The plan of `list` for `p`, as `plan_for` with the rules compiled once.
fn plan_of(p: &Patient, episodes: &[Episode], list: &[Notice], cal: &Calendar) -> Plan {
    rules()
        .plan_notices(p, episodes, list, cal)
        .expect("notices plan")
}

fn someone(i: usize) -> Patient {
    patient(&format!(r#"{{"id": "p-{i}"}}"#))
}

#[test]
fn a_mail_campaign_reaches_five_to_ten_percent_of_customers_over_two_months() {
    let list = campaign("");
    let cal = Calendar::default();
    let (mut mailed, mut per_month, mut days) = (0, [0usize; 2], std::collections::BTreeSet::new());
    for i in 0..5_000 {
        let plan = plan_of(&someone(i), &[], &list, &cal);
        assert_eq!(plan.tasks.len() + plan.dropped.len(), 1, "p-{i}");
        // Every customer has a day of the span, mailed or not.
        let own = list[0].day_for(&format!("p-{i}"));
        assert!(
            d("2026-04-01") <= own && own <= d("2026-05-31"),
            "p-{i}: {own}"
        );
        if let Some(t) = plan.tasks.first() {
            mailed += 1;
            assert_eq!(t.channel(), Channel::Mail);
            assert_eq!(t.id(), format!("notice/mail-2026-spring/patient:p-{i}/0"));
            // The default calendar closes no day: the mail goes out on the customer's day,
            // worth doing for 7 days as any mail.
            assert_eq!(
                (t.nominal, t.due, t.earliest, t.latest),
                (own, own, own, own)
            );
            assert_eq!(t.expires, own.checked_add_days(chrono::Days::new(7)));
            assert_eq!(t.shifted, None);
            per_month[usize::from(own >= d("2026-05-01"))] += 1;
            days.insert(own);
        } else {
            let drop = &plan.dropped[0];
            assert_eq!(drop.reason, DropReason::NotSampled, "p-{i}");
            assert_eq!(
                drop.id(),
                format!("notice/mail-2026-spring/patient:p-{i}/0")
            );
            assert_eq!(drop.nominal, Some(own));
        }
    }
    // 5 to 10 % of the customers (8 % drawn: 400 of 5,000 on average).
    assert!((250..=500).contains(&mailed), "{mailed} of 5,000 mailed");
    // Spread: both months carry a fair part of the work (30 and 31 days of 61), and the
    // mail goes out on most days of the span, not on a few.
    for n in per_month {
        assert!(n * 10 >= mailed * 4, "{per_month:?}");
    }
    assert!(days.len() >= 50, "only {} days of 61 used", days.len());
}

#[test]
fn the_same_customer_gets_the_same_answer_and_day_at_every_planning() {
    let list = campaign("");
    let cal = Calendar::default();
    for i in 0..200 {
        let first = ser(&plan_of(&someone(i), &[], &list, &cal));
        // Planned again, with episodes and tags the campaign does not test: the same.
        let mut p = someone(i);
        p.tags = vec!["vip".into()];
        let ep = rules().read_episode("test episode", &format!(
            r#"{{"id": "e-{i}", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "p-{i}", "tags": ["vip"]}}}}"#
        )).unwrap();
        let again = ser(&plan_of(&p, &[ep], &list, &cal));
        assert_eq!(first, again, "p-{i}");
    }
}

#[test]
fn the_draw_and_the_day_are_the_documented_ones() {
    // In the sample when sample_draw("notice", notice id, patient) < 0.08; the day is
    // send_on + floor(sample_draw("notice-spread", notice id, patient) × 61).
    let list = campaign("");
    let (mut checked_in, mut checked_out) = (0, 0);
    for i in 0..400 {
        let id = format!("p-{i}");
        let in_sample = sample_draw("notice", "mail-2026-spring", &id) < 0.08;
        let k = (sample_draw("notice-spread", "mail-2026-spring", &id) * 61.0).floor() as u64;
        let day = d("2026-04-01") + chrono::Days::new(k);
        assert_eq!(list[0].day_for(&id), day);
        let plan = plan_of(&someone(i), &[], &list, &Calendar::default());
        assert_eq!(plan.tasks.len(), usize::from(in_sample), "{id}");
        if in_sample {
            checked_in += 1;
            assert_eq!(plan.tasks[0].due, day);
        } else {
            checked_out += 1;
        }
    }
    assert!(checked_in > 10 && checked_out > 300);
}

#[test]
fn key_customers_are_always_in_and_two_campaigns_draw_different_customers() {
    let list = campaign(r#", "always": {"tag": "key_customer"}"#);
    let cal = Calendar::default();
    for i in 0..300 {
        let mut p = someone(i);
        p.tags = vec!["key_customer".into()];
        assert_eq!(plan_of(&p, &[], &list, &cal).tasks.len(), 1, "p-{i}");
    }
    // The autumn campaign draws its own 8 %: about 8 % of 8 % (0.64 %) get both.
    let autumn = one_notice(
        "mail-2026-autumn",
        "2026-09-01",
        r#""channel": "mail", "spread": "P3M", "sample": {"fraction": 0.08}, "audience": {}"#,
    );
    let (mut spring, mut both) = (0, 0);
    for i in 0..5_000 {
        let p = someone(i);
        let a = !plan_of(&p, &[], &list, &cal).tasks.is_empty();
        let b = !plan_of(&p, &[], &autumn, &cal).tasks.is_empty();
        spring += usize::from(a);
        both += usize::from(a && b);
    }
    assert!(
        spring > 250 && both * 4 < spring,
        "{both} of {spring} in both"
    );
}

/// A spread goes over the days the channel works (audit 13 of 6 December: a closure's
/// letters piled onto the reopening day, 38 on 6 May against about 5 on other days).
/// Mail needs the clinic; the official 2026 calendar with Sundays closed: in the span,
/// 1 April to 31 May, the clinic is closed on Qingming (Sat 4 to Mon 6 April), Labour Day
/// (Fri 1 to Tue 5 May) and the Sundays; Sat 9 May is a make-up working day. No
/// customer's day is a closed one, and no working day gets more than twice its share of
/// 2,000 customers.
#[test]
fn a_spread_goes_over_the_working_days_only() {
    let list = campaign(r#", "always": {"tag": "vip"}"#);
    let cal = crate::support::clinic_with_china_2026(r#"{"closed_weekdays": ["Sun"]}"#);
    let span: Vec<NaiveDate> = d("2026-04-01").iter_days().take(61).collect();
    let open: Vec<NaiveDate> = span.iter().copied().filter(|d| cal.is_open(*d)).collect();
    // Qingming 4-6 Apr and Labour Day 1-5 May closed, 9 May (a Saturday) a make-up
    // working day, and the Sundays: 5, 12, 19, 26 Apr, 3, 10, 17, 24, 31 May.
    assert!(!open.contains(&d("2026-04-04")) && !open.contains(&d("2026-05-04")));
    assert!(open.contains(&d("2026-05-09")) && !open.contains(&d("2026-04-12")));
    let mut per_day: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
    for i in 0..2_000 {
        let mut p = someone(i);
        p.tags = vec!["vip".into()];
        let plan = plan_of(&p, &[], &list, &cal);
        let t = &plan.tasks[0];
        assert!(cal.is_open(t.nominal), "{} on {}", p.id, t.nominal);
        assert_eq!((t.due, t.shifted), (t.nominal, None));
        assert_eq!(t.nominal, list[0].day_for_on(&p.id, &cal));
        *per_day.entry(t.due).or_default() += 1;
    }
    let share = 2_000 / open.len();
    assert!(per_day.keys().all(|d| open.contains(d)));
    assert!(per_day.values().all(|n| *n <= 2 * share), "{per_day:?}");
}

/// A span the channel never works (a spread of 3 days over Qingming, 4-6 April 2026,
/// on the official calendar): the customer's day is drawn over the span as before, and
/// moves to the first open day after, Tue 7 April.
#[test]
fn a_spread_over_closed_days_only_moves_to_the_next_open_day() {
    let list = one_notice(
        "qingming-letters",
        "2026-04-04",
        r#""channel": "mail", "spread": "P3D", "audience": {}"#,
    );
    let cal = Calendar::china(2026).unwrap();
    for i in 0..20 {
        let plan = plan_of(&someone(i), &[], &list, &cal);
        let t = &plan.tasks[0];
        assert_eq!(
            (t.due, t.shifted),
            (d("2026-04-07"), Some(ShiftReason::Holiday))
        );
        assert!(d("2026-04-04") <= t.nominal && t.nominal <= d("2026-04-06"));
    }
}

#[test]
fn a_spread_notice_with_an_event_day_stays_worth_doing_until_the_event() {
    // Invitations to the clinic's anniversary on Sat 23 May, spread over 1 to 21 May.
    let list = one_notice(
        "anniversary-invitations",
        "2026-05-01",
        r#""event_day": "2026-05-23", "spread": "P3W", "audience": {}"#,
    );
    for i in 0..100 {
        let plan = plan_of(&someone(i), &[], &list, &Calendar::default());
        let t = &plan.tasks[0];
        assert!(
            d("2026-05-01") <= t.due && t.due <= d("2026-05-21"),
            "{}",
            t.due
        );
        assert_eq!((t.earliest, t.latest), (t.due, d("2026-05-22")));
        assert_eq!(t.expires, Some(d("2026-05-23")));
    }
}
