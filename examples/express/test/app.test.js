'use strict';
// The checkout route against the CinetPay emulator.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { Client } = require('cinetpay');
const { createApp } = require('../app.js');

const ROOT = path.join(__dirname, '..', '..', '..');
let emulator;
let emulatorUrl;
let shop;
let shopUrl;
const orders = new Map();

test.before(async () => {
  const binary = process.env.CINETPAY_EMULATOR ?? path.join(ROOT, 'target', 'debug', 'cinetpay-emulator');
  emulator = spawn(binary, ['--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  emulatorUrl = await new Promise((resolve) =>
    readline.createInterface({ input: emulator.stdout }).once('line', (l) => resolve(l.trim().split(' ').pop())),
  );
  const client = new Client({ apiKey: 'emulator-apikey-0000000000000001', siteId: '445160', secretKey: 'emulator-secret-key-000000000001', baseUrl: emulatorUrl });
  const app = createApp({ client, publicUrl: 'https://shop.example', orders });
  await new Promise((resolve) => {
    shop = app.listen(0, '127.0.0.1', resolve);
  });
  shopUrl = `http://127.0.0.1:${shop.address().port}`;
});

test.after(() => {
  shop.close();
  emulator.kill();
});

const checkout = (body) =>
  fetch(`${shopUrl}/checkout`, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' });

test('checkout stores the order and redirects to the payment page', async () => {
  const res = await checkout({ amount: '2500', description: 'Commande 42' });
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  assert.ok(location.startsWith(`${emulatorUrl}/payment/`), location);
  const order = [...orders.values()].find((o) => o.payment_url === location);
  assert.equal(order.status, 'pending');
  const page = await fetch(location);
  assert.ok((await page.text()).includes(order.transaction_id));
});

/** How many requests the emulator has received on CinetPay's API paths. */
const apiRequests = async () => (await (await fetch(`${emulatorUrl}/_emulator/stats`)).json()).api_requests;

test('a rule the shop broke is a 400 naming the field, and CinetPay is not called', async () => {
  const before = await apiRequests();
  const res = await checkout({ amount: '2502' });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.field, 'amount');
  assert.match(body.message, /multiple of 5/);
  assert.equal(await apiRequests(), before, 'the SDK sent a request it should have refused');
});

test('a refusal by CinetPay is a 502 and fails the order', async (t) => {
  const client = new Client({ apiKey: 'unknown-apikey-00000000000000', siteId: '445160', baseUrl: emulatorUrl });
  const failing = new Map();
  const app = createApp({ client, publicUrl: 'https://shop.example', orders: failing });
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  t.after(() => server.close());
  const errors = [];
  const original = console.error;
  console.error = (line) => errors.push(line);
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/checkout`, { method: 'POST', body: new URLSearchParams({ amount: '100' }) });
    assert.equal(res.status, 502);
    assert.equal((await res.json()).error, 'auth_not_found');
  } finally {
    console.error = original;
  }
  assert.equal([...failing.values()][0].status, 'failed');
  assert.match(errors[0], /hint: The apikey is not correct/);
});

test('notify answers the GET ping and refuses an unsigned POST; return answers GET and POST', async () => {
  assert.equal((await fetch(`${shopUrl}/cinetpay/notify`)).status, 200);
  const unsigned = await fetch(`${shopUrl}/cinetpay/notify`, { method: 'POST', body: new URLSearchParams({ cpm_trans_id: 'X', cpm_site_id: '445160' }) });
  assert.equal(unsigned.status, 401);
  const [id] = orders.keys();
  for (const method of ['GET', 'POST']) {
    assert.match(await (await fetch(`${shopUrl}/orders/${id}/return`, { method })).text(), new RegExp(id));
  }
});
