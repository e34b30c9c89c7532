'use strict';
// node server.js: the shop on 127.0.0.1:3000, with CINETPAY_* from the environment.
const { Client } = require('cinetpay');
const { createApp } = require('./app.js');

const port = Number(process.env.PORT ?? 3000);
const app = createApp({
  client: Client.fromEnv(),
  publicUrl: process.env.SHOP_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
});
app.listen(port, '127.0.0.1', () => console.log(`shop on http://127.0.0.1:${port}`));
