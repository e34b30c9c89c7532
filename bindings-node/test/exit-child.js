'use strict';
// Short programs that leave cinetpay calls in flight and then end; `shutdown.test.js` runs each
// many times and requires a clean exit (status 0, the expected last line, nothing on stderr).
//
//   node exit-child.js SCENARIO EMULATOR_URL TX_PREFIX

const net = require('node:net');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { Client } = require('..');

const API_KEY = 'emulator-apikey-0000000000000001';
const SITE_ID = '445160';

function payload(tx) {
  return {
    transaction_id: tx,
    amount: 100,
    currency: 'XOF',
    description: 'exit test',
    notify_url: 'https://shop.example/notify',
    return_url: 'https://shop.example/return',
  };
}

/** A server that accepts connections and never answers: calls to it stay in flight. */
function silentServer() {
  const sockets = [];
  const server = net.createServer((s) => sockets.push(s));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

/** Starts 50 calls to the emulator and 50 that never get an answer; none is awaited. */
function startCalls(emulatorUrl, silentUrl, tx) {
  const fast = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emulatorUrl, maxRetries: 0 });
  const slow = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: silentUrl, maxRetries: 0 });
  for (let i = 0; i < 50; i++) {
    fast.initPayment(payload(`${tx}-f${i}`)).catch(() => {});
    slow.initPayment(payload(`${tx}-s${i}`)).catch(() => {});
  }
}

async function main() {
  const [scenario, url, tx] = process.argv.slice(2);
  switch (scenario) {
    case 'exit_in_flight': {
      // process.exit with 100 calls running: the addon's environment is torn down under them.
      startCalls(url, await silentServer(), tx);
      await new Promise((r) => setTimeout(r, 5));
      console.log('ok exit_in_flight');
      process.exit(0);
      break;
    }
    case 'worker_terminated': {
      // A worker uses the client, then is terminated with its calls running; the main thread
      // then makes a call of its own, which must still work.
      const worker = new Worker(__filename, { workerData: { url, silent: await silentServer(), tx } });
      await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      const client = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: url, maxRetries: 0 });
      const link = await client.initPayment(payload(`${tx}-main`));
      if (!link.payment_url.startsWith(url)) throw new Error(`unexpected link ${link.payment_url}`);
      console.log('ok worker_terminated');
      process.exit(0);
      break;
    }
    case 'worker_exits': {
      // A worker that ends itself (process.exit inside a worker ends only the worker).
      const worker = new Worker(__filename, { workerData: { url, silent: await silentServer(), tx, exit: true } });
      const code = await new Promise((resolve, reject) => {
        worker.once('exit', resolve);
        worker.once('error', reject);
      });
      if (code !== 0) throw new Error(`worker exit code ${code}`);
      console.log('ok worker_exits');
      process.exit(0);
      break;
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const { url, silent, tx, exit } = workerData;
  startCalls(url, silent, `${tx}-w`);
  setTimeout(() => (exit ? process.exit(0) : parentPort.postMessage('started')), 5);
}
