<?php
// PSR-4 autoloading as composer.json declares it, so the tests run without Composer installed.
declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $map = ['CinetPay\\Tests\\' => __DIR__ . '/', 'CinetPay\\' => dirname(__DIR__) . '/src/'];
    foreach ($map as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
