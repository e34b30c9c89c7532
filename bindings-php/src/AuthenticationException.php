<?php

declare(strict_types=1);

namespace CinetPay;

/** CinetPay did not recognise the apikey (auth_not_found) or the site_id (site_id_not_valid). */
class AuthenticationException extends CinetPayException
{
}
