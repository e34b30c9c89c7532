<?php

declare(strict_types=1);

namespace CinetPay\Tests;

use CinetPay\ApiException;
use CinetPay\AuthenticationException;
use CinetPay\CinetPayException;
use CinetPay\Client;
use CinetPay\Library;
use CinetPay\NetworkException;
use CinetPay\RateLimitException;
use CinetPay\TimeoutException;
use CinetPay\ValidationException;
use PHPUnit\Framework\TestCase;

/**
 * The PHP package against the emulator (CINETPAY_EMULATOR_URL, started by scripts/test).
 */
final class ClientTest extends TestCase
{
    private const API_KEY = 'emulator-apikey-0000000000000001';

    private static function url(): string
    {
        $url = getenv('CINETPAY_EMULATOR_URL');
        if (!is_string($url) || $url === '') {
            self::fail('CINETPAY_EMULATOR_URL is not set: scripts/test php starts the emulator');
        }
        return $url;
    }

    private static function client(array $settings = []): Client
    {
        return new Client($settings + ['api_key' => self::API_KEY, 'site_id' => '445160', 'base_url' => self::url(), 'max_retries' => 0]);
    }

    /** @return array<string, mixed> */
    private static function request(array $set = []): array
    {
        return $set + [
            'transaction_id' => 'PHPUNIT-' . bin2hex(random_bytes(6)),
            'amount' => 100,
            'currency' => 'XOF',
            'description' => 'Commande',
            'notify_url' => 'https://shop.example/n',
            'return_url' => 'https://shop.example/r',
        ];
    }

    public function testASuccessReturnsTheLinkTheEmulatorStored(): void
    {
        $request = self::request();
        $link = self::client()->initPayment($request);
        self::assertStringStartsWith(self::url() . '/payment/', $link['payment_url']);
        $query = http_build_query(['site_id' => '445160', 'transaction_id' => $request['transaction_id']]);
        $stored = json_decode((string) file_get_contents(self::url() . "/_emulator/transaction?$query"), true);
        self::assertSame($stored['payment_token'], $link['payment_token']);
    }

    public function testEveryOperationOfTheCoreHasAMethod(): void
    {
        foreach (Library::schema()['operations'] as $operation) {
            $method = lcfirst(str_replace('_', '', ucwords($operation, '_')));
            self::assertTrue(method_exists(Client::class, $method), "Client::$method ($operation)");
        }
    }

    /** @return array<string, mixed> */
    private static function fixture(string $name): array
    {
        return json_decode((string) file_get_contents(dirname(__DIR__, 2) . "/tests/fixtures/$name"), true);
    }

    public function testSeamlessCheckoutGivesTheDocsObjectsAndMasksTheApikey(): void
    {
        $v = self::fixture('seamless.json');
        $docs = $v['docs_example'];
        $client = new Client(['api_key' => $docs['client']['api_key'], 'site_id' => $docs['client']['site_id']]);
        $c = $client->seamlessCheckout($docs['payload']);
        // Compared as JSON text, so the keys' order (the SDK's wire order) is checked too.
        self::assertSame(json_encode($docs['result']), json_encode($c));
        self::assertSame(json_encode($docs['result']['set_config']), json_encode($c->setConfig()));

        $emu = $v['emulator'];
        $c = self::client(['base_url' => $emu['base_url']])->seamlessCheckout($emu['payload']);
        self::assertSame($emu['result']['script_url'], $c->scriptUrl);
        self::assertSame($emu['result']['get_checkout'], $c->getCheckout);
        self::assertSame(['apikey' => self::API_KEY, 'site_id' => '445160'] + $emu['result']['set_config'], $c->setConfig());
        $dumped = (function () use ($c) {
            ob_start();
            var_dump($c);
            return ob_get_clean();
        })();
        foreach ([print_r($c, true), $dumped] as $shown) {
            self::assertStringNotContainsString(self::API_KEY, $shown);
            self::assertStringContainsString('***', $shown);
        }
        foreach ([var_export($c, true), print_r((array) $c, true), json_encode(get_object_vars($c))] as $shown) {
            self::assertStringNotContainsString(self::API_KEY, $shown);
        }
        try {
            serialize($c);
            self::fail('serialized with its apikey');
        } catch (\LogicException $e) {
            self::assertStringNotContainsString(self::API_KEY, $e->getMessage());
        }
        // Embedded in a page: escaped for a <script> element.
        $flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_THROW_ON_ERROR;
        $tricky = self::client(['base_url' => $emu['base_url']])->seamlessCheckout(['description' => 'Order <!--<script>'] + $emu['payload']);
        self::assertStringNotContainsString('<', json_encode($tricky->getCheckout, $flags));
    }

