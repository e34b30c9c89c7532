//! The hosted checkout page a `payment_url` leads to, where a person (or a browser test) plays
//! the customer: pay, fail, cancel, or start a payment to approve on the phone.
//!
//! Elements a browser test clicks or reads have stable ids: `#accept`, `#refuse`, `#cancel`,
//! `#pending` on the page; `#approve` and `#decline` while waiting; `#state` (ACCEPTED or
//! REFUSED) once final; `#return`, the form that sends the customer back the way CinetPay does,
//! a POST of `token` and `transaction_id` to the return_url
//! (https://docs.cinetpay.com/api/1.0-en/checkout/retour).

use crate::form;
use crate::outcome::{Outcome, PaymentState};
use crate::reply::{Reply, html};
use crate::state::{OutcomeError, State, Transaction};

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:2rem auto\">\
         <p><strong>CinetPay emulator</strong>: no real payment is made.</p>\
         {body}</body></html>\n",
        title = escape(title),
    )
}

/// What the transaction is: amount, description and identifiers.
fn summary(t: &Transaction) -> String {
    format!(
        "<h1>{amount} {currency}</h1><p>{description}</p>\
         <dl><dt>transaction_id</dt><dd>{tx}</dd><dt>site_id</dt><dd>{site}</dd>\
         <dt>channels</dt><dd>{channels}</dd></dl>",
        amount = t.amount,
        currency = escape(&t.currency),
        description = escape(&t.description),
        tx = escape(&t.transaction_id),
        site = escape(&t.site_id),
        channels = escape(&t.channels),
    )
}

/// A form posting outcomes back to this page, one submit button per `(outcome, id, label)`.
fn outcome_form(t: &Transaction, buttons: &[(Outcome, &str, &str)]) -> String {
    let mut out = format!(
        "<form id=\"outcome\" method=\"post\" action=\"/payment/{}\">",
        escape(&t.payment_token)
    );
    for (outcome, id, label) in buttons {
        out.push_str(&format!(
            "<button type=\"submit\" name=\"outcome\" value=\"{outcome}\" id=\"{id}\">{label}</button> "
        ));
    }
    out.push_str("</form>");
    out
}

/// The POST back to the merchant's return_url that CinetPay makes: `token` and
/// `transaction_id`. `auto` submits it on load, with a button for browsers without script.
fn return_form(t: &Transaction, auto: bool) -> String {
    let button = "<button type=\"submit\" id=\"back\">Retour au site du marchand</button>";
    format!(
        "<form id=\"return\" method=\"post\" action=\"{url}\">\
         <input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <input type=\"hidden\" name=\"transaction_id\" value=\"{tx}\">\
         {button}</form>{script}",
        url = escape(&t.return_url),
        token = escape(&t.payment_token),
        tx = escape(&t.transaction_id),
        button = if auto {
            format!("<noscript>{button}</noscript>")
        } else {
            button.to_owned()
        },
        script = if auto {
            "<script>document.getElementById(\"return\").submit();</script>"
        } else {
            ""
        },
    )
}

/// The page for one transaction, as it stands.
pub fn page(t: &Transaction) -> String {
    match t.state {
        PaymentState::Created => layout(
            "CinetPay emulator checkout",
            &format!(
                "{}{}",
                summary(t),
                outcome_form(
                    t,
                    &[
                        (Outcome::Accept, "accept", "Payer"),
                        (Outcome::Refuse, "refuse", "Paiement refusé"),
                        (Outcome::Cancel, "cancel", "Annuler"),
                        (
                            Outcome::Pending,
                            "pending",
                            "Payer, valider plus tard sur le téléphone"
                        ),
                    ],
                )
            ),
        ),
        PaymentState::Pending => waiting(t),
        PaymentState::Accepted | PaymentState::Refused | PaymentState::Cancelled => {
            final_page(t, "")
        }
    }
}

