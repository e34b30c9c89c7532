'use strict';
// The Node API: construction, bad inputs, error classes, secrets, the event loop.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const util = require('node:util');
const cinetpay = require('..');
const { API_KEY, SITE_ID, startEmulator, closedPortUrl, payload } = require('./helpers.js');

let emu;
test.before(async () => {
  emu = await startEmulator();
});
test.after(() => emu.stop());

const client = () => new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emu.url });

test('initPayment resolves to the link with CinetPay\'s field names', async () => {
  const body = payload({ metadata: 'order=1', lang: 'EN' });
  const link = await client().initPayment(body);
  assert.equal(link.payment_url, `${emu.url}/payment/${link.payment_token}`);
  assert.ok(link.api_response_id);
  const stored = await emu.transaction(SITE_ID, body.transaction_id);
  assert.equal(stored.request.lang, 'en');
});

test('undefined properties count as absent', async () => {
  await client().initPayment(payload({ metadata: undefined, lang: undefined }));
});

test('bad inputs are ValidationErrors naming the field, never a crash', async () => {
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: await closedPortUrl() });
  const cases = [
    ['amount', undefined],
    ['amount', null],
    ['amount', NaN],
    ['amount', Infinity],
    ['amount', '100'],
    ['amount', 100n],
    ['amount', 100.5],
    ['amount', 2 ** 64],
    ['description', { text: 'Order' }],
    ['description', ['Order']],
    ['description', () => 'Order'],
    ['description', Symbol('x')],
    ['description', 'x'.repeat(10_000_000)],
    ['transaction_id', 172],
    ['invoice_data', { a: 1 }],
    ['lock_phone_number', 'true'],
  ];
  for (const [field, value] of cases) {
    await assert.rejects(c.initPayment(payload({ [field]: value })), (e) => {
      assert.ok(e instanceof cinetpay.ValidationError, `${field}=${String(value).slice(0, 20)}: ${e}`);
      assert.equal(e.field, field);
      return true;
    });
  }
  const deep = {};
  let cur = deep;
  for (let i = 0; i < 20; i++) cur = cur.x = {};
  await assert.rejects(c.initPayment(payload({ invoice_data: deep })), cinetpay.ValidationError);
  for (const bad of [undefined, null, 'x', 42, [1]]) {
    await assert.rejects(c.initPayment(bad), (e) => e instanceof cinetpay.ValidationError && e.field === 'request');
  }
});

test('configuration errors', async () => {
  const check = (config, Class, field) => {
    assert.throws(() => new cinetpay.Client(config), (e) => {
      assert.ok(e instanceof Class, `${JSON.stringify(config)}: ${e}`);
      if (field) assert.equal(e.field, field);
      return true;
    });
  };
  check({ siteId: SITE_ID }, cinetpay.ValidationError, 'api_key');
  check({ apiKey: API_KEY, siteId: SITE_ID, apikey: 'x' }, cinetpay.ValidationError, 'apikey');
  check({ apiKey: API_KEY, siteId: SITE_ID, timeoutMs: -1 }, cinetpay.ValidationError, 'timeoutMs');
  check({ apiKey: API_KEY, siteId: SITE_ID, maxRetries: 1.5 }, cinetpay.ValidationError, 'maxRetries');
  check({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: 'http://api-checkout.cinetpay.com' }, cinetpay.ValidationError, 'base_url');
  check({ apiKey: 42, siteId: SITE_ID }, TypeError);
  check(null, TypeError);
  assert.throws(() => new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, apikey: 'x' }), /did you mean apiKey/);
});

test('fromEnv reads the CINETPAY_* variables', async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { CINETPAY_API_KEY: API_KEY, CINETPAY_SITE_ID: SITE_ID, CINETPAY_BASE_URL: emu.url });
    const c = cinetpay.Client.fromEnv();
    assert.equal(c.baseUrl, emu.url);
    await c.initPayment(payload());
    delete process.env.CINETPAY_API_KEY;
    assert.throws(() => cinetpay.Client.fromEnv(), (e) => e instanceof cinetpay.ValidationError && /CINETPAY_API_KEY/.test(e.message));
  } finally {
    process.env = saved;
  }
});

