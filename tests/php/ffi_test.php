<?php
/**
 * The C library through PHP FFI: the example's wrapper against the emulator, the shared vectors
 * of tests/fixtures (docs examples, validation, API errors), bad inputs, and resident memory over
 * many calls and clients, showing nothing is leaked.
 *
 *   php tests/php/ffi_test.php EMULATOR_URL DOCS_EMULATOR_URL
 *
 * DOCS_EMULATOR_URL is an emulator started with --config tests/fixtures/emulator-docs-accounts.json.
 * Ends with "N passed, N failed".
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/bindings-php/tests/bootstrap.php';

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
    } catch (CinetPay\CinetPayException $e) {
        check($e instanceof CinetPay\ValidationException && $e->field() === $case['field'], "{$case['name']}: {$e->getMessage()}");
        // The one-line form every language shares (Python str, Node message, Rust Display).
        check(str_starts_with($e->getMessage(), "validation_error: {$case['field']}: "), "{$case['name']}: one-line form");
        check(str_contains($e->getMessage(), $case['message_contains']), "{$case['name']}: message");
    }
}

try {
    $client->initPayment(['transaction_id' => $tx] + $base['base']);
    check(false, 'a reused transaction_id was accepted');
} catch (CinetPay\CinetPayException $e) {
    check($e->errorCode() === 'minimum_required_field' && $e->apiCode() === '608', 'reused transaction_id');
    check($e->status === CinetPay\Library::ffi()->CINETPAY_ERR_MINIMUM_REQUIRED_FIELD, 'status enum constant');
}

try {
    new CinetPay\Client(['apikey' => 'x']);
    check(false, 'a bad config was accepted');
} catch (CinetPay\CinetPayException $e) {
    // The core's settings schema: the same error as in every language.
    check($e instanceof CinetPay\ValidationException && $e->field() === 'apikey' && str_contains($e->getMessage(), 'did you mean api_key'), 'bad config');
}

// The docs' request examples: sent as the fixture's wire body (project decisions labelled there).
$docsUrl = $argv[2];
$fixtures = dirname(__DIR__) . '/fixtures';
foreach (['docs-axios', 'docs-refid12354', 'docs-seamless'] as $name) {
    $v = json_decode((string) file_get_contents("$fixtures/requests/$name.json"), true);
    $docsClient = new CinetPay\Client(['api_key' => $v['client']['api_key'], 'site_id' => $v['client']['site_id'],
        'base_url' => $docsUrl]);
    $link = $docsClient->initPayment($v['payload']);
    $query = http_build_query(['site_id' => $v['client']['site_id'], 'transaction_id' => $v['payload']['transaction_id']]);
    $stored = json_decode((string) file_get_contents("$docsUrl/_emulator/transaction?$query"), true);
    // Compared as JSON objects: PHP arrays would also equal with their keys in another order.
    check(json_encode($stored['request']) === json_encode($v['wire']), "$name: the wire body is the fixture's");
    check($stored['payment_token'] === $link['payment_token'], "$name: the returned token is the stored one");
    if (isset($v['invoice_order'])) {
        check(array_keys($stored['request']['invoice_data']) === $v['invoice_order'], "$name: invoice_data order");
    }
    check(str_starts_with($stored['user_agent'], 'cinetpay-rust/') && str_contains($stored['user_agent'], ' cinetpay-c/'),
        "$name: user agent {$stored['user_agent']}");
}

// settings.json: a bad client setting is the same validation error in every language.
$settings = json_decode((string) file_get_contents("$fixtures/settings.json"), true);
foreach ($settings['cases'] as $case) {
    $given = array_merge($settings['base'], $case['set'] ?? []);
    foreach ($case['unset'] ?? [] as $key) { unset($given[$key]); }
    try {
        new CinetPay\Client($given);
        check(false, "{$case['name']}: accepted");
    } catch (CinetPay\CinetPayException $e) {
        check($e instanceof CinetPay\ValidationException && $e->field() === $case['field'], "{$case['name']}: field {$e->field()}");
        check(str_contains($e->getMessage(), $case['message_contains']), "{$case['name']}: {$e->getMessage()}");
    }
}

// accepted.json: what people type and the docs allow is sent exactly as given.
$accepted = json_decode((string) file_get_contents("$fixtures/accepted.json"), true);
foreach ($accepted['cases'] as $case) {
    $request = array_merge($base['base'], $case['set']);
    $request['transaction_id'] = 'PHP-A-' . bin2hex(random_bytes(6));
    $client->initPayment($request);
    $query = http_build_query(['site_id' => '445160', 'transaction_id' => $request['transaction_id']]);
    $sent = json_decode((string) file_get_contents("$url/_emulator/transaction?$query"), true)['request'];
    foreach ($case['set'] as $key => $value) {
        check(($sent[$key] ?? null) === $value, "{$case['name']}: $key sent as given");
    }
}

// api-errors.json: refusals by the emulator, with CinetPay's codes.
$errors = json_decode((string) file_get_contents("$fixtures/api-errors.json"), true);
foreach ($errors['cases'] as $i => $case) {
    $caseConfig = ($case['client'] ?? []) + $config;
    $caseClient = new CinetPay\Client($caseConfig);
    $request = array_merge($base['base'], $case['set'] ?? []);
    $request['transaction_id'] = 'PHP-E-' . bin2hex(random_bytes(6));
    if ($case['repeat'] ?? false) {
        $caseClient->initPayment($request);
    }
    try {
        $caseClient->initPayment($request);
        check(false, "{$case['name']}: accepted");
    } catch (CinetPay\CinetPayException $e) {
        check($e->errorCode() === $case['code'], "{$case['name']}: code {$e->errorCode()}");
        check(CinetPay\Library::ffi()->cinetpay_status_code($e->status) === $case['code'], "{$case['name']}: status number");
        check($e->apiCode() === $case['api_code'], "{$case['name']}: api_code");
        check(($e->info['http_status'] ?? null) === $case['http_status'], "{$case['name']}: http_status");
        check(!isset($case['description_contains']) || str_contains((string) ($e->info['description'] ?? ''), $case['description_contains']),
            "{$case['name']}: description");
        check(($e->info['request_sent'] ?? null) === true, "{$case['name']}: request_sent");
        // The client's own key, whichever the case uses.
        check(!str_contains($e->getMessage() . json_encode($e->info), $caseConfig['api_key']), "{$case['name']}: apikey not echoed");
    }
}

// Raw FFI: NULL arguments and a non-JSON request are error statuses, never a crash.
$ffi = CinetPay\Library::ffi();
$out = $ffi->new('char *');
check($ffi->cinetpay_init_payment(null, '{}', \FFI::addr($out)) === $ffi->CINETPAY_ERR_VALIDATION, 'NULL client');
$ffi->cinetpay_string_free($out);
check($ffi->cinetpay_client_new(null, null) === null, 'NULL config');
check($ffi->cinetpay_version() === '0.1.0', 'version (const char * comes back as a PHP string)');

// Nothing leaks: resident memory after many rejected calls (each returns an error string that
// the wrapper frees) and many clients created and freed. A leaked error string (~400 bytes)
// would add 8 MB over 20,000 calls, a leaked client far more; allocator noise stays well under
// the 2 MB allowed.
function rss_kib(): int
{
    $statm = explode(' ', (string) file_get_contents('/proc/self/statm'));
    return intdiv((int) $statm[1] * 4096, 1024);
}
function rejected_calls(CinetPay\Client $client, array $request, int $n): bool
{
    for ($i = 0; $i < $n; $i++) {
        try {
            $client->initPayment($request);
            return false;
        } catch (CinetPay\CinetPayException $e) {
            if (!($e instanceof CinetPay\ValidationException)) { return false; }
        }
    }
    return true;
}
$bad = ['amount' => 102] + $base['base'];
rejected_calls($client, $bad, 2000); // warm-up: allocator pools, PHP's caches
$before = rss_kib();
check(rejected_calls($client, $bad, 20000), '20,000 rejected calls raised validation errors');
$grown = rss_kib() - $before;
echo "memory: 20,000 rejected calls grew resident memory by $grown KiB\n";
check($grown < 2048, "20,000 rejected calls: resident memory grew by $grown KiB (limit 2048)");

for ($i = 0; $i < 200; $i++) { new CinetPay\Client($config); }
$before = rss_kib();
for ($i = 0; $i < 5000; $i++) { new CinetPay\Client($config); }
$grown = rss_kib() - $before;
echo "memory: 5,000 clients grew resident memory by $grown KiB\n";
check($grown < 2048, "5,000 clients created and freed: resident memory grew by $grown KiB (limit 2048)");

echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
