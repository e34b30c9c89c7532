'use strict';
// An Express shop: store the order, initialise the payment with cinetpay, redirect to CinetPay
// (or open CinetPay's Seamless checkout over the page), then learn the outcome from CinetPay's
// signed notification, verified and checked by the SDK.

const crypto = require('node:crypto');
const express = require('express');
const { CinetPayError, ValidationError } = require('cinetpay');
const { notificationHandler } = require('cinetpay/express');

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// JSON inside a <script> element: nothing in it can close the element.
const scriptJson = (v) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * @param {object} deps
 * @param {import('cinetpay').Client} deps.client  one client for the whole app
 * @param {string} deps.publicUrl  where CinetPay can reach this shop (not localhost)
 * @param {Map<string, object>} [deps.orders]  the order store (a database in a real shop)
 */
function createApp({ client, publicUrl, orders = new Map() }) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  // The shop's page: one button that starts a payment.
  app.get('/', (req, res) => {
    res.type('html').send(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><form method="post" action="/checkout">
<input name="amount" value="${escape(req.query.amount ?? '2500')}"> XOF
<input name="description" value="Commande">
<button id="pay" type="submit">Payer avec CinetPay</button></form></body></html>`);
  });

  /** A new order, stored before CinetPay is called, as its docs advise. */
  function newOrder(amount, description) {
    const order = {
      transaction_id: `ORDER-${crypto.randomUUID().slice(0, 18).toUpperCase()}`,
      amount,
      currency: 'XOF',
      description,
      status: 'new',
    };
    orders.set(order.transaction_id, order);
    return order;
  }

  app.post('/checkout', async (req, res) => {
    const order = newOrder(Number(req.body.amount), req.body.description ?? 'Commande');
    try {
      const link = await client.initPayment({
        transaction_id: order.transaction_id,
        amount: order.amount,
        currency: order.currency,
        description: order.description,
        notify_url: `${publicUrl}/cinetpay/notify`,
        return_url: `${publicUrl}/orders/${order.transaction_id}/return`,
        metadata: `order=${order.transaction_id}`,
      });
      Object.assign(order, { status: 'pending', payment_token: link.payment_token, payment_url: link.payment_url });
      res.redirect(303, link.payment_url);
    } catch (e) {
      if (e instanceof ValidationError) {
        // Nothing was sent: the shop's data breaks one of CinetPay's rules.
        Object.assign(order, { status: 'invalid', error: e.message });
        return res.status(400).json({ error: e.code, field: e.field, message: e.message });
      }
      if (e instanceof CinetPayError) {
        Object.assign(order, { status: 'failed', error: `${e.code}: ${e.message}` });
        console.error(`CinetPay refused ${order.transaction_id}: ${e.message} (hint: ${e.hint})`);
        return res.status(502).json({ error: e.code, message: 'The payment service is unavailable; please try again.' });
      }
      throw e;
    }
  });

  // The Seamless integration: CinetPay's browser SDK opens the checkout over this page. Each
  // Checkout click asks the server for a new order: the server stores it, then the SDK validates
  // the request (as initPayment would) and gives the script and the two objects the page passes
  // to CinetPay.setConfig and getCheckout. The script follows the client's base URL: CinetPay's
  // CDN in production, the emulator's stand-in when CINETPAY_BASE_URL points at the emulator;
  // the page itself is the same.
  app.post('/seamless/orders', (req, res) => {
    const order = newOrder(Number(req.body.amount ?? 2500), 'Commande');
    let seamless;
    try {
      seamless = client.seamlessCheckout({
        transaction_id: order.transaction_id,
        amount: order.amount,
        currency: order.currency,
        description: order.description,
        notify_url: `${publicUrl}/cinetpay/notify`,
        metadata: `order=${order.transaction_id}`,
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      Object.assign(order, { status: 'invalid', error: e.message });
      return res.status(400).json({ error: e.code, field: e.field, message: e.message });
    }
    order.status = 'pending';
    res.json({ transaction_id: order.transaction_id, ...seamless });
  });

  // waitResponse only tells the page what to show: the order is paid when the server has
  // verified CinetPay's notification and checked the payment (the customer could call the
  // callback from the console).
  app.get('/seamless', (req, res) => {
    const amount = Number(req.query.amount ?? 2500);
    res.type('html').send(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Shop (Seamless)</title></head>
<body><h1>Shop</h1><p>${escape(amount)} XOF: Commande</p>
<button id="checkout" type="button">Checkout</button>
<p>CinetPay: <strong id="result"></strong> <span id="error"></span></p>
<p>Order <span id="order"></span>: <strong id="order-status"></strong></p>
<script>
const AMOUNT = ${scriptJson(amount)};
let script;
function load(src) {
  script ??= new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement('script'), { src, onload: resolve });
    element.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(element);
  });
  return script;
}
async function orderStatus(id) {
  for (;;) {
    const { status } = await (await fetch('/orders/' + encodeURIComponent(id) + '/status')).json();
    document.getElementById('order-status').textContent = status;
    if (status !== 'pending') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
document.getElementById('checkout').addEventListener('click', async () => {
  for (const id of ['result', 'error', 'order-status']) document.getElementById(id).textContent = '';
  const answer = await fetch('/seamless/orders', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: AMOUNT }),
  });
  const seamless = await answer.json();
  if (!answer.ok) {
    document.getElementById('error').textContent = seamless.field + ': ' + seamless.message;
    return;
  }
  document.getElementById('order').textContent = seamless.transaction_id;
  await load(seamless.script_url);
  CinetPay.setConfig(seamless.set_config);
  CinetPay.getCheckout(seamless.get_checkout);
  CinetPay.waitResponse((data) => {
    document.getElementById('result').textContent = data.status;
    orderStatus(seamless.transaction_id);
  });
  CinetPay.onError((error) => {
    document.getElementById('error').textContent = error.code + ' ' + error.message;
  });
});
</script></body></html>`);
  });

  app.get('/orders/:id/status', (req, res) => {
    const order = orders.get(req.params.id);
    if (!order) return res.sendStatus(404);
    res.json({ status: order.status });
  });

  // CinetPay's docs: no processing on the return URL (it POSTs token and transaction_id); the
  // status comes from the notification. While it has not arrived, the page refreshes itself.
  app.all('/orders/:id/return', (req, res) => {
    const order = orders.get(req.params.id);
    if (!order) return res.sendStatus(404);
    const waiting = order.status === 'pending';
    res.type('html').send(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Order</title>
${waiting ? `<meta http-equiv="refresh" content="1;url=/orders/${encodeURIComponent(order.transaction_id)}/return">` : ''}</head>
<body><h1>Order ${escape(order.transaction_id)}</h1>
<p>Status: <strong id="status">${escape(order.status)}</strong></p>
${waiting ? '<p>Waiting for CinetPay\'s confirmation…</p>' : ''}</body></html>`);
  });

  // CinetPay pings with GET, then POSTs a signed form. The SDK verifies the x-token, checks the
  // payment with CinetPay, and compares it with the order; a forged notification gets 401.
  app.all(
    '/cinetpay/notify',
    notificationHandler(client, {
      expected: (transactionId) => orders.get(transactionId) ?? null,
      onOutcome: (outcome) => {
        const order = orders.get(outcome.transaction_id);
        // Notifications repeat: a paid order stays paid, and is delivered once.
        if (!order || order.status === 'paid') return;
        if (outcome.outcome === 'paid') order.status = 'paid';
        else if (outcome.outcome === 'failed') Object.assign(order, { status: 'failed', error: outcome.reason });
      },
    }),
  );

  return app;
}

module.exports = { createApp };
