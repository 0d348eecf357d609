//! The structured mutator: reads the input as a JSON tree (keeping key order and
//! duplicate keys), changes one to three things in it, and writes it back. Inputs that
//! are not JSON go to libFuzzer's own byte mutator, and so does one call in eight, so
//! that broken syntax stays in the corpus too.
//!
//! The changes are the slips a clinic's file can have: a string replaced by another
//! word the formats know (channels, roles, offsets, dates around month ends and leap
//! days, weekdays, policies) or by another string of the same file, a character changed,
//! a number replaced by a boundary (0, -1, 366, 367, huge), a key deleted, renamed or
//! given twice, array items swapped, dropped or repeated, a value nested deeper, a
//! subtree copied elsewhere.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value that keeps its keys' order and duplicates, and numbers as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as it is written (`1e999` and `-0` included).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, its keys in order, duplicates kept.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// Parses JSON text (serde_json's grammar and its nesting limit of 128).
    pub fn parse(text: &str) -> Option<Node> {
        serde_json::from_str(text).ok()
    }

    /// The JSON text, compact.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Number(n) => out.push_str(n),
            Node::String(s) => write_string(s, out),
            Node::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Node::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// How many nodes the tree has, itself included.
    fn count(&self) -> usize {
        1 + match self {
            Node::Array(items) => items.iter().map(Node::count).sum(),
            Node::Object(entries) => entries.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }

    /// The `n`th node in preorder (0 is the root).
    fn nth_mut(&mut self, n: usize) -> &mut Node {
        let mut left = n;
        self.find_mut(&mut left).expect("n < count")
    }

    fn find_mut(&mut self, left: &mut usize) -> Option<&mut Node> {
        if *left == 0 {
            return Some(self);
        }
        *left -= 1;
        match self {
            Node::Array(items) => items.iter_mut().find_map(|item| item.find_mut(left)),
            Node::Object(entries) => entries.iter_mut().find_map(|(_, v)| v.find_mut(left)),
            _ => None,
        }
    }

    /// The `n`th node in preorder, to copy.
    fn nth(&self, n: usize) -> &Node {
        let mut left = n;
        self.find(&mut left).expect("n < count")
    }

    fn find(&self, left: &mut usize) -> Option<&Node> {
        if *left == 0 {
            return Some(self);
        }
        *left -= 1;
        match self {
            Node::Array(items) => items.iter().find_map(|item| item.find(left)),
            Node::Object(entries) => entries.iter().find_map(|(_, v)| v.find(left)),
            _ => None,
        }
    }

    /// Every string and key of the tree: the words a mutation may move elsewhere.
    fn words<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Node::String(s) => out.push(s),
            Node::Array(items) => items.iter().for_each(|item| item.words(out)),
            Node::Object(entries) => {
                for (key, value) in entries {
                    out.push(key);
                    value.words(out);
                }
            }
            _ => {}
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Node::Number(
            serde_json::Number::from_f64(n).map_or_else(|| "0".into(), |n| n.to_string()),
        ))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Object(entries))
    }
}

