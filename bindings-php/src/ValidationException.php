<?php

declare(strict_types=1);

namespace CinetPay;

/** A request or setting broke a rule; nothing was sent. field() names it. */
class ValidationException extends CinetPayException
{
}
