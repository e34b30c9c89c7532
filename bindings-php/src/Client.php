<?php

declare(strict_types=1);

namespace CinetPay;

/**
 * A CinetPay client over libcinetpay (the SDK's Rust core, through PHP FFI).
 *
 *     $cinetpay = new CinetPay\Client(['api_key' => '...', 'site_id' => '...']);
 *     $link = $cinetpay->initPayment([...]);   // CinetPay's field names, as in its docs
 *     header('Location: ' . $link['payment_url']);
 *
 * Settings are the core's one schema, handed over as given: api_key, site_id, secret_key,
 * base_url, timeout (seconds) or timeout_ms, connect_timeout or connect_timeout_ms,
 * max_retries, app_info, ca_certificates (PEM text of more authorities to trust; a refused
 * certificate is a NetworkException with errorCode() 'tls'). Every request is validated before
 * anything is sent. Errors are
 * CinetPayException subclasses, one per family (ValidationException, AuthenticationException,
 * RateLimitException, ApiException, NetworkException, TimeoutException).
 */
final class Client
{
    private \FFI\CData $client;

    /** @param array<string, mixed> $settings */
    public function __construct(array $settings)
    {
        $ffi = Library::ffi();
        $error = $ffi->new('char *');
        $client = $ffi->cinetpay_client_new(self::json($settings, 'settings'), \FFI::addr($error));
        if ($client === null) { // FFI returns a NULL pointer as null
            $info = self::take($error);
            throw CinetPayException::fromInfo(self::statusOf($info), $info);
        }
        $this->client = $client;
    }

    /** A copy would free the same native client twice: clients are shared, never cloned. */
    private function __clone()
    {
    }

    public function __destruct()
    {
        if (isset($this->client)) {
            Library::ffi()->cinetpay_client_free($this->client);
        }
    }

    /**
     * Initialises a payment; returns ['payment_token', 'payment_url', 'api_response_id'].
     *
     * @param array<string, mixed> $request CinetPay's field names
     * @return array<string, mixed>
     */
    public function initPayment(array $request): array
    {
        return $this->call('init_payment', $request);
    }

    /**
     * A payment's status of record (POST /v2/payment/check), by the transaction_id sent to
     * initPayment, or with $byToken the payment_token it returned. Returns ['code', 'message',
     * 'status', 'amount' (int), 'currency', 'payment_method', 'description', 'metadata',
     * 'operator_id', 'payment_date' (null when not paid), 'fund_availability_date',
     * 'api_response_id', 'is_paid', 'is_final', 'data']: a failed or pending payment is a
     * status, not an exception. Throws ApiException with errorCode() 'payment_not_found' when
     * CinetPay has no such payment. Network failures, timeouts, 5xx and 429 are retried.
     *
     * @return array<string, mixed>
     */
    public function checkPayment(string $id, bool $byToken = false): array
    {
        return $this->call('check_payment', [$byToken ? 'token' : 'transaction_id' => $id]);
    }

    /**
     * CinetPay's notification handling in one call: verifies the x-token (ValidationException
     * 'invalid_notification' for a forged one: answer 401, nothing was checked), checks the
     * payment, and returns ['outcome' => 'paid'|'failed'|'pending', 'reason', 'skipped_checks',
     * 'transaction_id', 'status', 'notification']. 'paid' requires $expectedAmount and
     * $expectedCurrency when given; 'skipped_checks' names those left null.
     *
     * @param array<string, mixed>|string $form $_POST or the raw body
     * @return array<string, mixed>
     */
    public function handleNotification(
        array|string $form,
        ?string $xToken,
        ?int $expectedAmount = null,
        ?string $expectedCurrency = null,
    ): array {
        return $this->call('handle_notification', self::formInput($form) + [
            'x_token' => $xToken,
            'expected_amount' => $expectedAmount,
            'expected_currency' => $expectedCurrency,
        ]);
    }

    /**
     * Checks a notification's x-token with the client's secret_key and returns its fields
     * (CinetPay's names). $form is $_POST, or the raw body (file_get_contents('php://input'));
     * $xToken the `x-token` header ($_SERVER['HTTP_X_TOKEN']). No network is involved.
     * Throws ValidationException with errorCode() 'invalid_notification' when the token does not
     * match (answer 401 and ignore it), or 'secret_key_required'.
     *
     * @param array<string, mixed>|string $form
     * @return array<string, string>
     */
    public function verifyNotification(array|string $form, ?string $xToken): array
    {
        return $this->call('verify_notification', self::formInput($form) + ['x_token' => $xToken]);
    }

    /**
     * The x-token CinetPay would send with $form: to test your own handler.
     *
     * @param array<string, mixed>|string $form
     */
    public function signNotification(array|string $form): string
    {
        return (string) $this->call('sign_notification', self::formInput($form))['x_token'];
    }

    /**
     * The objects a page passes to CinetPay's Seamless browser SDK, after the same rules as
     * initPayment (return_url may be left out: Seamless has no redirect back). Local: nothing is
     * sent or recorded, so store the order first. Trust only the verified notification and
     * checkPayment, never the page's waitResponse.
     * Throws ValidationException with the same field as initPayment.
     *
     * @param array<string, mixed> $request CinetPay's field names
     */
    public function seamlessCheckout(array $request): SeamlessCheckout
    {
        return SeamlessCheckout::fromResult($this->call('seamless_checkout', $request));
    }

    /**
     * @param array<string, mixed>|string $form
     * @return array<string, mixed>
     */
    private static function formInput(array|string $form): array
    {
        // An empty $_POST would encode as a JSON list; the core wants an object of fields.
        return is_string($form) ? ['body' => $form] : ['form' => (object) $form];
    }

    /**
     * Calls an operation of the core by name (see Library::schema()['operations']).
     *
     * @param array<string, mixed> $input
     * @return array<string, mixed>
     */
    public function call(string $operation, array $input): array
    {
        $ffi = Library::ffi();
        $result = $ffi->new('char *');
        $status = $ffi->cinetpay_call($this->client, $operation, self::json($input, 'request'), \FFI::addr($result));
        $json = self::take($result);
        if ($status !== $ffi->CINETPAY_OK) {
            throw CinetPayException::fromInfo($status, $json);
        }
        return $json;
    }

    /**
     * JSON text for the library; what JSON cannot carry (invalid UTF-8, NAN) is the same
     * ValidationException as every other bad input.
     *
     * @param array<string, mixed> $value
     */
    private static function json(array $value, string $field): string
    {
        try {
            return json_encode($value, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            $message = "cannot be sent as JSON ({$e->getMessage()}): use UTF-8 strings and finite numbers";
            throw CinetPayException::fromInfo(Library::ffi()->CINETPAY_ERR_VALIDATION, [
                'code' => 'validation_error', 'family' => 'validation', 'field' => $field, 'message' => $message,
                'display' => "validation_error: $field: $message", 'request_sent' => false,
            ]);
        }
    }

    /** @return array<string, mixed> the JSON object behind a returned string, which is freed */
    private static function take(\FFI\CData $string): array
    {
        if (\FFI::isNull($string)) {
            return [];
        }
        $text = \FFI::string($string);
        Library::ffi()->cinetpay_string_free($string);
        return json_decode($text, true, 16, JSON_THROW_ON_ERROR);
    }

    /** @param array<string, mixed> $info */
    private static function statusOf(array $info): int
    {
        static $byCode = null;
        $byCode ??= array_column(Library::schema()['errors'], 'c_status', 'code');
        return (int) ($byCode[$info['code'] ?? 'internal'] ?? $byCode['internal']);
    }
}
