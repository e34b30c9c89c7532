//! What CinetPay's front layers do before its API sees a request, the same for every `/v2`
//! endpoint: the rate limit, error 1010 without a User-Agent, and a 403 page for a body that
//! is not declared as JSON.

use crate::reply::{Incoming, Reply, envelope, page};
use crate::state::State;

/// The front's answer when it stops the request, `None` when the request goes on to the API.
pub fn refusal(state: &State, req: &Incoming<'_>) -> Option<Reply> {
    if let Some(wait) = state.rate_limited() {
        let mut r = envelope(
            429,
            "429",
            "TOO_MANY_REQUEST",
            "Suspicious activity detected on the API: slow down",
        );
        r.retry_after = Some(wait);
        return Some(r);
    }
    if req.user_agent.is_none_or(|ua| ua.trim().is_empty()) {
        return Some(page(
            403,
            "text/plain; charset=UTF-8",
            "error code: 1010",
            "1010",
        ));
    }
    let is_json = req.content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Some(page(
            403,
            "text/html; charset=UTF-8",
            "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>",
            "403",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn ask(state: &State, ua: Option<&str>, ct: Option<&str>) -> Option<Reply> {
        refusal(
            state,
            &Incoming {
                user_agent: ua,
                content_type: ct,
                body: b"{}",
            },
        )
    }

    #[test]
    fn stops_what_the_front_stops() {
        let s = State::new(&Config::default().with_rate_limit(3), "http://x".into());
        let json = Some("application/json; charset=utf-8");
        assert_eq!(ask(&s, Some("t/1"), json), None);
        let r = ask(&s, Some(" "), json).expect("1010");
        assert_eq!((r.status, r.body.as_str()), (403, "error code: 1010"));
        let r = ask(&s, Some("t/1"), Some("text/plain")).expect("403");
        assert!(r.body.contains("403 Forbidden"));
        let r = ask(&s, Some("t/1"), json).expect("429");
        assert_eq!((r.status, r.retry_after), (429, Some(1)));
    }
}
