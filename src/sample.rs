//! Deterministic sampling of patients: the same patient is always in or out of a sample.

/// Where a patient falls in a program's sample draw: a number in [0, 1) that depends only
/// on the program id, the salt and the patient id — never on dates, other facts or the
/// order of planning. A step with `"sample": {"fraction": f}` keeps the patients whose draw
/// is below `f`, so a patient in a 10% sample is also in the 50% sample of the same draw.
///
/// The draw is FNV-1a (64-bit) over `program \x1f salt \x1f patient`, mixed by the
/// SplitMix64 finaliser; both are fixed forever, so samples never change between versions.
///
/// ```
/// let d = followup::rules::sample_draw("repair-aftersales", "", "p-42");
/// assert!((0.0..1.0).contains(&d));
/// assert_eq!(d, followup::rules::sample_draw("repair-aftersales", "", "p-42"));
/// ```
pub fn sample_draw(program: &str, salt: &str, patient: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        program.as_bytes(),
        b"\x1f",
        salt.as_bytes(),
        b"\x1f",
        patient.as_bytes(),
    ] {
        for &b in part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // SplitMix64 finaliser: spreads FNV's weak low bits over the whole word.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    // The top 53 bits as a fraction in [0, 1).
    (h >> 11) as f64 / (1u64 << 53) as f64
}
