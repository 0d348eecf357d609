//! Whether a program's tasks keep the order of their rule days once the calendar has
//! moved some of them (see [`super::shift`]): if not, the program is planned a second time.

use super::Placement;
use chrono::NaiveDate;

/// True if no task moved by the calendar shares its day with, or is out of order with,
/// another task of the same channel and role (tasks of one program for one episode, as
/// the rules and the calendar placed them).
///
/// A task is out of order when a task of the same lane with an earlier rule day is due on
/// or after its day and one of the two was moved by the calendar, or when the calendar
/// moved it onto or past another task's rule day (closed 4-6 April, the day-1 call moved
/// to the 7th passes the day-3 call's rule day, the 6th, even if that call moved to the
/// 8th: three calls on three days after a closure, where two rule days stood). Few tasks move: each
/// moved one is compared with the others of its lane, without sorting; a program with many
/// moved tasks is checked by sorting its lanes ([`sorted_in_order`]).
pub(super) fn in_order(placed: &[Placement]) -> bool {
    let moved = placed.iter().filter(|t| t.by_calendar).count();
    if moved.saturating_mul(placed.len()) > PAIRS {
        return sorted_in_order(placed);
    }
    let out_of_order = |m: &Placement, t: &Placement| {
        t.channel == m.channel
            && t.lane == m.lane
            && ((t.rule_day < m.rule_day && (t.due >= m.due || m.due <= t.rule_day))
                || (t.rule_day > m.rule_day && (t.due <= m.due || m.due >= t.rule_day)))
    };
    !(placed.iter().filter(|m| m.by_calendar)).any(|m| placed.iter().any(|t| out_of_order(m, t)))
}

/// Up to this many (moved, other) pairs, the order is checked pair by pair.
const PAIRS: usize = 1024;

/// [`in_order`] for programs with many moved tasks: each lane is sorted by rule day once,
/// and the latest due of the earlier rule days, of all their tasks and of their moved ones,
/// says whether a task is out of order without comparing every pair.
fn sorted_in_order(placed: &[Placement]) -> bool {
    let Some(moved) = placed.iter().find(|t| t.by_calendar) else {
        return true;
    };
    // Placements are plain data: a program's few are sorted in a copy on the stack.
    let mut stack = [*moved; IN_ORDER_ON_STACK];
    let mut heap = Vec::new();
    let sorted: &mut [Placement] = match stack.get_mut(..placed.len()) {
        Some(s) => {
            s.copy_from_slice(placed);
            s
        }
        None => {
            heap.extend_from_slice(placed);
            &mut heap
        }
    };
    // Ties keep any order: a group of one rule day is checked against earlier days only.
    sorted.sort_unstable_by_key(|t| (t.channel, t.lane, t.rule_day));
    let mut i = 0;
    while let Some(first) = sorted.get(i) {
        let lane = (first.channel, first.lane);
        // The latest due of the earlier rule days of the lane: of all, of the moved.
        let (mut all, mut moved): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
        // The rule day of the previous group of the lane.
        let mut before: Option<NaiveDate> = None;
        while let Some(t) = sorted.get(i).filter(|t| (t.channel, t.lane) == lane) {
            let nominal = t.rule_day;
            let (mut group_all, mut group_moved) = (None, None);
            while let Some(u) = sorted
                .get(i)
                .filter(|u| (u.channel, u.lane) == lane && u.rule_day == nominal)
            {
                let against = if u.by_calendar { all } else { moved };
                if against.is_some_and(|l| u.due <= l) {
                    return false;
                }
                // Moved back onto or past the previous rule day.
                if u.by_calendar && before.is_some_and(|b| u.due <= b) {
                    return false;
                }
                group_all = max_opt(group_all, Some(u.due));
                if u.by_calendar {
                    group_moved = max_opt(group_moved, Some(u.due));
                }
                i += 1;
            }
            // Moved onto or past the next rule day.
            let next = sorted.get(i).filter(|n| (n.channel, n.lane) == lane);
            if let (Some(m), Some(n)) = (group_moved, next)
                && m >= n.rule_day
            {
                return false;
            }
            all = max_opt(all, group_all);
            moved = max_opt(moved, group_moved);
            before = Some(nominal);
        }
    }
    true
}

