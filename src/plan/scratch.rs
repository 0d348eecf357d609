//! Vectors a plan needs only while it is made — anchor days, step spans, placements and
//! the first pass's neighbours — kept per thread between plans, so planning one episode
//! after another allocates them once rather than for every plan.

use super::{Neighbour, Placement};
use chrono::NaiveDate;
use std::cell::Cell;

/// A thread keeps its scratch vectors only while none holds more than this many items
/// (a plan of many thousand tasks does not pin its memory for the thread's life).
const KEEP_AT_MOST: usize = 1024;

#[derive(Default)]
pub(super) struct Scratch {
    pub anchors: Vec<Option<(NaiveDate, NaiveDate)>>,
    pub spans: Vec<Option<(usize, usize)>>,
    pub placed: Vec<Placement>,
    pub first_pass: Vec<Neighbour>,
    pub unplaced: Vec<Neighbour>,
    pub first_anchors: Vec<Option<(NaiveDate, NaiveDate)>>,
    pub superseded_until: Vec<(u32, NaiveDate, NaiveDate)>,
}

thread_local! {
    static KEPT: Cell<Scratch> = Cell::default();
}

impl Scratch {
    /// This thread's scratch vectors, empty (new ones while another plan of the thread
    /// holds them, or when the thread is ending).
    pub fn take() -> Scratch {
        KEPT.try_with(Cell::take).unwrap_or_default()
    }

    /// Empties the vectors and keeps them for the thread's next plan.
    pub fn give_back(mut self) {
        let Scratch {
            anchors,
            spans,
            placed,
            first_pass,
            unplaced,
            first_anchors,
            superseded_until,
        } = &mut self;
        anchors.clear();
        spans.clear();
        placed.clear();
        first_pass.clear();
        unplaced.clear();
        first_anchors.clear();
        superseded_until.clear();
        let largest = [
            anchors.capacity(),
            spans.capacity(),
            placed.capacity(),
            first_pass.capacity(),
            unplaced.capacity(),
            first_anchors.capacity(),
            superseded_until.capacity(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        if largest <= KEEP_AT_MOST {
            // A thread being torn down keeps nothing.
            let _ = KEPT.try_with(|k| k.set(self));
        }
    }
}