    public function testSeamlessCheckoutRefusesWhatInitPaymentRefuses(): void
    {
        $v = self::fixture('validation.json');
        $client = self::client();
        foreach ($v['cases'] as $case) {
            $request = array_merge($v['base'], $case['set'] ?? []);
            foreach ($case['unset'] ?? [] as $key) {
                unset($request[$key]);
            }
            try {
                $client->seamlessCheckout($request);
                self::fail("{$case['name']}: accepted");
            } catch (ValidationException $e) {
                self::assertSame([$case['field'], 'validation_error'], [$e->field(), $e->errorCode()], $case['name']);
                self::assertStringContainsString($case['message_contains'], $e->getMessage(), $case['name']);
            }
        }
        $request = $v['base'];
        unset($request['return_url']);
        self::assertArrayNotHasKey('return_url', $client->seamlessCheckout($request)->getCheckout);
    }

    public function testEachFamilyOfTheCoreHasItsClass(): void
    {
        $expected = [
            'validation' => ValidationException::class,
            'authentication' => AuthenticationException::class,
            'rate_limit' => RateLimitException::class,
            'api' => ApiException::class,
            'network' => NetworkException::class,
            'timeout' => TimeoutException::class,
            'internal' => CinetPayException::class,
        ];
        $families = array_unique(array_column(Library::schema()['errors'], 'family'));
        sort($families);
        $known = array_keys(CinetPayException::CLASS_BY_FAMILY);
        sort($known);
        self::assertSame($known, $families);
        foreach (Library::schema()['errors'] as $row) {
            $e = CinetPayException::fromInfo($row['c_status'], ['code' => $row['code'], 'family' => $row['family'], 'message' => 'm']);
            self::assertSame($expected[$row['family']], get_class($e), $row['code']);
            self::assertSame($row['code'], $e->errorCode());
        }
        self::assertSame(CinetPayException::class, get_class(CinetPayException::fromInfo(99, ['family' => 'from-the-future'])));
    }

    public function testALocalRuleIsAValidationExceptionNamingTheField(): void
    {
        try {
            self::client()->initPayment(self::request(['amount' => 2502]));
            self::fail('accepted');
        } catch (ValidationException $e) {
            self::assertSame('amount', $e->field());
            self::assertFalse($e->requestSent());
            self::assertStringStartsWith('validation_error: amount: ', $e->getMessage());
            self::assertSame(Library::ffi()->CINETPAY_ERR_VALIDATION, $e->getCode());
        }
    }

    public function testABadSettingIsTheCoresValidationError(): void
    {
        try {
            new Client(['apikey' => 'x']);
            self::fail('accepted');
        } catch (ValidationException $e) {
            self::assertSame('apikey', $e->field());
            self::assertStringContainsString('did you mean api_key', $e->getMessage());
            self::assertSame(Library::ffi()->CINETPAY_ERR_VALIDATION, $e->getCode());
        }
    }

    public function testAnUnknownApikeyIsAnAuthenticationException(): void
    {
        $this->expectException(AuthenticationException::class);
        self::client(['api_key' => 'unknown-apikey-0000000000000000'])->initPayment(self::request());
    }

    public function testARefusedConnectionIsANetworkExceptionNotSent(): void
    {
        try {
            self::client(['base_url' => 'http://127.0.0.1:9'])->initPayment(self::request());
            self::fail('accepted');
        } catch (NetworkException $e) {
            self::assertNotInstanceOf(TimeoutException::class, $e);
            self::assertFalse($e->requestSent());
            self::assertStringContainsString('127.0.0.1:9', $e->getMessage());
            self::assertNotNull($e->hint());
        }
    }

    public function testInputJsonCannotCarryIsAValidationException(): void
    {
        try {
            self::client()->initPayment(self::request(['description' => "caf\xE9"]));
            self::fail('accepted');
        } catch (ValidationException $e) {
            self::assertSame('request', $e->field());
            self::assertStringStartsWith('validation_error: request: ', $e->getMessage());
        }
    }

    public function testAClientCannotBeClonedIntoADoubleFree(): void
    {
        $this->expectException(\Error::class);
        $client = self::client();
        $copy = clone $client;
    }

    public function testNotificationTokensComputedWithPythonHmacVerifyAndSign(): void
    {
        $v = json_decode((string) file_get_contents(dirname(__DIR__, 2) . '/tests/fixtures/notifications.json'), true);
        $client = self::client(['secret_key' => $v['secret_key']]);
        foreach ($v['cases'] as $case) {
            foreach ([$case['form'], $case['body']] as $form) {
                $n = $client->verifyNotification($form, $case['x_token']);
                self::assertSame($case['form']['cpm_trans_id'], $n['cpm_trans_id'], $case['name']);
            }
            self::assertSame($case['x_token'], $client->signNotification($case['form']), $case['name']);
        }
        foreach ($v['forged'] as $case) {
            try {
                $client->verifyNotification($case['form'], $case['x_token']);
                self::fail("{$case['name']}: accepted");
            } catch (ValidationException $e) {
                self::assertSame('invalid_notification', $e->errorCode(), $case['name']);
            }
        }
    }

