<?php

declare(strict_types=1);

namespace CinetPay;

/**
 * What a page needs for CinetPay's Seamless browser SDK, made by Client::seamlessCheckout().
 *
 * Load $scriptUrl, then call CinetPay.setConfig(<?= json_encode($c->setConfig()) ?>) and
 * CinetPay.getCheckout(<?= json_encode($c->getCheckout) ?>). setConfig() holds the client's
 * apikey, which the page needs (CinetPay's design); var_dump() and print_r() mask it.
 */
final class SeamlessCheckout implements \JsonSerializable
{
    /**
     * @param string $scriptUrl CinetPay's script, or the emulator's stand-in when base_url is a
     *     loopback host: the same page runs in production and offline.
     * @param array<string, mixed> $config the object for CinetPay.setConfig
     * @param array<string, mixed> $getCheckout the object for CinetPay.getCheckout: the validated
     *     request with CinetPay's names, normalised as for initPayment
     */
    public function __construct(
        public readonly string $scriptUrl,
        private readonly array $config,
        public readonly array $getCheckout,
    ) {
    }

    /** @param array<string, mixed> $result the core's {script_url, set_config, get_checkout} */
    public static function fromResult(array $result): self
    {
        return new self($result['script_url'], $result['set_config'], $result['get_checkout']);
    }

    /**
     * The object for CinetPay.setConfig: apikey, site_id, notify_url, mode.
     *
     * @return array<string, mixed>
     */
    public function setConfig(): array
    {
        return $this->config;
    }

    /** @return array<string, mixed> {script_url, set_config, get_checkout}, with the apikey */
    public function jsonSerialize(): array
    {
        return ['script_url' => $this->scriptUrl, 'set_config' => $this->config, 'get_checkout' => $this->getCheckout];
    }

    /** @return array<string, mixed> what var_dump() and print_r() show: the apikey masked */
    public function __debugInfo(): array
    {
        return ['scriptUrl' => $this->scriptUrl, 'setConfig' => ['apikey' => '***'] + $this->config,
            'getCheckout' => $this->getCheckout];
    }
}
