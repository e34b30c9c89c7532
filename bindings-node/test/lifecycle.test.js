'use strict';
// The payment lifecycle against the emulator: checkPayment, CinetPay's signed notifications,
// handleNotification and the Express-style middleware; plus the shared check-response vectors.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');

const cinetpay = require('..');
const { notificationHandler } = require('../express.js');
const { API_KEY, SITE_ID, fixture, startEmulator, uniqueId } = require('./helpers.js');

const SECRET = 'emulator-secret-key-000000000001';

/** A merchant's notify_url recording what the emulator sends; `handler` may answer instead. */
async function startMerchant(handler = null) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('OK');
    });
  });
  const app = handler ? http.createServer(handler) : server;
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${app.address().port}/notify`;
  return {
    url,
    requests,
    async posts(count, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const posts = requests.filter((r) => r.method === 'POST');
        if (posts.length >= count) return posts;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`expected ${count} notifications, got ${JSON.stringify(requests)}`);
    },
    stop: () => new Promise((r) => app.close(r)),
  };
}

async function outcome(emulator, transactionId, choice) {
  const r = await fetch(`${emulator.url}/_emulator/outcome`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site_id: SITE_ID, transaction_id: transactionId, outcome: choice }),
  });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}

function start(client, transactionId, notifyUrl = 'https://shop.example/notify') {
  return client.initPayment({
    transaction_id: transactionId,
    amount: 100,
    currency: 'XOF',
    description: 'Commande 7',
    notify_url: notifyUrl,
    return_url: 'https://shop.example/return',
  });
}

let emulator;
let client;
test.before(async () => {
  emulator = await startEmulator();
  client = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, secretKey: SECRET, baseUrl: emulator.url });
});
test.after(() => emulator.stop());

test('checkPayment: waiting, then paid, by transaction_id or token', async () => {
  const tx = uniqueId();
  const link = await start(client, tx);
  let status = await client.checkPayment(tx);
  assert.deepEqual([status.code, status.status, status.is_paid, status.is_final, status.payment_date], ['662', 'WAITING_FOR_CUSTOMER', false, false, null]);
  await outcome(emulator, tx, 'accept');
  status = await client.checkPayment({ token: link.payment_token });
  assert.deepEqual([status.code, status.status, status.is_paid, status.is_final, status.amount], ['00', 'ACCEPTED', true, true, 100]);
  assert.equal(typeof status.payment_date, 'string');
});

test('checkPayment: unknown payments and bad lookups', async () => {
  await assert.rejects(client.checkPayment('NEVER-CREATED'), (e) => e instanceof cinetpay.APIError && e.code === 'payment_not_found');
  for (const bad of [{}, { transaction_id: 'A', token: 'B' }, { transaction_id: '' }, { transaction_id: 5 }]) {
    await assert.rejects(client.checkPayment(bad), (e) => e instanceof cinetpay.ValidationError && e.field === 'transaction_id', JSON.stringify(bad));
  }
});

test('handleNotification: paid, failed on a wrong amount, forged rejected', async () => {
  const merchant = await startMerchant();
  try {
    const tx = uniqueId();
    await start(client, tx, merchant.url);
    await outcome(emulator, tx, 'accept');
    const [{ headers, body }] = await merchant.posts(1);
    assert.ok(merchant.requests.some((r) => r.method === 'GET'), 'CinetPay pings notify_url with GET first');
    const paid = await client.handleNotification(body, headers['x-token'], { amount: 100, currency: 'XOF' });
    assert.deepEqual([paid.outcome, paid.transaction_id, paid.skipped_checks], ['paid', tx, []]);
    const wrong = await client.handleNotification(body, headers['x-token'], async (id) => (id === tx ? { amount: 500, currency: 'XOF' } : null));
    assert.equal(wrong.outcome, 'failed');
    assert.match(wrong.reason, /amount 100 \(the order expects 500\)/);
    const unknown = await client.handleNotification(body, headers['x-token'], () => null);
    assert.equal(unknown.outcome, 'failed');
    assert.match(unknown.reason, /no order with transaction_id/);
    const skipped = await client.handleNotification(new URLSearchParams(body).toString(), headers['x-token']);
    assert.deepEqual(skipped.skipped_checks, ['amount', 'currency']);
    for (const [form, token] of [[body.replace('SUCCES', 'X'), headers['x-token']], [body, 'a'.repeat(64)], [body, undefined]]) {
      await assert.rejects(client.handleNotification(form, token), (e) => e instanceof cinetpay.ValidationError && e.code === 'invalid_notification');
    }
  } finally {
    await merchant.stop();
  }
});

test('the middleware: GET ping, verified POST, forged 401, failed check 503', async () => {
  const outcomes = [];
  const orders = new Map();
  const handler = notificationHandler(client, {
    expected: (id) => orders.get(id) ?? null,
    onOutcome: async (o) => outcomes.push([o.transaction_id, o.outcome]),
  });
  const merchant = await startMerchant(handler);
  try {
    const tx = uniqueId();
    orders.set(tx, { amount: 100, currency: 'XOF' });
    await start(client, tx, merchant.url);
    const settle = async (count) => {
      const deadline = Date.now() + 15000;
      while (outcomes.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await outcome(emulator, tx, 'pending');
    // Each notification is decided from the status of record at that time, not its own fields.
    await settle(1);
    await outcome(emulator, tx, 'accept');
    await settle(2);
    assert.deepEqual(outcomes, [[tx, 'pending'], [tx, 'paid']]);
    const notes = await (await fetch(`${emulator.url}/_emulator/notifications?site_id=${SITE_ID}&transaction_id=${tx}`)).json();
    assert.ok(notes.some((n) => n.kind === 'ping' && n.http_status === 200), JSON.stringify(notes));
    assert.ok(notes.filter((n) => n.kind === 'post').every((n) => n.http_status === 200), JSON.stringify(notes));

    // Express 4 with a global express.json(): req.body is {} although nothing was parsed.
    const recorded = notes.filter((n) => n.kind === 'post').at(-1);
    const express4 = await startMerchant((req, res, next) => {
      req.body = {};
      return handler(req, res, next);
    });
    try {
      const answer = await fetch(express4.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-token': recorded.x_token },
        body: new URLSearchParams(recorded.form).toString(),
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(outcomes.at(-1), [tx, 'paid']);
    } finally {
      await express4.stop();
    }

    const forged = await fetch(merchant.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-token': '0'.repeat(64) }, body: `cpm_site_id=${SITE_ID}&cpm_trans_id=${tx}` });
    assert.equal(forged.status, 401);
    const offline = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, secretKey: SECRET, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
    const form = { cpm_site_id: SITE_ID, cpm_trans_id: tx };
    const res = { statusCode: 0, setHeader() {}, end() {} };
    await notificationHandler(offline, { onOutcome: () => assert.fail('not checked') })(
      { method: 'POST', headers: { 'x-token': offline.signNotification(form) }, body: form }, res);
    assert.equal(res.statusCode, 503);
    assert.equal(outcomes.length, 3, 'nothing else was marked');
  } finally {
    await merchant.stop();
  }
});

test('shared check responses read the same as in every language', async () => {
  let current;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(current.http_status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(current.body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const scripted = new cinetpay.Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 });
    // index.d.ts's PaymentStatus names every field the core returns, no more, no less.
    const dts = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'index.d.ts'), 'utf8');
    const block = dts.slice(dts.indexOf('export interface PaymentStatus {'));
    const declaredFields = [...block.slice(0, block.indexOf('\n}')).matchAll(/^  (\w+)[?]?:/gm)].map((m) => m[1]).sort();
    for (const c of fixture('check-responses.json').cases) {
      current = c;
      if (c.expect) {
        const status = await scripted.checkPayment('T-1');
        assert.deepEqual(Object.keys(status).sort(), declaredFields, c.name);
        for (const [key, want] of Object.entries(c.expect)) assert.deepEqual(status[key], want, `${c.name}: ${key}`);
      } else {
        await assert.rejects(scripted.checkPayment('T-1'), (e) => e.code === c.error, c.name);
      }
    }
  } finally {
    server.close();
  }
});
