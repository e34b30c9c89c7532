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
