//! `cinetpay-emulator`: run the CinetPay stand-in as a process.
//!
//! Prints `cinetpay-emulator listening on http://HOST:PORT` as its first line on stdout (tests in
//! other languages read the port from it), then one log line per request and per notification
//! attempt on stderr.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use cinetpay_emulator::config::{Account, Config};
use cinetpay_emulator::{server, state};

const USAGE: &str = "\
usage: cinetpay-emulator [--host 127.0.0.1] [--port 0] [--config FILE.json]
                         [--account APIKEY:SITE_ID:SECRET:CUR[,CUR]]... [--rate-limit N]
                         [--notify-retry-ms N] [--notify-attempts N] [--notify-timeout-ms N] [--init-delay-ms N]
                         [--tls-cert FILE --tls-key FILE] [--quiet]
       cinetpay-emulator tls-certs DIR
       cinetpay-emulator --help | -h

  --port 0          pick a free port (printed on the first line)
  --config FILE     JSON: {\"accounts\": [{\"apikey\", \"site_id\", \"secret_key\", \"currencies\"}],
                    \"rate_limit_per_second\": 0, \"notify_retry_initial_ms\": 1000,
                    \"notify_max_attempts\": 5}
  --account SPEC    add an account (repeatable); without any, the default account is used:
                    apikey emulator-apikey-0000000000000001, site_id 445160, currency XOF,
                    secret key emulator-secret-key-000000000001
  --rate-limit N    answer 429 past N requests per second (0: no limit)
  --notify-retry-ms N
                    wait N ms before retrying a notification POST the merchant did not answer
                    200 to, doubling each time (default 1000)
  --init-delay-ms N create the transaction, then wait N ms before answering POST /v2/payment
                    (to test what a client does after a timeout)
  --notify-attempts N
                    notification POST attempts before giving up (default 5)
  --notify-timeout-ms N
                    how long a notify_url has to answer one request before the attempt counts
                    as failed and is retried (default 10000)
  --tls-cert FILE --tls-key FILE
                    serve HTTPS with this PEM certificate chain and key (the first line then
                    says https://)
  --quiet           no per-request or per-notification log lines

cinetpay-emulator tls-certs DIR
                    write a test authority and server certificates it signed into DIR, for
                    TLS tests: ca.pem (the client's ca_certificates); good.pem/.key
                    (127.0.0.1, valid); expired.pem/.key; wrong-host.pem/.key";

/// What the command line asks for.
enum Command {
    /// Serve with this configuration on this address.
    Serve(Config, SocketAddr),
    /// Print the usage on stdout and exit with success (`--help`).
    Help,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut config = Config::default();
    let mut accounts = Vec::new();
    let (mut host, mut port) = ("127.0.0.1".to_owned(), 0u16);
    let mut log = true;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => host = value()?,
            "--port" => {
                port = value()?
                    .parse()
                    .map_err(|_| "--port wants a number".to_owned())?
            }
            "--config" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                config = Config::from_json(&text)?;
            }
            "--account" => accounts.push(Account::parse(&value()?)?),
            "--rate-limit" => {
                config.rate_limit_per_second = value()?
                    .parse()
                    .map_err(|_| "--rate-limit wants a number".to_owned())?;
            }
            "--notify-retry-ms" => {
                config.notify_retry_initial_ms = value()?
                    .parse()
                    .map_err(|_| "--notify-retry-ms wants a number".to_owned())?;
            }
            "--notify-attempts" => {
                config.notify_max_attempts = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| "--notify-attempts wants a number above 0".to_owned())?;
            }
            "--notify-timeout-ms" => {
                config.notify_timeout_ms = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| "--notify-timeout-ms wants a number above 0".to_owned())?;
            }
            "--tls-cert" => config.tls_cert_file = Some(value()?),
            "--tls-key" => config.tls_key_file = Some(value()?),
            "--init-delay-ms" => {
                config.init_delay_ms = value()?
                    .parse()
                    .map_err(|_| "--init-delay-ms wants a number".to_owned())?;
            }
            "--quiet" => log = false,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !accounts.is_empty() {
        config.accounts = accounts;
    }
    config.log_requests = log;
    let addr: SocketAddr = format!("{host}:{port}")
        .parse()
        .map_err(|_| format!("bad --host/--port: {host}:{port}"))?;
    Ok(Command::Serve(config, addr))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("tls-certs") {
        // A flag is not a directory: `tls-certs --help` must not create one named `--help`.
        let Some(dir) = args.get(1).filter(|d| !d.starts_with('-')) else {
            eprintln!("cinetpay-emulator: tls-certs needs a directory\n{USAGE}");
            return ExitCode::from(2);
        };
        return match cinetpay_emulator::tls::write_test_certificates(dir.as_ref()) {
            Ok(files) => {
                for f in files {
                    println!("{}", f.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cinetpay-emulator: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let (config, addr) = match parse(&args) {
        Ok(Command::Serve(config, addr)) => (config, addr),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cinetpay-emulator: {e}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cinetpay-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tls = match config.tls() {
        Ok(tls) => tls,
        Err(e) => {
            eprintln!("cinetpay-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let code = runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cinetpay-emulator: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let url = match listener.local_addr() {
            Ok(a) => format!("{scheme}://{a}"),
            Err(e) => {
                eprintln!("cinetpay-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("cinetpay-emulator listening on {url}");
        for a in config.accounts.iter().filter(|_| config.log_requests) {
            eprintln!(
                "account site_id={} apikey={} currencies={}",
                a.site_id,
                cinetpay_emulator::config::mask(&a.apikey),
                a.currencies.join(",")
            );
        }
        let state = Arc::new(
            state::State::new(&config, url).with_runtime(tokio::runtime::Handle::current()),
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        server::serve(listener, state, config.log_requests, tls, shutdown).await;
        ExitCode::SUCCESS
    });
    // Notifications still being delivered are dropped, not awaited.
    runtime.shutdown_background();
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[allow(clippy::panic)]
    fn config(a: &[String]) -> Config {
        match parse(a).expect("parse") {
            Command::Serve(config, _) => config,
            Command::Help => panic!("not --help"),
        }
    }

    #[test]
    fn notification_flags() {
        let c = config(&args("--notify-retry-ms 50 --notify-attempts 2"));
        assert_eq!((c.notify_retry_initial_ms, c.notify_max_attempts), (50, 2));
        let c = config(&[]);
        assert_eq!(
            (c.notify_retry_initial_ms, c.notify_max_attempts),
            (1000, 5)
        );
        assert!(parse(&args("--notify-attempts 0")).is_err());
        assert!(parse(&args("--notify-retry-ms soon")).is_err());
    }
}
