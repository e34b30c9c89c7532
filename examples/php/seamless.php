<?php
/**
 * A Seamless checkout page in PHP: CinetPay's browser SDK opens the checkout over the shop's
 * page. Each Checkout click POSTs here for a new order: the shop stores it, and
 * seamlessCheckout() validates it as initPayment would (nothing is sent) and gives the script and
 * the objects for CinetPay.setConfig and CinetPay.getCheckout. With CINETPAY_BASE_URL on the
 * emulator the page loads the emulator's stand-in, otherwise CinetPay's script.
 *
 *     CINETPAY_BASE_URL=http://127.0.0.1:8090 SHOP_PUBLIC_URL=http://127.0.0.1:8000 \
 *         php -d ffi.enable=1 -S 127.0.0.1:8000 examples/php/seamless.php
 *
 * From the command line, `php examples/php/seamless.php BASE_URL order` prints what a click
 * receives, and `... BASE_URL page` the page.
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/bindings-php/tests/bootstrap.php';

$cli = PHP_SAPI === 'cli';
$baseUrl = ($cli ? $argv[1] ?? null : null) ?? (getenv('CINETPAY_BASE_URL') ?: 'https://api-checkout.cinetpay.com');
$shop = getenv('SHOP_PUBLIC_URL') ?: 'http://127.0.0.1:8000';
$wantsOrder = $cli ? ($argv[2] ?? 'page') === 'order' : $_SERVER['REQUEST_METHOD'] === 'POST';
// JSON inside a <script> element or a JSON answer: nothing in it can close the element.
$flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

if ($wantsOrder) {
    $cinetpay = new CinetPay\Client([
        'api_key' => getenv('CINETPAY_API_KEY') ?: 'emulator-apikey-0000000000000001',
        'site_id' => getenv('CINETPAY_SITE_ID') ?: '445160',
        'base_url' => $baseUrl,
    ]);
    // A real shop stores the order in its database here, before anything is shown.
    $transactionId = 'PHP-SEAMLESS-' . bin2hex(random_bytes(6));
    if (!$cli) {
        header('Content-Type: application/json');
    }
    try {
        $checkout = $cinetpay->seamlessCheckout([
            'transaction_id' => $transactionId,
            'amount' => 2500,
            'currency' => 'XOF',
            'description' => 'Commande',
            'notify_url' => "$shop/notify.php",
        ]);
    } catch (CinetPay\ValidationException $e) {
        // The shop's data breaks one of CinetPay's rules: nothing was sent.
        if (!$cli) {
            http_response_code(400);
        }
        echo json_encode(['field' => $e->field(), 'message' => $e->getMessage()], $flags), "\n";
        exit($cli ? 1 : 0);
    }
    echo json_encode(['transaction_id' => $transactionId] + $checkout->jsonSerialize(), $flags), "\n";
    exit(0);
}
?>
<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Shop (Seamless)</title></head>
<body><h1>Shop</h1><p>2500 XOF: Commande</p>
<button id="checkout" type="button">Checkout</button>
<p>CinetPay: <strong id="result"></strong> <span id="error"></span></p>
<script>
let script;
function load(src) {
  script = script || new Promise(function (resolve, reject) {
    const element = document.createElement('script');
    element.src = src;
    element.onload = resolve;
    element.onerror = function () { reject(new Error('could not load ' + src)); };
    document.head.appendChild(element);
  });
  return script;
}
document.getElementById('checkout').addEventListener('click', async function () {
  const answer = await fetch(location.pathname, { method: 'POST' });
  const seamless = await answer.json();
  if (!answer.ok) {
    document.getElementById('error').textContent = seamless.message;
    return;
  }
  await load(seamless.script_url);
  CinetPay.setConfig(seamless.set_config);
  CinetPay.getCheckout(seamless.get_checkout);
  // Only what to show: the order is paid when notify.php has verified CinetPay's notification.
  CinetPay.waitResponse(function (data) { document.getElementById('result').textContent = data.status; });
  CinetPay.onError(function (error) { document.getElementById('error').textContent = error.code + ' ' + error.message; });
});
</script></body></html>
