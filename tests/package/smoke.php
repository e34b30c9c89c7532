<?php
// Installed with Composer from the PHP artifact alone: initialise a payment on the emulator.
declare(strict_types=1);

require getcwd() . '/vendor/autoload.php';

$client = new CinetPay\Client([
    'api_key' => 'emulator-apikey-0000000000000001',
    'site_id' => '445160',
    'base_url' => $argv[1],
]);
$link = $client->initPayment([
    'transaction_id' => $argv[2], 'amount' => 100, 'currency' => 'XOF', 'description' => 'Commande',
    'notify_url' => 'https://shop.example/notify', 'return_url' => 'https://shop.example/return',
]);
echo 'php: ', $link['payment_url'], "\n";
echo 'library: ', CinetPay\Library::path(), "\n";
