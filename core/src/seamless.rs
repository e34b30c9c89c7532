//! Seamless checkout: what a merchant's page passes to CinetPay's browser SDK.
//!
//! CinetPay's docs offer a second integration besides the redirect to `payment_url`: the page
//! loads `https://cdn.cinetpay.com/seamless/main.js` and calls `CinetPay.setConfig({apikey,
//! site_id, notify_url, mode})` then `CinetPay.getCheckout({transaction_id, amount, currency,
//! channels, description, customer_*...})` (`shared/cinetpay-docs/000_a49b17d1c5364d29.txt`
//! L51-L118). The browser then talks to CinetPay directly, so a request the server never
//! checked fails in front of the customer. [`Client::seamless_checkout`] applies the
//! initialisation's rules on the server and returns both objects, ready to embed in the page.
//!
//! Nothing is sent and nothing is recorded: as for a redirect, the merchant stores the order
//! under its `transaction_id` before showing the page, and learns the outcome from the signed
//! notification and `check_payment`, never from the page's `waitResponse` callback (a customer
//! can call that callback from the browser console).
//!
//! Security trade-off, by CinetPay's design: `setConfig` takes the `apikey`, so it is visible in
//! the page's source. The secret key never is. This is why the notification's `x-token` is
//! signed with the secret key alone, and why the server must verify it and check the payment.

use serde_json::{Map, Value, json};

use crate::config::Secret;
use crate::error::Result;

/// CinetPay's Seamless script (docs L56).
pub const PRODUCTION_SCRIPT_URL: &str = "https://cdn.cinetpay.com/seamless/main.js";

/// The path of the emulator's stand-in for that script, under the client's `base_url`.
pub const EMULATOR_SCRIPT_PATH: &str = "seamless/main.js";

/// The `mode` a page passes to `CinetPay.setConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeamlessMode {
    /// CinetPay's own service (the docs' example: `mode: 'PRODUCTION'`).
    Production,
    /// The emulator (the client's `base_url` is a loopback host). Not one of CinetPay's modes
    /// (its docs show only `PRODUCTION`): with CinetPay's script, a page holding the emulator's
    /// settings (an apikey CinetPay does not know, this mode) is expected to fail rather than
    /// charge anyone.
    Emulator,
}

impl SeamlessMode {
    /// The mode for a client whose API base URL is `base_url`: the emulator for a loopback host
    /// (over http, or https with the emulator's own certificates), CinetPay otherwise (a proxy
    /// in front of CinetPay is still production).
    pub fn for_base_url(base_url: &str) -> SeamlessMode {
        if crate::config::base_is_loopback(base_url) {
            SeamlessMode::Emulator
        } else {
            SeamlessMode::Production
        }
    }

    /// `PRODUCTION` or `EMULATOR`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeamlessMode::Production => "PRODUCTION",
            SeamlessMode::Emulator => "EMULATOR",
        }
    }
}

/// The object a page passes to `CinetPay.setConfig`. Its `Debug` output masks the apikey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeamlessConfig {
    /// The client's apikey: the page needs it, and so it is public (see the module's docs).
    pub apikey: Secret,
    /// The client's site_id.
    pub site_id: String,
    /// Where CinetPay sends the signed notification.
    pub notify_url: String,
    /// Production, or the emulator.
    pub mode: SeamlessMode,
}

/// What a page needs for a Seamless checkout, made by [`Client::seamless_checkout`].
///
/// [`SeamlessCheckout::to_json`] gives it with CinetPay's field names; `Debug` masks the apikey.
#[derive(Debug, Clone, PartialEq)]
pub struct SeamlessCheckout {
    /// The script the page loads: CinetPay's, or the emulator's stand-in. A page that takes it
    /// from here runs unchanged in production and offline.
    pub script_url: String,
    /// The object for `CinetPay.setConfig`.
    pub set_config: SeamlessConfig,
    /// The object for `CinetPay.getCheckout`: the validated request with CinetPay's names,
    /// normalised as for initialisation (currency upper case, absent fields left out), without
    /// the keys `setConfig` carries.
    pub get_checkout: Map<String, Value>,
}

