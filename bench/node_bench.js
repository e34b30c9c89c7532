'use strict';
// The npm package beside axios (keep-alive agent, as in CinetPay's docs), global fetch and wrk,
// against one local server, in one run:
//
//   cargo build --release -p cinetpay-bench && (cd bindings-node && node scripts/build.js)
//   (cd bench && npm install) && node bench/node_bench.js [--seconds 3]
//
// Prints a Markdown table. Only ratios within one run count.

const { spawn, spawnSync } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');
const axios = require('axios');
const { Client } = require('../bindings-node');

const ROOT = path.join(__dirname, '..');
// Built by `cargo build --release -p cinetpay-bench`, with or without a target triple.
const BENCH = [path.join(ROOT, 'target', 'release', 'cinetpay-bench'), ...require('node:fs').readdirSync(path.join(ROOT, 'target')).map((d) => path.join(ROOT, 'target', d, 'release', 'cinetpay-bench'))].find((p) => require('node:fs').existsSync(p));
const API_KEY = 'bench-apikey-000000000000';
const SITE_ID = '445160';
const IN_FLIGHT = 64;
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

let n = 0;
const payload = () => ({
  transaction_id: `BENCH-${n++}`,
  amount: 100,
  currency: 'XOF',
  description: 'Order',
  notify_url: 'https://shop.example/notify',
  return_url: 'https://shop.example/return',
});
const wire = () => ({ apikey: API_KEY, site_id: SITE_ID, channels: 'ALL', ...payload() });

async function rate(inFlight, one) {
  await one();
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      await one();
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / seconds;
}

async function main() {
  const server = spawn(BENCH, ['--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((r) => readline.createInterface({ input: server.stdout }).once('line', (l) => r(l.split(' ').pop())));
  const endpoint = `${url}/v2/payment`;
  try {
    const client = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: url });
    // The same calls through the SDK's runtime threads (the transport before issue 10's), for
    // an A/B in one run.
    process.env.CINETPAY_NODE_TRANSPORT = 'runtime';
    const viaRuntime = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: url });
    delete process.env.CINETPAY_NODE_TRANSPORT;
    const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const ax = axios.create({ httpAgent: agent, headers: { 'Content-Type': 'application/json' } });
    const clients = {
      'cinetpay Client.initPayment': () => client.initPayment(payload()),
      'cinetpay, runtime transport (CINETPAY_NODE_TRANSPORT=runtime)': () => viaRuntime.initPayment(payload()),
      'axios + keep-alive agent (POST, JSON)': () => ax.post(endpoint, JSON.stringify(wire())).then((r) => r.data),
      'global fetch (POST + .json())': () =>
        fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(wire()) }).then((r) => r.json()),
    };
    const seq = {};
    for (const [name, one] of Object.entries(clients)) seq[name] = await rate(1, one);
    const wrk = spawnSync(BENCH, ['--wrk', url.replace('http://', ''), '1', String(Math.ceil(seconds))], { encoding: 'utf8' });
    if (wrk.status === 0) seq['wrk -t1 -c1 (loopback limit, one connection)'] = Number(wrk.stdout);
    const par = {};
    for (const [name, one] of Object.entries(clients)) par[name] = await rate(IN_FLIGHT, one);

    const base = seq['cinetpay Client.initPayment'];
    console.log(`Sequential, ${seconds} s each (ratio = cinetpay's rate / this client's rate)\n`);
    console.log('| client | requests/s | µs/request | cinetpay ÷ this |\n|---|---:|---:|---:|');
    for (const [name, r] of Object.entries(seq)) console.log(`| ${name} | ${r.toFixed(0)} | ${(1e6 / r).toFixed(0)} | ${(base / r).toFixed(2)} |`);
    console.log(`\n${IN_FLIGHT} in flight\n`);
    console.log('| client | requests/s | cinetpay ÷ this |\n|---|---:|---:|');
    const pbase = par['cinetpay Client.initPayment'];
    for (const [name, r] of Object.entries(par)) console.log(`| ${name} | ${r.toFixed(0)} | ${(pbase / r).toFixed(2)} |`);
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
