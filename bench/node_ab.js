'use strict';
// A/B of two copies of the npm package in one process, sequential initPayment (or N in flight),
// the two taking turns in slots, against cinetpay-bench's local server:
//
//   cargo build --release -p cinetpay-bench && (cd bindings-node && CINETPAY_NODE_PROFILE=dist node scripts/build.js)
//   node bench/node_ab.js DIR_A DIR_B [ROUNDS=10] [SLOT_SECONDS=1] [IN_FLIGHT=1]
//
// DIR_A is typically a copy of bindings-node/ from the previous commit (its JavaScript files
// and its own cinetpay.node: two addons load side by side), DIR_B the working tree. Prints each
// one's median µs per call and B/A. Turns and medians keep a burst on the host from deciding the
// answer; a change of a few percent needs several such runs to show.

const path = require('node:path');
const { startServer, payload, median } = require('./node_support.js');

const [A, B, rounds = 10, slotSeconds = 1, inFlight = 1] = process.argv.slice(2).map((v, i) => (i < 2 ? path.resolve(v) : Number(v)));
if (!A || !B) {
  console.error('usage: node bench/node_ab.js DIR_A DIR_B [ROUNDS] [SLOT_SECONDS] [IN_FLIGHT]');
  process.exit(2);
}

/** µs per call over one slot. */
async function slot(one) {
  const end = performance.now() + slotSeconds * 1000;
  let calls = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      await one();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ((performance.now() - started) * 1000) / calls;
}

async function main() {
  const { server, url } = await startServer();
  try {
    const caller = (dir) => {
      const { Client } = require(dir);
      const client = new Client({ apiKey: 'bench-apikey-000000000000', siteId: '445160', baseUrl: url });
      return () => client.initPayment(payload());
    };
    const a = caller(A);
    const b = caller(B);
    await slot(a); // warm-up: connections, JIT
    await slot(b);
    const ta = [];
    const tb = [];
    for (let i = 0; i < rounds; i++) {
      ta.push(await slot(a));
      tb.push(await slot(b));
    }
    const [ma, mb] = [median(ta), median(tb)];
    console.log(`A ${ma.toFixed(1)} µs  B ${mb.toFixed(1)} µs  B/A ${(mb / ma).toFixed(3)}`);
    console.log(`A [${ta.map((x) => x.toFixed(0))}]\nB [${tb.map((x) => x.toFixed(0))}]`);
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
