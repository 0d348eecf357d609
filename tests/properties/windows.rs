//! `TimeWindow::outside` and `TimeWindow::merged` against a model of the day's minutes:
//! a minute is free when no quiet window holds it; the answer is the longest run of free
//! minutes within the window, the earliest on a tie (audit 27 made both read windows in
//! one sweep, for calendars of thousands of ranges).

use chrono::NaiveTime;
use followup::calendar::TimeWindow;
use proptest::prelude::*;

fn window() -> impl Strategy<Value = TimeWindow> {
    (0u32..1439, 1u32..=240).prop_map(|(start, len)| {
        let end = (start + len).min(1439);
        let t = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap();
        TimeWindow {
            start: t(start),
            end: t(end.max(start + 1)),
        }
    })
}

fn minute(t: NaiveTime) -> usize {
    use chrono::Timelike;
    (t.hour() * 60 + t.minute()) as usize
}

/// The minutes of the day any of `quiet` holds.
fn held(quiet: &[TimeWindow]) -> Vec<bool> {
    let mut held = vec![false; 1440];
    for q in quiet {
        held[minute(q.start)..minute(q.end)].fill(true);
    }
    held
}

proptest! {
    #[test]
    fn outside_is_the_longest_free_run(w in window(), quiet in prop::collection::vec(window(), 0..12)) {
        let held = held(&quiet);
        let mut best: Option<(usize, usize)> = None;
        let mut m = minute(w.start);
        while m < minute(w.end) {
            if held[m] {
                m += 1;
                continue;
            }
            let start = m;
            while m < minute(w.end) && !held[m] {
                m += 1;
            }
            if best.is_none_or(|(s, e)| m - start > e - s) {
                best = Some((start, m));
            }
        }
        let got = w.outside(&quiet).map(|o| (minute(o.start), minute(o.end)));
        prop_assert_eq!(got, best);
        // Merged first, the same answer.
        prop_assert_eq!(w.outside(&TimeWindow::merged(quiet.iter().copied())), w.outside(&quiet));
    }

    #[test]
    fn merged_holds_the_same_minutes_sorted_and_apart(quiet in prop::collection::vec(window(), 0..12)) {
        let merged = TimeWindow::merged(quiet.iter().copied());
        prop_assert_eq!(held(&merged), held(&quiet));
        for pair in merged.windows(2) {
            prop_assert!(pair[0].end < pair[1].start, "{:?}", merged);
        }
    }
}
