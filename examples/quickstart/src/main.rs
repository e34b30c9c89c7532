//! The README's first command: a payment initialisation against the emulator, in-process.
//!
//! `cargo run -p cinetpay-quickstart` starts the emulator on a free loopback port, initialises a
//! payment with the SDK's blocking client, and prints the payment link. Set
//! `CINETPAY_API_KEY`/`CINETPAY_SITE_ID` (and leave `CINETPAY_BASE_URL` unset) to run the very
//! same code against CinetPay itself.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cinetpay::blocking::Client;
use cinetpay::{ClientConfig, Currency, PaymentRequest};
use cinetpay_emulator::{DEFAULT_API_KEY, DEFAULT_SITE_ID, Emulator};

fn main() -> ExitCode {
    let emulator = match Emulator::start(Default::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("could not start the emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = ClientConfig::new(DEFAULT_API_KEY, DEFAULT_SITE_ID).base_url(emulator.url());
    let client = match Client::new(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let request = PaymentRequest::new(format!("ORDER-{stamp}"), 2500, Currency::Xof, "Commande 42")
        .notify_url("https://shop.example/cinetpay/notify")
        .return_url("https://shop.example/cinetpay/return")
        .metadata("order=42");
    match client.init_payment(&request) {
        Ok(link) => {
            println!("emulator:       {}", emulator.url());
            println!("transaction_id: {}", request.transaction_id);
            println!("payment_token:  {}", link.payment_token);
            println!("payment_url:    {}", link.payment_url);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}
