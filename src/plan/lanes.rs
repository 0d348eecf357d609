//! Indexes of a program's placed tasks by lane (channel and role), for programs with many
//! tasks: which days a lane holds, and, in the second pass, the rule days of the first
//! pass in order with the dues placed so far (Fenwick trees of their maximum before and
//! minimum after a rule day). A shifted task then finds its neighbours in `O(log n)`
//! instead of scanning every task, so 10,000 tasks cost 10,000 lookups, not 10⁸.
//!
//! Small programs (up to [`INDEX_FROM`] placements) scan their few tasks and build
//! nothing: planning an ordinary episode allocates nothing here.

use super::{Neighbour, Placement};
use crate::compile::LaneRole;
use crate::model::Channel;
use chrono::NaiveDate;
use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The keys are a lane and a day, a few small integers: a multiply-rotate hash (as
/// rustc's FxHash) is all they need, and several times cheaper than SipHash. The inputs
/// are the plan's own dates, not attacker-chosen keys of a long-lived table.
#[derive(Debug, Default, Clone, Copy)]
struct DayHasher(u64);

impl Hasher for DayHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<DayHasher>>;

/// From this many placements (first pass and placed together) on, lookups go through
/// the index.
pub(super) const INDEX_FROM: usize = 256;

type Lane = (Channel, LaneRole);

/// The index of the current program's placements.
#[derive(Debug, Default)]
pub(super) struct LaneIndex {
    /// Built (the program is large).
    pub active: bool,
    /// (lane, due) → the rule days of the tasks placed that day.
    days: HashMap<(Lane, NaiveDate), Vec<NaiveDate>>,
    /// Second pass: (lane, day) → the rule days of the first pass's unshifted tasks then.
    fixed: HashMap<(Lane, NaiveDate), Vec<NaiveDate>>,
    /// Second pass: the first pass's rule days of each lane.
    lanes: HashMap<Lane, Order>,
}

/// One lane's rule days in order, and the dues placed so far by rule day.
#[derive(Debug)]
struct Order {
    /// The first pass's rule days, sorted, once each.
    rule_days: Vec<NaiveDate>,
    /// The step of the first task (in the first pass's order) of each rule day.
    steps: Vec<u32>,
    /// Fenwick tree over rule-day ranks: the latest due placed at ranks below.
    latest: Vec<Option<NaiveDate>>,
    /// Fenwick tree over reversed ranks: the earliest due placed at ranks above.
    earliest: Vec<Option<NaiveDate>>,
}

/// What the index says of the neighbours of a rule day in its lane.
#[derive(Debug, Default)]
pub(super) struct Around {
    /// The latest rule day of the first pass before it.
    pub before: Option<NaiveDate>,
    /// The earliest rule day after it, with its step.
    pub after: Option<(NaiveDate, u32)>,
    /// The latest due placed for an earlier rule day.
    pub placed_before: Option<NaiveDate>,
    /// The earliest due placed for a later rule day.
    pub placed_after: Option<NaiveDate>,
}

impl LaneIndex {
    /// Clears it for a program's pass, and builds it when the pass is large: the days the
    /// first pass fixes and its rule days, for the second.
    pub(super) fn reset(&mut self, first_pass: &[Neighbour], placed: &[Placement]) {
        self.days.clear();
        self.fixed.clear();
        self.lanes.clear();
        self.active = first_pass.len() + placed.len() > INDEX_FROM;
        if !self.active {
            return;
        }
        let mut by_lane: HashMap<Lane, Vec<(NaiveDate, u32)>> = HashMap::default();
        for n in first_pass {
            let lane = (n.channel, n.lane);
            by_lane.entry(lane).or_default().push((n.rule_day, n.slot));
            if let Some(day) = n.fixed {
                self.fixed.entry((lane, day)).or_default().push(n.rule_day);
            }
        }
        for (lane, mut list) in by_lane {
            // Stable: the first task of a rule day in the first pass's order names it.
            list.sort_by_key(|(d, _)| *d);
            list.dedup_by_key(|(d, _)| *d);
            let n = list.len();
            self.lanes.insert(
                lane,
                Order {
                    rule_days: list.iter().map(|(d, _)| *d).collect(),
                    steps: list.iter().map(|(_, s)| *s).collect(),
                    latest: vec![None; n + 1],
                    earliest: vec![None; n + 1],
                },
            );
        }
        for p in placed {
            self.add(p);
        }
    }

    /// Notes a placed task.
    pub(super) fn add(&mut self, p: &Placement) {
        if !self.active {
            return;
        }
        let lane = (p.channel, p.lane);
        self.days.entry((lane, p.due)).or_default().push(p.rule_day);
        if let Some(order) = self.lanes.get_mut(&lane)
            && let Ok(rank) = order.rule_days.binary_search(&p.rule_day)
        {
            let n = order.rule_days.len();
            // Prefix maximum: positions rank+1.. see it as "before" them.
            let mut i = rank + 1;
            while let Some(slot) = order.latest.get_mut(i) {
                *slot = Some(slot.map_or(p.due, |d| d.max(p.due)));
                i += i & i.wrapping_neg();
            }
            // Suffix minimum, on reversed ranks.
            let mut i = n - rank;
            while let Some(slot) = order.earliest.get_mut(i) {
                *slot = Some(slot.map_or(p.due, |d| d.min(p.due)));
                i += i & i.wrapping_neg();
            }
        }
    }

    /// True if a task of a rule day `other` accepts holds `day` in the lane: placed, or
    /// fixed by the first pass.
    pub(super) fn taken(
        &self,
        lane: Lane,
        day: NaiveDate,
        other: impl Fn(NaiveDate) -> bool,
    ) -> bool {
        let held = |v: Option<&Vec<NaiveDate>>| v.is_some_and(|v| v.iter().any(|n| other(*n)));
        held(self.days.get(&(lane, day))) || held(self.fixed.get(&(lane, day)))
    }

    /// The neighbours of `rule_day` in its lane (second pass).
    pub(super) fn around(&self, lane: Lane, rule_day: NaiveDate) -> Around {
        let Some(order) = self.lanes.get(&lane) else {
            return Around::default();
        };
        let below = order.rule_days.partition_point(|d| *d < rule_day);
        let above = order.rule_days.partition_point(|d| *d <= rule_day);
        let n = order.rule_days.len();
        let mut around = Around {
            before: below
                .checked_sub(1)
                .and_then(|i| order.rule_days.get(i))
                .copied(),
            after: order
                .rule_days
                .get(above)
                .copied()
                .zip(order.steps.get(above).copied()),
            ..Around::default()
        };
        // Prefix maximum over ranks 0..below.
        let mut i = below;
        while i > 0 {
            if let Some(Some(d)) = order.latest.get(i) {
                around.placed_before = Some(around.placed_before.map_or(*d, |b| b.max(*d)));
            }
            i -= i & i.wrapping_neg();
        }
        // Suffix minimum over ranks above..n: reversed ranks 0..n-above.
        let mut i = n - above;
        while i > 0 {
            if let Some(Some(d)) = order.earliest.get(i) {
                around.placed_after = Some(around.placed_after.map_or(*d, |a| a.min(*d)));
            }
            i -= i & i.wrapping_neg();
        }
        around
    }
}
