'use strict';
// The fault matrix (tests/fixtures/faults.json): each fault the emulator injects ends as the
// fixture says, in time, with the attempts it says; the heap and RSS stay bounded under a
// 64 MiB answer; no error or result shows the account's keys.

const test = require('node:test');
const assert = require('node:assert/strict');
const { Client, CinetPayError } = require('..');
const { inspect } = require('node:util');
const { TRANSPORTS, fixture, startEmulator, withTransport } = require('./helpers');

const MATRIX = fixture('faults.json');
const ACCOUNT = MATRIX.account;
const PATHS = { init_payment: '/v2/payment', check_payment: '/v2/payment/check' };

const payment = (id) => ({
  transaction_id: id,
  amount: 100,
  currency: 'XOF',
  description: 'Commande',
  notify_url: 'https://shop.example/notify',
  return_url: 'https://shop.example/return',
});

for (const transport of TRANSPORTS) test(`the fault matrix (${transport} transport)`, async (t) => {
  const emulator = await startEmulator('--account', `${ACCOUNT.api_key}:${ACCOUNT.site_id}:${ACCOUNT.secret_key}:XOF`);
  t.after(() => emulator.stop());
  const control = async (method, path, body) => {
    const r = await fetch(emulator.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    return JSON.parse(text);
  };
  const client = withTransport(transport, () => new Client({
    apiKey: ACCOUNT.api_key,
    siteId: ACCOUNT.site_id,
    secretKey: ACCOUNT.secret_key,
    baseUrl: emulator.url,
    timeoutMs: MATRIX.settings.timeout_ms,
  }));
  let n = 0;
  for (const c of MATRIX.cases) {
    await t.test(c.name, async () => {
      const id = `JS-FAULT-${transport}-${process.pid}-${n++}`;
      await control('DELETE', '/_emulator/faults');
      if (c.operation === 'check_payment') await client.initPayment(payment(id));
      await control('POST', '/_emulator/faults', { ...c.fault, path: PATHS[c.operation] });
      const before = (await control('GET', '/_emulator/stats')).api_requests;
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      let result;
      let error;
      try {
        result = c.operation === 'init_payment' ? await client.initPayment(payment(id)) : await client.checkPayment(id);
      } catch (e) {
        error = e;
      }
      const elapsed = performance.now() - started;
      const attempts = (await control('GET', '/_emulator/stats')).api_requests - before;
      await control('DELETE', '/_emulator/faults');
      // Everything a merchant could print or log about the outcome.
      const shown = error ? `${error} ${error.stack} ${inspect(error)} ${JSON.stringify(error)}` : inspect(result);
      for (const key of [ACCOUNT.api_key, ACCOUNT.secret_key]) assert.ok(!shown.includes(key), shown);
      if (c.expect.ok) {
        assert.equal(error, undefined, String(error));
        if (c.operation === 'check_payment') assert.equal(result.code, '662');
      } else {
        assert.ok(error instanceof CinetPayError, `succeeded: ${JSON.stringify(result)}`);
        assert.deepEqual([error.code, error.requestSent], [c.expect.code, c.expect.request_sent], String(error));
      }
      assert.equal(attempts, c.expect.attempts);
      assert.ok(elapsed <= c.within_ms, `took ${elapsed.toFixed(0)} ms`);
      if (c.fault.fault === 'huge_body') {
        const grownMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
        assert.ok(grownMiB < 16, `resident memory grew by ${grownMiB.toFixed(1)} MiB`);
      }
    });
  }
});
