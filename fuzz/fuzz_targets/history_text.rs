//! A history text, written back, then the sample inpatient planned with it. See `followup_fuzz::check_history_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(
    data,
    followup_fuzz::check_history_text
));
