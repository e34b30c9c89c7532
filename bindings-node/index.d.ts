// Types of the `cinetpay` package. The native layer's own types are generated into native.d.ts
// (checked for drift in CI); test/exports.test.js checks that this file and the runtime export
// the same names.

/** Client settings. Keys are camelCase; payload fields keep CinetPay's names. */
export interface ClientConfig {
  /** Your apikey (back-office, menu Intégration). */
  apiKey?: string;
  /** Your site_id. */
  siteId?: string;
  /** Your secret key, to verify notifications. */
  secretKey?: string;
  /** API base URL; `http://` only for loopback hosts (the emulator). Default: CinetPay's. */
  baseUrl?: string;
  /** Per-attempt timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Connect timeout in milliseconds (default 10000). */
  connectTimeoutMs?: number;
  /**
   * Retries, 0 to 10 (default 2): initPayment retries only a connection that failed before the
   * request was sent; checkPayment also retries timeouts, broken connections, 5xx and 429.
   */
  maxRetries?: number;
  /**
   * More certificate authorities to trust, as PEM text, beside the bundled Mozilla roots (a
   * proxy that re-signs TLS, a test server). Verification cannot be turned off: a refused
   * certificate is a NetworkError with code `tls`.
   */
  caCertificates?: string;
}

/** `currency`: the account must accept it. */
export type Currency = 'XOF' | 'XAF' | 'CDF' | 'GNF' | 'USD' | Lowercase<'XOF' | 'XAF' | 'CDF' | 'GNF' | 'USD'>;
/** `channels`: which payment universes the checkout page offers. */
export type Channels = 'ALL' | 'MOBILE_MONEY' | 'CREDIT_CARD' | 'WALLET';
/** `lang`: the checkout page's language. */
export type Lang = 'fr' | 'en' | 'FR' | 'EN';

/** The payment initialisation fields, with CinetPay's names (its docs' objects fit as they are). */
export interface PaymentParams {
  /** Your unique id for this payment; CinetPay refuses one it has seen. */
  transaction_id: string;
  /** A positive integer, multiple of 5. */
  amount: number;
  currency: Currency;
  /** Must not contain # / $ _ &. */
  description: string;
  /** Absolute http(s) URL, not localhost. */
  notify_url: string;
  /** Absolute http(s) URL, not localhost. */
  return_url: string;
  /** Default ALL. CREDIT_CARD needs every customer field. */
  channels?: Channels;
  lang?: Lang;
  metadata?: string;
  /** Up to three label/value pairs shown on the invoice, in order. */
  invoice_data?: Record<string, string>;
  /** Requires customer_phone_number. */
  lock_phone_number?: boolean;
  alternative_currency?: string;
  /** Must equal the client's apikey when present (CinetPay's examples carry it). */
  apikey?: string;
  /** Must equal the client's site_id when present. */
  site_id?: string;
  customer_id?: string;
  customer_name?: string;
  customer_surname?: string;
  customer_phone_number?: string;
  customer_email?: string;
  customer_address?: string;
  customer_city?: string;
  /** ISO 3166-1 alpha-2, e.g. CI. */
  customer_country?: string;
  customer_state?: string;
  customer_zip_code?: string;
}

/** A verified notification: its 16 signed fields with CinetPay's names, and any other field received. */
export interface Notification {
  cpm_site_id: string;
  cpm_trans_id: string;
  cpm_trans_date: string;
  cpm_amount: string;
  cpm_currency: string;
  signature: string;
  payment_method: string;
  cel_phone_num: string;
  cpm_phone_prefixe: string;
  cpm_language: string;
  cpm_version: string;
  cpm_payment_config: string;
  cpm_page_action: string;
  cpm_custom: string;
  cpm_designation: string;
  cpm_error_message: string;
  [field: string]: string;
}

/** seamlessCheckout's input: initPayment's fields, with return_url optional (Seamless has no redirect back). */
export type SeamlessParams = Omit<PaymentParams, 'return_url'> & { return_url?: string };

