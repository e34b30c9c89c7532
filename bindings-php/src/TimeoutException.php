<?php

declare(strict_types=1);

namespace CinetPay;

/** No complete answer in time; if requestSent() is true, the payment may exist. */
class TimeoutException extends NetworkException
{
}
