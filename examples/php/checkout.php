<?php
/**
 * Checkout from PHP: initialise a payment, check it, show how a validation error and an API
 * error look, and handle a notification as notify.php would. Run against the emulator:
 *
 *     php examples/php/checkout.php http://127.0.0.1:8090
 *     php examples/php/checkout.php http://127.0.0.1:8090 notify BODY X_TOKEN
 *
 * In a real shop, notify.php is the second form's handler with BODY = file_get_contents(
 * 'php://input') and X_TOKEN = $_SERVER['HTTP_X_TOKEN'] (see handleNotification below).
 */

declare(strict_types=1);

// The package in bindings-php/ (Composer: "cinetpay/cinetpay"); without Composer, its autoloader.
require dirname(__DIR__, 2) . '/bindings-php/tests/bootstrap.php';

$baseUrl = $argv[1] ?? (getenv('CINETPAY_BASE_URL') ?: 'https://api-checkout.cinetpay.com');
$cinetpay = new CinetPay\Client([
    'api_key' => getenv('CINETPAY_API_KEY') ?: 'emulator-apikey-0000000000000001',
    'site_id' => getenv('CINETPAY_SITE_ID') ?: '445160',
    'secret_key' => getenv('CINETPAY_SECRET_KEY') ?: 'emulator-secret-key-000000000001',
    'base_url' => $baseUrl,
]);

/**
 * notify_url: CinetPay pings with GET (answer 200), then POSTs the signed form. The SDK verifies
 * the x-token, checks the payment with CinetPay, and compares it with the order.
 *
 * @return int the HTTP status to answer
 */
function handleNotification(CinetPay\Client $cinetpay, string $body, ?string $xToken): int
{
    try {
        // The order's amount and currency come from the shop's database (by cpm_trans_id).
        $outcome = $cinetpay->handleNotification($body, $xToken, 2500, 'XOF');
    } catch (CinetPay\ValidationException $e) {
        echo "notification refused ({$e->errorCode()}): {$e->getMessage()}\n";
        return 401;
    } catch (CinetPay\CinetPayException $e) {
        echo "could not check the payment, CinetPay will notify again: {$e->getMessage()}\n";
        return 503;
    }
    // paid: deliver once (notifications repeat); failed: cancel the order; pending: wait.
    echo "notification for {$outcome['transaction_id']}: {$outcome['outcome']} ({$outcome['reason']})\n";
    return 200;
}

if (($argv[2] ?? '') === 'notify') {
    exit(handleNotification($cinetpay, $argv[3] ?? '', $argv[4] ?? null) === 200 ? 0 : 2);
}

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

// Later, or after a timeout on initPayment: where does the payment stand?
$status = $cinetpay->checkPayment($order['transaction_id']);
echo "payment status: {$status['status']} (code {$status['code']}, paid: " . ($status['is_paid'] ? 'yes' : 'no') . ")\n";

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
