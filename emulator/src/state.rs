//! What the emulator remembers: accounts, created transactions and where they stand, the
//! notifications sent, the request rate.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::config::{Account, Config};
use crate::date;
use crate::notify::{self, Delivery, Notification};
use crate::outcome::{Outcome, PaymentState};

/// A payment created through `POST /v2/payment`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// The merchant's site_id.
    pub site_id: String,
    /// The merchant's transaction_id.
    pub transaction_id: String,
    /// The token handed back (the last segment of the payment URL).
    pub payment_token: String,
    /// The amount.
    pub amount: i64,
    /// The currency, upper case.
    pub currency: String,
    /// The description.
    pub description: String,
    /// The channels, upper case.
    pub channels: String,
    /// Where notifications go.
    pub notify_url: String,
    /// Where the checkout page sends the customer back (with a POST of token and
    /// transaction_id).
    pub return_url: String,
    /// The init request's `metadata` (its JSON text when it was not a string).
    pub metadata: Option<String>,
    /// The page language, lower case: `fr` unless init said `en`.
    pub lang: String,
    /// The init request's `customer_phone_number`, if any.
    pub customer_phone_number: Option<String>,
    /// When init created it, in Unix seconds.
    pub created_at: u64,
    /// Where it stands.
    pub state: PaymentState,
    /// The operator's reference, once accepted.
    pub operator_id: Option<String>,
    /// When it was accepted, in Unix seconds.
    pub paid_at: Option<u64>,
    /// The `User-Agent` the merchant's client sent.
    pub user_agent: String,
    /// The request body as received.
    pub request: Value,
}

impl Transaction {
    /// `data.status` of the check answer: `WAITING_FOR_CUSTOMER`, `ACCEPTED` or `REFUSED`.
    pub fn status(&self) -> &'static str {
        self.state.status()
    }

    /// `code` of the check answer: `662`, `623`, `00`, `600` or `627`.
    pub fn code(&self) -> &'static str {
        self.state.code()
    }
}

/// Why an outcome was not applied.
#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeError {
    /// No such transaction.
    NotFound,
    /// The transaction is final; here it is as it stands.
    Final(Box<Transaction>),
}

impl fmt::Display for OutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutcomeError::NotFound => f.write_str("no such transaction"),
            OutcomeError::Final(t) => write!(
                f,
                "transaction {} is final ({}, code {}): its outcome cannot change",
                t.transaction_id,
                t.status(),
                t.code()
            ),
        }
    }
}

type Key = (String, String);

#[derive(Default)]
struct Store {
    by_id: HashMap<Key, Transaction>,
    by_token: HashMap<String, Key>,
    /// Each transaction's notification queue, from its first outcome on.
    queues: HashMap<Key, UnboundedSender<Notification>>,
}

/// Shared by every connection of one emulator.
pub struct State {
    accounts: Vec<Account>,
    rate_limit: u32,
    init_delay: Duration,
    public_url: String,
    store: Mutex<Store>,
    window: Mutex<(u64, u32)>,
    /// Requests received on the API's paths (`/v2/...`), answered or refused: lets a test show
    /// that a client sent nothing.
    api_requests: AtomicU64,
    /// Where notification tasks run; without one (unit tests) outcomes notify nobody.
    runtime: Option<tokio::runtime::Handle>,
    policy: notify::Policy,
    deliveries: Arc<notify::Log>,
    faults: crate::fault::Faults,
}

