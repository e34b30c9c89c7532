<?php

declare(strict_types=1);

namespace CinetPay;

/** CinetPay throttled the merchant (HTTP 429); info['retry_after'] is in seconds, when sent. */
class RateLimitException extends CinetPayException
{
}
