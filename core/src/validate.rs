//! The local rules a [`PaymentRequest`] must meet before it is sent.
//!
//! Every rule cites CinetPay's documentation (the parameter and error tables of the payment
//! initialisation page, `shared/cinetpay-docs/000_a49b17d1c5364d29.txt`, lines given as "docs
//! L..") or is a limit the SDK adds and documents in the README, set far above anything a real
//! payment sends. Nothing a customer can type into a form is refused unless the docs require it:
//! such refusals would only surface in production.
//!
//! From the docs:
//! - `transaction_id`, `description`, `notify_url`, `return_url` required (docs L11, L17-L22);
//! - `amount` a positive integer, multiple of 5 (docs L13-L14);
//! - `description` without `#`, `/`, `$`, `_`, `&`: the docs ask for this "pour un meilleur
//!   fonctionnement" (docs L18), so the SDK keeps the request back rather than risk it;
//! - `notify_url`, `return_url` absolute http(s) URLs whose host is not `localhost`
//!   ("Page 400 accès interdit", docs L227: use `127.0.0.1`);
//! - `invoice_data` at most 3 entries (docs L27);
//! - `lock_phone_number: true` needs a `customer_phone_number` (docs L28: "Il s'utilise
//!   toujours avec le paramètre customer_phone_number"), and error 624 (docs L222) fails the
//!   payment when that number "est incorrect". The docs give no format, so the SDK's own choice
//!   is the form of the docs' example (digits with an optional `+`); without the lock, any
//!   phone text is sent as given;
//! - `channels: CREDIT_CARD` needs every customer field (docs L29-L50), `customer_country` an
//!   ISO 3166-1 alpha-2 code (docs L45-L46).
//!
//! Limits the SDK adds (README, "Validation rules"), because CinetPay publishes none and an
//! unbounded field would only fail later, on the server, with a vaguer error:
//! - `transaction_id` at most [`MAX_TRANSACTION_ID_CHARS`] characters;
//! - `description`, `metadata` and the URLs at most [`MAX_TEXT_CHARS`] characters;
//! - customer fields, `invoice_data` labels and values at most [`MAX_FIELD_CHARS`] characters;
//! - no control characters other than tab, line feed and carriage return (a NUL or an escape
//!   sequence is never part of a real name or address; a multi-line address is, and so is
//!   pretty-printed JSON in `metadata`);
//! - `alternative_currency`, when non-empty: three ASCII letters.
//!
//! Not enforced, on purpose: a format for `customer_email` or for `customer_phone_number` without
//! the lock (the docs give none); the "size" column's 2 characters for `customer_state` and 5 for
//! `customer_zip_code` (the docs' own example sends the 6-character zip code `065100`); and a
//! minimum amount (documented only for the Android SDK, 100 XOF).

use url::{Host, Url};

use crate::error::{Error, Result};
use crate::payment::{Channels, PaymentRequest};

/// The longest `transaction_id` the SDK sends.
pub const MAX_TRANSACTION_ID_CHARS: usize = 100;
/// The longest `description` or `metadata` the SDK sends.
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest customer field or `invoice_data` entry the SDK sends.
pub const MAX_FIELD_CHARS: usize = 255;
/// The most `invoice_data` entries CinetPay shows.
pub const MAX_INVOICE_ENTRIES: usize = 3;
/// Characters CinetPay's docs say not to put in `description`.
pub const DESCRIPTION_FORBIDDEN: &[char] = &['#', '/', '$', '_', '&'];

/// The customer fields `channels: CREDIT_CARD` requires, in the docs' order.
pub const CARD_REQUIRED_FIELDS: &[&str] = &[
    "customer_name",
    "customer_surname",
    "customer_phone_number",
    "customer_email",
    "customer_address",
    "customer_city",
    "customer_country",
    "customer_state",
    "customer_zip_code",
];

pub(crate) fn payment_request(r: &PaymentRequest) -> Result<()> {
    fields(r, true)
}

