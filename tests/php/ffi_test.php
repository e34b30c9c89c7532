<?php
/**
 * The C library through PHP FFI: the example's wrapper against the emulator, bad inputs, and a
 * loop showing no string is leaked or double-freed. Usage: php tests/php/ffi_test.php EMULATOR_URL
 * Ends with "N passed, N failed".
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/examples/php/CinetPay.php';

$passed = 0;
$failed = 0;
function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) { $passed++; } else { $failed++; echo "FAIL: $what\n"; }
}

$url = $argv[1];
$config = ['api_key' => 'emulator-apikey-0000000000000001', 'site_id' => '445160', 'base_url' => $url];
$client = new CinetPay\Client($config);
$base = json_decode((string) file_get_contents(dirname(__DIR__) . '/fixtures/validation.json'), true);

$tx = 'PHP-T-' . bin2hex(random_bytes(6));
$link = $client->initPayment(['transaction_id' => $tx] + $base['base']);
check(str_starts_with($link['payment_url'], "$url/payment/"), 'success gives a payment_url on the emulator');

// The shared validation cases, as every binding runs them.
foreach ($base['cases'] as $case) {
    $request = array_merge($base['base'], $case['set'] ?? []);
    foreach ($case['unset'] ?? [] as $key) { unset($request[$key]); }
    try {
        $client->initPayment($request);
        check(false, "{$case['name']}: accepted");
    } catch (CinetPay\Error $e) {
        check($e->isValidation() && $e->field() === $case['field'], "{$case['name']}: {$e->getMessage()}");
        check(str_contains($e->getMessage(), $case['message_contains']), "{$case['name']}: message");
    }
}

try {
    $client->initPayment(['transaction_id' => $tx] + $base['base']);
    check(false, 'a reused transaction_id was accepted');
} catch (CinetPay\Error $e) {
    check($e->errorCode() === 'minimum_required_field' && $e->apiCode() === '608', 'reused transaction_id');
    check($e->status === CinetPay\Client::ffi()->CINETPAY_ERR_MINIMUM_REQUIRED_FIELD, 'status enum constant');
}

try {
    new CinetPay\Client(['apikey' => 'x']);
    check(false, 'a bad config was accepted');
} catch (CinetPay\Error $e) {
    check($e->isValidation() && str_contains($e->getMessage(), 'config_json'), 'bad config');
}

// Raw FFI: NULL arguments and a non-JSON request are error statuses, never a crash.
$ffi = CinetPay\Client::ffi();
$out = $ffi->new('char *');
check($ffi->cinetpay_init_payment(null, '{}', \FFI::addr($out)) === $ffi->CINETPAY_ERR_VALIDATION, 'NULL client');
$ffi->cinetpay_string_free($out);
check($ffi->cinetpay_client_new(null, null) === null, 'NULL config');
check($ffi->cinetpay_version() === '0.1.0', 'version (const char * comes back as a PHP string)');

// 1,000 calls: every returned string is freed exactly once (run under valgrind in CI would
// also work; here the process must simply stay healthy).
for ($i = 0; $i < 1000; $i++) {
    try {
        $client->initPayment(['amount' => 102] + $base['base']);
    } catch (CinetPay\Error $e) {
        if (!$e->isValidation()) { check(false, "loop $i"); break; }
    }
}
check(true, '1000 rejected calls');

echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
