'use strict';
// The npm package beside axios (keep-alive agent, as in CinetPay's docs), global fetch and wrk,
// against one local server, in one run:
//
//   cargo build --release -p cinetpay-bench && (cd bindings-node && CINETPAY_NODE_PROFILE=dist node scripts/build.js)
//   (cd bench && npm install) && node bench/node_bench.js [--seconds 3] [--rounds 1] [--place same|split]
//
// Prints Markdown tables. Only ratios within one run count. With --rounds R, each client runs R
// slots of --seconds, the clients taking turns (wrk too, sequentially), and the tables give each
// client's median slot and the ratios of those medians: a burst on the host then spoils one
// slot of one client rather than its whole figure. Each ratio's range over the rounds is
// printed beside it.

const { spawnSync } = require('node:child_process');

// --place same|split pins the server and this process as PLACE does for bench/blocking_vs_wrk.sh:
// both on CPU 0, or the server on CPU 0 and this process (and wrk) on CPU 1.
const place = process.argv.includes('--place') ? process.argv[process.argv.indexOf('--place') + 1] : 'none';
if (!['none', 'same', 'split'].includes(place)) {
  console.error('--place must be same or split');
  process.exit(2);
}
// This process is confined from its start, by running again under taskset, before the package
// loads: the package reads the CPUs it may use when it loads (index.js), as it would in a
// process that taskset or a container's cpuset confines.
if (place !== 'none' && !process.env.CINETPAY_BENCH_PLACED) {
  const cpu = place === 'same' ? '0' : '1';
  const again = spawnSync('taskset', ['-c', cpu, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CINETPAY_BENCH_PLACED: cpu },
  });
  if (again.error || again.status === null) {
    console.error(`--place needs taskset (${again.error ? again.error.message : again.signal})`);
    process.exit(2);
  }
  process.exit(again.status);
}

const http = require('node:http');
const net = require('node:net');
const axios = require('axios');
const { Client } = require('../bindings-node');
const { benchBinary, startServer, payload, median } = require('./node_support.js');

const BENCH = benchBinary();
const API_KEY = 'bench-apikey-000000000000';
const SITE_ID = '445160';
const IN_FLIGHT = 64;
const option = (name) => Number(process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : NaN);
const seconds = option('--seconds') || 3;
const rounds = option('--rounds') || 1;
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

/**
 * The floor of any Node client: one socket, one fixed POST written, the answer read up to its
 * length, nothing parsed or built (the Node twin of bench/raw_seq.c).
 */
function rawSocket(url) {
  // Reads that are not a 200 with a Content-Length, or a closed connection, fail the run.
  const { hostname, port } = new URL(url);
  const body = JSON.stringify(wire());
  const request = Buffer.from(
    `POST /v2/payment HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const socket = net.connect({ host: hostname, port, noDelay: true });
  let got = Buffer.alloc(0);
  let call = null;
  const settle = (error) => {
    const { resolve, reject } = call ?? {};
    call = null;
    if (error) reject?.(error);
    else resolve?.();
  };
  socket.on('data', (chunk) => {
    got = got.length ? Buffer.concat([got, chunk]) : chunk;
    const end = got.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = got.toString('latin1', 0, end);
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 200 ') || !length) return settle(new Error(`unexpected answer: ${head}`));
    if (got.length >= end + 4 + Number(length[1])) {
      got = Buffer.alloc(0);
      settle();
    }
  });
  socket.on('error', settle);
  socket.on('close', () => settle(new Error('the server closed the connection')));
  const one = () =>
    new Promise((resolve, reject) => {
      call = { resolve, reject };
      socket.write(request);
    });
  one.close = () => {
    socket.removeAllListeners('close');
    socket.destroy();
  };
  return one;
}

async function main() {
  const { server, url } = await startServer(BENCH);
  // This process runs where --place put it (above); the server goes to CPU 0.
  if (place !== 'none' && spawnSync('taskset', ['-apc', '0', String(server.pid)], { stdio: 'ignore' }).status !== 0) {
    server.kill();
    console.error('--place needs taskset');
    process.exit(2);
  }
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
    const RAW = 'raw net socket (fixed POST, nothing parsed: Node\'s floor)';
    const raw = rawSocket(url);
    const WRK = 'wrk -t1 -c1 (loopback limit, one connection)';
    // Each client's rate in each round, in turns.
    const seq = {};
    const par = {};
    for (let round = 0; round < rounds; round++) {
      for (const [name, one] of Object.entries(clients)) (seq[name] ??= []).push(await rate(1, one));
      (seq[RAW] ??= []).push(await rate(1, raw));
      const wrk = spawnSync(BENCH, ['--wrk', url.replace('http://', ''), '1', String(Math.ceil(seconds))], { encoding: 'utf8' });
      // NaN when wrk failed, so that every client's rounds stay aligned.
      (seq[WRK] ??= []).push(wrk.status === 0 ? Number(wrk.stdout) : NaN);
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, one] of Object.entries(clients)) (par[name] ??= []).push(await rate(IN_FLIGHT, one));
    }
    const table = (rates, withTime) => {
      const base = rates['cinetpay Client.initPayment'];
      const spread = rounds > 1 ? ' | per round' : '';
      console.log(`| client | requests/s${withTime ? ' | µs/request' : ''} | cinetpay ÷ this${spread} |`);
      console.log(`|---|---:|${withTime ? '---:|' : ''}---:|${rounds > 1 ? '---|' : ''}`);
      for (const [name, r] of Object.entries(rates)) {
        const m = median(r);
        const per = r.map((x, i) => base[i] / x).filter((x) => !Number.isNaN(x));
        const range = rounds > 1 ? ` | ${Math.min(...per).toFixed(2)} to ${Math.max(...per).toFixed(2)}` : '';
        console.log(`| ${name} | ${m.toFixed(0)}${withTime ? ` | ${(1e6 / m).toFixed(0)}` : ''} | ${(median(base) / m).toFixed(2)}${range} |`);
      }
    };
    const how = rounds > 1 ? `medians of ${rounds} rounds of ${seconds} s, clients in turns` : `${seconds} s each`;
    console.log(`Sequential, ${how} (ratio = cinetpay's rate / this client's rate)\n`);
    table(seq, true);
    console.log(`\n${IN_FLIGHT} in flight\n`);
    table(par, false);
    raw.close();
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
