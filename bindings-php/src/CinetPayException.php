<?php

declare(strict_types=1);

namespace CinetPay;

/**
 * Base class of every error the SDK raises; one subclass per family of the core's error table.
 *
 * getMessage() is the one-line form every language shares: "code: field: message
 * (api_response_id ...)". It never contains the api key or the secret key.
 */
class CinetPayException extends \RuntimeException
{
    /** The subclass for each family of the core's error table. */
    public const CLASS_BY_FAMILY = [
        'validation' => ValidationException::class,
        'authentication' => AuthenticationException::class,
        'rate_limit' => RateLimitException::class,
        'api' => ApiException::class,
        'network' => NetworkException::class,
        'timeout' => TimeoutException::class,
        'internal' => CinetPayException::class,
    ];

    /** @param array<string, mixed> $info the core's error object */
    final public function __construct(public readonly int $status, public readonly array $info)
    {
        parent::__construct((string) ($info['display'] ?? $info['message'] ?? 'CinetPay error'), $status);
    }

    /**
     * The exception for an error object returned by the library, chosen by its family (an
     * unknown family, from a newer library, gets this base class).
     *
     * @param array<string, mixed> $info
     */
    public static function fromInfo(int $status, array $info): self
    {
        $class = self::CLASS_BY_FAMILY[$info['family'] ?? ''] ?? self::class;
        return new $class($status, $info);
    }

    /** The stable code, as in every language: "validation_error", "auth_not_found", ... */
    public function errorCode(): string { return (string) ($this->info['code'] ?? 'internal'); }
    /** The code's family: "validation", "authentication", "rate_limit", "api", ... */
    public function family(): string { return (string) ($this->info['family'] ?? 'internal'); }
    /** For validation errors: the field or setting at fault. */
    public function field(): ?string { return $this->info['field'] ?? null; }
    /** CinetPay's own code ("608", ...), when it answered with one. */
    public function apiCode(): ?string { return $this->info['api_code'] ?? null; }
    /** CinetPay's id for its answer: quote it to CinetPay support. */
    public function apiResponseId(): ?string { return $this->info['api_response_id'] ?? null; }
    /** The cause and the fix; every code has one. */
    public function hint(): ?string { return $this->info['hint'] ?? null; }
    /** Whether the request reached CinetPay: true on a timeout means the payment may exist. */
    public function requestSent(): ?bool { return $this->info['request_sent'] ?? null; }
}
