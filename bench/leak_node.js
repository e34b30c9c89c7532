'use strict';
// Resident memory of a Node process making 100,000 initPayment calls against the emulator
// (issue 14: growth under 10 MB after warm-up). Prints the figures; exits 1 past the bound.
//
//   cargo build -p cinetpay-emulator && (cd bindings-node && node scripts/build.js)
//   node --expose-gc bench/leak_node.js [calls] [warmup] [inFlight]

const { spawn } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { Client } = require('../bindings-node');

const ROOT = path.join(__dirname, '..');
const BOUND_MIB = 10;

function emulatorBinary() {
  if (process.env.CINETPAY_EMULATOR) return process.env.CINETPAY_EMULATOR;
  const dirs = [path.join(ROOT, 'target', 'release'), path.join(ROOT, 'target', 'debug')];
  for (const d of readdirSync(path.join(ROOT, 'target'))) dirs.push(path.join(ROOT, 'target', d, 'debug'));
  const found = dirs.map((d) => path.join(d, 'cinetpay-emulator')).find(existsSync);
  if (!found) throw new Error('cinetpay-emulator not found: cargo build -p cinetpay-emulator, or set CINETPAY_EMULATOR');
  return found;
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const collect = () => global.gc?.();

async function main() {
  const calls = Number(process.argv[2] ?? 100000);
  const warmup = Number(process.argv[3] ?? 10000);
  const inFlight = Number(process.argv[4] ?? 16);
  const emulator = spawn(emulatorBinary(), ['--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) =>
    readline.createInterface({ input: emulator.stdout }).once('line', (l) => resolve(l.trim().split(' ').pop())),
  );
  const client = new Client({ apiKey: 'emulator-apikey-0000000000000001', siteId: '445160', baseUrl: url });
  const samples = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < calls) {
      const n = next++;
      await client.initPayment({
        transaction_id: `LEAK-${process.pid}-${n}`,
        amount: 100 + 5 * (n % 1000),
        currency: 'XOF',
        description: 'Commande',
        notify_url: 'https://shop.example/notify',
        return_url: 'https://shop.example/return',
      });
      done++;
      if (done === warmup || done % (calls / 10) === 0) {
        collect();
        samples.push([done, rssMiB()]);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    emulator.kill();
  }
  const elapsed = (performance.now() - started) / 1000;
  const warm = samples.find(([n]) => n === warmup)[1];
  const end = samples[samples.length - 1][1];
  console.log(
    `node (${inFlight} in flight${global.gc ? ', --expose-gc' : ''}): ${calls} calls in ${elapsed.toFixed(1)} s; ` +
      `RSS after ${warmup} (warm-up) ${warm.toFixed(1)} MiB, after ${calls} ${end.toFixed(1)} MiB: ` +
      `grew ${(end - warm).toFixed(1)} MiB (bound ${BOUND_MIB})`,
  );
  console.log('samples (calls, MiB):', samples.map(([n, r]) => `${n}: ${r.toFixed(1)}`).join(', '));
  process.exit(end - warm < BOUND_MIB ? 0 : 1);
}

main();
