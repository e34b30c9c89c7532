//! The end of CinetPay's recommended notification handling: from the status of record, decide
//! whether the order is paid, failed or still pending.
//!
//! The rule (`../shared/reference/cinetpay-api.md` §1 "Decision rule", §2 "Recommended handler
//! flow"): deliver only on code `00` with status `ACCEPTED` and the order's amount and currency;
//! keep pending on `WAITING_FOR_CUSTOMER` and the waiting codes; fail on final codes.

use serde_json::{Value, json};

use crate::notification::NotificationForm;
use crate::status::PaymentStatus;

/// What the merchant's order says the payment must be. A field left `None` is not compared, and
/// the outcome lists it in [`NotificationOutcome::skipped_checks`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The order's amount.
    pub amount: Option<i64>,
    /// The order's currency (`XOF`, ...), compared without regard to case.
    pub currency: Option<String>,
    /// The shop has no order with this transaction_id: whatever CinetPay says, the outcome is
    /// `Failed` (nothing to deliver), with a reason that says so.
    pub order_unknown: bool,
}

/// What to do with the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Paid in full: mark the order paid and deliver (once: notifications repeat).
    Paid,
    /// Final failure, or paid with another amount or currency than the order's: do not deliver.
    Failed,
    /// The customer has not finished; a later notification will come.
    Pending,
}

impl Outcome {
    /// `"paid"`, `"failed"` or `"pending"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Failed => "failed",
            Outcome::Pending => "pending",
        }
    }
}

/// The result of [`Client::handle_notification`](crate::Client::handle_notification).
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationOutcome {
    /// Paid, failed or pending.
    pub outcome: Outcome,
    /// Why, in one sentence (for logs and support).
    pub reason: String,
    /// The checks not made because the merchant passed no expected value: `"amount"`,
    /// `"currency"`.
    pub skipped_checks: Vec<&'static str>,
    /// The status of record, from `check_payment`.
    pub status: PaymentStatus,
    /// The verified notification.
    pub notification: NotificationForm,
}

