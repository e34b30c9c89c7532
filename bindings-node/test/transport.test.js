'use strict';
// The loop transport (transport.js): a call's bytes move on this thread's own sockets, and no
// thread of the SDK is woken. Its answers to faults and TLS are the fault and TLS matrices'
// (faults.test.js, tls.test.js run both transports); here, what is its own: no hand-off, kept
// connections, the native call table, panics.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const native = require('../native.js');
const { Transport } = require('../transport.js');
const { Client, CinetPayError } = require('..');
const { API_KEY, SITE_ID, closedPortUrl, payload, startEmulator, withTransport } = require('./helpers.js');

let emu;
test.before(async () => {
  emu = await startEmulator();
});
test.after(() => emu.stop());

/** How often the addon's runtime threads have been woken so far (Linux: their context switches). */
function runtimeWakeups() {
  let n = 0;
  for (const task of fs.readdirSync('/proc/self/task')) {
    const comm = fs.readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
    if (!comm.startsWith('tokio')) continue;
    const status = fs.readFileSync(`/proc/self/task/${task}/status`, 'utf8');
    n += Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
  }
  return n;
}

test('the loop transport wakes no thread of the SDK; the runtime transport wakes one per call', { skip: !fs.existsSync('/proc/self/task') && 'needs Linux /proc' }, async (t) => {
  const CALLS = 200;
  const woken = {};
  for (const transport of ['loop', 'runtime']) {
    const c = withTransport(transport, () => new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emu.url }));
    await c.initPayment(payload());
    const before = runtimeWakeups();
    for (let i = 0; i < CALLS; i++) await c.initPayment(payload());
    woken[transport] = runtimeWakeups() - before;
  }
  t.diagnostic(`runtime-thread wake-ups for ${CALLS} calls: ${JSON.stringify(woken)}`);
  // The control shows that the measure sees hand-offs: each runtime call wakes a worker.
  assert.ok(woken.runtime >= CALLS, `runtime transport: ${woken.runtime} wake-ups for ${CALLS} calls`);
  assert.ok(woken.loop < CALLS / 20, `loop transport: ${woken.loop} wake-ups for ${CALLS} calls`);
});

/** The CPUs this process may run on (Linux: `Cpus_allowed_list`), as numbers; [] elsewhere. */
function allowedCpus() {
  try {
    const list = /\nCpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];
    return list.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return [];
  }
}

/** Whether `taskset` (util-linux) can confine a child process here. */
function hasTaskset() {
  try {
    execFileSync('taskset', ['-c', String(allowedCpus()[0] ?? 0), 'true']);
    return true;
  } catch {
    return false;
  }
}

const confinable =
  (!fs.existsSync('/proc/self/task') && 'needs Linux /proc') ||
  (typeof os.availableParallelism !== 'function' && 'needs os.availableParallelism (Node 18.14)') ||
  (!hasTaskset() && 'needs taskset');

test('confined to one CPU, a process keeps its calls on its own thread at 16 in flight; with two it hands some to the runtime', { skip: confinable }, async (t) => {
  // A child makes 10 rounds of 16 calls at once and reports how often the runtime's threads
  // woke (runtimeWakeups, in the child). On one CPU the runtime's threads could only compete
  // with the JavaScript thread for it (index.js, LOOP_IN_FLIGHT).
  const script = `
    const fs = require('node:fs');
    const { Client } = require(${JSON.stringify(require.resolve('..'))});
    ${runtimeWakeups.toString()}
    (async () => {
      const c = new Client({ apiKey: ${JSON.stringify(API_KEY)}, siteId: ${JSON.stringify(SITE_ID)}, baseUrl: ${JSON.stringify(emu.url)} });
      let n = 0;
      const one = () => c.initPayment({ transaction_id: 'CPU-' + process.pid + '-' + n++, amount: 100, currency: 'XOF',
        description: 'd', notify_url: 'https://a.example/n', return_url: 'https://a.example/r' });
      await Promise.all(Array.from({ length: 16 }, one));
      const before = runtimeWakeups();
      for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 16 }, one));
      console.log(JSON.stringify({ woken: runtimeWakeups() - before, calls: 160, cpus: require('node:os').availableParallelism() }));
    })();`;
  // The default transport whatever this process was started with.
  const env = { ...process.env };
  delete env.CINETPAY_NODE_TRANSPORT;
  const run = (cpus) =>
    new Promise((resolve, reject) =>
      execFile('taskset', ['-c', cpus.join(','), process.execPath, '-e', script], { env, timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err}: ${stderr}`)) : resolve(JSON.parse(stdout)),
      ),
    );
  const cpus = allowedCpus();
  const confined = await run(cpus.slice(0, 1));
  t.diagnostic(`one CPU: ${JSON.stringify(confined)}`);
  assert.equal(confined.cpus, 1);
  assert.ok(confined.woken < confined.calls / 20, `one CPU: the runtime woke ${confined.woken} times for ${confined.calls} calls`);
  // The control: with two CPUs the same calls do reach the runtime (120 of the 160 start beyond
  // 4 in flight), so the measure sees them.
  if (cpus.length < 2) return t.diagnostic('one CPU allowed here: no control');
  const both = await run(cpus.slice(0, 2));
  t.diagnostic(`two CPUs: ${JSON.stringify(both)}`);
  assert.equal(both.cpus, 2);
  assert.ok(both.woken >= both.calls / 4, `two CPUs: the runtime woke ${both.woken} times for ${both.calls} calls`);
});

/** A Node HTTP server that answers every init with a created payment, counting connections. */
async function countingServer(t, { closeAfterMs = null, chunked = false } = {}) {
  const state = { connections: 0 };
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ code: '201', message: 'CREATED', description: 'ok', data: { payment_token: `tok-${state.connections}`, payment_url: 'https://checkout.example/p' }, api_response_id: '1.1' });
      if (chunked) {
        // Three pieces, the last after a pause: the answer arrives in several reads.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(body.slice(0, 10));
        res.write(body.slice(10, 20));
        setTimeout(() => res.end(body.slice(20)), 5);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      }
      if (closeAfterMs !== null) setTimeout(() => req.socket.destroy(), closeAfterMs);
    });
  });
  server.on('connection', (s) => {
    state.connections += 1;
    sockets.add(s);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  state.url = `http://127.0.0.1:${server.address().port}`;
  return state;
}

test('one kept connection carries sequential calls, chunked answers included', async (t) => {
  for (const chunked of [false, true]) {
    const server = await countingServer(t, { chunked });
    const c = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: server.url });
    for (let i = 0; i < 10; i++) assert.equal((await c.initPayment(payload())).payment_token, 'tok-1');
    assert.equal(server.connections, 1, `chunked: ${chunked}`);
  }
});

test('a kept connection the server has closed is replaced, not an error', async (t) => {
  const server = await countingServer(t, { closeAfterMs: 10 });
  const c = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: server.url, maxRetries: 0 });
  for (let i = 0; i < 3; i++) {
    await c.initPayment(payload());
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(server.connections, 3);
});

