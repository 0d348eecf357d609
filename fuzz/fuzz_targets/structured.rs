//! Any JSON, tried as an episode, a rule text, a calendar and a history, with a mutator
//! that changes the JSON tree rather than its bytes (see `followup_fuzz::mutate`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(data, followup_fuzz::check_any));

libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    followup_fuzz::mutate::mutate(data, size, max_size, seed, libfuzzer_sys::fuzzer_mutate)
});