impl NotificationOutcome {
    /// Applies the rule to a verified notification and its status of record.
    pub fn decide(
        notification: NotificationForm,
        status: PaymentStatus,
        expected: &Expected,
    ) -> NotificationOutcome {
        let mut skipped_checks = Vec::new();
        let (outcome, reason) = if expected.order_unknown {
            (
                Outcome::Failed,
                format!(
                    "the shop has no order with transaction_id {:?} (CinetPay reports {} {}): \
                     do not deliver; look into where this payment comes from",
                    notification.get("cpm_trans_id"),
                    status.code,
                    status.status.as_str()
                ),
            )
        } else if status.is_paid() {
            let mut mismatch = Vec::new();
            match expected.amount {
                None => skipped_checks.push("amount"),
                Some(want) if status.amount != Some(want) => mismatch.push(format!(
                    "amount {} (the order expects {want})",
                    status
                        .amount
                        .map_or_else(|| "missing".to_owned(), |a| a.to_string())
                )),
                Some(_) => {}
            }
            match expected.currency.as_deref() {
                None => skipped_checks.push("currency"),
                Some(want)
                    if !status
                        .currency
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(want.trim())) =>
                {
                    mismatch.push(format!(
                        "currency {} (the order expects {want})",
                        status.currency.as_deref().unwrap_or("missing")
                    ));
                }
                Some(_) => {}
            }
            if mismatch.is_empty() {
                let compared = if skipped_checks.is_empty() {
                    "as the order expects".to_owned()
                } else {
                    format!("({} not compared)", skipped_checks.join(" and "))
                };
                (
                    Outcome::Paid,
                    format!(
                        "CinetPay reports {} {}, status ACCEPTED, {} {} {compared}",
                        status.code,
                        status.message,
                        status
                            .amount
                            .map_or_else(|| "-".to_owned(), |a| a.to_string()),
                        status.currency.as_deref().unwrap_or("-"),
                    ),
                )
            } else {
                (
                    Outcome::Failed,
                    format!(
                        "CinetPay reports a payment, but with {}: do not deliver, and look into \
                         the order",
                        mismatch.join(" and ")
                    ),
                )
            }
        } else if status.is_final() {
            (
                Outcome::Failed,
                format!(
                    "not paid: {} {} (status {})",
                    status.code,
                    status.message,
                    status.status.as_str()
                ),
            )
        } else {
            (
                Outcome::Pending,
                format!(
                    "waiting for the customer: {} {} (status {}); a later notification will come",
                    status.code,
                    status.message,
                    status.status.as_str()
                ),
            )
        };
        NotificationOutcome {
            outcome,
            reason,
            skipped_checks,
            status,
            notification,
        }
    }

    /// The `transaction_id` the notification is about.
    pub fn transaction_id(&self) -> &str {
        self.notification.get("cpm_trans_id")
    }

    /// The outcome as the bridge hands it to every language.
    pub fn to_json(&self) -> Value {
        json!({
            "outcome": self.outcome.as_str(),
            "reason": self.reason,
            "skipped_checks": self.skipped_checks,
            "transaction_id": self.transaction_id(),
            "status": self.status.to_json(),
            "notification": self.notification.to_json(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn status(code: &str, state: &str, amount: &str, currency: &str) -> PaymentStatus {
        let mut data = Map::new();
        data.insert("status".into(), state.into());
        data.insert("amount".into(), amount.into());
        data.insert("currency".into(), currency.into());
        PaymentStatus::from_envelope(code.into(), Some("M".into()), data, None)
    }

    fn decide(
        s: PaymentStatus,
        amount: Option<i64>,
        currency: Option<&str>,
    ) -> NotificationOutcome {
        let form =
            NotificationForm::from_urlencoded(b"cpm_trans_id=T&cpm_site_id=1").expect("form");
        NotificationOutcome::decide(
            form,
            s,
            &Expected {
                amount,
                currency: currency.map(str::to_owned),
                order_unknown: false,
            },
        )
    }

    #[test]
    fn paid_only_when_everything_matches() {
        let o = decide(
            status("00", "ACCEPTED", "100", "XOF"),
            Some(100),
            Some("xof"),
        );
        assert_eq!(o.outcome, Outcome::Paid);
        assert!(o.skipped_checks.is_empty());
        assert_eq!(o.transaction_id(), "T");
        let o = decide(
            status("00", "ACCEPTED", "100", "XOF"),
            Some(200),
            Some("XOF"),
        );
        assert_eq!(o.outcome, Outcome::Failed);
        assert!(
            o.reason.contains("amount 100 (the order expects 200)"),
            "{}",
            o.reason
        );
        let o = decide(
            status("00", "ACCEPTED", "100", "XOF"),
            Some(100),
            Some("XAF"),
        );
        assert_eq!(o.outcome, Outcome::Failed);
    }

    #[test]
    fn an_order_the_shop_does_not_know_is_never_paid() {
        let form =
            NotificationForm::from_urlencoded(b"cpm_trans_id=T&cpm_site_id=1").expect("form");
        let o = NotificationOutcome::decide(
            form,
            status("00", "ACCEPTED", "100", "XOF"),
            &Expected {
                order_unknown: true,
                ..Expected::default()
            },
        );
        assert_eq!(o.outcome, Outcome::Failed);
        assert!(
            o.reason.contains("no order with transaction_id \"T\""),
            "{}",
            o.reason
        );
    }

    #[test]
    fn skipped_checks_are_named() {
        let o = decide(status("00", "ACCEPTED", "100", "XOF"), None, None);
        assert_eq!(o.outcome, Outcome::Paid);
        assert_eq!(o.skipped_checks, ["amount", "currency"]);
        assert!(
            o.reason
                .ends_with("100 XOF (amount and currency not compared)"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn failures_and_waits() {
        let o = decide(
            status("627", "REFUSED", "100", "XOF"),
            Some(100),
            Some("XOF"),
        );
        assert_eq!(o.outcome, Outcome::Failed);
        let o = decide(
            status("623", "WAITING_FOR_CUSTOMER", "100", "XOF"),
            Some(100),
            Some("XOF"),
        );
        assert_eq!(o.outcome, Outcome::Pending);
        assert_eq!(o.to_json()["outcome"], "pending");
    }
}
