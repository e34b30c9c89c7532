'use strict';
// seamlessCheckout: tests/fixtures/seamless.json, and every case of validation.json refused as
// initPayment refuses it (the same vectors the Rust, Python, C, PHP and Kotlin suites run).

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const cinetpay = require('..');
const { API_KEY, SITE_ID, fixture, closedPortUrl } = require('./helpers.js');

const SEAMLESS = fixture('seamless.json');
const VALIDATION = fixture('validation.json');

test("the docs' Seamless example gives setConfig's and getCheckout's objects", () => {
  const docs = SEAMLESS.docs_example;
  const client = new cinetpay.Client({ apiKey: docs.client.api_key, siteId: docs.client.site_id });
  const got = client.seamlessCheckout(docs.payload);
  assert.deepEqual(JSON.parse(JSON.stringify(got)), docs.result);
  // deepEqual ignores the keys' order: the page receives them in the fixture's order.
  for (const part of ['set_config', 'get_checkout']) assert.deepEqual(Object.keys(got[part]), Object.keys(docs.result[part]));
});

test('against the emulator: its script and mode, the client\'s credentials', () => {
  const emu = SEAMLESS.emulator;
  const client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emu.base_url });
  const got = client.seamlessCheckout(emu.payload);
  assert.equal(got.script_url, emu.result.script_url);
  assert.deepEqual(got.get_checkout, emu.result.get_checkout);
  assert.deepEqual(got.set_config, { apikey: API_KEY, site_id: SITE_ID, ...emu.result.set_config });
  // The page needs the apikey (JSON), logs must not show it.
  assert.ok(JSON.stringify(got).includes(API_KEY));
  assert.ok(!util.inspect(got, { depth: 5 }).includes(API_KEY), util.inspect(got));
  assert.match(util.inspect(got), /apikey: '\*\*\*'/);
});

test('every validation case is refused as initPayment refuses it, and return_url is optional', async () => {
  const client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: await closedPortUrl() });
  for (const c of VALIDATION.cases) {
    const body = { ...VALIDATION.base, ...(c.set ?? {}) };
    for (const key of c.unset ?? []) delete body[key];
    assert.throws(() => client.seamlessCheckout(body), (e) => {
      assert.ok(e instanceof cinetpay.ValidationError, `${c.name}: ${e}`);
      assert.equal(e.code, 'validation_error', c.name);
      assert.equal(e.field, c.field, c.name);
      assert.ok(e.message.includes(c.message_contains), `${c.name}: ${e.message}`);
      return true;
    });
  }
  const { return_url: _, ...noReturn } = VALIDATION.base;
  assert.equal(client.seamlessCheckout(noReturn).get_checkout.return_url, undefined);
  await assert.rejects(client.initPayment(noReturn), (e) => e.field === 'return_url');
  assert.throws(() => client.seamlessCheckout({ ...noReturn, apikey: 'another-key' }), (e) => e.field === 'apikey' && !e.message.includes('another-key'));
});