/// While the customer has yet to approve on the phone.
fn waiting(t: &Transaction) -> String {
    layout(
        "En attente de confirmation",
        &format!(
            "<h2 id=\"waiting\">En attente de confirmation</h2>\
             <p>Validez le paiement sur votre téléphone.</p>{}{}",
            summary(t),
            outcome_form(
                t,
                &[
                    (Outcome::Accept, "approve", "Valider sur le téléphone"),
                    (Outcome::Refuse, "decline", "Refuser sur le téléphone"),
                ],
            )
        ),
    )
}

pub(crate) fn verdict(state: PaymentState) -> &'static str {
    match state {
        PaymentState::Accepted => "Payé (Paid)",
        PaymentState::Refused => "Refusé (Refused)",
        PaymentState::Cancelled => "Annulé (Cancelled)",
        PaymentState::Created | PaymentState::Pending => "En attente (Waiting)",
    }
}

/// A final transaction, with `note` above and a way back to the merchant.
fn final_page(t: &Transaction, note: &str) -> String {
    layout(
        verdict(t.state),
        &format!(
            "{note}<h2>{verdict}</h2><p>status: <span id=\"state\">{status}</span>, code \
             <span id=\"code\">{code}</span></p>{summary}{back}",
            verdict = verdict(t.state),
            status = t.status(),
            code = t.code(),
            summary = summary(t),
            back = return_form(t, false),
        ),
    )
}

/// After the customer's choice: back to the merchant, as CinetPay does, once final.
fn after(t: &Transaction) -> String {
    if !t.state.is_final() {
        return waiting(t);
    }
    layout(
        verdict(t.state),
        &format!(
            "<h2>{verdict}</h2><p>status: <span id=\"state\">{status}</span></p>\
             <p>Retour au site du marchand…</p>{back}",
            verdict = verdict(t.state),
            status = t.status(),
            back = return_form(t, true),
        ),
    )
}

/// The page for a payment token the emulator does not know.
pub(crate) fn not_found() -> Reply {
    html(
        404,
        layout(
            "Paiement introuvable",
            "<h1>Paiement introuvable</h1><p>Unknown payment token.</p>",
        ),
        "404",
    )
}

/// `GET /payment/{token}`.
pub fn show(state: &State, token: &str) -> Reply {
    match state.by_token(token) {
        Some(t) => html(200, page(&t), "checkout"),
        None => not_found(),
    }
}

