'use strict';
// Issue 8, for Node: a process or worker that ends with calls in flight ends cleanly. Each
// scenario of exit-child.js runs in 30 fresh processes, four at a time: the hazard is a race
// between the runtime's threads finishing calls and the addon's environment being torn down.

const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { startEmulator, uniqueId } = require('./helpers.js');

const CHILD = path.join(__dirname, 'exit-child.js');
const RUNS = Number(process.env.CINETPAY_SHUTDOWN_RUNS ?? 30);

function runChild(scenario, url) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, scenario, url, uniqueId('EXIT')], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? null) : 0, signal: err?.signal ?? null, stdout, stderr });
    });
  });
}

for (const scenario of ['exit_in_flight', 'worker_terminated', 'worker_exits']) {
  test(`${scenario}: ${RUNS} processes all exit with status 0`, async () => {
    const emulator = await startEmulator();
    try {
      const results = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < RUNS) {
            next += 1;
            results.push(await runChild(scenario, emulator.url));
          }
        }),
      );
      const failures = results.filter((r) => r.code !== 0 || r.stdout !== `ok ${scenario}\n` || r.stderr !== '');
      assert.deepEqual(
        failures.slice(0, 1).map((r) => ({ code: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr.slice(-400) })),
        [],
        `${failures.length} of ${RUNS} runs failed`,
      );
    } finally {
      emulator.stop();
    }
  });
}
