//! Merchant accounts and server settings.

use serde::Deserialize;

/// The default account's apikey: the one the README quickstart and the examples use.
pub const DEFAULT_API_KEY: &str = "emulator-apikey-0000000000000001";
/// The default account's site_id.
pub const DEFAULT_SITE_ID: &str = "445160";
/// The default account's secret key (for notification x-tokens).
pub const DEFAULT_SECRET_KEY: &str = "emulator-secret-key-000000000001";

/// One merchant account, as CinetPay's back-office would hold it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Account {
    /// The account's apikey.
    pub apikey: String,
    /// The account's site_id.
    pub site_id: String,
    /// The account's secret key.
    #[serde(default)]
    pub secret_key: String,
    /// Currencies the account may take payments in (an account in Cameroun: `["XAF"]`).
    pub currencies: Vec<String>,
}

impl Account {
    /// Parses `apikey:site_id:secret_key:CUR[,CUR...]`, the `--account` flag's form.
    pub fn parse(spec: &str) -> Result<Account, String> {
        let parts: Vec<&str> = spec.split(':').collect();
        let [apikey, site_id, secret_key, currencies] = parts.as_slice() else {
            return Err(format!(
                "--account wants apikey:site_id:secret_key:CURRENCY[,CURRENCY], got {} parts",
                parts.len()
            ));
        };
        if apikey.is_empty() || site_id.is_empty() || currencies.is_empty() {
            return Err("--account: apikey, site_id and currencies must not be empty".into());
        }
        Ok(Account {
            apikey: (*apikey).to_owned(),
            site_id: (*site_id).to_owned(),
            secret_key: (*secret_key).to_owned(),
            currencies: currencies
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .collect(),
        })
    }
}

impl Default for Account {
    fn default() -> Self {
        Account {
            apikey: DEFAULT_API_KEY.to_owned(),
            site_id: DEFAULT_SITE_ID.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            currencies: vec!["XOF".to_owned()],
        }
    }
}

/// How the emulator behaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The merchant accounts it knows.
    #[serde(default = "default_accounts")]
    pub accounts: Vec<Account>,
    /// Requests per second (over all accounts) before it answers 429; 0 means no limit.
    #[serde(default)]
    pub rate_limit_per_second: u32,
    /// One log line per request (and per notification attempt) on stderr.
    #[serde(default)]
    pub log_requests: bool,
    /// The wait before the second attempt at a notification POST, in milliseconds; it doubles
    /// before each further attempt.
    #[serde(default = "default_notify_retry_initial_ms")]
    pub notify_retry_initial_ms: u64,
    /// Attempts at a notification POST before the emulator gives up (at least 1).
    #[serde(default = "default_notify_max_attempts")]
    pub notify_max_attempts: u32,
    /// How long the merchant's notify_url has to answer one request, in milliseconds; past it
    /// the attempt failed and is retried.
    #[serde(default = "default_notify_timeout_ms")]
    pub notify_timeout_ms: u64,
    /// Milliseconds to wait before answering `POST /v2/payment`, after the transaction was
    /// created: a CinetPay that answers late, so that tests can show what a client does after a
    /// timeout (the payment exists; `check` finds it).
    #[serde(default)]
    pub init_delay_ms: u64,
    /// Serve HTTPS with this PEM certificate chain (and `tls_key_file`): see
    /// `cinetpay-emulator tls-certs`.
    #[serde(default)]
    pub tls_cert_file: Option<String>,
    /// The PEM private key of `tls_cert_file`.
    #[serde(default)]
    pub tls_key_file: Option<String>,
}

fn default_notify_retry_initial_ms() -> u64 {
    1000
}

fn default_notify_timeout_ms() -> u64 {
    10_000
}

fn default_notify_max_attempts() -> u32 {
    5
}

fn default_accounts() -> Vec<Account> {
    vec![Account::default()]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            accounts: default_accounts(),
            rate_limit_per_second: 0,
            log_requests: false,
            notify_retry_initial_ms: default_notify_retry_initial_ms(),
            notify_max_attempts: default_notify_max_attempts(),
            notify_timeout_ms: default_notify_timeout_ms(),
            init_delay_ms: 0,
            tls_cert_file: None,
            tls_key_file: None,
        }
    }
}

impl Config {
    /// The TLS acceptor when `tls_cert_file` and `tls_key_file` are set (both or neither).
    pub fn tls(&self) -> std::io::Result<Option<tokio_rustls::TlsAcceptor>> {
        match (&self.tls_cert_file, &self.tls_key_file) {
            (Some(cert), Some(key)) => crate::tls::acceptor(cert.as_ref(), key.as_ref()).map(Some),
            (None, None) => Ok(None),
            _ => Err(std::io::Error::other(
                "TLS needs both a certificate and its key (--tls-cert and --tls-key)",
            )),
        }
    }

    /// Reads a JSON config file: `{"accounts": [...], "rate_limit_per_second": 0,
    /// "notify_retry_initial_ms": 1000, "notify_max_attempts": 5}`, every key optional.
    pub fn from_json(text: &str) -> Result<Config, String> {
        serde_json::from_str(text).map_err(|e| format!("bad emulator config: {e}"))
    }

    /// Adds an account (builder style, for tests).
    #[must_use]
    pub fn with_account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }

    /// Sets the rate limit (builder style, for tests).
    #[must_use]
    pub fn with_rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit_per_second = per_second;
        self
    }

    /// Sets the notification retry schedule (builder style, for tests): `initial_ms` before the
    /// second attempt, doubling, `max_attempts` in all.
    #[must_use]
    pub fn with_notify_retry(mut self, initial_ms: u64, max_attempts: u32) -> Self {
        self.notify_retry_initial_ms = initial_ms;
        self.notify_max_attempts = max_attempts;
        self
    }
}

/// Shows an apikey in logs: only its last four characters.
pub fn mask(apikey: &str) -> String {
    let n = apikey.chars().count();
    if n < 12 {
        return "****".to_owned();
    }
    let tail: String = apikey.chars().skip(n - 4).collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_flag_parses() {
        let a = Account::parse("key:42:sec:xaf,usd").expect("parse");
        assert_eq!(a.site_id, "42");
        assert_eq!(a.currencies, ["XAF", "USD"]);
        assert!(Account::parse("key:42").is_err());
    }

    #[test]
    fn config_file_parses_with_defaults() {
        let c = Config::from_json(r#"{"rate_limit_per_second": 5}"#).expect("parse");
        assert_eq!(c.accounts, vec![Account::default()]);
        assert_eq!(
            (c.notify_retry_initial_ms, c.notify_max_attempts),
            (1000, 5)
        );
        let c = Config::from_json(r#"{"notify_retry_initial_ms": 50, "notify_max_attempts": 2}"#)
            .expect("parse");
        assert_eq!((c.notify_retry_initial_ms, c.notify_max_attempts), (50, 2));
        assert!(Config::from_json(r#"{"rate": 5}"#).is_err());
    }

    #[test]
    fn masking_keeps_only_the_tail() {
        assert_eq!(mask(DEFAULT_API_KEY), "****0001");
        assert_eq!(mask("short"), "****");
    }
}