/** The object for `CinetPay.setConfig`. console.log masks the apikey; JSON.stringify keeps it for the page. */
export interface SeamlessConfig {
  /** The client's apikey: the page needs it, by CinetPay's design. */
  apikey: string;
  site_id: string;
  notify_url: string;
  /** PRODUCTION, or EMULATOR when the client's baseUrl is a loopback host. */
  mode: 'PRODUCTION' | 'EMULATOR';
}

/** What a page needs for a Seamless checkout. */
export interface SeamlessCheckout {
  /** The script to load: https://cdn.cinetpay.com/seamless/main.js, or the emulator's stand-in. */
  script_url: string;
  set_config: SeamlessConfig;
  /** The object for `CinetPay.getCheckout`: the validated request, normalised, without the setConfig keys. */
  get_checkout: Omit<SeamlessParams, 'apikey' | 'site_id' | 'notify_url'>;
}

/** A created payment: send the customer to `payment_url`. */
export interface PaymentLink {
  payment_token: string;
  payment_url: string;
  /** CinetPay's id for this API response: quote it to CinetPay support. */
  api_response_id: string | null;
}

/** `status` of a payment; any value CinetPay does not document is passed on verbatim. */
export type PaymentState = 'ACCEPTED' | 'REFUSED' | 'WAITING_FOR_CUSTOMER' | (string & {});

/** A payment's status of record, from checkPayment. A failed or pending payment is a status, not an error. */
export interface PaymentStatus {
  /** CinetPay's code: '00' when paid, '627' cancelled, '662' waiting, ... */
  code: string;
  /** CinetPay's message for the code ('SUCCES', 'TRANSACTION_CANCEL', ...). */
  message: string;
  status: PaymentState;
  /** The amount as a number (CinetPay sends a string); null when absent. */
  amount: number | null;
  currency: string | null;
  payment_method: string | null;
  description: string | null;
  metadata: string | null;
  operator_id: string | null;
  /** 'YYYY-MM-DD HH:MM:SS'; null when CinetPay sends a blank (not paid). */
  payment_date: string | null;
  fund_availability_date: string | null;
  api_response_id: string | null;
  /** Code '00' and status ACCEPTED: still compare amount and currency with the order. */
  is_paid: boolean;
  /** The payment will not change any more (CinetPay's code table). */
  is_final: boolean;
  /** CinetPay's `data` object as received. */
  data: Record<string, unknown>;
}

/** How to find a payment: the transaction_id sent to initPayment, or the payment_token it returned. */
export type PaymentLookup = string | { transaction_id: string } | { token: string };

/** The order's amount and currency, which 'paid' requires. */
export interface Expected {
  amount?: number | null;
  currency?: Currency | null;
}

/** What handleNotification decided. */
export interface NotificationOutcome {
  /** paid: deliver (once); failed: do not deliver; pending: another notification will come. */
  outcome: 'paid' | 'failed' | 'pending';
  reason: string;
  /** The checks not made because no expected value was given. */
  skipped_checks: Array<'amount' | 'currency'>;
  transaction_id: string;
  status: PaymentStatus;
  notification: Notification;
}

/** A notification form as a framework hands it over: parsed fields, or the raw body. */
export type NotificationFormInput = Record<string, string | string[]> | string | Buffer;

/** The stable error codes, the same in every language. */
export type ErrorCode =
  | 'validation_error'
  | 'minimum_required_field'
  | 'currency_not_allowed'
  | 'auth_not_found'
  | 'site_id_not_valid'
  | 'processing_error'
  | 'forbidden'
  | 'too_many_requests'
  | 'user_agent_required'
  | 'access_denied'
  | 'api_error'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'decode'
  | 'response_too_large'
  | 'internal'
  | 'invalid_notification'
  | 'secret_key_required'
  | 'payment_not_found'
  | 'tls';

/** The family of a code in the core's error table; each has its class. */
export type ErrorFamily = 'validation' | 'authentication' | 'rate_limit' | 'api' | 'network' | 'timeout' | 'internal';

