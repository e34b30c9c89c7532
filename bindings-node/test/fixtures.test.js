'use strict';
// The repository's shared vectors, the same the Rust, Python and C suites run.

const test = require('node:test');
const assert = require('node:assert/strict');
const cinetpay = require('..');
const { API_KEY, SITE_ID, fixture, startEmulator, closedPortUrl, uniqueId } = require('./helpers.js');

const DOCS = ['requests/docs-axios.json', 'requests/docs-refid12354.json', 'requests/docs-seamless.json'];
const VALIDATION = fixture('validation.json');
const API_ERRORS = fixture('api-errors.json');
const ACCEPTED = fixture('accepted.json');
const SETTINGS = fixture('settings.json');
const NOTIFICATIONS = fixture('notifications.json');

function patched(c) {
  const body = { ...VALIDATION.base, ...(c.set ?? {}) };
  for (const key of c.unset ?? []) delete body[key];
  return body;
}

test('docs examples are sent as documented, with the project decisions the fixtures label', async (t) => {
  const emu = await startEmulator('--config', require('node:path').join(__dirname, '..', '..', 'tests', 'fixtures', 'emulator-docs-accounts.json'));
  t.after(() => emu.stop());
  for (const name of DOCS) {
    const v = fixture(name);
    const client = new cinetpay.Client({ apiKey: v.client.api_key, siteId: v.client.site_id, baseUrl: emu.url });
    const link = await client.initPayment(v.payload);
    assert.ok(link.payment_url.startsWith(`${emu.url}/payment/`), name);
    const stored = await emu.transaction(v.client.site_id, v.payload.transaction_id);
    assert.deepEqual(stored.request, v.wire, name);
    if (v.invoice_order) assert.deepEqual(Object.keys(stored.request.invoice_data), v.invoice_order, name);
    assert.match(stored.user_agent, /^cinetpay-rust\/\S+ cinetpay-node\/\S+ node\/\d+/);
  }
});

test('validation cases are refused locally, naming the field', async () => {
  const client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: await closedPortUrl(), maxRetries: 0 });
  for (const c of VALIDATION.cases) {
    await assert.rejects(client.initPayment(patched(c)), (e) => {
      assert.ok(e instanceof cinetpay.ValidationError, `${c.name}: ${e}`);
      assert.equal(e.code, 'validation_error', c.name);
      assert.equal(e.field, c.field, c.name);
      assert.equal(e.requestSent, false, c.name);
      assert.ok(e.message.includes(c.message_contains), `${c.name}: ${e.message}`);
      // The one-line form every language shares (Python str, Rust Display, PHP getMessage).
      assert.ok(e.message.startsWith(`validation_error: ${c.field}: `), `${c.name}: ${e.message}`);
      return true;
    });
  }
});

const CLASSES = {
  auth_not_found: cinetpay.AuthenticationError,
  site_id_not_valid: cinetpay.AuthenticationError,
  currency_not_allowed: cinetpay.APIError,
  minimum_required_field: cinetpay.APIError,
};

test('settings cases are refused naming the setting, as in every language', () => {
  // The native entry every Client goes through, with the core's settings as given.
  const native = require('../native.js');
  const { fromNative } = require('../errors.js');
  for (const c of SETTINGS.cases) {
    const settings = { ...SETTINGS.base, ...(c.set ?? {}) };
    for (const key of c.unset ?? []) delete settings[key];
    assert.throws(
      () => {
        try {
          new native.NativeClient(JSON.stringify(settings));
        } catch (e) {
          throw fromNative(e);
        }
      },
      (e) => e instanceof cinetpay.ValidationError && e.field === c.field && e.message.includes(c.message_contains),
      c.name,
    );
  }
});

test('accepted cases are sent exactly as given', async (t) => {
  const emu = await startEmulator();
  t.after(() => emu.stop());
  const client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emu.url });
  for (const c of ACCEPTED.cases) {
    const body = { ...patched(c), transaction_id: uniqueId('ACCEPTED') };
    await client.initPayment(body);
    const sent = (await emu.transaction(SITE_ID, body.transaction_id)).request;
    for (const [key, value] of Object.entries(c.set)) assert.deepEqual(sent[key], value, `${c.name}: ${key}`);
  }
});

test('API error cases carry CinetPay\'s details', async (t) => {
  const emu = await startEmulator();
  t.after(() => emu.stop());
  for (const c of API_ERRORS.cases) {
    const apiKey = c.client?.api_key ?? API_KEY;
    const client = new cinetpay.Client({
      apiKey,
      siteId: c.client?.site_id ?? SITE_ID,
      baseUrl: emu.url,
    });
    const body = { ...patched(c), transaction_id: uniqueId('APIERR') };
    if (c.repeat) await client.initPayment(body);
    await assert.rejects(client.initPayment(body), (e) => {
      assert.equal(e.constructor, CLASSES[c.code], c.name);
      assert.ok(e instanceof cinetpay.CinetPayError && e instanceof Error, c.name);
      assert.equal(e.code, c.code, c.name);
      assert.equal(e.apiCode, c.api_code, c.name);
      assert.equal(e.httpStatus, c.http_status, c.name);
      assert.ok(e.apiResponseId && e.hint, c.name);
      if (c.description_contains) assert.ok(e.description.includes(c.description_contains), c.name);
      // The client's own key, whichever the case uses.
      assert.ok(!e.message.includes(apiKey) && !e.stack.includes(apiKey), c.name);
      return true;
    });
  }
});

test('notification tokens computed with Python hmac verify and sign alike; forged ones are refused', () => {
  const client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, secretKey: NOTIFICATIONS.secret_key });
  for (const c of NOTIFICATIONS.cases) {
    for (const form of [c.form, c.body, Buffer.from(c.body)]) {
      const n = client.verifyNotification(form, c.x_token);
      assert.equal(n.cpm_trans_id, c.form.cpm_trans_id, c.name);
      assert.equal(n.cpm_amount, c.form.cpm_amount, c.name);
    }
    assert.equal(client.signNotification(c.form), c.x_token, c.name);
  }
  for (const c of NOTIFICATIONS.forged) {
    assert.throws(() => client.verifyNotification(c.form, c.x_token), (e) => e instanceof cinetpay.ValidationError && e.code === 'invalid_notification', c.name);
  }
  for (const c of NOTIFICATIONS.duplicated) {
    assert.throws(() => client.verifyNotification(c.body, c.x_token), (e) => e instanceof cinetpay.ValidationError && e.field === c.field, c.name);
    // As express.urlencoded() parses it: the repeated field becomes an array.
    const parsed = {};
    for (const [k, v] of new URLSearchParams(c.body)) parsed[k] = k in parsed ? [].concat(parsed[k], v) : v;
    assert.throws(() => client.verifyNotification(parsed, c.x_token), (e) => e.field === c.field, c.name);
  }
  const keyless = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID });
  const c = NOTIFICATIONS.cases[0];
  assert.throws(() => keyless.verifyNotification(c.form, c.x_token), (e) => e.code === 'secret_key_required');
});