/// The rules of a Seamless checkout: the initialisation's, with `return_url` checked only when
/// given (the docs' Seamless example sends none, docs L70-L92).
pub(crate) fn seamless_request(r: &PaymentRequest) -> Result<()> {
    fields(r, false)
}

fn fields(r: &PaymentRequest, return_url_required: bool) -> Result<()> {
    required_text(
        "transaction_id",
        &r.transaction_id,
        MAX_TRANSACTION_ID_CHARS,
    )?;
    single_line("transaction_id", &r.transaction_id)?;
    amount(r.amount)?;
    description(&r.description)?;
    callback_url("notify_url", &r.notify_url)?;
    // Blank counts as absent where it is optional, as `null` does.
    if return_url_required || !r.return_url.trim().is_empty() {
        callback_url("return_url", &r.return_url)?;
    }
    if let Some(m) = &r.metadata {
        text("metadata", m, MAX_TEXT_CHARS)?;
    }
    if let Some(inv) = &r.invoice_data {
        invoice_data(inv.entries())?;
    }
    if let Some(alt) = r.alternative_currency.as_deref().filter(|s| !s.is_empty()) {
        if alt.len() != 3 || !alt.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::validation(
                "alternative_currency",
                format!(
                    "{alt:?} is not a currency code: use three letters such as EUR, or leave it out"
                ),
            ));
        }
    }
    for (name, value) in customer_fields(r) {
        if let Some(v) = value {
            text(name, v, MAX_FIELD_CHARS)?;
        }
    }
    if let Some(country) = given(&r.customer_country) {
        country_code(country)?;
    }
    if r.lock_phone_number == Some(true) {
        // Docs L28 and error 624 (L222): a locked number CinetPay cannot use fails the payment.
        match given(&r.customer_phone_number) {
            Some(phone) => locked_phone_number(phone)?,
            None => {
                return Err(Error::validation(
                    "customer_phone_number",
                    "lock_phone_number is true, which needs the number to lock: set \
                     customer_phone_number (e.g. +2250707070707) or set lock_phone_number to false",
                ));
            }
        }
    }
    if r.channels == Channels::CreditCard {
        let missing: Vec<&str> = customer_fields(r)
            .filter(|(name, value)| {
                CARD_REQUIRED_FIELDS.contains(name) && value.is_none_or(|v| v.trim().is_empty())
            })
            .map(|(name, _)| name)
            .collect();
        if let Some(first) = missing.first() {
            return Err(Error::validation(
                *first,
                format!(
                    "channels CREDIT_CARD needs the customer's details; missing: {}. Add them, or \
                     use channels ALL to let the customer choose",
                    missing.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn customer_fields(r: &PaymentRequest) -> impl Iterator<Item = (&'static str, Option<&str>)> {
    [
        ("customer_id", &r.customer_id),
        ("customer_name", &r.customer_name),
        ("customer_surname", &r.customer_surname),
        ("customer_phone_number", &r.customer_phone_number),
        ("customer_email", &r.customer_email),
        ("customer_address", &r.customer_address),
        ("customer_city", &r.customer_city),
        ("customer_country", &r.customer_country),
        ("customer_state", &r.customer_state),
        ("customer_zip_code", &r.customer_zip_code),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.as_deref()))
}

/// An optional text that counts as given: present and not blank (CinetPay's own SDK treats an
/// empty string as absent).
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

fn required_text(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            "is required and must not be blank",
        ));
    }
    text(field, value, max)
}

fn text(field: &str, value: &str, max: usize) -> Result<()> {
    // Count lazily: a 10 MB string must not be walked twice before it is refused.
    if value.len() > max && value.chars().nth(max).is_some() {
        return Err(Error::validation(
            field,
            format!(
                "is {} characters long; the limit is {max}: shorten it",
                value.chars().count()
            ),
        ));
    }
    // Tabs and line breaks are text people type (a multi-line address, pretty-printed JSON).
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(Error::validation(
            field,
            format!("contains the control character {c:?}: remove it"),
        ));
    }
    Ok(())
}

