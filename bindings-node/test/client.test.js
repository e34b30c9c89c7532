'use strict';
// The Node API: construction, bad inputs, error classes, secrets, the event loop.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const util = require('node:util');
const cinetpay = require('..');
const { API_KEY, SITE_ID, startEmulator, startBarrier, closedPortUrl, payload } = require('./helpers.js');

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

test('JSON.stringify of an error keeps its message and every field', async () => {
  const e = await client().initPayment(payload({ amount: 1.5 })).catch((err) => err);
  assert.ok(e instanceof cinetpay.ValidationError);
  const json = JSON.parse(JSON.stringify(e));
  assert.equal(json.name, 'ValidationError');
  assert.equal(json.message, e.message);
  assert.ok(json.message.includes('amount'), json.message);
  assert.equal(json.field, 'amount');
  const fields = Object.keys(e).filter((k) => k !== 'name');
  assert.deepEqual(Object.keys(json).sort(), ['message', 'name', ...fields].sort());
  assert.ok(!JSON.stringify(e).includes(API_KEY));
});

test('undefined and null properties count as absent', async () => {
  const body = payload({ metadata: undefined, lang: null, channels: undefined });
  await client().initPayment(body);
  const sent = (await emu.transaction(SITE_ID, body.transaction_id)).request;
  assert.deepEqual(Object.keys(sent).filter((k) => ['metadata', 'lang'].includes(k)), []);
  // channels is required on the wire; absent, it is the docs' default.
  assert.equal(sent.channels, 'ALL');
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
  // Values are checked by the core, which names the setting as every language does.
  check({ siteId: SITE_ID }, cinetpay.ValidationError, 'api_key');
  check({ apiKey: API_KEY, siteId: SITE_ID, apikey: 'x' }, cinetpay.ValidationError, 'apikey');
  check({ apiKey: API_KEY, siteId: SITE_ID, timeoutMs: -1 }, cinetpay.ValidationError, 'timeout_ms');
  check({ apiKey: API_KEY, siteId: SITE_ID, timeoutMs: NaN }, cinetpay.ValidationError, 'timeout_ms');
  check({ apiKey: API_KEY, siteId: SITE_ID, maxRetries: 1.5 }, cinetpay.ValidationError, 'max_retries');
  check({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: 'http://api-checkout.cinetpay.com' }, cinetpay.ValidationError, 'base_url');
  check({ apiKey: 42, siteId: SITE_ID }, cinetpay.ValidationError, 'api_key');
  check(null, TypeError);
  assert.throws(() => new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, apikey: 'x' }), /did you mean apiKey/);
});

test('fromEnv reads the CINETPAY_* variables', async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { CINETPAY_API_KEY: API_KEY, CINETPAY_SITE_ID: SITE_ID, CINETPAY_BASE_URL: emu.url });
    const c = cinetpay.Client.fromEnv();
    assert.equal(c.baseUrl, emu.url);
    const body = payload();
    const link = await c.initPayment(body);
    assert.equal((await emu.transaction(SITE_ID, body.transaction_id)).payment_token, link.payment_token);
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
    'invalid_notification', 'minimum_required_field', 'network', 'payment_not_found', 'processing_error', 'response_too_large',
    'secret_key_required', 'server_error', 'site_id_not_valid', 'timeout', 'tls', 'too_many_requests',
    'user_agent_required', 'validation_error',
  ]);
});

