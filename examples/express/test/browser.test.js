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
 * The Seamless flow: the shop's page loads the script seamlessCheckout names (the emulator's
 * stand-in here), Checkout opens the checkout in an overlay, the customer clicks `choice`,
 * waitResponse shows `status` on the page, and the order's status, set only by the verified
 * notification, reaches `orderStatus`.
 */
async function seamless(choice, status, orderStatus) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${shopUrl}/seamless?amount=2500`);
    const order = [...orders.values()].at(-1);
    assert.equal(order.status, 'pending');
    assert.equal(await page.evaluate(() => SEAMLESS.set_config.mode), 'EMULATOR');
    await page.click('#checkout');
    const frame = page.frameLocator('#cinetpay-seamless-frame');
    await frame.locator(`#${choice}`).click();
    await page.waitForFunction((want) => document.querySelector('#result')?.textContent === want, status, { timeout: 20000 });
    await page.waitForFunction((want) => document.querySelector('#order-status')?.textContent === want, orderStatus, { timeout: 20000 });
    await page.screenshot({ path: path.join(SHOTS, `express-seamless-${choice}.png`), fullPage: true });
    // The notification the server verified: delivered, and answered 200 by the shop.
    const sent = await (await fetch(`${emulatorUrl}/_emulator/notifications?transaction_id=${order.transaction_id}`)).json();
    assert.ok(sent.some((n) => n.kind === 'post' && n.http_status === 200), JSON.stringify(sent));
    return order;
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

test('Seamless: an unknown apikey and a bad mode reach onError; a forged message does not reach waitResponse', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${shopUrl}/seamless?amount=2500`);
    const error = await page.evaluate(() => new Promise((resolve) => {
      CinetPay.setConfig({ ...SEAMLESS.set_config, apikey: 'not-a-key' });
      CinetPay.getCheckout(SEAMLESS.get_checkout);
      CinetPay.onError(resolve);
    }));
    assert.equal(error.code, '609', JSON.stringify(error));
    assert.equal(error.message, 'AUTH_NOT_FOUND');
    assert.equal(await page.locator('#cinetpay-seamless-overlay').count(), 0, 'the overlay closes');
    const bad = await page.evaluate(() => new Promise((resolve) => {
      CinetPay.setConfig({ ...SEAMLESS.set_config, mode: 'SANDBOX' });
      CinetPay.getCheckout(SEAMLESS.get_checkout);
      CinetPay.onError(resolve);
    }));
    assert.match(bad.description, /mode "SANDBOX"/);
    // Only the overlay's frame, on the emulator's origin, can answer: a message the page (or
    // anything else) posts does not reach waitResponse.
    const forged = await page.evaluate(() => new Promise((resolve) => {
      CinetPay.setConfig(SEAMLESS.set_config);
      CinetPay.getCheckout(SEAMLESS.get_checkout);
      CinetPay.waitResponse((data) => resolve(data));
      window.postMessage({ type: 'cinetpay-seamless:response', data: { status: 'ACCEPTED' } }, '*');
      setTimeout(() => resolve(null), 1000);
    }));
    assert.equal(forged, null, 'a forged message reached waitResponse');
  } finally {
    await context.close();
  }
});
