<?php

declare(strict_types=1);

namespace CinetPay;

/** CinetPay refused the request or failed (other API codes, 403/400 pages, 5xx, bad answers). */
class ApiException extends CinetPayException
{
}