test('every code raises the class of its family in the core\'s table', () => {
  const { CLASS_BY_FAMILY, fromInfo } = require('../errors.js');
  const families = require('../native.js').errorFamilies();
  assert.deepEqual(Object.keys(families).sort(), [...cinetpay.ERROR_CODES].sort());
  assert.deepEqual([...new Set(Object.values(families))].sort(), Object.keys(CLASS_BY_FAMILY).sort());
  const expected = {
    validation_error: cinetpay.ValidationError,
    auth_not_found: cinetpay.AuthenticationError,
    site_id_not_valid: cinetpay.AuthenticationError,
    too_many_requests: cinetpay.RateLimitError,
    network: cinetpay.NetworkError,
    timeout: cinetpay.TimeoutError,
    tls: cinetpay.NetworkError,
    internal: cinetpay.CinetPayError,
    invalid_notification: cinetpay.ValidationError,
    secret_key_required: cinetpay.ValidationError,
  };
  for (const code of cinetpay.ERROR_CODES) {
    const e = fromInfo({ code, family: families[code], message: 'm' });
    assert.equal(e.constructor, expected[code] ?? cinetpay.APIError, code);
    assert.equal(e.family, families[code], code);
  }
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

/** An HTTP server on this very event loop; `onRequest(req, res)` decides when to answer. */
async function loopServer(t, onRequest) {
  const sockets = new Set();
  const server = http.createServer(onRequest);
  server.on('connection', (s) => sockets.add(s));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${server.address().port}`;
}

/** Tracks a promise: `state.settled` turns true when it resolves or rejects. */
function track(promise) {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

const tick = () => new Promise((r) => setImmediate(r));

test('a successful call leaves the event loop free: its answer needs the JavaScript thread', async (t) => {
  // The server runs on this event loop and answers only after 20 more turns of it, taken while
  // the call is pending. A call that blocked the loop could never get its answer: it would end
  // in a timeout instead of this success.
  let received;
  const got = new Promise((r) => (received = r));
  const url = await loopServer(t, (req, res) => {
    req.resume();
    received(res);
  });
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: url, timeoutMs: 5000 });
  const call = c.initPayment(payload());
  const state = track(call);
  const res = await got;
  for (let i = 0; i < 20; i++) {
    await tick();
    assert.equal(state.settled, false, 'the call settled before its answer was sent');
  }
  const body = JSON.stringify({ code: '201', message: 'CREATED', description: 'ok', data: { payment_token: 'tok', payment_url: 'https://checkout.example/p/tok' }, api_response_id: '1.1' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  assert.equal((await call).payment_token, 'tok');
});

test('a timeout is a TimeoutError saying the payment may exist, and the loop ran while it waited', async (t) => {
  // The server on this loop must see the request while the call is still pending. A client
  // that blocked the loop until its timeout would settle first, and the request would be
  // handled only afterwards.
  const events = [];
  let received;
  const got = new Promise((r) => (received = r));
  const url = await loopServer(t, (req) => {
    req.resume();
    events.push('received');
    received();
  });
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: url, timeoutMs: 500 });
  const call = c.initPayment(payload());
  call.catch(() => events.push('settled'));
  await got;
  await tick();
  assert.deepEqual(events, ['received']);
  await assert.rejects(call, (e) => e instanceof cinetpay.TimeoutError && e.requestSent === true && /may have been created/.test(e.message));
  assert.deepEqual(events, ['received', 'settled']);
});

test('1000 concurrent calls on one client, every result matched to its request', async () => {
  const c = client();
  const bodies = Array.from({ length: 1000 }, () => payload());
  const links = await Promise.all(bodies.map((b) => c.initPayment(b)));
  assert.equal(new Set(links.map((l) => l.payment_token)).size, 1000);
  for (let i = 0; i < 1000; i++) {
    const stored = await emu.transaction(SITE_ID, bodies[i].transaction_id);
    assert.equal(stored.payment_token, links[i].payment_token, bodies[i].transaction_id);
  }
});

test('calls run in parallel: 64 in flight at once', async (t) => {
  // The barrier server answers only when 64 requests wait together; calls serialised anywhere
  // (a lock, one connection, one runtime slot) would all end in server_error.
  const barrier = await startBarrier(64);
  t.after(() => barrier.stop());
  const c = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: barrier.url, maxRetries: 0 });
  const ids = Array.from({ length: 256 }, (_, i) => `NPAR-${process.pid}-${i}`);
  const links = await Promise.all(ids.map((id) => c.initPayment(payload({ transaction_id: id }))));
  assert.deepEqual(
    links.map((l) => l.payment_token),
    ids.map((id) => `tok-${id}`),
  );
});

test('the ESM entry point exports the same classes', async () => {
  const esm = await import('cinetpay');
  assert.equal(esm.Client, cinetpay.Client);
  assert.equal(esm.ValidationError, cinetpay.ValidationError);
});

test('a panic in the core settles the promise as an internal error, and the client still works', async (t) => {
  const native = require('../native.js');
  const { fromInfo } = require('../errors.js');
  const client = new native.NativeClient(JSON.stringify({ api_key: 'k-0000000000', site_id: '1', base_url: 'http://127.0.0.1:9' }));
  const first = client.call('_panic_for_tests', '{}');
  if (!(first instanceof Promise)) {
    // An outcome known at once comes as JSON text.
    assert.equal(JSON.parse(first).error.field, 'operation');
    t.skip('a release build: the panic operation exists only in debug builds');
    return;
  }
  const settled = await first;
  assert.equal(settled.ok, false);
  const e = fromInfo(settled.error);
  assert.ok(e instanceof cinetpay.CinetPayError);
  assert.deepEqual([e.code, e.family], ['internal', 'internal']);
  const after = JSON.parse(client.call('check_payment', '{}'));
  assert.equal(after.ok, false);
  assert.equal(after.error.field, 'transaction_id');
});