/// Identifiers and URLs are one line: a line break there is a bug in the caller, never input.
fn single_line(field: &str, value: &str) -> Result<()> {
    match value.chars().find(|c| matches!(c, '\t' | '\n' | '\r')) {
        Some(c) => Err(Error::validation(
            field,
            format!("contains the control character {c:?}: it must be a single line"),
        )),
        None => Ok(()),
    }
}

fn amount(amount: i64) -> Result<()> {
    if amount <= 0 {
        return Err(Error::validation(
            "amount",
            format!("must be a positive integer (got {amount})"),
        ));
    }
    if amount % 5 != 0 {
        let below = amount - amount % 5;
        let below = if below == 0 {
            String::new()
        } else {
            format!("{below} or ")
        };
        return Err(Error::validation(
            "amount",
            format!(
                "must be a multiple of 5 (got {amount}): use {below}{}",
                amount - amount % 5 + 5
            ),
        ));
    }
    Ok(())
}

fn description(value: &str) -> Result<()> {
    required_text("description", value, MAX_TEXT_CHARS)?;
    let mut found: Vec<char> = Vec::new();
    for c in value.chars().filter(|c| DESCRIPTION_FORBIDDEN.contains(c)) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    if !found.is_empty() {
        let list: Vec<String> = found.iter().map(|c| format!("'{c}'")).collect();
        return Err(Error::validation(
            "description",
            format!(
                "contains {}: CinetPay's docs ask not to put # / $ _ & in description \
                 (\"pour un meilleur fonctionnement\", for it to work properly): remove or \
                 replace them",
                list.join(", ")
            ),
        ));
    }
    Ok(())
}

thread_local! {
    /// The last callback URLs this thread accepted. A shop sends the same `notify_url` and
    /// `return_url` with every payment, and whether a URL is accepted depends on its text alone,
    /// so parsing it once per thread is enough (a parse is a sizeable share of a call's own
    /// time: BENCHMARKS.md).
    static ACCEPTED_URLS: std::cell::RefCell<[String; 2]> = const {
        std::cell::RefCell::new([String::new(), String::new()])
    };
}

fn callback_url(field: &str, value: &str) -> Result<()> {
    let seen = |urls: &[String; 2]| !value.is_empty() && urls.iter().any(|u| u == value);
    if ACCEPTED_URLS.try_with(|cell| cell.try_borrow().is_ok_and(|u| seen(&u))) == Ok(true) {
        return Ok(());
    }
    parse_callback_url(field, value)?;
    let _ = ACCEPTED_URLS.try_with(|cell| {
        if let Ok(mut urls) = cell.try_borrow_mut() {
            // The older of the two makes room.
            urls.swap(0, 1);
            value.clone_into(&mut urls[0]);
        }
    });
    Ok(())
}

fn parse_callback_url(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            "is required: give an absolute URL such as https://shop.example/cinetpay",
        ));
    }
    text(field, value, MAX_TEXT_CHARS)?;
    // URL parsing drops tabs and line breaks silently, but the text is sent as given.
    single_line(field, value)?;
    let url = Url::parse(value).map_err(|e| {
        Error::validation(
            field,
            format!(
                "{value:?} is not an absolute URL ({e}): use e.g. https://shop.example/cinetpay"
            ),
        )
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::validation(
            field,
            format!("must be an http or https URL, not {}:", url.scheme()),
        ));
    }
    match url.host() {
        None => Err(Error::validation(
            field,
            "has no host: use e.g. https://shop.example/cinetpay",
        )),
        Some(Host::Domain(d)) if is_localhost(d) => Err(Error::validation(
            field,
            "uses localhost, which CinetPay refuses (the \"Page 400 accès interdit\" error): use \
             your server's IP address instead, e.g. http://127.0.0.1",
        )),
        Some(_) => Ok(()),
    }
}

pub(crate) fn is_localhost(domain: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost")
}

