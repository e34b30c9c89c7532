<?php
/**
 * A small PHP wrapper over the CinetPay C library (libcinetpay.so) through PHP's FFI extension.
 *
 * Copy it into your project, point it at the library and at include/cinetpay_php.h, and use:
 *
 *     $cinetpay = new CinetPay\Client(['api_key' => '...', 'site_id' => '...']);
 *     $link = $cinetpay->initPayment([...]);   // CinetPay's field names, as in its docs
 *     header('Location: ' . $link['payment_url']);
 *
 * Errors are CinetPay\Error exceptions carrying the SDK's stable code, CinetPay's own code, the
 * faulty field and the documented hint. The library validates every request before sending it.
 */

declare(strict_types=1);

namespace CinetPay;

final class Error extends \RuntimeException
{
    /** @param array<string, mixed> $info the error object the C library returned */
    public function __construct(public readonly int $status, public readonly array $info)
    {
        parent::__construct((string) ($info['display'] ?? $info['message'] ?? 'CinetPay error'), $status);
    }

    /** The stable code, as in every language: "validation_error", "auth_not_found", ... */
    public function errorCode(): string { return (string) ($this->info['code'] ?? 'internal'); }
    public function field(): ?string { return $this->info['field'] ?? null; }
    public function apiCode(): ?string { return $this->info['api_code'] ?? null; }
    public function hint(): ?string { return $this->info['hint'] ?? null; }
    public function isValidation(): bool { return $this->errorCode() === 'validation_error'; }
}

final class Client
{
    private static ?\FFI $ffi = null;
    private \FFI\CData $client;

    /** The FFI handle, loaded once per process. */
    public static function ffi(?string $library = null, ?string $header = null): \FFI
    {
        if (self::$ffi === null) {
            $root = dirname(__DIR__, 2);
            $library ??= getenv('CINETPAY_LIB') ?: "$root/target/debug/libcinetpay.so";
            $header ??= "$root/include/cinetpay_php.h";
            self::$ffi = \FFI::cdef((string) file_get_contents($header), $library);
        }
        return self::$ffi;
    }

    /** @param array<string, mixed> $config api_key, site_id, secret_key, base_url, timeout_ms, max_retries */
    public function __construct(array $config)
    {
        $ffi = self::ffi();
        $error = $ffi->new('char *');
        $client = $ffi->cinetpay_client_new(json_encode($config, JSON_THROW_ON_ERROR), \FFI::addr($error));
        if ($client === null) { // FFI returns a NULL pointer as null
            throw new Error($ffi->CINETPAY_ERR_VALIDATION, self::take($error));
        }
        $this->client = $client;
    }

    public function __destruct()
    {
        self::ffi()->cinetpay_client_free($this->client);
    }

    /**
     * Initialises a payment; returns ['payment_token', 'payment_url', 'api_response_id'].
     *
     * @param array<string, mixed> $request CinetPay's field names
     * @return array<string, mixed>
     */
    public function initPayment(array $request): array
    {
        $ffi = self::ffi();
        $result = $ffi->new('char *');
        $status = $ffi->cinetpay_init_payment($this->client, json_encode($request, JSON_THROW_ON_ERROR), \FFI::addr($result));
        $json = self::take($result);
        if ($status !== $ffi->CINETPAY_OK) {
            throw new Error($status, $json);
        }
        return $json;
    }

    /** @return array<string, mixed> the JSON object behind a returned string, which is freed */
    private static function take(\FFI\CData $string): array
    {
        if (\FFI::isNull($string)) {
            return [];
        }
        $text = \FFI::string($string);
        self::ffi()->cinetpay_string_free($string);
        return json_decode($text, true, 16, JSON_THROW_ON_ERROR);
    }
}
