//! Client configuration: credentials, endpoint, timeouts and retries.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::{Error, Result};

/// CinetPay's production API.
pub const DEFAULT_BASE_URL: &str = "https://api-checkout.cinetpay.com";
/// How long one request may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long establishing a connection may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries by default: for `init_payment`, of a connection that failed before the request was
/// sent; for `check_payment`, of any transient failure (see [`crate::operation::RetryPolicy`]).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The most retries a client accepts.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// A credential (api key, secret key). `Debug` and `Display` print `***`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the request body or an HMAC: never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything a [`Client`](crate::Client) needs. Build it with [`ClientConfig::new`] and the
/// chainable setters, or [`ClientConfig::from_env`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Your apikey (back-office, menu Intégration).
    pub api_key: Secret,
    /// Your site_id (back-office, menu Intégration).
    pub site_id: String,
    /// Your secret key, used to verify notifications' `x-token`.
    pub secret_key: Option<Secret>,
    /// The API's base URL; `http` is accepted only for loopback hosts (the emulator).
    pub base_url: String,
    /// How long one attempt may take in all.
    pub timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// Retries (0 to 10), as each operation's [`RetryPolicy`](crate::operation::RetryPolicy) allows.
    pub max_retries: u32,
    /// The first retry's delay; each further retry doubles it (capped at 5 s), with jitter.
    pub retry_initial_delay: Duration,
    /// Appended to the `User-Agent` (`name/version` tokens): bindings and plugins identify
    /// themselves here.
    pub app_info: Option<String>,
    /// More certificate authorities to trust, as PEM text, beside the bundled Mozilla roots:
    /// for a proxy that re-signs TLS with a private authority, or a test server. Never a way
    /// to turn verification off.
    pub ca_certificates: Option<String>,
}

impl ClientConfig {
    /// A configuration with the production base URL and default timeouts and retries.
    pub fn new(api_key: impl Into<String>, site_id: impl Into<String>) -> Self {
        ClientConfig {
            api_key: Secret(api_key.into()),
            site_id: site_id.into(),
            secret_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_initial_delay: Duration::from_millis(500),
            app_info: None,
            ca_certificates: None,
        }
    }

    /// Reads `CINETPAY_API_KEY`, `CINETPAY_SITE_ID` (required), `CINETPAY_SECRET_KEY` and
    /// `CINETPAY_BASE_URL` (optional).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientConfig::from_env`], reading variables through `lookup` (for tests and for
    /// hosts that keep configuration elsewhere).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &str, field: &str| {
            get(name).ok_or_else(|| {
                Error::validation(
                    field,
                    format!("{name} is not set: export it (back-office, menu Intégration)"),
                )
            })
        };
        let mut config = ClientConfig::new(
            required("CINETPAY_API_KEY", "api_key")?,
            required("CINETPAY_SITE_ID", "site_id")?,
        );
        config.secret_key = get("CINETPAY_SECRET_KEY").map(Secret);
        if let Some(url) = get("CINETPAY_BASE_URL") {
            config.base_url = url;
        }
        Ok(config)
    }

    /// Trusts the certificate authorities in `pem` (one or more `BEGIN CERTIFICATE` blocks)
    /// beside the bundled Mozilla roots.
    #[must_use]
    pub fn ca_certificates(mut self, pem: impl Into<String>) -> Self {
        self.ca_certificates = Some(pem.into());
        self
    }

    /// The certificates of [`ClientConfig::ca_certificates`], checked: PEM holding at least one
    /// certificate.
    pub(crate) fn extra_roots(&self) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let Some(pem) = &self.ca_certificates else {
            return Ok(Vec::new());
        };
        let bad = |why: &str| {
            Error::validation(
                "ca_certificates",
                format!(
                    "{why}: give the authority's certificate as PEM text \
                     (-----BEGIN CERTIFICATE----- ...), not a file name"
                ),
            )
        };
        let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| bad(&format!("is not valid PEM ({e})")))?;
        if certs.is_empty() {
            return Err(bad("holds no certificate"));
        }
        let mut store = rustls::RootCertStore::empty();
        for cert in &certs {
            store
                .add(cert.clone())
                .map_err(|e| bad(&format!("holds a certificate that cannot be a root ({e})")))?;
        }
        Ok(certs)
    }

    /// Sets the secret key (for notification verification).
    #[must_use]
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = Some(Secret(secret_key.into()));
        self
    }

    /// Sets the base URL, e.g. the emulator's `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the per-attempt timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets how many times a failure is retried, as each operation's policy allows.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the delay before the first retry.
    #[must_use]
    pub fn retry_initial_delay(mut self, delay: Duration) -> Self {
        self.retry_initial_delay = delay;
        self
    }

    /// Sets the text appended to the `User-Agent`.
    #[must_use]
    pub fn app_info(mut self, app_info: impl Into<String>) -> Self {
        self.app_info = Some(app_info.into());
        self
    }

    /// Checks every setting but `ca_certificates` (see below); returns the parsed endpoint of
    /// the payment initialisation.
    pub(crate) fn validate(&self) -> Result<Url> {
        if self.api_key.0.trim().is_empty() {
            return Err(Error::validation(
                "api_key",
                "is required: copy it from the back-office (menu Intégration)",
            ));
        }
        if self.site_id.trim().is_empty() {
            return Err(Error::validation(
                "site_id",
                "is required: copy it from the back-office (menu Intégration)",
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::validation("timeout", "must be greater than zero"));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::validation(
                "connect_timeout",
                "must be greater than zero",
            ));
        }
        if self.max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::validation(
                "max_retries",
                format!("is {}; the limit is {MAX_RETRIES_LIMIT}", self.max_retries),
            ));
        }
        if let Some(info) = &self.app_info {
            if !info.chars().all(|c| c.is_ascii_graphic() || c == ' ') || info.len() > 200 {
                return Err(Error::validation(
                    "app_info",
                    "must be printable ASCII on one line, at most 200 characters \
                     (name/version tokens)",
                ));
            }
        }
        // `ca_certificates` is checked where it is parsed for use, once (`Client::new`'s TLS
        // configuration).
        endpoint(&self.base_url, crate::operation::INIT_PAYMENT_PATH)
    }
}

