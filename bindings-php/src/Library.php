<?php

declare(strict_types=1);

namespace CinetPay;

/**
 * Loads libcinetpay through PHP's FFI extension, once per process.
 *
 * The library is found, in this order:
 * 1. the path given to {@see Library::load()} or in the `CINETPAY_LIB` environment variable;
 * 2. `lib/libcinetpay.so` inside this package (where a release archive of the package will put
 *    it; none is published yet);
 * 3. a Cargo build of this repository: `target/release`, then `target/debug`, with or without a
 *    target triple directory.
 * The header is the path in `CINETPAY_HEADER`, else `include/cinetpay_php.h` inside this package,
 * else the repository's `include/`. Installed outside this repository (Composer's `vendor/`),
 * set both variables.
 *
 * The library is linked with `-z nodelete`: PHP FFI unloads libraries when their FFI object is
 * freed (every php-fpm request), and the SDK's runtime threads must outlive that.
 */
final class Library
{
    private static ?\FFI $ffi = null;

    /** The FFI handle, loading the library on first use. */
    public static function ffi(): \FFI
    {
        return self::$ffi ??= self::load();
    }

    /** Loads the library from `$library` (or the places above) and the PHP header. */
    public static function load(?string $library = null, ?string $header = null): \FFI
    {
        $library ??= self::findLibrary();
        $header ??= self::findHeader();
        self::$ffi = \FFI::cdef((string) file_get_contents($header), $library);
        return self::$ffi;
    }

    /** Every place the library is looked for, in order. */
    public static function candidates(): array
    {
        $package = dirname(__DIR__);
        $repo = dirname($package);
        $candidates = [];
        $env = getenv('CINETPAY_LIB');
        if (is_string($env) && $env !== '') {
            $candidates[] = $env;
        }
        $candidates[] = "$package/lib/libcinetpay.so";
        foreach (['release', 'debug'] as $profile) {
            $candidates[] = "$repo/target/$profile/libcinetpay.so";
            foreach (glob("$repo/target/*/$profile/libcinetpay.so") ?: [] as $path) {
                $candidates[] = $path;
            }
        }
        return $candidates;
    }

    /** The library this process loads: the first of candidates() that exists. */
    public static function path(): string
    {
        return self::findLibrary();
    }

    private static function findLibrary(): string
    {
        foreach (self::candidates() as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        throw new \RuntimeException(
            'libcinetpay.so not found: set CINETPAY_LIB to its path, or build it with '
            . '`cargo build --release -p cinetpay-c`. Looked in: ' . implode(', ', self::candidates())
        );
    }

    private static function findHeader(): string
    {
        $package = dirname(__DIR__);
        $env = getenv('CINETPAY_HEADER');
        $candidates = is_string($env) && $env !== '' ? [$env] : [];
        $candidates[] = "$package/include/cinetpay_php.h";
        $candidates[] = dirname($package) . '/include/cinetpay_php.h';
        foreach ($candidates as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        throw new \RuntimeException('cinetpay_php.h not found: set CINETPAY_HEADER to its path (include/cinetpay_php.h of the SDK)');
    }

    /**
     * The SDK's schema (operations, settings, fields, error table) from the library.
     *
     * @return array<string, mixed>
     */
    public static function schema(): array
    {
        $ffi = self::ffi();
        $text = $ffi->cinetpay_schema();
        if ($text === null) {
            throw new \RuntimeException('cinetpay_schema failed');
        }
        try {
            return json_decode(\FFI::string($text), true, 32, JSON_THROW_ON_ERROR);
        } finally {
            $ffi->cinetpay_string_free($text);
        }
    }
}
