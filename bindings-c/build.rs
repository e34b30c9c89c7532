//! Link settings for `libcinetpay.so`.

fn main() {
    // PHP FFI calls dlclose() on the library when its FFI object is freed, at the end of every
    // php-fpm request. The SDK's runtime threads live on inside the library's code, so unloading
    // it would crash them. `-z nodelete` makes the loader keep the library mapped for the life of
    // the process; a later dlopen() gets the same copy and the same runtime.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        target_os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
}
