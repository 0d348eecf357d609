//! Month arithmetic: `anchor + PnM` under each `month_end` policy, checked against the
//! calendar's own month lengths.

use super::*;

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

pub(super) fn months_variants() -> &'static [RuleSet; 3] {
    static RULES: OnceLock<[RuleSet; 3]> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            months_rules("clamp"),
            months_rules("next_month_first"),
            months_rules("skip"),
        ]
    })
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

proptest! {
    #![proptest_config(cases(64))]

    /// Months are counted from the anchor: `anchor + PnM` under `clamp` is day
    /// min(anchor day, days in the target month) of the target month, for n in 0..=24.
    #[test]
    fn prop_month_offset_clamps_to_the_target_month(anchor in date_between(1900, 2400)) {
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
    fn prop_month_offset_follows_the_month_end_policy(anchor in date_between(1900, 2400)) {
        let ep = episode_on(anchor);
        let next = months_variants()[1].plan(&ep, &Calendar::default()).unwrap();
        let skip = months_variants()[2].plan(&ep, &Calendar::default()).unwrap();
        for n in 0..=24u32 {
            let (y, m, d) = target_month(anchor, n);
            let step = format!("m-{n}");
            let got = next.tasks.iter().find(|t| *t.step() == step).unwrap().due;
            let kept = skip.tasks.iter().find(|t| *t.step() == step);
            let dropped = skip.dropped.iter().find(|t| *t.step() == step);
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
}
