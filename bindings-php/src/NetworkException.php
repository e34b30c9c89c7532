<?php

declare(strict_types=1);

namespace CinetPay;

/** The connection failed or broke; see requestSent(). */
class NetworkException extends CinetPayException
{
}
