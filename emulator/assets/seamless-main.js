/*
 * The CinetPay emulator's stand-in for https://cdn.cinetpay.com/seamless/main.js.
 *
 * The same global object and calls as CinetPay's Seamless SDK (CinetPay's docs, "SDK Seamless"):
 * CinetPay.setConfig({apikey, site_id, notify_url, mode}), CinetPay.getCheckout({transaction_id,
 * amount, currency, channels, description, customer_*...}), CinetPay.waitResponse(callback) and
 * CinetPay.onError(callback). getCheckout opens the emulator's checkout page in an overlay; the
 * customer's choice there notifies notify_url (signed, as CinetPay does) and calls the
 * waitResponse callback with data.status ACCEPTED or REFUSED.
 *
 * How it works: the overlay's frame (/seamless/frame) is on the emulator's origin. It receives
 * the request by postMessage, initialises the payment with POST /v2/payment (so every rule and
 * error is the emulator's server's), and shows the checkout page; the page's return leads to
 * /seamless/return, which posts the result back here. Messages are accepted only from that frame
 * and the emulator's origin.
 *
 * Elements a browser test can use: #cinetpay-seamless-overlay, #cinetpay-seamless-frame,
 * #cinetpay-seamless-close.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var scriptUrl = new URL(script ? script.src : '', location.href);
  var ORIGIN = scriptUrl.origin;
  var FRAME_URL = new URL('frame', scriptUrl).href;
  // The emulator's own mode, and CinetPay's (accepted too: the emulator charges nobody).
  var MODES = ['EMULATOR', 'PRODUCTION'];

  var config = null;
  var onResponse = null;
  var onFailure = null;
  var queuedResponses = [];
  var queuedErrors = [];
  var overlay = null;
  var frame = null;
  var request = null;

  // The docs' page registers its callbacks after getCheckout: anything that happens first waits.
  function respond(data) {
    if (onResponse) onResponse(data);
    else queuedResponses.push(data);
  }

  function fail(error) {
    if (onFailure) onFailure(error);
    else queuedErrors.push(error);
  }

  function configError(description) {
    close();
    // Reported after getCheckout has returned, so that onError, registered next, receives it.
    setTimeout(function () {
      fail({ code: 'CONFIG', message: 'INVALID_CONFIG', description: description });
    }, 0);
  }

  function close() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
    frame = null;
    request = null;
  }

  function open() {
    overlay = document.createElement('div');
    overlay.id = 'cinetpay-seamless-overlay';
    overlay.setAttribute('style', 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.55);' +
      'display:flex;align-items:center;justify-content:center');
    var box = document.createElement('div');
    box.setAttribute('style', 'position:relative;background:#fff;width:min(30rem,96vw);height:min(40rem,92vh);' +
      'border-radius:8px;overflow:hidden');
    var button = document.createElement('button');
    button.id = 'cinetpay-seamless-close';
    button.type = 'button';
    button.textContent = '\u00d7';
    button.setAttribute('aria-label', 'Fermer');
    button.setAttribute('style', 'position:absolute;top:4px;right:8px;font-size:1.5rem;border:0;background:none;cursor:pointer');
    button.addEventListener('click', close);
    frame = document.createElement('iframe');
    frame.id = 'cinetpay-seamless-frame';
    frame.title = 'CinetPay';
    frame.src = FRAME_URL;
    frame.setAttribute('style', 'width:100%;height:100%;border:0');
    box.appendChild(frame);
    box.appendChild(button);
    overlay.appendChild(box);
    // A page may call getCheckout before its body exists (a script in the head).
    (document.body || document.documentElement).appendChild(overlay);
  }

  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== ORIGIN) return;
    var message = event.data || {};
    if (message.type === 'cinetpay-seamless:ready' && request) {
      frame.contentWindow.postMessage({ type: 'cinetpay-seamless:checkout', config: request.config, checkout: request.checkout }, ORIGIN);
      request = null;
    } else if (message.type === 'cinetpay-seamless:error') {
      close();
      fail(message.error);
    } else if (message.type === 'cinetpay-seamless:response') {
      var closeAfter = config && config.close_after_response === true;
      respond(message.data);
      if (closeAfter) close();
    }
  });

  window.CinetPay = {
    setConfig: function (settings) {
      config = settings && typeof settings === 'object' ? Object.assign({}, settings) : null;
    },
    getCheckout: function (checkout) {
      // A new checkout: nothing left over from an earlier one reaches its callbacks.
      queuedResponses = [];
      queuedErrors = [];
      if (!config) return configError('CinetPay.setConfig must be called before CinetPay.getCheckout');
      if (config.mode !== undefined && MODES.indexOf(config.mode) < 0) {
        return configError('mode ' + JSON.stringify(config.mode) + ' is not one of ' + MODES.join(', '));
      }
      if (!checkout || typeof checkout !== 'object') return configError('CinetPay.getCheckout needs the payment object');
      close();
      request = {
        config: { apikey: config.apikey, site_id: config.site_id, notify_url: config.notify_url },
        checkout: Object.assign({}, checkout),
      };
      open();
    },
    waitResponse: function (callback) {
      onResponse = callback;
      while (onResponse && queuedResponses.length) onResponse(queuedResponses.shift());
    },
    onError: function (callback) {
      onFailure = callback;
      while (onFailure && queuedErrors.length) onFailure(queuedErrors.shift());
    },
  };
})();
