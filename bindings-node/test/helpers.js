'use strict';
// Shared by the node --test files: emulator processes and the repository's JSON vectors.

const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.join(__dirname, '..', '..');
const API_KEY = 'emulator-apikey-0000000000000001';
const SITE_ID = '445160';

function fixture(name) {
  return JSON.parse(readFileSync(path.join(ROOT, 'tests', 'fixtures', name), 'utf8'));
}

/** The emulator binary: $CINETPAY_EMULATOR, else this checkout's debug build. */
function emulatorBinary() {
  return process.env.CINETPAY_EMULATOR ?? path.join(ROOT, 'target', 'debug', 'cinetpay-emulator');
}

/** Starts `cinetpay-emulator --port 0`; resolves to { url, transaction(), stop() }. */
function startEmulator(...args) {
  const child = spawn(emulatorBinary(), ['--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      const url = line.trim().split(' ').pop();
      resolve({
        url,
        async transaction(siteId, transactionId) {
          const q = new URLSearchParams({ site_id: siteId, transaction_id: transactionId });
          const r = await fetch(`${url}/_emulator/transaction?${q}`);
          return r.ok ? r.json() : null;
        },
        stop() {
          child.kill();
        },
      });
    });
  });
}

/** Starts tests/support/barrier_server.py: it answers only when `parties` requests are in flight. */
function startBarrier(parties) {
  const child = spawn(process.env.PYTHON ?? 'python3', [path.join(ROOT, 'tests', 'support', 'barrier_server.py'), String(parties)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      resolve({ url: line.trim().split(' ').pop(), stop: () => child.kill() });
    });
  });
}

/** A loopback URL where nothing listens. */
async function closedPortUrl() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

let counter = 0;
function uniqueId(prefix = 'NODE') {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

function payload(overrides = {}) {
  return { ...fixture('validation.json').base, transaction_id: uniqueId(), ...overrides };
}

/**
 * Runs `build` with the client transport `transport` selected: 'loop' (this thread's sockets,
 * the default) or 'runtime' (the SDK's threads, CINETPAY_NODE_TRANSPORT=runtime). A client
 * picks its transport when it is built.
 */
function withTransport(transport, build) {
  const before = process.env.CINETPAY_NODE_TRANSPORT;
  if (transport === 'runtime') process.env.CINETPAY_NODE_TRANSPORT = 'runtime';
  else delete process.env.CINETPAY_NODE_TRANSPORT;
  try {
    return build();
  } finally {
    if (before === undefined) delete process.env.CINETPAY_NODE_TRANSPORT;
    else process.env.CINETPAY_NODE_TRANSPORT = before;
  }
}

const TRANSPORTS = ['loop', 'runtime'];

module.exports = { TRANSPORTS, withTransport, API_KEY, SITE_ID, ROOT, fixture, emulatorBinary, startEmulator, startBarrier, closedPortUrl, uniqueId, payload };
