'use strict';
// The cinetpay package: `Client` over the native core, plus the error classes.

const os = require('node:os');
const native = require('./native.js');
const errors = require('./errors.js');
const { Transport } = require('./transport.js');
const { version } = require('./package.json');

const { ValidationError, fromInfo, fromNative, validation } = errors;

// Client options and the core settings they map to, one to one (the core checks every value,
// with the same error in every language, naming the setting).
const SETTING_OF = {
  apiKey: 'api_key',
  siteId: 'site_id',
  secretKey: 'secret_key',
  baseUrl: 'base_url',
  timeoutMs: 'timeout_ms',
  connectTimeoutMs: 'connect_timeout_ms',
  maxRetries: 'max_retries',
  caCertificates: 'ca_certificates',
};
const CONFIG_KEYS = Object.keys(SETTING_OF);
const MAX_DEPTH = 8;
// Lets fromEnv hand the constructor a native client it built; not reachable from outside.
const FROM_NATIVE = Symbol('cinetpay.fromNative');
const APP_INFO = `cinetpay-node/${version} node/${process.versions.node}`;

function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    const cur = [i + 1];
    for (let j = 0; j < b.length; j++) {
      cur.push(Math.min(prev[j] + (a[i] === b[j] ? 0 : 1), prev[j + 1] + 1, cur[j] + 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The Client options as the core's settings object (JSON text), refusing unknown options. */
function settingsJson(config) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError('cinetpay: the Client config must be an object such as { apiKey, siteId }');
  }
  const settings = { app_info: APP_INFO };
  for (const [key, value] of Object.entries(config)) {
    if (!CONFIG_KEYS.includes(key)) {
      const near = CONFIG_KEYS.find((k) => editDistance(key.toLowerCase(), k.toLowerCase()) <= 2);
      throw validation(key, `is not a Client option${near ? `: did you mean ${near}?` : ` (options: ${CONFIG_KEYS.join(', ')})`}`);
    }
    if (value === undefined) continue;
    const setting = SETTING_OF[key];
    // JSON would turn these into null (absent) or drop them: refuse them here, as the core would.
    if (typeof value === 'number' && !Number.isFinite(value)) throw validation(setting, `must be a finite number, got ${value}`);
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      throw validation(setting, `must be a ${key.endsWith('Ms') || key === 'maxRetries' ? 'number' : 'string'}, got a ${typeof value}`);
    }
    settings[setting] = value;
  }
  return JSON.stringify(settings);
}

/** Refuses what JSON cannot carry faithfully, naming the field; the core checks the rest. */
function checkValue(field, value, depth) {
  if (depth > MAX_DEPTH) throw validation(field, 'is nested too deeply');
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw validation(field, `must be an integer, got ${value}`);
      return;
    case 'bigint':
      throw validation(field, 'must be a number, got a BigInt');
    case 'function':
    case 'symbol':
      throw validation(field, `must be a string, number, boolean or object, got a ${typeof value}`);
    case 'object':
      if (value === null) return;
      for (const item of Array.isArray(value) ? value : Object.values(value)) checkValue(field, item, depth + 1);
      return;
    default:
  }
}

/** A call's result, or its error as the class of its family. */
function unwrap(outcome) {
  if (!outcome.ok) throw fromInfo(outcome.error);
  return outcome.value;
}

/** A notification form as the core takes it: the raw body, or the parsed fields. */
function formInput(form) {
  if (typeof form === 'string') return { body: form };
  if (Buffer.isBuffer(form)) return { body: form.toString('utf8') };
  if (form === null || typeof form !== 'object' || Array.isArray(form)) {
    throw validation('form', 'must be the POSTed form: an object of fields, or the raw body as a string or Buffer');
  }
  return { form: { ...form } };
}

function toJson(payload) {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw validation('request', `must be an object with CinetPay's field names, got ${Array.isArray(payload) ? 'an array' : payload === null ? 'null' : typeof payload}`);
  }
  for (const field of Object.keys(payload)) {
    const value = payload[field];
    if (typeof value !== 'string') checkValue(field, value, 0);
  }
  // undefined properties are dropped, as absent; null stays and counts as absent in the core.
  return JSON.stringify(payload);
}