    /** @return array<string, mixed> */
    private static function emulator(string $path, ?array $json = null): array
    {
        $context = $json === null ? null : stream_context_create(['http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/json\r\n",
            'content' => json_encode($json),
            'ignore_errors' => true,
        ]]);
        return json_decode((string) file_get_contents(self::url() . $path, false, $context), true);
    }

    public function testCheckPaymentFollowsTheCustomersChoice(): void
    {
        $client = self::client(['secret_key' => 'emulator-secret-key-000000000001']);
        $request = self::request();
        $id = $request['transaction_id'];
        $link = $client->initPayment($request);
        $status = $client->checkPayment($id);
        self::assertSame(['662', 'WAITING_FOR_CUSTOMER', false, false], [$status['code'], $status['status'], $status['is_paid'], $status['is_final']]);
        self::emulator('/_emulator/outcome', ['transaction_id' => $id, 'outcome' => 'accept']);
        $status = $client->checkPayment($link['payment_token'], byToken: true);
        self::assertSame(['00', 'ACCEPTED', 100, true], [$status['code'], $status['status'], $status['amount'], $status['is_paid']]);

        // The notification the emulator sent to notify_url, as the handler would receive it.
        $post = null;
        for ($i = 0; $i < 250 && $post === null; $i++) {
            foreach (self::emulator('/_emulator/notifications?' . http_build_query(['transaction_id' => $id])) as $d) {
                $post = $d['kind'] === 'post' ? $d : $post;
            }
            $post ?? usleep(20000);
        }
        self::assertNotNull($post, 'no notification');
        $body = http_build_query($post['form']);
        $outcome = $client->handleNotification($body, $post['x_token'], 100, 'XOF');
        self::assertSame(['paid', $id, []], [$outcome['outcome'], $outcome['transaction_id'], $outcome['skipped_checks']]);
        self::assertSame('failed', $client->handleNotification($post['form'], $post['x_token'], 500, 'XOF')['outcome']);
        try {
            $client->handleNotification($body, str_repeat('0', 64));
            self::fail('a forged notification was accepted');
        } catch (ValidationException $e) {
            self::assertSame('invalid_notification', $e->errorCode());
        }
        try {
            $client->checkPayment('PHP-NEVER-CREATED');
            self::fail('an unknown payment was found');
        } catch (ApiException $e) {
            self::assertSame('payment_not_found', $e->errorCode());
        }
    }

    public function testTheLibraryIsFoundWhereTheReadmeSays(): void
    {
        // CINETPAY_LIB first, then the package's lib/, then a Cargo build of this repository.
        $candidates = Library::candidates();
        self::assertStringEndsWith('bindings-php/lib/libcinetpay.so', $candidates[getenv('CINETPAY_LIB') ? 1 : 0]);
        self::assertContains(dirname(__DIR__, 2) . '/target/release/libcinetpay.so', $candidates);
    }

    /**
     * TLS (tests/fixtures/tls.json) against emulators serving HTTPS, started by scripts/test:
     * CINETPAY_TLS_DIR holds `cinetpay-emulator tls-certs`' files, CINETPAY_TLS_URLS the
     * good, expired and wrong-host servers' URLs, comma-separated.
     */
    public function testTlsTrustsTheConfiguredAuthorityOnlyAndRefusesBadCertificates(): void
    {
        $dir = getenv('CINETPAY_TLS_DIR');
        $urls = getenv('CINETPAY_TLS_URLS');
        if (!is_string($dir) || $dir === '' || !is_string($urls) || $urls === '') {
            self::fail('CINETPAY_TLS_DIR and CINETPAY_TLS_URLS are not set: scripts/test php starts the HTTPS emulators');
        }
        $servers = array_combine(['good', 'expired', 'wrong-host'], explode(',', $urls));
        $ca = (string) file_get_contents("$dir/ca.pem");
        $fixture = json_decode((string) file_get_contents(dirname(__DIR__, 2) . '/tests/fixtures/tls.json'), true);
        foreach ($fixture['cases'] as $case) {
            $settings = ['base_url' => $servers[$case['server']]];
            if ($case['trust_ca']) {
                $settings['ca_certificates'] = $ca;
            }
            try {
                $link = self::client($settings)->initPayment(self::request());
                self::assertSame('ok', $case['expect'], $case['name']);
                self::assertStringStartsWith($servers[$case['server']], $link['payment_url']);
            } catch (NetworkException $e) {
                self::assertSame('tls', $case['expect'], $case['name'] . ': ' . $e->getMessage());
                self::assertSame('tls', $e->errorCode(), $case['name']);
                self::assertFalse($e->requestSent(), $case['name']);
            }
        }
        foreach ($fixture['bad_settings'] as $bad) {
            try {
                self::client(['ca_certificates' => $bad['ca_certificates']]);
                self::fail($bad['name'] . ': accepted');
            } catch (ValidationException $e) {
                self::assertSame($bad['field'], $e->field(), $bad['name']);
            }
        }
    }
}
