//! Properties of `diff`, `apply` and `merge` over generated episodes and policies.

use super::*;

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap()
}

/// Episodes of id `ep` and patient `p`: plastic or laser, inpatient or outpatient, on a
/// day in 2026, with or without discharge, suture removal and review visits, sometimes an
/// opt-out.
fn arb_episode() -> impl Strategy<Value = Episode> {
    (
        0u64..365,
        prop::sample::select(vec!["plastic", "laser"]),
        prop::sample::select(vec!["inpatient", "outpatient"]),
        prop::option::of(0u64..10),
        prop::option::of(3u64..15),
        prop::collection::vec(10u64..200, 0..3),
        prop::option::of((prop::sample::select(vec!["phone", "sms"]), 0u64..120)),
    )
        .prop_map(
            |(day, category, setting, discharge, sutures, reviews, opt_out)| {
                let at = plus(date("2026-01-01"), day);
                let mut ep = procedure("ep", category, setting, &at.to_string());
                if let Some(n) = discharge {
                    ep.milestones
                        .insert("discharge".into(), Dates(vec![plus(at, n)]));
                }
                if let Some(n) = sutures {
                    ep.milestones
                        .insert("suture_removal".into(), Dates(vec![plus(at, n)]));
                }
                if !reviews.is_empty() {
                    // Each date once: a date given twice is refused.
                    let mut seen = std::collections::BTreeSet::new();
                    let dates = (reviews.into_iter())
                        .filter(|n| seen.insert(*n))
                        .map(|n| plus(at, n))
                        .collect();
                    ep.milestones.insert("review_visit".into(), Dates(dates));
                }
                if let Some((channel, n)) = opt_out {
                    let facts = format!(
                        r#"{{"id": "x", "event": "x", "at": "2026-01-01", "patient": {{"id": "x"}},
                        "facts": [{{"kind": "opt_out", "channel": "{channel}", "at": "{}"}}]}}"#,
                        plus(at, n)
                    );
                    ep.facts = episode(&facts).facts;
                }
                ep
            },
        )
}

