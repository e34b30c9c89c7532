'use strict';
// Installed from the npm tarballs alone: initialise a payment on the emulator and print the link.
const { Client } = require('cinetpay');
const { notificationHandler } = require('cinetpay/express');

const client = new Client({ apiKey: 'emulator-apikey-0000000000000001', siteId: '445160', baseUrl: process.argv[2] });
if (typeof notificationHandler !== 'function') throw new Error('cinetpay/express is missing');
client
  .initPayment({ transaction_id: process.argv[3], amount: 100, currency: 'XOF', description: 'Commande',
    notify_url: 'https://shop.example/notify', return_url: 'https://shop.example/return' })
  .then((link) => console.log('node:', link.payment_url));
