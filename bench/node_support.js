'use strict';
// What the Node benchmarks share: the local server (`cinetpay-bench --serve`), the payment
// they send, and the median they report.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const TARGET = path.join(__dirname, '..', 'target');

/** `cinetpay-bench` from `cargo build --release -p cinetpay-bench`, with or without a target triple. */
function benchBinary() {
  const found = fs.existsSync(TARGET)
    ? [path.join(TARGET, 'release'), ...fs.readdirSync(TARGET).map((d) => path.join(TARGET, d, 'release'))]
        .map((dir) => path.join(dir, 'cinetpay-bench'))
        .find((p) => fs.existsSync(p))
    : undefined;
  if (!found) {
    console.error('no cinetpay-bench: run `cargo build --release -p cinetpay-bench` first');
    process.exit(2);
  }
  return found;
}

/** Starts the local server; resolves to `{ server, url }` once it prints its address. */
async function startServer(bench = benchBinary()) {
  const server = spawn(bench, ['--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) =>
    readline.createInterface({ input: server.stdout }).once('line', (line) => resolve(line.split(' ').pop())),
  );
  return { server, url };
}

let n = 0;
/** A payment with a new transaction_id each time. */
const payload = () => ({
  transaction_id: `BENCH-${n++}`,
  amount: 100,
  currency: 'XOF',
  description: 'Order',
  notify_url: 'https://shop.example/notify',
  return_url: 'https://shop.example/return',
});

/** The median of the numbers in `xs`, NaN (a failed measurement) left out. */
function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

module.exports = { benchBinary, startServer, payload, median };