fn arb_policy() -> impl Strategy<Value = ContactPolicy> {
    let cap = (
        prop::sample::select(vec![Channel::Phone, Channel::Sms, Channel::InPerson]),
        1u32..4,
        1u32..15,
    )
        .prop_map(|(c, max, days)| Cap::new(c, max, days).unwrap());
    prop::collection::vec(cap, 0..4).prop_map(|caps| ContactPolicy {
        caps,
        ..ContactPolicy::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_diff_of_a_plan_with_itself_is_all_keep(ep in arb_episode()) {
        let p = plan(&ep);
        let d = diff(&p, &p);
        prop_assert!(d.is_unchanged());
        prop_assert_eq!(d.keep, ids(&p.tasks));
    }

    #[test]
    fn prop_applying_the_diff_of_two_plans_to_the_first_gives_the_second(
        a in arb_episode(), b in arb_episode()
    ) {
        let (a, b) = (plan(&a), plan(&b));
        let d = diff(&a, &b);
        prop_assert_eq!(apply(&a, &d), b.tasks.clone());
        // Every task of either plan is in exactly one list.
        let listed = d.create.len() + d.moved.len() + d.update.len() + d.keep.len();
        prop_assert_eq!(listed, b.tasks.len());
        prop_assert_eq!(d.cancel.len() + d.moved.len() + d.update.len() + d.keep.len(), a.tasks.len());
    }

    /// Every task is in exactly one contact, dropped by a cap, or waiting for a fact; a contact is within the
    /// window of each of its tasks (never after its `latest`, never before its
    /// `earliest`), on a day its channel works when it moved; one contact per patient, day
    /// and channel; the caps hold but for contacts kept over them.
    #[test]
    fn prop_merge_keeps_tasks_in_their_windows_within_the_caps(
        eps in prop::collection::vec(arb_episode(), 1..4),
        policy in arb_policy(),
        // A set: a calendar lists each date once.
        desk_closed in prop::collection::btree_set(0u64..400, 0..20),
    ) {
        let plans: Vec<Plan> = eps
            .into_iter()
            .enumerate()
            .map(|(i, mut ep)| { ep.id = format!("ep-{i}").into(); plan(&ep) })
            .collect();
        let closed: Vec<String> = desk_closed.iter().map(|n| plus(date("2026-01-01"), *n).to_string()).collect();
        let cal = Calendar::from_json(
            "c",
            &serde_json::json!({"call_desk": {"closed_dates": closed}, "messages": {"closed_dates": closed}}).to_string(),
        ).unwrap();
        let merged = merge_plans(&plans, &policy, &cal);
        let mut given: Vec<String> = plans.iter().flat_map(|p| ids(&p.tasks)).collect();
        let mut got: Vec<String> = merged.contacts.iter().flat_map(|c| c.reasons.iter().map(|r| r.task.id())).collect();
        got.extend(merged.dropped.iter().filter(|d| d.reason == DropReason::FrequencyCap).map(|d| d.id().clone()));
        got.extend(merged.waiting.iter().map(|t| t.id()));
        prop_assert!(merged.waiting.iter().all(|t| t.waits_for().is_some()));
        given.sort_unstable();
        got.sort_unstable();
        prop_assert_eq!(given, got);

        let visit = |c: Channel| matches!(c, Channel::InPerson | Channel::HomeVisit | Channel::Internal);
        let mut per_day: BTreeMap<(Channel, NaiveDate), usize> = BTreeMap::new();
        let mut over: BTreeSet<(Channel, NaiveDate)> = BTreeSet::new();
        for c in &merged.contacts {
            for r in &c.reasons {
                prop_assert_eq!(r.task.channel(), c.channel);
                prop_assert!(c.date <= r.task.latest, "{} moved after its latest day", r.task.id());
                prop_assert!(c.date >= r.task.earliest, "{} moved before its earliest day", r.task.id());
                prop_assert!(r.task.expires.is_none_or(|e| c.date <= e), "{} moved past its expiry", r.task.id());
                prop_assert_eq!(r.moved.is_some(), c.date != r.task.due);
                if r.moved.is_some() {
                    prop_assert!(cal.works(c.channel, c.date), "{} moved to a day its channel does not work", r.task.id());
                }
            }
            if visit(c.channel) {
                prop_assert_eq!(c.reasons.len(), 1);
            } else {
                *per_day.entry((c.channel, c.date)).or_default() += 1;
                if c.over_cap {
                    over.insert((c.channel, c.date));
                }
            }
        }
        prop_assert!(per_day.values().all(|&n| n == 1), "one contact per day and channel");
        for cap in policy.caps.iter().filter(|c| !visit(c.channel)) {
            // Contacts kept over the cap are counted by no window.
            let days: Vec<NaiveDate> = per_day
                .keys()
                .filter(|k| k.0 == cap.channel && !over.contains(k))
                .map(|(_, d)| *d)
                .collect();
            for start in &days {
                let end = plus(*start, u64::from(cap.per_days.get() - 1));
                let n = days.iter().filter(|d| *d >= start && *d <= &end).count();
                prop_assert!(n <= cap.max.get() as usize, "{:?} holds {} from {}", cap, n, start);
            }
        }
    }

    /// A patient's contacts do not depend on who else is merged: merging a patient's plans
    /// alone or with other patients' plans gives the same contacts for that patient.
    #[test]
    fn prop_one_patient_alone_or_among_others_gets_the_same_contacts(
        mine in prop::collection::vec(arb_episode(), 1..3),
        others in prop::collection::vec(arb_episode(), 1..4),
        policy in arb_policy(),
    ) {
        let with_patient = |eps: Vec<Episode>, who: &str| -> Vec<Plan> {
            eps.into_iter()
                .enumerate()
                .map(|(i, mut ep)| {
                    ep.id = format!("{who}-{i}").into();
                    ep.patient.id = who.into();
                    plan(&ep)
                })
                .collect()
        };
        let mine = with_patient(mine, "p-me");
        let mut all = with_patient(others, "p-other");
        all.extend(mine.iter().cloned());
        let cal = Calendar::default();
        let alone = merge_plans(&mine, &policy, &cal);
        let among = merge_plans(&all, &policy, &cal);
        let of_me: Vec<_> = among.contacts.iter().filter(|c| &*c.patient == "p-me").cloned().collect();
        prop_assert_eq!(alone.contacts, of_me);
        let dropped_of_me: Vec<_> = among.dropped.iter().filter(|d| d.id().contains("/p-me-")).cloned().collect();
        prop_assert_eq!(alone.dropped, dropped_of_me);
    }

    /// A plan made again after tries, calls done and agreed times (some the evening
    /// before a call's day, bringing its next attempt to the call's own slot) is what
    /// `apply` rebuilds from the diff, both ways, and its tasks are in the documented
    /// order: (due, window start, program, step, occurrence), an occurrence's own task
    /// before those derived from it (audit 95: `apply` put an attempt before its call).
    #[test]
    fn prop_apply_rebuilds_a_plan_made_again_after_a_history(
        ep in arb_episode(),
        rows in prop::collection::vec((0usize..64, 0usize..4, -30i64..60), 1..6),
    ) {
        let before = plan(&ep);
        let calls: Vec<&followup::plan::Task> =
            before.tasks.iter().filter(|t| t.channel() == Channel::Phone).collect();
        prop_assume!(!calls.is_empty());
        let rows: Vec<String> = (rows.iter())
            .map(|&(k, kind, hours)| {
                let t = calls[k % calls.len()];
                let at = t.due.and_time(t.window.start) + chrono::Duration::hours(hours);
                let outcome = ["no_answer", "busy", "done", "rescheduled"][kind];
                let to = (at + chrono::Duration::days(2)).date().and_hms_opt(10, 0, 0).unwrap();
                let to = if kind == 3 { format!(r#", "to": "{}""#, to.format("%Y-%m-%dT%H:%M")) } else { String::new() };
                format!(
                    r#"{{"task": "{}", "outcome": "{outcome}", "at": "{}"{to}}}"#,
                    t.id(),
                    at.format("%Y-%m-%dT%H:%M")
                )
            })
            .collect();
        let json = format!(r#"{{"outcomes": [{}]}}"#, rows.join(", "));
        let history = followup::history::History::from_json("h", &json);
        prop_assume!(history.is_ok());
        let after = rules().plan_with(&ep, &history.unwrap(), &Calendar::default());
        prop_assume!(after.is_ok());
        let after = after.unwrap();
        prop_assert_eq!(apply(&before, &diff(&before, &after)), after.tasks.clone());
        prop_assert_eq!(apply(&after, &diff(&after, &before)), before.tasks.clone());
        let key = |t: &followup::plan::Task| {
            (t.due, t.window.start, t.program().to_string(), t.step().to_string(), t.occurrence, t.derived)
        };
        for w in after.tasks.windows(2) {
            prop_assert!(key(&w[0]) <= key(&w[1]), "{} before {}", w[0].id(), w[1].id());
        }
    }
}
