//! What the emulator remembers: accounts, created transactions, the request rate.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::config::{Account, Config};

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
    /// The `User-Agent` the merchant's client sent.
    pub user_agent: String,
    /// The request body as received.
    pub request: Value,
}

#[derive(Default)]
struct Store {
    by_id: HashMap<(String, String), Transaction>,
    by_token: HashMap<String, (String, String)>,
}

/// Shared by every connection of one emulator.
pub struct State {
    accounts: Vec<Account>,
    rate_limit: u32,
    public_url: String,
    store: Mutex<Store>,
    window: Mutex<(u64, u32)>,
    /// Requests received on the API's paths (`/v2/...`), answered or refused: lets a test show
    /// that a client sent nothing.
    api_requests: AtomicU64,
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
            public_url,
            store: Mutex::new(Store::default()),
            window: Mutex::new((0, 0)),
            api_requests: AtomicU64::new(0),
        }
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

    /// How many transactions exist.
    pub fn len(&self) -> usize {
        lock(&self.store).by_id.len()
    }

    /// Whether no transaction exists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
