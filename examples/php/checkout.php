<?php
/**
 * Checkout from PHP: initialise a payment, then show how a validation error and an API error
 * look. Run against the emulator:
 *
 *     php examples/php/checkout.php http://127.0.0.1:8090
 */

declare(strict_types=1);

// The package in bindings-php/ (Composer: "cinetpay/cinetpay"); without Composer, its autoloader.
require dirname(__DIR__, 2) . '/bindings-php/tests/bootstrap.php';

$baseUrl = $argv[1] ?? (getenv('CINETPAY_BASE_URL') ?: 'https://api-checkout.cinetpay.com');
$cinetpay = new CinetPay\Client([
    'api_key' => getenv('CINETPAY_API_KEY') ?: 'emulator-apikey-0000000000000001',
    'site_id' => getenv('CINETPAY_SITE_ID') ?: '445160',
    'base_url' => $baseUrl,
]);

// Store the order first (CinetPay's advice), then initialise the payment.
$order = [
    'transaction_id' => 'PHP-' . bin2hex(random_bytes(6)),
    'amount' => 2500,
    'currency' => 'XOF',
    'description' => 'Commande 42',
    'notify_url' => 'https://shop.example/cinetpay/notify',
    'return_url' => 'https://shop.example/cinetpay/return',
    'channels' => 'ALL',
];
$link = $cinetpay->initPayment($order);
echo "payment created: {$link['payment_url']}\n";

// A rule broken locally: nothing is sent, the error names the field and the fix.
try {
    $cinetpay->initPayment(['amount' => 2502] + $order);
} catch (CinetPay\ValidationException $e) {
    // getMessage() is the one-line form of every language: "validation_error: amount: ...".
    echo "refused before sending: {$e->getMessage()}\n";
}

// CinetPay refuses a transaction_id it has already seen (code 608).
try {
    $cinetpay->initPayment($order);
} catch (CinetPay\ApiException $e) {
    echo "refused by CinetPay (code {$e->apiCode()}): {$e->getMessage()}\n";
    echo "hint: {$e->hint()}\n";
}
