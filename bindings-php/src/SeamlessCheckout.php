<?php

declare(strict_types=1);

namespace CinetPay;

/**
 * What a page needs for CinetPay's Seamless browser SDK, made by Client::seamlessCheckout().
 *
 * Load $scriptUrl, then embed both objects for the page's script, escaped for a <script>
 * element:
 *
 *     $flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_THROW_ON_ERROR;
 *     CinetPay.setConfig(<?= json_encode($c->setConfig(), $flags) ?>);
 *     CinetPay.getCheckout(<?= json_encode($c->getCheckout, $flags) ?>);
 *
 * setConfig() holds the client's apikey, which the page needs (CinetPay's design). It is kept
 * out of the object's properties, so var_dump(), print_r(), var_export() and (array) casts never
 * show it, and serialize() refuses the object.
 */
final class SeamlessCheckout implements \JsonSerializable
{
    /** @var \WeakMap<self, string>|null each checkout's apikey, outside its properties */
    private static ?\WeakMap $apikeys = null;

    /**
     * @param string $scriptUrl CinetPay's script, or the emulator's stand-in when base_url is a
     *     loopback host: the same page runs in production and offline.
     * @param array<string, mixed> $config the object for CinetPay.setConfig, without its apikey
     * @param array<string, mixed> $getCheckout the object for CinetPay.getCheckout: the validated
     *     request with CinetPay's names, normalised as for initPayment
     */
    private function __construct(
        public readonly string $scriptUrl,
        private readonly array $config,
        public readonly array $getCheckout,
    ) {
    }

    /** @param array<string, mixed> $result the core's {script_url, set_config, get_checkout} */
    public static function fromResult(array $result): self
    {
        $config = $result['set_config'];
        $apikey = (string) ($config['apikey'] ?? '');
        unset($config['apikey']);
        $checkout = new self($result['script_url'], $config, $result['get_checkout']);
        self::$apikeys ??= new \WeakMap();
        self::$apikeys[$checkout] = $apikey;
        return $checkout;
    }

    /**
     * The object for CinetPay.setConfig: apikey, site_id, notify_url, mode.
     *
     * @return array<string, mixed>
     */
    public function setConfig(): array
    {
        return ['apikey' => self::$apikeys[$this] ?? ''] + $this->config;
    }

    /** @return array<string, mixed> {script_url, set_config, get_checkout}, with the apikey */
    public function jsonSerialize(): array
    {
        return ['script_url' => $this->scriptUrl, 'set_config' => $this->setConfig(), 'get_checkout' => $this->getCheckout];
    }

    /** @return array<string, mixed> what var_dump() and print_r() show: the apikey masked */
    public function __debugInfo(): array
    {
        return ['scriptUrl' => $this->scriptUrl, 'setConfig' => ['apikey' => '***'] + $this->config,
            'getCheckout' => $this->getCheckout];
    }

    /** @return array<string, mixed> */
    public function __serialize(): array
    {
        throw new \LogicException('a SeamlessCheckout holds the apikey and is not serialized: '
            . 'store the order, and call seamlessCheckout() again when the page is shown');
    }
}
