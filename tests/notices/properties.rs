//! Properties of notice plans over generated notices, patients and calendars, and of the
//! notice readers over arbitrary texts. Case counts are modest (debug builds, two cores).

use super::*;
use chrono::{Datelike, Days, NaiveDate};
use followup::{
    plan::DropReason,
    rules::{Channel, Role, Text, TimeDef},
};
use proptest::prelude::*;
use std::collections::BTreeMap;

const CHANNELS: [Channel; 4] = [Channel::Sms, Channel::Wechat, Channel::Phone, Channel::Mail];

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + Days::new(n)
}

/// A notice: a day in March-April 2026 (or, rarely, at the end of the date range), an
/// event up to 20 days later or none, a channel, a time, an audience on tags, maybe a
/// sample and a spread.
fn arb_notice() -> impl Strategy<Value = Notice> {
    (
        prop_oneof![20 => (0u64..60).prop_map(day), 1 => (0u64..10).prop_map(|k| NaiveDate::MAX - Days::new(k))],
        proptest::option::of(0u64..20),
        0usize..4,
        prop::sample::select(vec!["day", "morning", "afternoon", "evening"]),
        proptest::option::of(prop::sample::select(vec!["vip", "key_customer"])),
        (proptest::option::of(1u64..40), proptest::option::of(1u32..=10)),
    )
        .prop_map(|(send_on, event, channel, time, tag, (spread, tenths))| Notice {
            id: String::new(),
            send_on,
            event_day: event.and_then(|k| send_on.checked_add_days(Days::new(k))),
            channel: CHANNELS[channel],
            role: Role::CustomerService,
            time: TimeDef::Named(time.into()),
            audience: tag
                .map(|t| BTreeMap::from([("tag".to_string(), followup::rules::Values(vec![t.into()]))]))
                .unwrap_or_default(),
            // A sample of 10 to 100 %, the key customers always in.
            sample: tenths.map(|k| serde_json::from_value(serde_json::json!({
                "fraction": f64::from(k) / 10.0, "always": {"tag": "key_customer"}
            })).unwrap()),
            // A spread that ends by the event day.
            spread: spread
                .filter(|k| event.is_none_or(|e| k - 1 <= e))
                .map(|k| format!("P{k}D")),
            title: Text::new("通知", "Notice"),
            script: None,
        })
}