fn invoice_data(entries: &[(String, String)]) -> Result<()> {
    if entries.len() > MAX_INVOICE_ENTRIES {
        return Err(Error::validation(
            "invoice_data",
            format!(
                "has {} entries; CinetPay shows at most {MAX_INVOICE_ENTRIES}: keep three",
                entries.len()
            ),
        ));
    }
    for (i, (label, value)) in entries.iter().enumerate() {
        if label.trim().is_empty() {
            return Err(Error::validation(
                "invoice_data",
                "has an entry with a blank label",
            ));
        }
        if entries[..i].iter().any(|(l, _)| l == label) {
            return Err(Error::validation(
                "invoice_data",
                format!("has the label {label:?} twice: labels must be unique"),
            ));
        }
        text("invoice_data", label, MAX_FIELD_CHARS)?;
        text("invoice_data", value, MAX_FIELD_CHARS)?;
    }
    Ok(())
}

/// The number `lock_phone_number` locks: digits with an optional leading `+`, the form of the
/// docs' own example (`+2250504315545`). The docs give no other form, and a number CinetPay cannot
/// use fails the payment (624), so spaces or dots are refused here, with the fix, rather than
/// there.
fn locked_phone_number(phone: &str) -> Result<()> {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    if !(4..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            "customer_phone_number",
            format!(
                "{phone:?} cannot be locked: with lock_phone_number true, CinetPay needs digits \
                 with an optional leading + (e.g. +2250504315545), or it fails the payment with \
                 error 624; remove spaces and other characters, or set lock_phone_number to false"
            ),
        ));
    }
    Ok(())
}

fn country_code(country: &str) -> Result<()> {
    let upper = country.to_ascii_uppercase();
    if upper.len() != 2 || !ISO_3166_ALPHA2.contains(&upper.as_str()) {
        return Err(Error::validation(
            "customer_country",
            format!("{country:?} is not an ISO 3166-1 alpha-2 country code: use e.g. CI, SN, CM"),
        ));
    }
    Ok(())
}