test('the client never shows its keys', () => {
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, secretKey: 'SECRET-KEY-42' });
  for (const text of [util.inspect(c), String(c), JSON.stringify(c), util.inspect(c, { showHidden: true, depth: 5 })]) {
    assert.ok(!text.includes(API_KEY) && !text.includes('SECRET-KEY-42'), text);
  }
  assert.match(c.userAgent, /^cinetpay-rust\/\S+ cinetpay-node\/\S+ node\/\d+\.\d+\.\d+$/);
});

test('error classes: instanceof, codes and names', async () => {
  const refused = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: await closedPortUrl(), maxRetries: 0 });
  await assert.rejects(refused.initPayment(payload()), (e) => {
    assert.ok(e instanceof cinetpay.NetworkError && !(e instanceof cinetpay.TimeoutError));
    assert.equal(e.name, 'NetworkError');
    assert.equal(e.requestSent, false);
    return true;
  });
  assert.ok(new cinetpay.TimeoutError('x') instanceof cinetpay.NetworkError);
  for (const C of [cinetpay.ValidationError, cinetpay.AuthenticationError, cinetpay.RateLimitError, cinetpay.APIError, cinetpay.NetworkError]) {
    assert.ok(new C('x') instanceof cinetpay.CinetPayError);
  }
  assert.deepEqual([...cinetpay.ERROR_CODES].sort(), [
    'access_denied', 'api_error', 'auth_not_found', 'currency_not_allowed', 'decode', 'forbidden', 'internal',
    'minimum_required_field', 'network', 'processing_error', 'response_too_large', 'server_error',
    'site_id_not_valid', 'timeout', 'too_many_requests', 'user_agent_required', 'validation_error',
  ]);
});

test('rate limits are RateLimitErrors with retryAfter', async (t) => {
  const limited = await startEmulator('--rate-limit', '2');
  t.after(() => limited.stop());
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: limited.url });
  await assert.rejects(
    (async () => {
      for (let i = 0; i < 10; i++) await c.initPayment(payload());
    })(),
    (e) => e instanceof cinetpay.RateLimitError && e.retryAfter === 1 && e.httpStatus === 429,
  );
});

test('a timeout is a TimeoutError saying the payment may exist, and the loop keeps running', async (t) => {
  const sockets = new Set();
  let received;
  const got = new Promise((r) => (received = r));
  const server = http.createServer((req) => {
    req.resume();
    received();
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: `http://127.0.0.1:${server.address().port}`, timeoutMs: 500 });
  const call = c.initPayment(payload());
  // The server above runs on this event loop: the request reaching it proves the loop is free.
  await got;
  let ticks = 0;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    ticks += 1;
  }
  assert.equal(ticks, 20);
  await assert.rejects(call, (e) => e instanceof cinetpay.TimeoutError && e.requestSent === true && /may have been created/.test(e.message));
});

test('1000 concurrent calls on one client, each result matched to its request', async () => {
  const c = client();
  const bodies = Array.from({ length: 1000 }, () => payload());
  const links = await Promise.all(bodies.map((b) => c.initPayment(b)));
  assert.equal(new Set(links.map((l) => l.payment_token)).size, 1000);
  for (let i = 0; i < 1000; i += 97) {
    const stored = await emu.transaction(SITE_ID, bodies[i].transaction_id);
    assert.equal(stored.payment_token, links[i].payment_token);
  }
});

test('the ESM entry point exports the same classes', async () => {
  const esm = await import('cinetpay');
  assert.equal(esm.Client, cinetpay.Client);
  assert.equal(esm.ValidationError, cinetpay.ValidationError);
});