impl SeamlessCheckout {
    /// `{script_url, set_config: {apikey, site_id, notify_url, mode}, get_checkout: {...}}`.
    /// It contains the apikey, as the page does: embed it in the page, do not log it.
    pub fn to_json(&self) -> Value {
        json!({
            "script_url": self.script_url,
            "set_config": {
                "apikey": self.set_config.apikey.expose(),
                "site_id": self.set_config.site_id,
                "notify_url": self.set_config.notify_url,
                "mode": self.set_config.mode.as_str(),
            },
            "get_checkout": self.get_checkout,
        })
    }
}

/// Where a client's Seamless pages load the script from: decided once per client, from its
/// `base_url`.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    mode: SeamlessMode,
    url: String,
}

impl Script {
    /// CinetPay's script, or the emulator's stand-in under a loopback `base_url`.
    pub(crate) fn for_base_url(base_url: &str) -> Result<Script> {
        let mode = SeamlessMode::for_base_url(base_url);
        let url = match mode {
            SeamlessMode::Production => PRODUCTION_SCRIPT_URL.to_owned(),
            SeamlessMode::Emulator => {
                crate::config::endpoint(base_url, EMULATOR_SCRIPT_PATH)?.to_string()
            }
        };
        Ok(Script { mode, url })
    }
}

/// Builds the checkout for a request that passed the Seamless rules.
pub(crate) fn checkout(
    request: &crate::PaymentRequest,
    api_key: &Secret,
    site_id: &str,
    script: &Script,
) -> SeamlessCheckout {
    // The wire form of initialisation, so that both integrations normalise alike.
    let mut get_checkout = request.to_wire_map("", "");
    for key in ["apikey", "site_id", "notify_url"] {
        get_checkout.shift_remove(key);
    }
    if request.return_url.trim().is_empty() {
        get_checkout.shift_remove("return_url");
    }
    SeamlessCheckout {
        script_url: script.url.clone(),
        set_config: SeamlessConfig {
            apikey: api_key.clone(),
            site_id: site_id.to_owned(),
            notify_url: request.notify_url.clone(),
            mode: script.mode,
        },
        get_checkout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(base_url: &str) -> Script {
        Script::for_base_url(base_url).expect("a valid base_url")
    }

    #[test]
    fn the_mode_follows_the_base_url() {
        for (url, mode) in [
            (
                "https://api-checkout.cinetpay.com",
                SeamlessMode::Production,
            ),
            (
                "https://proxy.shop.example/cinetpay",
                SeamlessMode::Production,
            ),
            ("http://127.0.0.1:9000", SeamlessMode::Emulator),
            ("https://127.0.0.1:9443", SeamlessMode::Emulator),
            ("http://[::1]:9000", SeamlessMode::Emulator),
            ("http://localhost:9000/prefix", SeamlessMode::Emulator),
        ] {
            assert_eq!(SeamlessMode::for_base_url(url), mode, "{url}");
        }
    }

    #[test]
    fn the_checkout_leaves_the_config_keys_to_set_config() {
        let request = crate::PaymentRequest::new("T1", 100, crate::Currency::Xof, "Order 1")
            .notify_url("https://shop.example/n");
        let key = Secret::from("KEY-123".to_owned());
        let c = checkout(
            &request,
            &key,
            "445160",
            &script("http://127.0.0.1:9000/base"),
        );
        assert_eq!(c.script_url, "http://127.0.0.1:9000/base/seamless/main.js");
        assert_eq!(c.set_config.mode, SeamlessMode::Emulator);
        let keys: Vec<&str> = c.get_checkout.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "transaction_id",
                "amount",
                "currency",
                "description",
                "channels"
            ]
        );
        assert!(!format!("{c:?}").contains("KEY-123"));
        assert_eq!(c.to_json()["set_config"]["apikey"], "KEY-123");
        let c = checkout(&request, &key, "445160", &script(crate::DEFAULT_BASE_URL));
        assert_eq!(c.script_url, PRODUCTION_SCRIPT_URL);
        assert_eq!(c.to_json()["set_config"]["mode"], "PRODUCTION");
    }
}