function nativeCall(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// A call starts on this thread's sockets while fewer than this many calls of its client are in
// flight (on either transport), else on the runtime's threads. Few calls in flight: this
// thread's sockets answer sooner and use about half the CPU per call (no thread is woken).
// Many: the JavaScript thread itself can become the bottleneck, and the runtime's two threads
// take the I/O off it, on another CPU. A process confined to one CPU (taskset, a cpuset) has no
// other CPU: there the runtime's threads only compete with this one, and every call stays on
// this thread (15 to 37 % less time per call at 64 in flight: BENCHMARKS.md). Read once, when
// the package loads.
const LOOP_IN_FLIGHT = cpusAvailable() > 1 ? 4 : Infinity;

/**
 * How many CPUs this process may use, as Node reports it: its affinity (and, with libuv 1.49 or
 * later, Node 22 and up, a cgroup's CPU quota); before Node 18.14, every CPU of the machine.
 * When Node cannot tell, 2, which keeps the runtime's threads in use.
 */
function cpusAvailable() {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return n > 0 ? n : 2;
}

/**
 * Whether a client's calls go through the SDK's runtime threads rather than this thread's own
 * sockets: when a proxy is set in the environment (only the runtime honours it), or when
 * CINETPAY_NODE_TRANSPORT=runtime asks for it (a fallback, should the default ever misbehave).
 */
function useRuntime(client) {
  return client.needsRuntime || process.env.CINETPAY_NODE_TRANSPORT === 'runtime';
}

/** How console.log shows a Seamless setConfig object: everything but the apikey. */
function maskedConfig(depth, options, inspect) {
  return inspect({ ...this, apikey: '***' }, options);
}

/**
 * A CinetPay client. Safe to share across the whole app: it reuses connections, and calls never
 * block the event loop.
 */
class Client {
  #native;
  // Calls' bytes move on this thread (transport.js), or, when null, on the SDK's runtime.
  #transport;
  // Calls in flight on either transport.
  #inFlight = 0;

  constructor(config = {}, token = undefined, built = undefined) {
    if (token === FROM_NATIVE) {
      this.#native = built;
    } else {
      const json = settingsJson(config);
      this.#native = nativeCall(() => new native.NativeClient(json));
    }
    this.#transport = useRuntime(this.#native) ? null : new Transport(this.#native);
  }

  /** A client from CINETPAY_API_KEY, CINETPAY_SITE_ID, CINETPAY_SECRET_KEY, CINETPAY_BASE_URL. */
  static fromEnv(config = {}) {
    const json = settingsJson(config);
    const built = nativeCall(() => native.NativeClient.fromEnv(json));
    return new Client(undefined, FROM_NATIVE, built);
  }

  /**
   * Creates a payment and resolves to `{ payment_url, payment_token, api_response_id }`.
   * Keys are CinetPay's field names, as in its docs.
   */
  initPayment(payload) {
    return this.#call('init_payment', payload);
  }

  /**
   * Checks a notification's `x-token` with the client's `secretKey` and returns its fields
   * (CinetPay's names). `form` is the POSTed form as Express hands it over: the parsed object
   * (`express.urlencoded()`) or the raw body (a string or Buffer). No network is involved.
   * Throws a `ValidationError` with code `invalid_notification` when the token does not match
   * (answer 401 and ignore it), or `secret_key_required` without a secret key.
   */
  verifyNotification(form, xToken) {
    return this.#callNow('verify_notification', { ...formInput(form), x_token: xToken ?? null });
  }

  /**
   * A payment's status of record (`POST /v2/payment/check`). `lookup` is the transaction_id
   * you sent to initPayment (a string, or `{ transaction_id }`), or `{ token }` with the
   * payment_token it returned. Resolves to `{ code, message, status, amount, currency, ...,
   * is_paid, is_final, data }`: a failed or pending payment is a status, not an error. Network
   * failures, timeouts, 5xx and 429 are retried (checking changes nothing). Rejects with an
   * `APIError` of code `payment_not_found` when CinetPay has no such payment.
   */
  checkPayment(lookup) {
    const input = typeof lookup === 'string' ? { transaction_id: lookup } : lookup;
    return this.#call('check_payment', input);
  }

  /**
   * CinetPay's notification handling in one call: verifies the `x-token` (a forged
   * notification rejects with `invalid_notification` and nothing is checked), checks the
   * payment, and resolves to `{ outcome: 'paid' | 'failed' | 'pending', reason,
   * skipped_checks, transaction_id, status, notification }`. `expected` is the order's
   * `{ amount, currency }`, or a function (may be async) taking the verified transaction_id and
   * returning them (or null for an unknown order, which is then 'failed', never 'paid'); 'paid'
   * requires them to match.
   */
  async handleNotification(form, xToken, expected = undefined) {
    const input = { ...formInput(form), x_token: xToken ?? null };
    let want = expected;
    if (typeof expected === 'function') {
      const notification = this.verifyNotification(form, xToken);
      want = (await expected(notification.cpm_trans_id)) ?? undefined;
      // An order the shop does not know is never 'paid', whatever CinetPay says.
      input.order_unknown = want === undefined;
    }
    if (want !== undefined && (want === null || typeof want !== 'object')) {
      throw validation('expected', 'must be { amount, currency }, or a function returning them');
    }
    input.expected_amount = want?.amount ?? null;
    input.expected_currency = want?.currency ?? null;
    return this.#call('handle_notification', input);
  }

  /** The `x-token` CinetPay would send with `form`: to test your own handler. */
  signNotification(form) {
    return this.#callNow('sign_notification', formInput(form)).x_token;
  }

  /**
   * The objects a page passes to CinetPay's Seamless browser SDK, after the same rules as
   * initPayment (return_url may be left out: Seamless has no redirect back). Returns
   * `{ script_url, set_config, get_checkout }`: load `script_url` (CinetPay's script, or the
   * emulator's stand-in when the client points at the emulator), then call
   * `CinetPay.setConfig(set_config)` and `CinetPay.getCheckout(get_checkout)`. Local: nothing is
   * sent or recorded, so store the order first. `set_config.apikey` is the client's apikey, which
   * the page needs (CinetPay's design); `console.log` masks it, JSON.stringify does not. Trust
   * only the verified notification and checkPayment, never the page's waitResponse.
   */
  seamlessCheckout(payload) {
    const result = this.#callNow('seamless_checkout', payload);
    Object.defineProperty(result.set_config, INSPECT, { value: maskedConfig, enumerable: false });
    return result;
  }

  /** Calls a local core operation (no network): the answer comes back at once. */
  #callNow(operation, input) {
    const outcome = this.#start(operation, input);
    if (outcome instanceof Promise || typeof outcome === 'number') {
      if (outcome instanceof Promise) outcome.catch(() => {});
      else this.#native.abandon(outcome);
      throw fromInfo({ code: 'internal', family: 'internal', message: `${operation} is not a local operation` });
    }
    return unwrap(outcome);
  }

  /**
   * Calls a core operation by name. The native side validates on this thread and answers at
   * once when it refuses; otherwise the promise resolves when CinetPay has answered. Errors
   * arrive as the core's error object, which becomes the error class of its family.
   */
  async #call(operation, payload) {
    let outcome = this.#start(operation, payload, this.#transport !== null && this.#inFlight < LOOP_IN_FLIGHT);
    // A call id runs on this thread's sockets (the transport never rejects); a promise is the
    // runtime's. Either way the call counts as in flight until it settles.
    if (typeof outcome === 'number' || outcome instanceof Promise) {
      this.#inFlight += 1;
      try {
        outcome = await (typeof outcome === 'number' ? this.#transport.run(outcome) : outcome);
      } catch (e) {
        throw fromNative(e);
      } finally {
        this.#inFlight -= 1;
      }
    }
    return unwrap(outcome);
  }

  /**
   * Hands `input` to the native entry: its outcome, or a call id (`begin`) or a promise
   * (`call`) of it. An outcome known at once (a refusal, a local operation) comes as JSON text.
   */
  #start(operation, input, onLoop = this.#transport !== null) {
    const json = toJson(input);
    let started;
    try {
      started = onLoop ? this.#native.begin(operation, json) : this.#native.call(operation, json);
    } catch (e) {
      throw fromNative(e);
    }
    return typeof started === 'string' ? JSON.parse(started) : started;
  }

  get siteId() {
    return this.#native.siteId;
  }

  get baseUrl() {
    return this.#native.baseUrl;
  }

  get userAgent() {
    return this.#native.userAgent;
  }

  toString() {
    return `Client { siteId: '${this.siteId}', baseUrl: '${this.baseUrl}' }`;
  }

  [INSPECT]() {
    return this.toString();
  }

  toJSON() {
    return { siteId: this.siteId, baseUrl: this.baseUrl };
  }
}

module.exports = {
  Client,
  CinetPayError: errors.CinetPayError,
  ValidationError,
  AuthenticationError: errors.AuthenticationError,
  RateLimitError: errors.RateLimitError,
  APIError: errors.APIError,
  NetworkError: errors.NetworkError,
  TimeoutError: errors.TimeoutError,
  ERROR_CODES: Object.freeze(native.errorCodes()),
  FIELDS: Object.freeze(native.fields()),
  VERSION: version,
};
