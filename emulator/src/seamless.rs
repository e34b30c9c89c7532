//! A stand-in for CinetPay's Seamless browser SDK (`https://cdn.cinetpay.com/seamless/main.js`),
//! so that a page built on it runs offline.
//!
//! | route | what |
//! |---|---|
//! | `GET /seamless/main.js` | the `CinetPay` object: `setConfig`, `getCheckout`, `waitResponse`, `onError` |
//! | `GET /seamless/frame` | the overlay's frame: takes the request by `postMessage`, initialises the payment with `POST /v2/payment`, shows the checkout page |
//! | `POST /seamless/return?origin=..` | where that checkout returns: hands the result to the page at `origin` |
//!
//! The payment goes through the same endpoint, checkout page and signed notification as a
//! redirect integration; only the way back differs. The data given to `waitResponse` is
//! `status` (ACCEPTED or REFUSED, the only field CinetPay's docs show) plus `transaction_id`
//! and the check endpoint's `data` fields, the emulator's choice.

use serde_json::{Value, json};

use crate::checkout::{escape, layout, verdict};
use crate::form;
use crate::reply::{Reply, html, page};
use crate::state::State;

/// The stand-in script.
const MAIN_JS: &str = include_str!("../assets/seamless-main.js");
/// The overlay's frame.
const FRAME_HTML: &str = include_str!("../assets/seamless-frame.html");

/// `GET /seamless/main.js`.
pub fn script() -> Reply {
    page(
        200,
        "application/javascript; charset=UTF-8",
        MAIN_JS,
        "seamless-js",
    )
}

/// `GET /seamless/frame`.
pub fn frame() -> Reply {
    html(200, FRAME_HTML.to_owned(), "seamless-frame")
}

/// `POST /seamless/return?origin=..` with the checkout page's `token` and `transaction_id`.
pub fn returned(state: &State, query: &str, body: &[u8]) -> Reply {
    let token = form::param(&String::from_utf8_lossy(body), "token").unwrap_or_default();
    let Some(t) = state.by_token(&token) else {
        return crate::checkout::not_found();
    };
    let mut data = serde_json::Map::new();
    data.insert("status".into(), json!(t.status()));
    data.insert("transaction_id".into(), json!(t.transaction_id));
    for (key, value) in crate::check::data(&t) {
        data.entry(key).or_insert(value);
    }
    // The result goes only to the page that opened the frame, named by its origin.
    let post = match form::param(query, "origin").filter(|o| is_origin(o)) {
        Some(origin) => format!(
            "<script>window.parent.postMessage({{type: \"cinetpay-seamless:response\", data: {}}}, {});</script>",
            script_json(&Value::Object(data)),
            script_json(&json!(origin)),
        ),
        None => "<p id=\"error\">No page to report to (origin missing).</p>".to_owned(),
    };
    html(
        200,
        layout(
            verdict(t.state),
            &format!(
                "<h2>{verdict}</h2><p>status: <span id=\"state\">{status}</span></p>\
                 <p>transaction_id: {tx}</p>{post}",
                verdict = verdict(t.state),
                status = t.status(),
                tx = escape(&t.transaction_id),
            ),
        ),
        "seamless-return",
    )
}

/// Whether `s` is a web origin (`http(s)://host[:port]`, nothing after it).
fn is_origin(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// JSON for inside a `<script>` element: no `<` can close it.
fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SITE_ID;
    use crate::outcome::Outcome;
    use crate::state::tests::with_transaction;

    #[test]
    fn the_script_defines_the_documented_calls() {
        let r = script();
        assert_eq!(r.content_type, "application/javascript; charset=UTF-8");
        for call in ["setConfig:", "getCheckout:", "waitResponse:", "onError:"] {
            assert!(r.body.contains(call), "{call}");
        }
        assert!(frame().body.contains("../v2/payment"));
    }

    #[test]
    fn the_return_reports_to_the_named_origin_only() {
        let s = with_transaction();
        let mut t = s.transaction(DEFAULT_SITE_ID, "T1").expect("stored");
        s.set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Accept)
            .expect("accepted");
        let body = format!("token={}&transaction_id=T1", t.payment_token);
        let r = returned(&s, "origin=http%3A%2F%2F127.0.0.1%3A3000", body.as_bytes());
        assert_eq!(r.status, 200);
        assert!(r.body.contains("<span id=\"state\">ACCEPTED</span>"));
        assert!(
            r.body
                .contains("\"status\":\"ACCEPTED\",\"transaction_id\":\"T1\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("}, \"http://127.0.0.1:3000\");"));
        for bad in [
            "",
            "origin=*",
            "origin=javascript%3Aalert(1)",
            "origin=http%3A%2F%2Fa%2Fb",
        ] {
            let r = returned(&s, bad, body.as_bytes());
            assert!(!r.body.contains("postMessage"), "{bad}");
        }
        assert_eq!(returned(&s, "", b"token=nope").status, 404);

        // Data from the merchant cannot close the script element of the page itself.
        t.transaction_id = "</script><script>alert(1)//\u{2028}".into();
        t.payment_token = "tok-injected".into();
        s.insert(t);
        let r = returned(
            &s,
            "origin=http%3A%2F%2F127.0.0.1%3A3000",
            b"token=tok-injected",
        );
        assert_eq!(r.status, 200);
        let script = r.body.split("<script>").nth(1).expect("the script");
        let script = script.split("</script>").next().expect("closed");
        assert!(
            script.contains("\\u003c/script>\\u003cscript>alert(1)//\\u2028"),
            "{script}"
        );
        assert!(!r.body.contains("<script>alert(1)"), "{}", r.body);
    }
}