/// A small deterministic generator (xorshift64*), seeded by libFuzzer.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u32) -> Rng {
        Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items` (not empty).
    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// Strings the formats give meaning to, and near misses.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    // channels and roles
    "phone", "sms", "wechat", "in_person", "home_visit", "mail", "internal", "email",
    "customer_service", "onsite_consultant", "online_consultant", "phone_consultant",
    "consultant", "doctor_assistant", "doctor", "nurse", "supervisor", "robot",
    // offsets and durations
    "P0D", "P1D", "-P1D", "P2D", "P3D", "P6D", "P7D", "P15D", "P1W", "-P1W", "P1M", "-P1M",
    "P2M", "P3M", "P6M", "P12M", "P1Y", "P366D", "P367D", "P3660D", "P9999999D",
    "-P9999999D", "PT1H", "PT2H", "P1Y2M3W4D", "P", "1D", "P1X",
    // dates and times around month ends and leap days
    "2026-01-31", "2026-02-28", "2026-02-29", "2024-02-29", "2028-02-29", "2100-02-29",
    "2000-02-29", "2026-03-31", "2026-04-30", "2026-04-31", "2026-12-31", "2027-01-01",
    "1970-01-01", "1900-01-01", "9999-12-31", "0000-01-01", "+262142-12-31",
    "-262143-01-01", "2026-03-02T10:00:00", "2026-02-28T23:59:59", "2026-03-02T24:00:00",
    "2026-03-02T10:00", "2026-13-01", "2026-00-10", "00:00", "09:00", "12:00", "14:00",
    "18:00", "20:30", "23:59", "24:00", "25:00",
    // weekdays and windows
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "mon", "morning",
    "afternoon", "evening", "day", "night",
    // policies
    "keep", "next_open_day", "previous_open_day", "nearest_open_day", "clamp",
    "next_month_first", "skip", "drop", "proceed", "escalate", "message", "unanswered",
    // events, attributes, facts and milestones
    "procedure", "consultation", "course", "repair", "complaint", "assignment", "purchase",
    "plastic", "laser", "skin", "dental", "injection", "inpatient", "outpatient", "booked",
    "no_show", "not_booked", "visited_no_purchase", "recovered", "declined", "opt_out",
    "visited", "resolved", "discharge", "dressing_change", "suture_removal",
    "review_visit", "course_end", "event", "night_shift", "key_customer", "vip",
    // history outcomes and task ids
    "done", "no_answer", "busy", "unreachable", "rescheduled", "picked",
    "abnormal_recovery", "plastic-aftercare/day-1-call/ep-1001/0",
    "plastic-aftercare/day-1-call/ep-1001/0/attempt-2",
    "laser-aftercare/day-1-call/ep-1/0", "follow-up/x/ep-1001/0", "a/b/c/d/e/f",
    // recurrence rules
    "FREQ=DAILY;COUNT=3", "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6", "FREQ=YEARLY;COUNT=366",
    "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=12", "FREQ=WEEKLY;UNTIL=20010301T000000Z",
    "FREQ=DAILY;INTERVAL=0", "FREQ=SECONDLY;COUNT=2", "FREQ=DAILY",
    // ids, programs, formats, languages, templates
    "followup/v1", "followup/v2", "plastic-aftercare", "laser-aftercare", "greetings",
    "notice", "day-1-call", "ep-1001", "p-42", "zh", "en", "zh-Hant", "fr", "", " ", "a b",
    "../x", "{patient}", "{clinic}", "{procedure}", "{session}", "{{", "}}", "{", "}",
    "{pateint}", "您好", "😀",
];

/// Keys of the formats' objects.
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "$schema", "format", "id", "name", "zh", "en", "zh-Hant", "description", "applies",
    "milestones", "defaults", "steps", "from", "offset", "repeat", "when", "channel",
    "role", "time", "window", "month_end", "closed_day", "title", "script", "event",
    "category", "setting", "tag", "tags", "at", "attributes", "patient", "birthday",
    "discharge", "review_visit", "closed_weekdays", "closed_dates", "open_dates",
    "weekend", "holidays", "workdays", "closed_on_weekends", "closed_on_holidays",
    "call_desk", "messages", "quiet_hours", "hours", "open", "close", "covers", "windows",
    "clinic", "morning", "start", "end", "earliest", "latest", "limits", "override",
    "vocabulary", "events", "facts", "kind", "wait_for", "fact", "max", "then",
    "no_answer", "retry_after", "max_attempts", "escalate_after", "max_shift",
    "beyond_max_shift", "after_event", "expires", "time_overrides", "course", "package",
    "done", "planned", "owners", "reassignments", "declined", "opt_outs", "outcomes",
    "follow_ups", "task", "outcome", "by", "to", "note", "off", "max_occurrences_per_step",
    "max_json_depth", "default",
];

/// Numbers at the edges.
#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "0", "-1", "1", "2", "7", "31", "365", "366", "367", "1000", "65535", "2147483647",
    "4294967296", "9223372036854775807", "-9223372036854775808", "18446744073709551615",
    "18446744073709551616", "1e300", "1e999", "-0", "0.5", "1.0", "-1e-7",
];

/// Mutates the JSON in `data[..size]` in place, within `max_size` bytes, and returns its
/// new length; hands inputs that are not JSON (and one call in eight) to `fallback`,
/// libFuzzer's own mutator in the `structured` target.
pub fn mutate(
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
    fallback: impl FnOnce(&mut [u8], usize, usize) -> usize,
) -> usize {
    let mut rng = Rng::new(seed);
    let doc = std::str::from_utf8(&data[..size])
        .ok()
        .and_then(Node::parse);
    let Some(mut doc) = doc.filter(|_| rng.below(8) != 0) else {
        return fallback(data, size, max_size);
    };
    for _ in 0..=rng.below(3) {
        mutate_once(&mut doc, &mut rng);
    }
    let text = doc.to_json();
    let room = max_size.min(data.len());
    if text.len() > room {
        return fallback(data, size, max_size);
    }
    data[..text.len()].copy_from_slice(text.as_bytes());
    text.len()
}

/// One change somewhere in the tree.
pub fn mutate_once(doc: &mut Node, rng: &mut Rng) {
    let count = doc.count();
    let donor = doc.nth(rng.below(count)).clone();
    let mut words = Vec::new();
    doc.words(&mut words);
    let word = if words.is_empty() || rng.below(3) == 0 {
        rng.pick(WORDS).to_string()
    } else {
        words[rng.below(words.len())].to_string()
    };
    let node = doc.nth_mut(rng.below(count));
    match rng.below(10) {
        // Nest deeper, or put a copy of another part of the tree here.
        0 => {
            let inner = std::mem::replace(node, Node::Null);
            *node = match rng.below(3) {
                0 => Node::Array(vec![inner]),
                1 => Node::Object(vec![(rng.pick(KEYS).to_string(), inner)]),
                _ => donor,
            };
            return;
        }
        // Another type altogether.
        1 => {
            *node = match rng.below(5) {
                0 => Node::Null,
                1 => Node::Bool(rng.below(2) == 0),
                2 => Node::Number(rng.pick(NUMBERS).to_string()),
                3 => Node::String(word),
                _ => Node::Array(Vec::new()),
            };
            return;
        }
        _ => {}
    }
    match node {
        Node::String(s) => match rng.below(4) {
            0 => flip_char(s, rng),
            1 => *s = word,
            _ => *s = rng.pick(WORDS).to_string(),
        },
        Node::Number(n) => {
            *n = match n.parse::<i64>() {
                Ok(v) if rng.below(3) == 0 => {
                    (i128::from(v) + rng.below(3) as i128 - 1).to_string()
                }
                _ => rng.pick(NUMBERS).to_string(),
            }
        }
        Node::Bool(b) => *b = !*b,
        Node::Null => *node = Node::String(word),
        Node::Array(items) => mutate_array(items, donor, rng),
        Node::Object(entries) => mutate_object(entries, donor, rng),
    }
}

fn mutate_array(items: &mut Vec<Node>, donor: Node, rng: &mut Rng) {
    if items.is_empty() {
        items.push(donor);
        return;
    }
    let i = rng.below(items.len());
    match rng.below(5) {
        0 => {
            let j = rng.below(items.len());
            items.swap(i, j);
        }
        1 => {
            items.remove(i);
        }
        2 => {
            let copy = items[i].clone();
            items.insert(i, copy);
        }
        3 => items.insert(i, donor),
        _ => items.truncate(i),
    }
}

fn mutate_object(entries: &mut Vec<(String, Node)>, donor: Node, rng: &mut Rng) {
    if entries.is_empty() {
        entries.push((rng.pick(KEYS).to_string(), donor));
        return;
    }
    let i = rng.below(entries.len());
    match rng.below(6) {
        0 => {
            entries.remove(i);
        }
        // The same key twice: the second with the first's value or another one.
        1 => {
            let (key, value) = entries[i].clone();
            let value = if rng.below(2) == 0 { value } else { donor };
            entries.push((key, value));
        }
        2 => entries[i].0 = rng.pick(KEYS).to_string(),
        3 => flip_char(&mut entries[i].0, rng),
        4 => entries.push((rng.pick(KEYS).to_string(), donor)),
        _ => {
            let j = rng.below(entries.len());
            entries.swap(i, j);
        }
    }
}

/// Changes, inserts or deletes one character.
fn flip_char(s: &mut String, rng: &mut Rng) {
    let chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len() + 1);
    let others = [
        '-', '+', '0', '9', 'T', ':', ' ', '{', '}', '/', 'é', '日', '\u{0}',
    ];
    let mut out: Vec<char> = chars.clone();
    match rng.below(4) {
        0 if at < chars.len() => {
            out.remove(at);
        }
        1 if at < chars.len() => {
            let c = chars[at];
            out[at] = char::from_u32(u32::from(c) ^ (1 << rng.below(5))).unwrap_or(c);
        }
        2 if at < chars.len() => out[at] = out[at].to_ascii_uppercase(),
        _ => out.insert(at, others[rng.below(others.len())]),
    }
    *s = out.into_iter().collect();
}