/// Joins `path` onto `base_url` after checking the scheme: https, or http for loopback only.
pub(crate) fn endpoint(base_url: &str, path: &str) -> Result<Url> {
    let bad = |why: String| Error::validation("base_url", why);
    let mut base =
        Url::parse(base_url).map_err(|e| bad(format!("{base_url:?} is not a URL ({e})")))?;
    if base.cannot_be_a_base() || base.host().is_none() {
        return Err(bad(format!("{base_url:?} is not an http(s) URL")));
    }
    if !base.username().is_empty() || base.password().is_some() {
        return Err(bad("must not contain credentials".to_owned()));
    }
    match base.scheme() {
        "https" => {}
        "http" if is_loopback(base.host()) => {}
        "http" => {
            return Err(bad(
                "plain http is only allowed for loopback hosts (the emulator): use https"
                    .to_owned(),
            ));
        }
        other => return Err(bad(format!("scheme {other}: is not supported: use https"))),
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(bad("must not have a query or fragment".to_owned()));
    }
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.join(path)
        .map_err(|e| bad(format!("cannot be joined with {path} ({e})")))
}

/// Whether `base_url` names a loopback host (the emulator, over http or its own TLS).
pub(crate) fn base_is_loopback(base_url: &str) -> bool {
    Url::parse(base_url).is_ok_and(|u| is_loopback(u.host()))
}

fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => crate::validate::is_localhost(d),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let c = ClientConfig::new("APIKEY-123456", "445160").secret_key("SECRET-987");
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("APIKEY-123456") && !dbg.contains("SECRET-987"),
            "{dbg}"
        );
        assert!(dbg.contains("445160"));
        assert_eq!(c.api_key.to_string(), "***");
    }

    #[test]
    fn endpoints_join_and_http_is_loopback_only() {
        let ok = |u: &str| endpoint(u, "v2/payment").expect(u).to_string();
        assert_eq!(
            ok(DEFAULT_BASE_URL),
            "https://api-checkout.cinetpay.com/v2/payment"
        );
        assert_eq!(
            ok("http://127.0.0.1:9000"),
            "http://127.0.0.1:9000/v2/payment"
        );
        assert_eq!(ok("http://[::1]:9000/"), "http://[::1]:9000/v2/payment");
        assert_eq!(
            ok("http://localhost:9000/prefix"),
            "http://localhost:9000/prefix/v2/payment"
        );
        for bad in [
            "http://api-checkout.cinetpay.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "127.0.0.1:9000",
            "https://user:pw@host.example",
            "https://host.example/?x=1",
        ] {
            let e = endpoint(bad, "v2/payment").expect_err(bad);
            assert_eq!(e.field(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn config_rules_name_the_field() {
        let field = |c: ClientConfig| c.validate().expect_err("bad").field().map(str::to_owned);
        assert_eq!(
            field(ClientConfig::new("", "1")).as_deref(),
            Some("api_key")
        );
        assert_eq!(
            field(ClientConfig::new("k", " ")).as_deref(),
            Some("site_id")
        );
        assert_eq!(
            field(ClientConfig::new("k", "1").max_retries(11)).as_deref(),
            Some("max_retries")
        );
        assert_eq!(
            field(ClientConfig::new("k", "1").timeout(Duration::ZERO)).as_deref(),
            Some("timeout")
        );
        assert_eq!(
            field(ClientConfig::new("k", "1").app_info("a\nb")).as_deref(),
            Some("app_info")
        );
    }

    #[test]
    fn from_lookup_reads_the_cinetpay_variables() {
        let env = |name: &str| match name {
            "CINETPAY_API_KEY" => Some("k".to_owned()),
            "CINETPAY_SITE_ID" => Some("445160".to_owned()),
            "CINETPAY_BASE_URL" => Some("http://127.0.0.1:1".to_owned()),
            _ => None,
        };
        let c = ClientConfig::from_lookup(env).expect("env");
        assert_eq!(c.site_id, "445160");
        assert_eq!(c.base_url, "http://127.0.0.1:1");
        assert!(c.secret_key.is_none());
        let e = ClientConfig::from_lookup(|_| None).expect_err("empty env");
        assert_eq!(e.field(), Some("api_key"));
        assert!(e.message().contains("CINETPAY_API_KEY"));
    }
}
