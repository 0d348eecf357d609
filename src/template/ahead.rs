//! `{ahead:NAME}`: a visit's day said as `{when:NAME}` says it, in a clause that is left
//! out once the visit is past. A D+6 call reminds the patient that the sutures come out
//! tomorrow; when the episode booked the suture removal for D+5, the call has nothing to
//! remind them of (audits 71, 90: "the sutures come out yesterday").
//!
//! When the rules are compiled, the clause that holds the placeholder is found in the
//! text — from the clause mark before it (`。；！？;!?`, or a full stop before a space or
//! at the end) to the one after — and a [`Piece::Gate`] is put before it. Filling a task's
//! text skips the gated pieces when the visit is before the task's day: the clause goes
//! with the mark before it, and the text keeps its own end (`…药物；通知顾客{ahead:…}来院
//! 复查换药。` becomes `…药物。`); a clause at the start goes with the mark after it.

use super::{Literal, Piece};

/// The marks that end a clause, but the full stop (see [`ends_clause`]).
const MARKS: [char; 7] = ['。', '；', '！', '？', ';', '!', '?'];

/// True when `c`, at byte `i` of `text` (a literal piece; `last`: the text's last piece),
/// ends a clause: a mark, or a full stop followed by white space or the end of the text.
fn ends_clause(text: &str, i: usize, c: char, last: bool) -> bool {
    MARKS.contains(&c)
        || (c == '.'
            && (text.get(i + 1..).and_then(|r| r.chars().next())).map_or(last, char::is_whitespace))
}

/// Puts a gate on `visit` before the clause that holds the placeholder `pieces[slot]`
/// (`position`: its character in the text, for messages).
pub(super) fn gate(
    pieces: &mut Vec<Piece>,
    slot: usize,
    visit: u8,
    position: usize,
) -> Result<(), String> {
    let last = pieces.len().saturating_sub(1);
    // The clause mark before the placeholder: (piece, byte, its length).
    let before = (0..slot).rev().find_map(|a| match pieces.get(a) {
        Some(Piece::Literal(l)) => (l.text.char_indices().rev())
            .find(|&(i, c)| ends_clause(&l.text, i, c, a == last))
            .map(|(i, c)| (a, i, c.len_utf8())),
        _ => None,
    });
    // The clause mark after it.
    let after = (slot + 1..pieces.len()).find_map(|b| match pieces.get(b) {
        Some(Piece::Literal(l)) => (l.text.char_indices())
            .find(|&(i, c)| ends_clause(&l.text, i, c, b == last))
            .map(|(i, c)| (b, i, c.len_utf8())),
        _ => None,
    });
    let end_of_text = (pieces.len(), 0);
    let (start, end) = match (before, after) {
        // The mark before it goes with the clause; the one after stays.
        (Some((a, i, _)), Some((b, j, _))) => ((a, i), (b, j)),
        (Some((a, i, _)), None) => ((a, i), end_of_text),
        // The first clause goes with its mark and the space after it.
        (None, Some((b, j, n))) => {
            let rest = match pieces.get(b) {
                Some(Piece::Literal(l)) => l.text.get(j + n..).unwrap_or_default(),
                _ => "",
            };
            let space = rest.len() - rest.trim_start().len();
            ((0, 0), (b, j + n + space))
        }
        (None, None) => {
            return Err(format!(
                "{{ahead:…}} at character {position} is in the text's only clause: expected the words to leave out once the visit is past in a clause of their own, ended by 。；！？ or ; ! ? . (use {{when:…}} to keep them)"
            ));
        }
    };
    let mut end = split(pieces, end.0, end.1);
    let count = pieces.len();
    let start = split(pieces, start.0, start.1);
    if pieces.len() > count {
        end += 1;
    }
    if (pieces.get(start..end)).is_some_and(|r| r.iter().any(|p| matches!(p, Piece::Gate { .. }))) {
        return Err(format!(
            "{{ahead:…}} at character {position} is in a clause with another {{ahead:…}}: expected at most one in a clause"
        ));
    }
    // Words outside the clause: a placeholder, or a letter of any script (audit 91: a
    // text of one sentence ended by its mark left an empty title, or a lone `。`).
    let words = |p: &Piece| match p {
        Piece::Literal(l) => l.text.chars().any(char::is_alphanumeric),
        Piece::Slot(_) | Piece::Gate { .. } => true,
    };
    let outside = (pieces.iter().enumerate())
        .filter(|(i, _)| *i < start || *i >= end)
        .any(|(_, p)| words(p));
    if !outside {
        return Err(format!(
            "{{ahead:…}} at character {position} is in the text's only clause: expected the words to leave out once the visit is past in a clause of their own, ended by 。；！？ or ; ! ? . (use {{when:…}} to keep them)"
        ));
    }
    let len = u16::try_from(end.saturating_sub(start))
        .map_err(|_| format!("{{ahead:…}} at character {position}: its clause is too long"))?;
    pieces.insert(start, Piece::Gate { visit, len });
    Ok(())
}

/// Splits the literal `pieces[piece]` at `byte`; returns the index of the piece that
/// starts there (`pieces.len()` at the end).
fn split(pieces: &mut Vec<Piece>, piece: usize, byte: usize) -> usize {
    let Some(Piece::Literal(l)) = pieces.get(piece) else {
        return piece;
    };
    if byte == 0 {
        return piece;
    }
    if byte >= l.text.len() {
        return piece + 1;
    }
    let (head, tail) = (l.text.get(..byte), l.text.get(byte..));
    let (Some(head), Some(tail)) = (head.map(str::to_string), tail.map(str::to_string)) else {
        return piece;
    };
    if let Some(p) = pieces.get_mut(piece) {
        *p = Piece::Literal(Literal::of(head));
    }
    pieces.insert(piece + 1, Piece::Literal(Literal::of(tail)));
    piece + 1
}
