//! A payment's life after init: what the customer does on the checkout page, and what
//! `/v2/payment/check` then answers, from the code table in CinetPay's checkout docs.

use std::fmt;
use std::str::FromStr;

/// What the customer does on the checkout page (or a test sets through `/_emulator/outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Pays: the transaction becomes ACCEPTED (code `00`).
    Accept,
    /// The payment fails: REFUSED (code `600`).
    Refuse,
    /// Gives up on the page: REFUSED with code `627`.
    Cancel,
    /// Starts a push payment and has yet to approve it on the phone (code `623`).
    Pending,
}

impl Outcome {
    /// Every outcome, in the order the checkout page shows them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Accept,
        Outcome::Refuse,
        Outcome::Cancel,
        Outcome::Pending,
    ];

    /// The word used in forms and JSON: `accept`, `refuse`, `cancel`, `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::Refuse => "refuse",
            Outcome::Cancel => "cancel",
            Outcome::Pending => "pending",
        }
    }

    /// The state it leads to.
    pub fn state(self) -> PaymentState {
        match self {
            Outcome::Accept => PaymentState::Accepted,
            Outcome::Refuse => PaymentState::Refused,
            Outcome::Cancel => PaymentState::Cancelled,
            Outcome::Pending => PaymentState::Pending,
        }
    }
}

impl FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Outcome, String> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| format!("outcome must be accept, refuse, cancel or pending, got {s:?}"))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaymentState {
    /// Created by init; the customer has not acted yet.
    #[default]
    Created,
    /// Waiting for the customer to approve on the phone.
    Pending,
    /// Paid (final).
    Accepted,
    /// Failed (final).
    Refused,
    /// Cancelled by the customer (final).
    Cancelled,
}

impl PaymentState {
    /// `code` of the check answer.
    pub fn code(self) -> &'static str {
        match self {
            PaymentState::Created => "662",
            PaymentState::Pending => "623",
            PaymentState::Accepted => "00",
            PaymentState::Refused => "600",
            PaymentState::Cancelled => "627",
        }
    }

    /// `message` of the check answer, also the notification's `cpm_error_message`.
    pub fn message(self) -> &'static str {
        match self {
            PaymentState::Created => "WAITING_CUSTOMER_PAYMENT",
            PaymentState::Pending => "WAITING_CUSTOMER_TO_VALIDATE",
            PaymentState::Accepted => "SUCCES",
            PaymentState::Refused => "PAYMENT_FAILED",
            PaymentState::Cancelled => "TRANSACTION_CANCEL",
        }
    }

    /// `data.status` of the check answer: CinetPay folds cancelled into REFUSED.
    pub fn status(self) -> &'static str {
        match self {
            PaymentState::Created | PaymentState::Pending => "WAITING_FOR_CUSTOMER",
            PaymentState::Accepted => "ACCEPTED",
            PaymentState::Refused | PaymentState::Cancelled => "REFUSED",
        }
    }

    /// `payment_method`: empty until the customer picked an operator, and when they left
    /// without picking one (cancelled). The emulator's customer always picks Orange Money.
    pub fn payment_method(self) -> &'static str {
        match self {
            PaymentState::Created | PaymentState::Cancelled => "",
            PaymentState::Pending | PaymentState::Accepted | PaymentState::Refused => "OM",
        }
    }

    /// Whether nothing can change it any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PaymentState::Accepted | PaymentState::Refused | PaymentState::Cancelled
        )
    }

    /// The state after `outcome`, or an error when this one is final.
    pub fn after(self, outcome: Outcome) -> Result<PaymentState, String> {
        if self.is_final() {
            return Err(format!(
                "the transaction is final ({}, code {}): it cannot become {outcome}",
                self.status(),
                self.code()
            ));
        }
        Ok(outcome.state())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_parse() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(o));
        }
        assert!("ACCEPT".parse::<Outcome>().is_err());
    }

    #[test]
    fn final_states_do_not_change() {
        let pending = PaymentState::Created
            .after(Outcome::Pending)
            .expect("created -> pending");
        assert_eq!(pending.after(Outcome::Accept), Ok(PaymentState::Accepted));
        assert_eq!(pending.after(Outcome::Cancel), Ok(PaymentState::Cancelled));
        for done in [
            PaymentState::Accepted,
            PaymentState::Refused,
            PaymentState::Cancelled,
        ] {
            for o in Outcome::ALL {
                assert!(done.after(o).is_err(), "{done:?} -> {o}");
            }
        }
    }

    #[test]
    fn codes_follow_the_table() {
        let row = |s: PaymentState| (s.code(), s.message(), s.status(), s.payment_method());
        assert_eq!(
            row(PaymentState::Created),
            (
                "662",
                "WAITING_CUSTOMER_PAYMENT",
                "WAITING_FOR_CUSTOMER",
                ""
            )
        );
        assert_eq!(
            row(PaymentState::Pending),
            (
                "623",
                "WAITING_CUSTOMER_TO_VALIDATE",
                "WAITING_FOR_CUSTOMER",
                "OM"
            )
        );
        assert_eq!(
            row(PaymentState::Accepted),
            ("00", "SUCCES", "ACCEPTED", "OM")
        );
        assert_eq!(
            row(PaymentState::Refused),
            ("600", "PAYMENT_FAILED", "REFUSED", "OM")
        );
        assert_eq!(
            row(PaymentState::Cancelled),
            ("627", "TRANSACTION_CANCEL", "REFUSED", "")
        );
    }
}
