<?php
/**
 * Issue 8, for PHP: the library survives being unloaded and reloaded, as php-fpm does on every
 * request. PHP FFI calls dlclose() when an FFI object is freed; the SDK's runtime threads keep
 * running inside the library, so it must stay mapped (it is linked with -z nodelete). Each round
 * loads the library afresh, makes a call, frees the client and drops the FFI object.
 *
 *   php -d ffi.enable=1 tests/php/unload_test.php EMULATOR_URL
 *
 * Prints "unload: N rounds" and exits 0; a crash shows as a signal in the exit status.
 */

declare(strict_types=1);

$url = $argv[1];
$root = dirname(__DIR__, 2);
$library = getenv('CINETPAY_LIB') ?: "$root/target/debug/libcinetpay.so";
$header = (string) file_get_contents("$root/include/cinetpay_php.h");
$config = json_encode(['api_key' => 'emulator-apikey-0000000000000001', 'site_id' => '445160',
    'base_url' => $url, 'max_retries' => 0], JSON_THROW_ON_ERROR);
$rounds = 20;

/** How many of this process's mappings are of the library. */
function mapped(string $library): int
{
    return substr_count((string) file_get_contents('/proc/self/maps'), basename($library));
}

// Before any call, so that nothing but -z nodelete can keep the library mapped (once a runtime
// thread has run, glibc also keeps it, for its thread-local destructors).
$ffi = FFI::cdef($header, $library);
unset($ffi);
gc_collect_cycles();
if (mapped($library) === 0) {
    fwrite(STDERR, "the library was unmapped when its FFI object was freed: link it with -z nodelete\n");
    exit(1);
}

for ($i = 0; $i < $rounds; $i++) {
    $ffi = FFI::cdef($header, $library);
    $client = $ffi->cinetpay_client_new($config, null);
    $out = $ffi->new('char *');
    $request = json_encode(['transaction_id' => 'PHP-U-' . bin2hex(random_bytes(6)), 'amount' => 100,
        'currency' => 'XOF', 'description' => 'unload', 'notify_url' => 'https://shop.example/n',
        'return_url' => 'https://shop.example/r'], JSON_THROW_ON_ERROR);
    $status = $ffi->cinetpay_init_payment($client, $request, FFI::addr($out));
    $ffi->cinetpay_string_free($out);
    $ffi->cinetpay_client_free($client);
    if ($status !== 0) {
        fwrite(STDERR, "round $i: status $status\n");
        exit(1);
    }
    // The runtime's threads are still parked inside the library when it is released here.
    unset($out, $client, $ffi);
    gc_collect_cycles();
    usleep(2000);
}
echo "unload: $rounds rounds\n";
