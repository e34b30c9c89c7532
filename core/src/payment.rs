//! The payment initialisation request (`POST /v2/payment`) and its result.
//!
//! Field names are CinetPay's own, so the docs' tables read straight onto this type.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::validate;

macro_rules! string_enum {
    (
        $(#[$meta:meta])* $name:ident, $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every accepted value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Parses any letter case; the error is a validation error on the field.
        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        Error::validation(
                            $field,
                            format!("{:?} is not accepted: use one of {}", s, allowed.join(", ")),
                        )
                    })
            }
        }
    };
}

string_enum! {
    /// A currency CinetPay accepts (`currency`). Your account accepts only some of them.
    Currency, "currency" {
        /// West African CFA franc (Côte d'Ivoire, Sénégal, Burkina Faso, Mali, Togo, Bénin, Niger).
        Xof => "XOF",
        /// Central African CFA franc (Cameroun).
        Xaf => "XAF",
        /// Congolese franc (RD Congo).
        Cdf => "CDF",
        /// Guinean franc (Guinée).
        Gnf => "GNF",
        /// US dollar.
        Usd => "USD",
    }
}

string_enum! {
    /// Which payment universes the checkout page offers (`channels`).
    #[derive(Default)]
    Channels, "channels" {
        /// Every universe enabled on the account (the default).
        #[default]
        All => "ALL",
        /// Mobile money only.
        MobileMoney => "MOBILE_MONEY",
        /// Bank cards only: requires the customer fields (see [`PaymentRequest::validate`]).
        CreditCard => "CREDIT_CARD",
        /// Wallets only.
        Wallet => "WALLET",
    }
}

string_enum! {
    /// The checkout page's language (`lang`).
    Lang, "lang" {
        /// French.
        Fr => "fr",
        /// English.
        En => "en",
    }
}

/// Up to three label/value pairs shown on CinetPay's invoice (`invoice_data`), in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceData(Vec<(String, String)>);

impl InvoiceData {
    /// An empty set of entries.
    pub fn new() -> Self {
        InvoiceData(Vec::new())
    }

    /// Appends an entry (validation refuses more than three, and duplicate labels).
    pub fn insert(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.0.push((label.into(), value.into()));
        self
    }

