#![no_main]
// See cinetpay_fuzz_checks::wire for the input's layout and the properties asserted.
libfuzzer_sys::fuzz_target!(|data: &[u8]| cinetpay_fuzz_checks::wire::run(data));