test('a process ends at once after its last call: kept connections do not hold it', async () => {
  const script = `
    const { Client } = require(${JSON.stringify(require.resolve('..'))});
    const c = new Client({ apiKey: ${JSON.stringify(API_KEY)}, siteId: ${JSON.stringify(SITE_ID)}, baseUrl: ${JSON.stringify(emu.url)} });
    c.initPayment({ transaction_id: 'EXIT-IDLE-' + process.pid, amount: 100, currency: 'XOF', description: 'd',
      notify_url: 'https://a.example/n', return_url: 'https://a.example/r' }).then(() => console.log('paid'));`;
  const started = performance.now();
  const out = await new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err}: ${stderr}`)) : resolve(stdout))),
  );
  assert.equal(out.trim(), 'paid');
  // The idle timeout is 60 s: a connection that held the process would show here.
  assert.ok(performance.now() - started < 10_000);
});

test('the native call table is empty after every kind of ending', async (t) => {
  const silent = http.createServer(() => {});
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const held = new Set();
  silent.on('connection', (s) => held.add(s));
  t.after(() => {
    for (const s of held) s.destroy();
    silent.close();
  });
  const cases = [
    ['ok', emu.url, payload()],
    ['validation', emu.url, { amount: 1 }],
    ['network', await closedPortUrl(), payload()],
    ['timeout', `http://127.0.0.1:${silent.address().port}`, payload()],
  ];
  for (const [name, url, body] of cases) {
    const client = new native.NativeClient(JSON.stringify({ api_key: API_KEY, site_id: SITE_ID, base_url: url, timeout_ms: 300, max_retries: 1 }));
    const transport = new Transport(client);
    const started = client.begin('init_payment', JSON.stringify(body));
    const outcome = typeof started === 'number' ? await transport.run(started) : JSON.parse(started);
    assert.equal(outcome.ok, name === 'ok', `${name}: ${JSON.stringify(outcome)}`);
    if (name !== 'ok') assert.equal(outcome.error.code === 'validation_error' ? 'validation' : outcome.error.code, name);
    assert.equal(client.callsRunning, 0, name);
  }
});

test('a panic on the loop transport is an internal error, and the client still works', (t) => {
  const client = new native.NativeClient(JSON.stringify({ api_key: 'k-0000000000', site_id: '1', base_url: 'http://127.0.0.1:9' }));
  // An outcome known at once comes as JSON text.
  const first = JSON.parse(client.begin('_panic_for_tests', '{}'));
  if (first.error.field === 'operation') {
    t.skip('a release build: the panic operation exists only in debug builds');
    return;
  }
  assert.deepEqual([first.ok, first.error.code, first.error.family], [false, 'internal', 'internal']);
  assert.equal(client.callsRunning, 0);
  const after = JSON.parse(client.begin('check_payment', '{}'));
  assert.equal(after.error.field, 'transaction_id');
  assert.ok(CinetPayError);
});

test("timeouts beyond Node's timer range (2^31 ms) are long, not instant", async () => {
  for (const option of ['timeoutMs', 'connectTimeoutMs']) {
    const c = new Client({ apiKey: API_KEY, siteId: SITE_ID, baseUrl: emu.url, [option]: 2 ** 31 });
    assert.ok((await c.initPayment(payload())).payment_url, option);
  }
});
