//! The README's first command: the whole payment lifecycle against the emulator, in-process.
//!
//! `cargo run -p cinetpay-quickstart` starts the emulator and a small merchant server on free
//! loopback ports, then walks through what a shop does, printing each step: initialise a
//! payment, check it, play the customer's choice (what the checkout page's "Payer" button does),
//! receive CinetPay's signed notification and let the SDK verify it and check the payment, and
//! check the final status.
//!
//! `cargo run -p cinetpay-quickstart -- --serve` keeps both running: open the printed
//! `payment_url` in a browser, choose an outcome on the checkout page, and watch the
//! notification arrive here. Ctrl-C stops it.

mod merchant;

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cinetpay::blocking::Client;
use cinetpay::{ClientConfig, Currency, PaymentLookup, PaymentRequest};
use cinetpay_emulator::{Config, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID, Emulator};

fn main() -> ExitCode {
    let serve = std::env::args().skip(1).any(|a| a == "--serve");
    match run(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(serve: bool) -> Result<(), String> {
    // Notifications the merchant does not answer with 200 are retried after 0.5 s, doubling.
    let emulator = Emulator::start(Config::default().with_notify_retry(500, 5))
        .map_err(|e| format!("could not start the emulator: {e}"))?;
    let config = ClientConfig::new(DEFAULT_API_KEY, DEFAULT_SITE_ID)
        .secret_key(DEFAULT_SECRET_KEY)
        .base_url(emulator.url());
    let client = Client::new(config).map_err(|e| e.to_string())?;

    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let shop = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let orders: merchant::Orders = Arc::new(Mutex::new(HashMap::new()));
    let (said, hear) = mpsc::channel();
    merchant::serve(listener, client.clone(), orders.clone(), said);

    println!(
        "CinetPay emulator on {} (no account, no network)",
        emulator.url()
    );
    println!("the shop (notify_url, return_url) on {shop}\n");

    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let id = format!("ORDER-{stamp}");
    let request = PaymentRequest::new(id.clone(), 2500, Currency::Xof, format!("Commande {id}"))
        .notify_url(format!("{shop}/notify"))
        .return_url(format!("{shop}/orders/{id}/return"))
        .metadata(format!("order={id}"));
    if let Ok(mut o) = orders.lock() {
        // Stored before CinetPay is called, as its docs advise.
        o.insert(id.clone(), (2500, "XOF".into(), "pending".into()));
    }

    println!("1. init_payment: {id}, 2500 XOF");
    let link = client.init_payment(&request).map_err(explain)?;
    println!("   → payment_url {}\n", link.payment_url);

    let lookup = PaymentLookup::TransactionId(id.clone());
    let status = client.check_payment(&lookup).map_err(explain)?;
    println!(
        "2. check_payment: {} {} (paid: {}, final: {})\n",
        status.code,
        status.status.as_str(),
        status.is_paid(),
        status.is_final()
    );

    if serve {
        println!("3. Open the payment_url above in a browser and choose an outcome.");
        println!("   Notifications appear below as they arrive. Ctrl-C stops the emulator.\n");
        for line in hear {
            println!("{line}");
        }
        return Ok(());
    }

    println!(
        "3. The customer pays (the checkout page's \"Payer\" button; here, the emulator's test endpoint)"
    );
    emulator
        .set_outcome(
            DEFAULT_SITE_ID,
            &id,
            "accept".parse().map_err(|e| format!("{e:?}"))?,
        )
        .map_err(|e| format!("the emulator refused the outcome: {e}"))?;

    println!("\n4. CinetPay notifies the shop:");
    let mut decided = false;
    while !decided {
        let line = hear
            .recv_timeout(Duration::from_secs(15))
            .map_err(|_| "no notification within 15 s".to_owned())?;
        decided = line.starts_with("  ✔") || line.starts_with("  ✘");
        println!("{line}");
    }

    let status = client.check_payment(&lookup).map_err(explain)?;
    println!(
        "\n5. check_payment: {} {} (paid: {}, final: {}), {} {}",
        status.code,
        status.status.as_str(),
        status.is_paid(),
        status.is_final(),
        status.amount.unwrap_or_default(),
        status.currency.as_deref().unwrap_or("")
    );
    println!(
        "\nThe emulator stopped with this program, so the links above no longer answer. To click\n\
         through the checkout page yourself: cargo run -p cinetpay-quickstart -- --serve"
    );
    Ok(())
}

fn explain(e: cinetpay::Error) -> String {
    match e.hint() {
        Some(hint) => format!("{e}\nhint: {hint}"),
        None => e.to_string(),
    }
}