/** Base class of every error the SDK throws. Its message never contains the keys. */
export class CinetPayError extends Error {
  readonly code: ErrorCode;
  /** The code's family: it decides the class. */
  readonly family: ErrorFamily;
  /** For validation errors: the field at fault. */
  readonly field: string | null;
  readonly httpStatus: number | null;
  /** CinetPay's own code ('608', ...). */
  readonly apiCode: string | null;
  readonly description: string | null;
  readonly apiResponseId: string | null;
  /** The cause and the fix; every code has one. */
  readonly hint: string | null;
  /** Seconds to wait, for rate limits. */
  readonly retryAfter: number | null;
  /** Whether the request reached CinetPay (true on a timeout: the payment may exist). */
  readonly requestSent: boolean | null;
  /** Every field with `name` and `message`, for `JSON.stringify`. */
  toJSON(): CinetPayErrorJSON;
}
/** What `JSON.stringify` writes for a {@link CinetPayError}. */
export interface CinetPayErrorJSON {
  name: string;
  message: string;
  code: ErrorCode;
  family: ErrorFamily;
  field: string | null;
  httpStatus: number | null;
  apiCode: string | null;
  description: string | null;
  apiResponseId: string | null;
  hint: string | null;
  retryAfter: number | null;
  requestSent: boolean | null;
}
/** A field broke a rule; nothing was sent. */
export class ValidationError extends CinetPayError {}
/** auth_not_found (609) or site_id_not_valid (613). */
export class AuthenticationError extends CinetPayError {}
/** too_many_requests (429). */
export class RateLimitError extends CinetPayError {}
/** Every other API, page or server error. */
export class APIError extends CinetPayError {}
/** The connection failed or broke. */
export class NetworkError extends CinetPayError {}
/** No complete answer in time. */
export class TimeoutError extends NetworkError {}

/** A CinetPay client: share one across the app. */
export class Client {
  constructor(config: ClientConfig);
  /** From CINETPAY_API_KEY, CINETPAY_SITE_ID, CINETPAY_SECRET_KEY, CINETPAY_BASE_URL. */
  static fromEnv(config?: Omit<ClientConfig, 'apiKey' | 'siteId' | 'secretKey' | 'baseUrl'>): Client;
  /** Validates, sends and decodes a payment initialisation. */
  initPayment(payload: PaymentParams): Promise<PaymentLink>;
  /**
   * Checks a notification's x-token with the client's secretKey; returns its fields. `form` is
   * the parsed form (express.urlencoded()) or the raw body. Throws a ValidationError
   * (invalid_notification, secret_key_required) otherwise.
   */
  verifyNotification(form: NotificationFormInput, xToken: string | undefined | null): Notification;
  /** The x-token CinetPay would send with `form`: to test your own handler. */
  signNotification(form: NotificationFormInput): string;
  /**
   * The objects a page passes to CinetPay's Seamless SDK (setConfig, getCheckout) and the script
   * to load, after initPayment's rules. Local: nothing is sent. Throws a ValidationError.
   */
  seamlessCheckout(payload: SeamlessParams): SeamlessCheckout;
  /**
   * A payment's status of record (POST /v2/payment/check). Network failures, timeouts, 5xx and
   * 429 are retried. Rejects with an APIError `payment_not_found` when CinetPay has no such payment.
   */
  checkPayment(lookup: PaymentLookup): Promise<PaymentStatus>;
  /**
   * Verifies the x-token, checks the payment and decides paid, failed or pending. `expected` is
   * the order's amount and currency, or a function of the verified transaction_id returning them.
   */
  handleNotification(
    form: NotificationFormInput,
    xToken: string | undefined | null,
    expected?: Expected | ((transactionId: string) => Expected | null | undefined | Promise<Expected | null | undefined>),
  ): Promise<NotificationOutcome>;
  readonly siteId: string;
  readonly baseUrl: string;
  readonly userAgent: string;
  toJSON(): { siteId: string; baseUrl: string };
}

export const ERROR_CODES: readonly ErrorCode[];
export const FIELDS: readonly string[];
export const VERSION: string;