/// Programs of at most this many placements check their order on the stack.
const IN_ORDER_ON_STACK: usize = 64;

fn max_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::LaneRole;
    use crate::model::{Channel, Role};
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    fn lane(role: Role, from_fact: u32) -> LaneRole {
        LaneRole { role, from_fact }
    }

    fn at(channel: Channel, rule_day: i64, due: i64) -> Placement {
        Placement {
            channel,
            lane: lane(Role::CustomerService, 0),
            rule_day: day(rule_day),
            due: day(due),
            by_calendar: rule_day != due,
            slot: 0,
        }
    }

    #[test]
    fn a_moved_task_on_or_past_a_later_one_is_out_of_order() {
        let call = Channel::Phone;
        // Rule days 1, 3, 6: day 1 moved to 2 is fine, to 3 shares a day, to 4 passes.
        assert!(in_order(&[at(call, 1, 2), at(call, 3, 3), at(call, 6, 6)]));
        assert!(!in_order(&[at(call, 1, 3), at(call, 3, 3), at(call, 6, 6)]));
        assert!(!in_order(&[at(call, 1, 4), at(call, 3, 3), at(call, 6, 6)]));
        // A later task moved back onto an earlier one's day, in any order of placement.
        assert!(!in_order(&[at(call, 6, 6), at(call, 3, 1), at(call, 1, 1)]));
        // Another channel is another lane; tasks of one rule day may share a day.
        assert!(in_order(&[at(call, 1, 4), at(Channel::Sms, 3, 3)]));
        // So is a call counted from a fact, on the same channel and role.
        let fact = |rule_day, due| Placement {
            lane: lane(Role::CustomerService, 1),
            ..at(call, rule_day, due)
        };
        assert!(in_order(&[at(call, 1, 4), fact(3, 3)]));
        assert!(!in_order(&[fact(1, 4), fact(3, 3)]));
        assert!(in_order(&[at(call, 3, 4), at(call, 3, 4), at(call, 6, 6)]));
        // Unmoved tasks are the rules' order, whatever their days.
        assert!(in_order(&[at(call, 1, 1), at(call, 1, 1)]));
        // Closed 4-6 April: the day-1 call (rule day 4) moved to 7 passes the day-3
        // call's rule day (6), although that call moved on to 8; onto it is as bad.
        assert!(!in_order(&[at(call, 4, 7), at(call, 6, 8), at(call, 9, 9)]));
        assert!(!in_order(&[at(call, 4, 6), at(call, 6, 8), at(call, 9, 9)]));
        assert!(in_order(&[at(call, 4, 5), at(call, 6, 8), at(call, 9, 9)]));
        // Backwards too: rule day 6 moved back to 4, onto the earlier rule day.
        assert!(!in_order(&[at(call, 4, 3), at(call, 6, 4)]));
        assert!(in_order(&[at(call, 4, 3), at(call, 6, 5)]));
    }

    proptest! {
        /// Pair by pair and by sorted lanes agree, with few moved tasks or many.
        #[test]
        fn both_checks_agree(
            tasks in prop::collection::vec((0u8..2, 0u8..3, 0i64..12, -3i64..4, any::<bool>()), 0..40),
        ) {
            let placed: Vec<Placement> = tasks
                .iter()
                .map(|&(c, r, rule_day, by, moved)| Placement {
                    channel: if c == 0 { Channel::Phone } else { Channel::Sms },
                    lane: match r {
                        0 => lane(Role::CustomerService, 0),
                        1 => lane(Role::Supervisor, 0),
                        _ => lane(Role::CustomerService, 1),
                    },
                    rule_day: day(rule_day),
                    due: day((rule_day + if moved { by } else { 0 }).max(0)),
                    by_calendar: moved,
                    slot: 0,
                })
                .collect();
            prop_assert_eq!(in_order(&placed), sorted_in_order(&placed));
        }
    }
}
