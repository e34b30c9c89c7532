'use strict';
// Express middleware for CinetPay's notify_url, built on Client#handleNotification. Express is
// not required by this package: the middleware uses only what Node's http gives every framework
// (req.method, req.headers, the body stream, res.statusCode/end), so it works with Express,
// Connect or a bare http server.

const { CinetPayError, ValidationError } = require('./errors.js');

const MAX_BODY = 64 * 1024;

/**
 * The POSTed form: the object a body parser made of it, else the raw text. Express 4's parsers
 * set `req.body = {}` even when they did not parse (a global `express.json()` and CinetPay's
 * urlencoded form): only a body they actually parsed (`req._body`) or a non-empty one is taken.
 */
function readForm(req) {
  const body = req.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return Promise.resolve(body);
  if (body !== null && typeof body === 'object' && (req._body === true || Object.keys(body).length > 0 || !req.readable)) {
    return Promise.resolve(body);
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('notification body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, text) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(text);
}

/**
 * A handler for CinetPay's notify_url.
 *
 * - GET (CinetPay's reachability ping): 200.
 * - POST: verifies the x-token with the client's secretKey, checks the payment with CinetPay,
 *   awaits `onOutcome(outcome, req)`, and answers 200.
 * - A forged or altered notification: 401, and `onOutcome` is not called.
 * - The check failed (network, CinetPay down): 503, so that CinetPay notifies again later; a
 *   setup error (no secretKey, a bad expected value): 500, likewise.
 * - `onOutcome` threw: the error goes to `next` (Express answers 500; CinetPay notifies again).
 *
 * `expected(transactionId)` returns the order's `{ amount, currency }` (or null when unknown);
 * 'paid' then requires them. Notifications repeat: make `onOutcome` idempotent.
 */
function notificationHandler(client, { onOutcome, expected } = {}) {
  if (typeof onOutcome !== 'function') {
    throw new TypeError('cinetpay: notificationHandler needs { onOutcome(outcome, req) }');
  }
  return async function cinetpayNotification(req, res, next) {
    if (req.method === 'GET' || req.method === 'HEAD') return send(res, 200, 'OK');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return send(res, 405, 'method not allowed');
    }
    let outcome;
    try {
      const form = await readForm(req);
      outcome = await client.handleNotification(form, req.headers['x-token'], expected);
    } catch (e) {
      // Forged: 401, and CinetPay need not insist. Anything else is this server's problem (no
      // secret key, a bad expected value, CinetPay unreachable): a 5xx, so CinetPay notifies again.
      if (e instanceof ValidationError && e.code === 'invalid_notification') return send(res, 401, e.code);
      if (e instanceof CinetPayError) {
        console.error(`cinetpay: notification not handled: ${e.message}`);
        return send(res, e instanceof ValidationError ? 500 : 503, 'not handled; notify again later');
      }
      return typeof next === 'function' ? next(e) : send(res, 400, 'bad request');
    }
    try {
      await onOutcome(outcome, req);
    } catch (e) {
      return typeof next === 'function' ? next(e) : send(res, 500, 'error');
    }
    return send(res, 200, 'OK');
  };
}

module.exports = { notificationHandler };
