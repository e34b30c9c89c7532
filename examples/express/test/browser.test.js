'use strict';
// The whole lifecycle in a real browser: Debian's chromium, driven by playwright-core (no browser
// download). The shop initialises a payment, the customer clicks through the emulator's checkout
// page, the emulator notifies the shop (signed), the SDK verifies and checks it, and the
// customer lands on return_url showing the order's final state. Screenshots of each final page
// go to target/e2e/.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');
const { Client } = require('cinetpay');
const { createApp } = require('../app.js');

const ROOT = path.join(__dirname, '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'target', 'e2e');
// Without the background-networking flags Chromium keeps dialing Google's hosts, which this
// machine's closed network refuses.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let emulator;
let emulatorUrl;
let shop;
let shopUrl;
let client;
let browser;
const orders = new Map();

test.before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/test installs Debian's chromium (apt-get install chromium)`);
  const binary = process.env.CINETPAY_EMULATOR ?? path.join(ROOT, 'target', 'debug', 'cinetpay-emulator');
  emulator = spawn(binary, ['--port', '0', '--quiet', '--notify-retry-ms', '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
  emulatorUrl = await new Promise((resolve) =>
    readline.createInterface({ input: emulator.stdout }).once('line', (l) => resolve(l.trim().split(' ').pop())),
  );
  client = new Client({
    apiKey: 'emulator-apikey-0000000000000001',
    siteId: '445160',
    secretKey: 'emulator-secret-key-000000000001',
    baseUrl: emulatorUrl,
  });
  // The shop's public URL is its own loopback address: the emulator notifies it there.
  shop = http.createServer();
  await new Promise((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${shop.address().port}`;
  shop.on('request', createApp({ client, publicUrl: shopUrl, orders }));
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  fs.mkdirSync(SHOTS, { recursive: true });
});

test.after(async () => {
  await browser?.close();
  shop?.close();
  emulator?.kill();
});

/** Pays on the shop, clicks `choice` on the checkout page, waits for the return page's final status. */
async function buy(choice, finalStatus, clicks = [choice]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${shopUrl}/?amount=2500`);
    await Promise.all([page.waitForURL(`${emulatorUrl}/payment/**`), page.click('#pay')]);
    const order = [...orders.values()].at(-1);
    assert.equal(order.status, 'pending');
    for (const id of clicks) await page.click(`#${id}`);
    await page.waitForURL(`${shopUrl}/orders/**/return`);
    await page.waitForFunction((want) => document.querySelector('#status')?.textContent === want, finalStatus, { timeout: 20000 });
    await page.screenshot({ path: path.join(SHOTS, `express-${choice}.png`), fullPage: true });
    return order;
  } finally {
    await context.close();
  }
}

test('accept: the notification is verified, check_payment says ACCEPTED, the return page shows paid', async () => {
  const order = await buy('accept', 'paid');
  const status = await client.checkPayment(order.transaction_id);
  assert.deepEqual([status.status, status.code, status.amount, status.currency], ['ACCEPTED', '00', 2500, 'XOF']);
});

test('refuse: the order fails and nothing is paid', async () => {
  const order = await buy('refuse', 'failed');
  assert.match(order.error, /600 PAYMENT_FAILED/);
  assert.equal((await client.checkPayment(order.transaction_id)).status, 'REFUSED');
});

test('pending, then the customer approves on the phone: paid', async () => {
  const order = await buy('pending', 'paid', ['pending', 'approve']);
  assert.equal((await client.checkPayment(order.transaction_id)).is_paid, true);
});

/**
 * The Seamless flow: each Checkout click gets a new order and its objects from the shop, loads
 * the script seamlessCheckout names (the emulator's stand-in here), and opens the checkout in an
 * overlay. The first one is closed without paying; on the second the customer clicks `choice`,
 * waitResponse shows `status` on the page, and the order's status, set only by the verified
 * notification, reaches `orderStatus`.
 */
async function seamless(choice, status, orderStatus) {
  return onSeamlessPage(async (page) => {
    const closed = await page.locator('#order').textContent();
    await page.click('#cinetpay-seamless-close');
    assert.equal(await page.locator('#cinetpay-seamless-overlay').count(), 0, 'the overlay closes');
    await page.click('#checkout');
    await page.frameLocator('#cinetpay-seamless-frame').locator(`#${choice}`).click();
    await page.waitForFunction((want) => document.querySelector('#result')?.textContent === want, status, { timeout: 20000 });
    await page.waitForFunction((want) => document.querySelector('#order-status')?.textContent === want, orderStatus, { timeout: 20000 });
    await page.screenshot({ path: path.join(SHOTS, `express-seamless-${choice}.png`), fullPage: true });
    const order = orders.get(await page.locator('#order').textContent());
    assert.notEqual(order.transaction_id, closed, 'a second Checkout is a new order');
    assert.equal(orders.get(closed).status, 'pending', 'the closed one was never paid');
    // The notification the server verified: delivered, and answered 200 by the shop.
    const sent = await (await fetch(`${emulatorUrl}/_emulator/notifications?transaction_id=${order.transaction_id}`)).json();
    assert.ok(sent.some((n) => n.kind === 'post' && n.http_status === 200), JSON.stringify(sent));
    return order;
  });
}

/** Runs `fn` on the shop's Seamless page in a new browser context, its first Checkout open. */
async function onSeamlessPage(fn) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${shopUrl}/seamless?amount=2500`);
    await page.click('#checkout');
    await page.frameLocator('#cinetpay-seamless-frame').locator('#accept').waitFor();
    return await fn(page);
  } finally {
    await context.close();
  }
}

test('Seamless, accept: waitResponse says ACCEPTED, the verified notification pays the order, check_payment agrees', async () => {
  const order = await seamless('accept', 'ACCEPTED', 'paid');
  const status = await client.checkPayment(order.transaction_id);
  assert.deepEqual([status.status, status.amount, status.currency], ['ACCEPTED', 2500, 'XOF']);
});

test('Seamless, refuse: waitResponse says REFUSED and the order fails', async () => {
  const order = await seamless('refuse', 'REFUSED', 'failed');
  assert.equal((await client.checkPayment(order.transaction_id)).status, 'REFUSED');
});

test('Seamless: onError for an unknown apikey and a bad mode; forged messages never reach waitResponse; close_after_response', () => onSeamlessPage(async (page) => {
    const fresh = () => page.evaluate(async () => (await fetch('/seamless/orders', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":2500}',
    })).json());
    let s = await fresh();
    assert.equal(s.set_config.mode, 'EMULATOR');
    assert.equal(s.script_url, `${emulatorUrl}/seamless/main.js`);

    const error = await page.evaluate((s) => new Promise((resolve) => {
      CinetPay.setConfig({ ...s.set_config, apikey: 'not-a-key' });
      CinetPay.getCheckout(s.get_checkout);
      CinetPay.onError(resolve);
    }), s);
    assert.deepEqual([error.code, error.message], ['609', 'AUTH_NOT_FOUND'], JSON.stringify(error));
    assert.equal(await page.locator('#cinetpay-seamless-overlay').count(), 0, 'the overlay closes');
    const bad = await page.evaluate((s) => new Promise((resolve) => {
      CinetPay.setConfig({ ...s.set_config, mode: 'SANDBOX' });
      CinetPay.getCheckout(s.get_checkout);
      CinetPay.onError(resolve);
    }), s);
    assert.equal(bad.code, 'CONFIG');
    assert.match(bad.description, /mode "SANDBOX"/);

    // Only the overlay's own frame can answer: not the page, not another frame of the
    // emulator's origin.
    s = await fresh();
    await page.evaluate((s) => {
      window.forged = null;
      CinetPay.setConfig(s.set_config);
      CinetPay.getCheckout(s.get_checkout);
      CinetPay.waitResponse((data) => { window.forged = data; });
    }, s);
    await page.frameLocator('#cinetpay-seamless-frame').locator('#accept').waitFor();
    await page.evaluate((url) => new Promise((resolve) => {
      const other = Object.assign(document.createElement('iframe'), { src: url, onload: resolve });
      document.body.appendChild(other);
    }), `${emulatorUrl}/health`);
    const other = page.frames().find((f) => f.url() === `${emulatorUrl}/health`);
    const forged = { type: 'cinetpay-seamless:response', data: { status: 'ACCEPTED' } };
    await page.evaluate((m) => window.postMessage(m, '*'), forged);
    await other.evaluate((m) => window.parent.postMessage(m, '*'), forged);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await page.evaluate(() => window.forged), null, 'a forged message reached waitResponse');

    // close_after_response: the overlay goes once waitResponse has the result.
    s = await fresh();
    await page.evaluate((s) => {
      window.done = null;
      CinetPay.setConfig({ ...s.set_config, close_after_response: true });
      CinetPay.getCheckout(s.get_checkout);
      CinetPay.waitResponse((data) => { window.done = data; });
    }, s);
    await page.frameLocator('#cinetpay-seamless-frame').locator('#accept').click();
    await page.waitForFunction(() => window.done?.status === 'ACCEPTED', null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.done.transaction_id), s.get_checkout.transaction_id);
    await page.waitForFunction(() => !document.querySelector('#cinetpay-seamless-overlay'), null, { timeout: 5000 });
}));

test('Seamless with the emulator named localhost (a base URL the SDK accepts): the checkout still completes', async () => {
  const local = new Client({ apiKey: 'emulator-apikey-0000000000000001', siteId: '445160', baseUrl: emulatorUrl.replace('127.0.0.1', 'localhost') });
  const s = local.seamlessCheckout({
    transaction_id: `LOCALHOST-${Date.now()}`, amount: 100, currency: 'XOF', description: 'Commande',
    notify_url: `${shopUrl}/cinetpay/notify`,
  });
  assert.equal(s.set_config.mode, 'EMULATOR');
  assert.match(s.script_url, /^http:\/\/localhost:\d+\/seamless\/main\.js$/);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${shopUrl}/seamless`);
    await page.evaluate((src) => new Promise((resolve, reject) => {
      document.head.appendChild(Object.assign(document.createElement('script'), { src, onload: resolve, onerror: reject }));
    }), s.script_url);
    await page.evaluate((s) => {
      window.done = null;
      CinetPay.setConfig(s.set_config);
      CinetPay.getCheckout(s.get_checkout);
      CinetPay.waitResponse((data) => { window.done = data; });
      CinetPay.onError((error) => { window.done = error; });
    }, s);
    await page.frameLocator('#cinetpay-seamless-frame').locator('#accept').click();
    await page.waitForFunction(() => window.done !== null, null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.done.status), 'ACCEPTED', JSON.stringify(await page.evaluate(() => window.done)));
  } finally {
    await context.close();
  }
});
