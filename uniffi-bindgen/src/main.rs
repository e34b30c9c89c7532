//! `cargo run -p cinetpay-uniffi-bindgen -- generate <libcinetpay_uniffi.so> -l kotlin --no-format -o <dir>`:
//! uniffi's command line, built from the same uniffi version as `bindings-uniffi`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