/// `POST /payment/{token}` with `outcome=accept|refuse|cancel|pending`: applies it, which
/// notifies the merchant, then shows what follows.
pub fn submit(state: &State, token: &str, body: &[u8]) -> Reply {
    let Some(t) = state.by_token(token) else {
        return not_found();
    };
    let given = form::param(&String::from_utf8_lossy(body), "outcome").unwrap_or_default();
    let outcome = match given.parse::<Outcome>() {
        Ok(o) => o,
        Err(e) => {
            return html(
                400,
                layout(
                    "Requête invalide",
                    &format!("<h1>Requête invalide</h1><p>{}</p>", escape(&e)),
                ),
                "400",
            );
        }
    };
    match state.set_outcome(&t.site_id, &t.transaction_id, outcome) {
        Ok(t) => html(200, after(&t), outcome.as_str()),
        Err(OutcomeError::Final(t)) => html(
            409,
            final_page(
                &t,
                "<p id=\"error\">Cette transaction est terminée: elle ne peut plus changer.</p>",
            ),
            "409",
        ),
        Err(OutcomeError::NotFound) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SITE_ID;
    use crate::state::tests::with_transaction;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<b>\"&'"), "&lt;b&gt;&quot;&amp;&#39;");
    }

    fn stored(s: &State) -> Transaction {
        s.transaction(DEFAULT_SITE_ID, "T1").expect("stored")
    }

    #[test]
    fn the_page_offers_four_outcomes_in_one_form() {
        let s = with_transaction();
        let mut t = stored(&s);
        t.description = "<script>x</script>".into();
        let html = page(&t);
        assert!(html.contains("lang=\"fr\""));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!html.contains("<script>x"));
        assert_eq!(html.matches("<form").count(), 1);
        assert!(html.contains(&format!(
            "<form id=\"outcome\" method=\"post\" action=\"/payment/{}\">",
            t.payment_token
        )));
        for (value, id) in [
            ("accept", "accept"),
            ("refuse", "refuse"),
            ("cancel", "cancel"),
            ("pending", "pending"),
        ] {
            assert!(
                html.contains(&format!(
                    "<button type=\"submit\" name=\"outcome\" value=\"{value}\" id=\"{id}\">"
                )),
                "{id}"
            );
        }
        assert!(html.contains(">Payer</button>"));
    }

    #[test]
    fn accepting_posts_token_and_transaction_id_back_to_the_return_url() {
        let s = with_transaction();
        let mut t = stored(&s);
        let r = submit(&s, &t.payment_token, b"outcome=accept");
        assert_eq!(r.status, 200);
        assert!(
            r.body
                .contains("<form id=\"return\" method=\"post\" action=\"http://shop.example/r\">"),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!(
            "<input type=\"hidden\" name=\"token\" value=\"{}\">",
            t.payment_token
        )));
        assert!(
            r.body
                .contains("<input type=\"hidden\" name=\"transaction_id\" value=\"T1\">")
        );
        assert!(
            r.body
                .contains("<noscript><button type=\"submit\" id=\"back\">")
        );
        assert!(r.body.contains("getElementById(\"return\").submit()"));
        assert!(r.body.contains("<span id=\"state\">ACCEPTED</span>"));
        assert_eq!(stored(&s).code(), "00");

        // The return URL is an attribute value: escaped like the rest.
        t.return_url = "http://shop.example/r?a=1&b=\"2\"".into();
        t.state = PaymentState::Refused;
        assert!(after(&t).contains("action=\"http://shop.example/r?a=1&amp;b=&quot;2&quot;\""));
    }

    #[test]
    fn pending_waits_for_the_phone_then_final_states_stay() {
        let s = with_transaction();
        let token = stored(&s).payment_token;
        let r = submit(&s, &token, b"outcome=pending");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("En attente de confirmation"));
        assert!(r.body.contains("value=\"accept\" id=\"approve\""));
        assert!(r.body.contains("value=\"refuse\" id=\"decline\""));
        assert!(!r.body.contains("id=\"return\""));
        assert_eq!(show(&s, &token).body, r.body);

        let r = submit(&s, &token, b"outcome=refuse");
        assert!(r.body.contains("<span id=\"state\">REFUSED</span>"));
        let again = submit(&s, &token, b"outcome=accept");
        assert_eq!(again.status, 409);
        assert!(again.body.contains("<span id=\"state\">REFUSED</span>"));
        assert!(again.body.contains("<form id=\"return\""));
        let shown = show(&s, &token);
        assert!(shown.body.contains("Refusé (Refused)"));
        assert!(shown.body.contains("<button type=\"submit\" id=\"back\">"));
        assert_eq!(stored(&s).code(), "600");
    }

    #[test]
    fn cancelled_says_so_and_is_refused_for_check() {
        let s = with_transaction();
        let token = stored(&s).payment_token;
        let r = submit(&s, &token, b"outcome=cancel");
        assert!(r.body.contains("Annulé (Cancelled)"));
        assert!(r.body.contains("<span id=\"state\">REFUSED</span>"));
    }

    #[test]
    fn unknown_tokens_and_bad_outcomes() {
        let s = with_transaction();
        assert_eq!(show(&s, "nope").status, 404);
        assert_eq!(submit(&s, "nope", b"outcome=accept").status, 404);
        let token = stored(&s).payment_token;
        let r = submit(&s, &token, b"outcome=%3Cpay%3E");
        assert_eq!(r.status, 400);
        assert!(r.body.contains("&quot;&lt;pay&gt;&quot;"));
        assert_eq!(stored(&s).code(), "662");
    }
}
