//! **For the fuzz targets in `fuzz/` only; not a stable API** (feature `fuzzing`, off by
//! default). Thin wrappers over the request parsers of private modules, so that the fuzzers
//! reach them without making those modules public.
#![doc(hidden)]

use crate::reply::Reply;
use crate::state::State;

/// Decodes one `application/x-www-form-urlencoded` component (`form::decode`).
pub fn form_decode(s: &str) -> String {
    crate::form::decode(s)
}

/// The first value of `name` in a query string or form body (`form::param`).
pub fn form_param(encoded: &str, name: &str) -> Option<String> {
    crate::form::param(encoded, name)
}

/// Encodes pairs as the emulator's notifications do (`form::encode`).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    crate::form::encode(pairs)
}

/// `POST /_emulator/outcome` (`control::outcome`).
pub fn outcome(state: &State, body: &[u8]) -> Reply {
    crate::control::outcome(state, body)
}

/// `GET /_emulator/transaction?...` (`control::inspect`).
pub fn inspect(state: &State, query: &str) -> Reply {
    crate::control::inspect(state, query)
}

/// `GET /_emulator/notifications?...` (`control::notifications`).
pub fn notifications(state: &State, query: &str) -> Reply {
    crate::control::notifications(state, query)
}

/// `GET /payment/{token}` (`checkout::show`).
pub fn checkout_show(state: &State, token: &str) -> Reply {
    crate::checkout::show(state, token)
}

/// `POST /payment/{token}` with the checkout page's form (`checkout::submit`).
pub fn checkout_submit(state: &State, token: &str, body: &[u8]) -> Reply {
    crate::checkout::submit(state, token, body)
}