/// ISO 3166-1 alpha-2 codes, sorted.
const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::{Currency, InvoiceData};

    fn base() -> PaymentRequest {
        PaymentRequest::new("ORDER-1", 100, Currency::Xof, "Order 1")
            .notify_url("https://shop.example/notify")
            .return_url("https://shop.example/return")
    }

    fn card() -> PaymentRequest {
        base()
            .channels(Channels::CreditCard)
            .customer_name("Doe")
            .customer_surname("John")
            .customer_phone_number("+2250707070707")
            .customer_email("john@example.com")
            .customer_address("Rue 12")
            .customer_city("Abidjan")
            .customer_country("ci")
            .customer_state("CI")
            .customer_zip_code("00225")
    }

    fn field_of(r: &PaymentRequest) -> String {
        let e = r.validate().expect_err("should fail");
        assert_eq!(e.code(), crate::ErrorCode::Validation);
        e.field().map(str::to_owned).unwrap_or_default()
    }

    fn msg_of(r: &PaymentRequest) -> String {
        r.validate().expect_err("should fail").message().to_owned()
    }

    #[test]
    fn a_plain_request_and_a_full_card_request_pass() {
        base().validate().expect("base");
        card().validate().expect("card");
    }

    #[test]
    fn iso_list_is_sorted_and_complete() {
        assert_eq!(ISO_3166_ALPHA2.len(), 249);
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn transaction_id_must_be_non_blank_and_bounded() {
        let mut r = base();
        r.transaction_id = "  ".into();
        assert_eq!(field_of(&r), "transaction_id");
        r.transaction_id = "x".repeat(MAX_TRANSACTION_ID_CHARS);
        r.validate().expect("at the limit");
        r.transaction_id.push('x');
        assert_eq!(field_of(&r), "transaction_id");
        r.transaction_id = "A\nB".into();
        assert!(msg_of(&r).contains("control character"));
    }

    #[test]
    fn amount_must_be_positive_multiple_of_five_with_the_fix() {
        let mut r = base();
        for bad in [0, -5, i64::MIN] {
            r.amount = bad;
            assert_eq!(field_of(&r), "amount");
            assert!(msg_of(&r).contains("positive"));
        }
        r.amount = 102;
        assert_eq!(
            msg_of(&r),
            "must be a multiple of 5 (got 102): use 100 or 105"
        );
        r.amount = 3;
        assert_eq!(msg_of(&r), "must be a multiple of 5 (got 3): use 5");
        r.amount = 5;
        r.validate().expect("5 is fine");
    }

    #[test]
    fn description_names_each_forbidden_character_once() {
        let mut r = base();
        r.description = "Order #1 / 50$ & tax_free #2".into();
        assert_eq!(field_of(&r), "description");
        assert!(
            msg_of(&r).starts_with("contains '#', '/', '$', '&', '_': CinetPay's docs ask"),
            "{}",
            msg_of(&r)
        );
        r.description = String::new();
        assert_eq!(field_of(&r), "description");
        r.description = "é".repeat(MAX_TEXT_CHARS + 1);
        assert!(msg_of(&r).contains("1001 characters"));
    }

    #[test]
    fn a_ten_megabyte_description_is_refused_quickly() {
        let mut r = base();
        r.description = "a".repeat(10 * 1024 * 1024);
        assert_eq!(field_of(&r), "description");
    }

    #[test]
    fn urls_must_be_absolute_http_and_not_localhost() {
        for (url, needle) in [
            ("", "is required"),
            ("shop.example/notify", "not an absolute URL"),
            ("ftp://shop.example/notify", "http or https"),
            ("http://localhost:8000/notify", "127.0.0.1"),
            ("https://LOCALHOST./notify", "127.0.0.1"),
            ("http://api.localhost/notify", "127.0.0.1"),
        ] {
            let r = base().notify_url(url);
            assert_eq!(field_of(&r), "notify_url", "{url}");
            assert!(msg_of(&r).contains(needle), "{url}: {}", msg_of(&r));
            let r = base().return_url(url);
            assert_eq!(field_of(&r), "return_url", "{url}");
        }
        base()
            .notify_url("http://127.0.0.1:8000/notify")
            .validate()
            .expect("loopback IP is the documented fix");
        base()
            .notify_url("http://localhost.example.com/n")
            .validate()
            .expect("not localhost");
    }

    #[test]
    fn an_accepted_url_is_remembered_by_its_exact_text_only() {
        let good = "https://shop.example/notify";
        for _ in 0..3 {
            base()
                .notify_url(good)
                .return_url(good)
                .validate()
                .expect("good");
        }
        for bad in [
            "https://shop.example/notify\n",
            "https://shop.example/notify\t",
            "http://localhost/notify",
        ] {
            // Refused each time, right after the good one was accepted (and remembered).
            for _ in 0..2 {
                base().notify_url(good).validate().expect("good");
                assert_eq!(field_of(&base().notify_url(bad)), "notify_url", "{bad:?}");
                assert_eq!(field_of(&base().return_url(bad)), "return_url", "{bad:?}");
            }
        }
    }

    #[test]
    fn invoice_data_has_at_most_three_unique_entries() {
        let four: InvoiceData = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]
            .into_iter()
            .collect();
        let r = base().invoice_data(four);
        assert_eq!(field_of(&r), "invoice_data");
        assert!(msg_of(&r).contains("4 entries"));
        let dup: InvoiceData = [("a", "1"), ("a", "2")].into_iter().collect();
        assert!(msg_of(&base().invoice_data(dup)).contains("twice"));
        let three: InvoiceData = [("a", ""), ("b", ""), ("c", "")].into_iter().collect();
        base()
            .invoice_data(three)
            .validate()
            .expect("three empty values, as in the docs");
    }

    #[test]
    fn lock_phone_number_needs_customer_phone_number() {
        let r = base().lock_phone_number(true);
        assert_eq!(field_of(&r), "customer_phone_number");
        assert!(msg_of(&r).contains("lock_phone_number"));
        let r = base().lock_phone_number(true).customer_phone_number(" ");
        assert_eq!(field_of(&r), "customer_phone_number");
        base()
            .lock_phone_number(true)
            .customer_phone_number("+2250504315545")
            .validate()
            .expect("documented example");
        base()
            .lock_phone_number(false)
            .validate()
            .expect("false needs nothing");
    }

    #[test]
    fn credit_card_lists_every_missing_customer_field() {
        let r = base().channels(Channels::CreditCard);
        assert_eq!(field_of(&r), "customer_name");
        let msg = msg_of(&r);
        for f in CARD_REQUIRED_FIELDS {
            assert!(msg.contains(f), "{f} not in {msg}");
        }
        let mut r = card();
        r.customer_zip_code = Some(String::new());
        assert_eq!(field_of(&r), "customer_zip_code");
        assert!(!msg_of(&r).contains("customer_name"));
    }

    #[test]
    fn customer_formats_are_checked_only_where_the_docs_give_one() {
        assert_eq!(
            field_of(&card().customer_country("CIV")),
            "customer_country"
        );
        assert_eq!(field_of(&card().customer_country("XX")), "customer_country");
        assert_eq!(
            field_of(&card().customer_name("x".repeat(256))),
            "customer_name"
        );
        // The docs give no format for e-mail addresses, nor for phone numbers unless locked.
        card()
            .customer_email("john at example")
            .customer_phone_number("07 07 07 07 07 (bureau)")
            .validate()
            .expect("sent as typed");
        base()
            .customer_email("")
            .validate()
            .expect("empty optional field counts as absent");
    }

    #[test]
    fn a_locked_phone_number_must_be_a_number() {
        let locked = |phone: &str| base().lock_phone_number(true).customer_phone_number(phone);
        for bad in ["07 07 07 (bureau)", "07 07 07 07 07", "appelez-moi", "+"] {
            assert_eq!(field_of(&locked(bad)), "customer_phone_number", "{bad}");
            assert!(msg_of(&locked(bad)).contains("624"), "{bad}");
        }
        for ok in ["+2250504315545", "0707070707"] {
            locked(ok).validate().expect(ok);
        }
    }

    #[test]
    fn tabs_and_line_breaks_are_text_but_not_in_identifiers_or_urls() {
        base()
            .customer_address("Rue 12\r\nCocody\tAbidjan")
            .metadata("{\n  \"order\": 42\n}")
            .validate()
            .expect("multi-line text is what people type");
        assert_eq!(
            field_of(&base().customer_address("Rue 12\u{0}")),
            "customer_address"
        );
        assert_eq!(field_of(&base().metadata("\u{1b}[31m")), "metadata");
        let mut r = base();
        r.notify_url = "https://shop.example/\nnotify".into();
        assert_eq!(field_of(&r), "notify_url");
    }

    #[test]
    fn alternative_currency_is_three_letters_or_empty() {
        base()
            .alternative_currency("")
            .validate()
            .expect("docs example sends an empty string");
        base().alternative_currency("eur").validate().expect("EUR");
        assert_eq!(
            field_of(&base().alternative_currency("EURO")),
            "alternative_currency"
        );
    }

    #[test]
    fn parsing_enums_is_case_insensitive_and_names_the_field() {
        assert_eq!("xof".parse::<Currency>().expect("xof"), Currency::Xof);
        assert_eq!(
            "mobile_money".parse::<Channels>().expect("mm"),
            Channels::MobileMoney
        );
        assert_eq!("FR".parse::<crate::Lang>().expect("FR"), crate::Lang::Fr);
        let e = "EUR".parse::<Currency>().expect_err("EUR");
        assert_eq!(e.field(), Some("currency"));
        assert_eq!(
            e.message(),
            "\"EUR\" is not accepted: use one of XOF, XAF, CDF, GNF, USD"
        );
    }
}