/// A poisoned lock only means another request panicked; the data is still consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    /// State for `config`, serving payment pages under `public_url`.
    pub fn new(config: &Config, public_url: String) -> State {
        State {
            accounts: config.accounts.clone(),
            rate_limit: config.rate_limit_per_second,
            init_delay: Duration::from_millis(config.init_delay_ms),
            public_url,
            store: Mutex::new(Store::default()),
            window: Mutex::new((0, 0)),
            api_requests: AtomicU64::new(0),
            faults: crate::fault::Faults::default(),
            runtime: None,
            policy: notify::Policy {
                retry_initial: Duration::from_millis(config.notify_retry_initial_ms),
                max_attempts: config.notify_max_attempts.max(1),
                timeout: Duration::from_millis(config.notify_timeout_ms),
                log: config.log_requests,
            },
            deliveries: Arc::default(),
        }
    }

    /// How long `POST /v2/payment` waits before answering (after creating the transaction).
    pub fn init_delay(&self) -> Duration {
        self.init_delay
    }

    /// Sends notifications from tasks on `runtime` (the one serving requests).
    #[must_use]
    pub fn with_runtime(mut self, runtime: tokio::runtime::Handle) -> State {
        self.runtime = Some(runtime);
        self
    }

    /// The faults a test asked for (`/_emulator/faults`).
    pub fn faults(&self) -> &crate::fault::Faults {
        &self.faults
    }

    /// Counts one request on an API path.
    pub fn count_api_request(&self) {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
    }

    /// How many requests reached the API's paths so far.
    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }

    /// The base URL the emulator is reached at.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The account with this apikey.
    pub fn account_by_apikey(&self, apikey: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.apikey == apikey)
    }

    /// The account with this site_id.
    pub fn account_by_site_id(&self, site_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.site_id == site_id)
    }

    /// The site_id to assume when a test names none: the only account's.
    pub fn only_site_id(&self) -> Option<&str> {
        match self.accounts.as_slice() {
            [only] => Some(&only.site_id),
            _ => None,
        }
    }

    /// Counts one request; `Some(seconds to wait)` when it is over the limit.
    pub fn rate_limited(&self) -> Option<u32> {
        if self.rate_limit == 0 {
            return None;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let mut w = lock(&self.window);
        if w.0 != now {
            *w = (now, 0);
        }
        w.1 += 1;
        (w.1 > self.rate_limit).then_some(1)
    }

    /// Stores a new transaction; false when its (site_id, transaction_id) exists already.
    pub fn insert(&self, t: Transaction) -> bool {
        let key = (t.site_id.clone(), t.transaction_id.clone());
        let mut store = lock(&self.store);
        if store.by_id.contains_key(&key) {
            return false;
        }
        store.by_token.insert(t.payment_token.clone(), key.clone());
        store.by_id.insert(key, t);
        true
    }

    /// The transaction with this site_id and transaction_id.
    pub fn transaction(&self, site_id: &str, transaction_id: &str) -> Option<Transaction> {
        lock(&self.store)
            .by_id
            .get(&(site_id.to_owned(), transaction_id.to_owned()))
            .cloned()
    }

    /// The transaction behind a payment token.
    pub fn by_token(&self, token: &str) -> Option<Transaction> {
        let store = lock(&self.store);
        let key = store.by_token.get(token)?;
        store.by_id.get(key).cloned()
    }

    /// Applies what the customer did and queues the notification it causes. Final
    /// transactions (accepted, refused, cancelled) do not change.
    pub fn set_outcome(
        &self,
        site_id: &str,
        transaction_id: &str,
        outcome: Outcome,
    ) -> Result<Transaction, OutcomeError> {
        let key = (site_id.to_owned(), transaction_id.to_owned());
        let mut store = lock(&self.store);
        let t = store.by_id.get_mut(&key).ok_or(OutcomeError::NotFound)?;
        t.state = t
            .state
            .after(outcome)
            .map_err(|_| OutcomeError::Final(Box::new(t.clone())))?;
        if t.state == PaymentState::Accepted {
            let now = date::now();
            t.paid_at = Some(now);
            t.operator_id = Some(date::operator_id(now));
        }
        let t = t.clone();
        // Queued under the store's lock, so that notifications leave in the order the outcomes
        // were set even when two requests race.
        if let Some(runtime) = &self.runtime {
            let secret = self
                .account_by_site_id(&t.site_id)
                .map_or("", |a| a.secret_key.as_str());
            let notification = Notification::new(&t, secret);
            let queue = store.queues.entry(key).or_insert_with(|| {
                notify::spawn_worker(runtime, self.deliveries.clone(), self.policy)
            });
            // Fails only once the runtime is gone, when there is nobody left to notify.
            let _ = queue.send(notification);
        }
        Ok(t)
    }

    /// Every notification attempt for a transaction so far, oldest first.
    pub fn deliveries(&self, site_id: &str, transaction_id: &str) -> Vec<Delivery> {
        self.deliveries.of(site_id, transaction_id)
    }

    /// How many transactions exist.
    pub fn len(&self) -> usize {
        lock(&self.store).by_id.len()
    }

    /// Whether no transaction exists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::DEFAULT_SITE_ID;
    use crate::reply::Incoming;

    /// A state holding transaction `T1`, created through init.
    pub(crate) fn with_transaction() -> State {
        let s = State::new(&Config::default(), "http://127.0.0.1:1".to_owned());
        let body = serde_json::json!({
            "apikey": crate::config::DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID,
            "transaction_id": "T1", "amount": 100, "currency": "XOF", "description": "Test",
            "notify_url": "http://shop.example/n", "return_url": "http://shop.example/r",
        })
        .to_string();
        let r = crate::payment::init(
            &s,
            &Incoming {
                user_agent: Some("t/1"),
                content_type: Some("application/json"),
                body: body.as_bytes(),
            },
        );
        assert_eq!(r.status, 200, "{}", r.body);
        s
    }

    #[test]
    fn outcomes_move_the_state_until_it_is_final() {
        let s = with_transaction();
        let t = s.transaction(DEFAULT_SITE_ID, "T1").expect("stored");
        assert_eq!((t.status(), t.code()), ("WAITING_FOR_CUSTOMER", "662"));
        assert_eq!((t.lang.as_str(), t.metadata.as_deref()), ("fr", None));
        let t = s
            .set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Pending)
            .expect("pending");
        assert_eq!(t.code(), "623");
        let t = s
            .set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Accept)
            .expect("accept");
        assert_eq!((t.status(), t.code()), ("ACCEPTED", "00"));
        assert!(t.paid_at.is_some() && t.operator_id.is_some());
        let again = s.set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Refuse);
        assert!(
            matches!(&again, Err(OutcomeError::Final(t)) if t.code() == "00"),
            "{again:?}"
        );
        assert_eq!(
            s.set_outcome(DEFAULT_SITE_ID, "T2", Outcome::Accept),
            Err(OutcomeError::NotFound)
        );
        // Without a runtime, nothing is sent nor recorded.
        assert!(s.deliveries(DEFAULT_SITE_ID, "T1").is_empty());
    }
}
