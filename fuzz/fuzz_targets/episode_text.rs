//! An episode text, read with the built-in programs, then planned with the default calendar and the official one of 2026. See `followup_fuzz::check_episode_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(
    data,
    followup_fuzz::check_episode_text
));