    /// The entries, in insertion order.
    pub fn entries(&self) -> &[(String, String)] {
        &self.0
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for InvoiceData {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        InvoiceData(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl Serialize for InvoiceData {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A payment initialisation: everything CinetPay's `/v2/payment` takes except `apikey` and
/// `site_id`, which come from the [`Client`](crate::Client).
///
/// Build it with [`PaymentRequest::new`] and the chainable setters, or set the public fields
/// directly. [`PaymentRequest::validate`] runs every local rule; the client calls it before
/// sending anything.
///
/// ```
/// use cinetpay::{Channels, Currency, PaymentRequest};
///
/// let request = PaymentRequest::new("ORDER-1", 100, Currency::Xof, "Order 1")
///     .notify_url("https://shop.example/notify")
///     .return_url("https://shop.example/return")
///     .channels(Channels::MobileMoney)
///     .metadata("order=1");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Your unique id for this payment; CinetPay refuses an id it has already seen.
    pub transaction_id: String,
    /// The amount, in units of `currency`: a positive multiple of 5.
    pub amount: i64,
    /// The currency; it must be one your account accepts.
    pub currency: Currency,
    /// Shown to the customer; must not contain `#`, `/`, `$`, `_` or `&`.
    pub description: String,
    /// Where CinetPay POSTs the payment notification (absolute http(s) URL, not `localhost`).
    pub notify_url: String,
    /// Where the customer is sent back after paying (absolute http(s) URL, not `localhost`).
    pub return_url: String,
    /// Which payment universes the checkout page offers (default [`Channels::All`]).
    pub channels: Channels,
    /// The checkout page's language.
    pub lang: Option<Lang>,
    /// Anything you need to find the order again (sent back in the notification as `cpm_custom`).
    pub metadata: Option<String>,
    /// Up to three label/value pairs shown on the invoice.
    pub invoice_data: Option<InvoiceData>,
    /// Pre-fill and lock the paying number; requires `customer_phone_number`.
    pub lock_phone_number: Option<bool>,
    /// A currency to show the amount in as well (three letters, e.g. `EUR`).
    pub alternative_currency: Option<String>,
    /// Your id for the customer.
    pub customer_id: Option<String>,
    /// Customer's last name (required for card payments).
    pub customer_name: Option<String>,
    /// Customer's first name (required for card payments).
    pub customer_surname: Option<String>,
    /// Customer's phone number, digits with an optional leading `+` (required for card payments).
    pub customer_phone_number: Option<String>,
    /// Customer's e-mail (required for card payments).
    pub customer_email: Option<String>,
    /// Customer's address (required for card payments).
    pub customer_address: Option<String>,
    /// Customer's city (required for card payments).
    pub customer_city: Option<String>,
    /// Customer's country, ISO 3166-1 alpha-2 such as `CI` (required for card payments).
    pub customer_country: Option<String>,
    /// Customer's state (required for card payments).
    pub customer_state: Option<String>,
    /// Customer's postal code (required for card payments).
    pub customer_zip_code: Option<String>,
}

macro_rules! setters {
    ($( $(#[$meta:meta])* $name:ident : $ty:ty ),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[must_use]
            pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                self.$name = Some(value.into());
                self
            }
        )+
    };
}

impl PaymentRequest {
    /// A request with the four fields that have no default; set `notify_url` and `return_url`
    /// next (validation reports them missing otherwise).
    pub fn new(
        transaction_id: impl Into<String>,
        amount: i64,
        currency: Currency,
        description: impl Into<String>,
    ) -> Self {
        PaymentRequest {
            transaction_id: transaction_id.into(),
            amount,
            currency,
            description: description.into(),
            notify_url: String::new(),
            return_url: String::new(),
            channels: Channels::All,
            lang: None,
            metadata: None,
            invoice_data: None,
            lock_phone_number: None,
            alternative_currency: None,
            customer_id: None,
            customer_name: None,
            customer_surname: None,
            customer_phone_number: None,
            customer_email: None,
            customer_address: None,
            customer_city: None,
            customer_country: None,
            customer_state: None,
            customer_zip_code: None,
        }
    }

    /// Sets `notify_url`.
    #[must_use]
    pub fn notify_url(mut self, url: impl Into<String>) -> Self {
        self.notify_url = url.into();
        self
    }

    /// Sets `return_url`.
    #[must_use]
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = url.into();
        self
    }

    /// Sets `channels`.
    #[must_use]
    pub fn channels(mut self, channels: Channels) -> Self {
        self.channels = channels;
        self
    }

    setters! {
        /// Sets `lang`.
        lang: Lang,
        /// Sets `metadata`.
        metadata: String,
        /// Sets `invoice_data`.
        invoice_data: InvoiceData,
        /// Sets `lock_phone_number`.
        lock_phone_number: bool,
        /// Sets `alternative_currency`.
        alternative_currency: String,
        /// Sets `customer_id`.
        customer_id: String,
        /// Sets `customer_name` (last name).
        customer_name: String,
        /// Sets `customer_surname` (first name).
        customer_surname: String,
        /// Sets `customer_phone_number`.
        customer_phone_number: String,
        /// Sets `customer_email`.
        customer_email: String,
        /// Sets `customer_address`.
        customer_address: String,
        /// Sets `customer_city`.
        customer_city: String,
        /// Sets `customer_country`.
        customer_country: String,
        /// Sets `customer_state`.
        customer_state: String,
        /// Sets `customer_zip_code`.
        customer_zip_code: String,
    }

    /// Runs every local rule; the first failure is a [`validation_error`](crate::ErrorCode)
    /// naming the field and the fix. See [`crate::validate`] for the rules and the limits.
    pub fn validate(&self) -> Result<()> {
        validate::payment_request(self)
    }

    /// The exact JSON body the client POSTs, with `apikey` and `site_id` added. Absent optional
    /// fields are omitted; `currency` and `alternative_currency` go upper case, `lang` and
    /// nothing else lower case. The body contains the api key: never log it.
    ///
    /// This does not validate; call [`PaymentRequest::validate`] first.
    pub fn to_json(&self, api_key: &str, site_id: &str) -> Vec<u8> {
        // Serialising plain strings, integers and a string map into a Vec cannot fail.
        serde_json::to_vec(&self.wire(api_key, site_id)).unwrap_or_default()
    }

    /// The body of [`PaymentRequest::to_json`] as a JSON object, keys in the same order.
    pub(crate) fn to_wire_map(
        &self,
        api_key: &str,
        site_id: &str,
    ) -> serde_json::Map<String, Value> {
        match serde_json::to_value(self.wire(api_key, site_id)) {
            Ok(Value::Object(map)) => map,
            // A struct of plain strings, integers and a string map is always an object.
            _ => serde_json::Map::new(),
        }
    }

    fn wire<'a>(&'a self, api_key: &'a str, site_id: &'a str) -> Wire<'a> {
        let upper = |s: &Option<String>| s.as_deref().map(str::to_ascii_uppercase);
        Wire {
            apikey: api_key,
            site_id,
            transaction_id: &self.transaction_id,
            amount: self.amount,
            currency: self.currency.as_str(),
            description: &self.description,
            notify_url: &self.notify_url,
            return_url: &self.return_url,
            channels: self.channels.as_str(),
            lang: self.lang.map(Lang::as_str),
            metadata: self.metadata.as_deref(),
            invoice_data: self.invoice_data.as_ref(),
            lock_phone_number: self.lock_phone_number,
            alternative_currency: upper(&self.alternative_currency),
            customer_id: self.customer_id.as_deref(),
            customer_name: self.customer_name.as_deref(),
            customer_surname: self.customer_surname.as_deref(),
            customer_phone_number: self.customer_phone_number.as_deref(),
            customer_email: self.customer_email.as_deref(),
            customer_address: self.customer_address.as_deref(),
            customer_city: self.customer_city.as_deref(),
            customer_country: upper(&self.customer_country),
            customer_state: self.customer_state.as_deref(),
            customer_zip_code: self.customer_zip_code.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Wire<'a> {
    apikey: &'a str,
    site_id: &'a str,
    transaction_id: &'a str,
    amount: i64,
    currency: &'static str,
    description: &'a str,
    notify_url: &'a str,
    return_url: &'a str,
    channels: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_data: Option<&'a InvoiceData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_phone_number: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternative_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_surname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_zip_code: Option<&'a str>,
}

/// A created payment: send the customer to `payment_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    /// CinetPay's token for this payment (also the last segment of `payment_url`).
    pub payment_token: String,
    /// The hosted checkout page to redirect the customer to.
    pub payment_url: String,
    /// CinetPay's id for this API response; quote it to CinetPay support.
    pub api_response_id: Option<String>,
}