/// A calendar: some weekly closing days (never all), closed dates, call-desk duty days and
/// message stops in March-April 2026, quiet hours at lunch or none.
fn arb_calendar() -> impl Strategy<Value = Calendar> {
    // Sets: a calendar lists each date once.
    let dates = || {
        prop::collection::btree_set(0u64..60, 0..12).prop_map(|s| {
            s.into_iter()
                .map(|k| format!("\"{}\"", day(k)))
                .collect::<Vec<_>>()
        })
    };
    (
        prop::sample::subsequence(vec!["\"Mon\"", "\"Tue\"", "\"Sun\""], 0..=3),
        dates(),
        dates(),
        dates(),
        any::<bool>(),
    )
        .prop_map(|(weekdays, closed, duty, stopped, quiet)| {
            // A listed date cannot be both closed and open: duty days open the call desk
            // only on dates the clinic did not close outright.
            let duty: Vec<String> = duty.into_iter().filter(|d| !closed.contains(d)).collect();
            let quiet = if quiet { r#", "quiet_hours": [{"start": "12:00", "end": "13:30"}]"# } else { "" };
            let json = format!(
                r#"{{"closed_weekdays": [{}], "closed_dates": [{}], "call_desk": {{"open_dates": [{}]}}, "messages": {{"closed_dates": [{}]}}{quiet}}}"#,
                weekdays.join(", "),
                closed.join(", "),
                duty.join(", "),
                stopped.join(", ")
            );
            Calendar::from_json("generated", &json).unwrap()
        })
}

/// A patient with some tags, maybe rest hours, an opt-out and a refusal in March-May 2026.
fn arb_patient() -> impl Strategy<Value = Patient> {
    (
        prop::sample::subsequence(vec!["vip", "key_customer", "night_shift"], 0..=3),
        proptest::option::of((0usize..4, 0u64..90)),
        proptest::option::of(0u64..90),
        any::<bool>(),
    )
        .prop_map(|(tags, opt_out, declined, rests_all_day)| {
            let mut p = patient(r#"{"id": "p-1"}"#);
            p.tags = tags.into_iter().map(String::from).collect();
            if let Some((c, k)) = opt_out {
                p.opt_outs = vec![serde_json::from_value(serde_json::json!({
                    "channel": CHANNELS[c], "at": day(k).to_string()
                }))
                .unwrap()];
            }
            p.declined = declined.map(|k| day(k).and_hms_opt(10, 0, 0).unwrap());
            if rests_all_day {
                p.rest_hours = vec![followup::calendar::TimeWindow::hm((0, 0), (23, 59)).unwrap()];
            }
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every notice that targets the patient is one task or one dropped entry; a task is
    /// due on a day its channel works, from its day to its expiry, inside its on-time
    /// window; an expired notice had no working day before its expiry.
    #[test]
    fn prop_each_targeted_notice_is_one_task_on_a_working_day_before_it_expires_or_one_drop(
        list in prop::collection::vec(arb_notice(), 0..6),
        cal in arb_calendar(),
        p in arb_patient(),
    ) {
        let list: Vec<Notice> = list.into_iter().enumerate()
            .map(|(i, mut n)| { n.id = format!("n{i}"); n })
            .collect();
        let plan = match builtin().plan_notices(&p, &[], &list, &cal) {
            Ok(plan) => plan,
            // Only the notices outside the years 1900-9899 or at the end of the date
            // range are refused.
            Err(e) => {
                prop_assert!(
                    list.iter().any(|n| n.expires().is_none()
                        || !(1900..=9899).contains(&n.send_on.year())
                        || n.spread_days().is_none_or(|k| {
                            n.send_on.checked_add_days(Days::new(u64::from(k) + 7)).is_none()
                        }))
                        || (e.is_calendar() && !cal.quiet_hours().is_empty()),
                    "{e}"
                );
                return Ok(());
            }
        };
        for n in &list {
            let targeted = n.audience.values().all(|v| p.tags.iter().any(|t| v.0.contains(t)));
            let tasks: Vec<_> = plan.tasks.iter().filter(|t| t.step() == n.id).collect();
            let drops: Vec<_> = plan.dropped.iter().filter(|d| *d.step() == *n.id).collect();
            prop_assert_eq!(tasks.len() + drops.len(), usize::from(targeted), "{}", n.id);
            // The patient's day: within the spread, on send_on without one.
            let own = n.day_for_on("p-1", &cal);
            let span = i64::from(n.spread_days().unwrap());
            prop_assert!(n.send_on <= own && (own - n.send_on).num_days() < span);
            prop_assert!(n.spread.is_some() || own == n.send_on);
            let expires = n.expires_after(own).unwrap();
            let in_sample = n.sample.as_ref().is_none_or(|s| {
                followup::rules::sample_draw("notice", &n.id, "p-1") < s.fraction.0
                    || p.tags.iter().any(|t| t == "key_customer")
            });
            for t in tasks {
                prop_assert!(in_sample);
                prop_assert_eq!(t.id(), format!("notice/{}/patient:p-1/0", n.id));
                prop_assert!(own <= t.due && t.due <= expires);
                prop_assert!(t.earliest <= t.due && t.due <= t.latest && t.latest <= expires);
                prop_assert!(cal.works(n.channel, t.due));
                prop_assert_eq!(t.shifted.is_some(), t.due != own);
                prop_assert_eq!(t.nominal, own);
            }
            for d in drops {
                prop_assert_eq!(d.reason == DropReason::NotSampled, !in_sample, "{}", n.id);
                if d.reason == DropReason::Expired {
                    let mut k = own;
                    while k <= expires {
                        prop_assert!(!cal.works(n.channel, k), "{} works on {k}", n.id);
                        let Some(next) = k.succ_opt() else { break };
                        k = next;
                    }
                }
            }
        }
    }

    /// Arbitrary texts never make the readers panic; every error is a notice error that
    /// names the text.
    #[test]
    fn prop_notice_readers_never_panic_and_name_the_text(
        text in prop_oneof![
            ".{0,80}",
            Just(notice("a", "2026-04-08", r#""audience": {}"#)),
            "\\[?\\{(\"(id|send_on|event_day|channel|time|audience|title|tag|zh|en)\": (\"[a-z0-9:-]{0,12}\"|\\{\\}|\\[\\]|null|1), ){0,6}\\}\\]?",
        ]
    ) {
        for result in [
            builtin().read_notices("fuzz.json", &text).map(|_| ()),
            Notice::from_json("fuzz.json", &text).map(|_| ()),
        ] {
            if let Err(e) = result {
                prop_assert!(e.is_notice(), "{e}");
                prop_assert!(e.to_string().starts_with("fuzz.json: "), "{e}");
            }
        }
    }
}
