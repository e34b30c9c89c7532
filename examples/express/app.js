'use strict';
// An Express shop: store the order, initialise the payment with cinetpay, redirect to CinetPay.

const crypto = require('node:crypto');
const express = require('express');
const { CinetPayError, ValidationError } = require('cinetpay');

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

  app.post('/checkout', async (req, res) => {
    const amount = Number(req.body.amount);
    const order = {
      transaction_id: `ORDER-${crypto.randomUUID().slice(0, 18).toUpperCase()}`,
      amount,
      currency: 'XOF',
      description: req.body.description ?? 'Commande',
      status: 'new',
    };
    // Stored before CinetPay is called, as its docs advise.
    orders.set(order.transaction_id, order);
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

  // CinetPay's docs: no processing on the return URL; the status comes from the notification.
  app.all('/orders/:id/return', (req, res) => {
    const order = orders.get(req.params.id);
    if (!order) return res.sendStatus(404);
    res.send(`Order ${order.transaction_id}: ${order.status}`);
  });

  // CinetPay pings with GET, then POSTs. Verifying the x-token and checking the payment's status
  // come with the SDK's notification support.
  app.all('/cinetpay/notify', (req, res) => res.send('OK'));

  return app;
}

module.exports = { createApp };
