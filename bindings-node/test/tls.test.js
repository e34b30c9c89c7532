'use strict';
// TLS against the emulator serving HTTPS with a test authority (tests/fixtures/tls.json): the
// authority is trusted only when caCertificates says so, and an unknown authority, an expired
// certificate or another host's certificate is a NetworkError of code 'tls', with nothing sent.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, NetworkError, ValidationError } = require('..');
const { API_KEY, SITE_ID, TRANSPORTS, fixture, startEmulator, emulatorBinary, withTransport } = require('./helpers');

const TLS = fixture('tls.json');

test('TLS', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cinetpay-tls-'));
  execFileSync(emulatorBinary(), ['tls-certs', dir]);
  const servers = {};
  for (const name of ['good', 'expired', 'wrong-host']) {
    servers[name] = await startEmulator('--tls-cert', path.join(dir, `${name}.pem`), '--tls-key', path.join(dir, `${name}.key`));
  }
  t.after(() => {
    for (const s of Object.values(servers)) s.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  for (const transport of TRANSPORTS) for (const c of TLS.cases) {
    await t.test(`${c.name} (${transport} transport)`, async () => {
      const server = servers[c.server];
      assert.ok(server.url.startsWith('https://'), server.url);
      const client = withTransport(transport, () => new Client({
        apiKey: API_KEY,
        siteId: SITE_ID,
        baseUrl: server.url,
        caCertificates: c.trust_ca ? ca : undefined,
        maxRetries: 0,
      }));
      const pay = client.initPayment({
        transaction_id: `JS-TLS-${c.server}-${c.trust_ca}-${transport}`,
        amount: 100,
        currency: 'XOF',
        description: 'Commande',
        notify_url: 'https://shop.example/notify',
        return_url: 'https://shop.example/return',
      });
      if (c.expect === 'ok') {
        assert.ok((await pay).payment_url.startsWith(server.url));
      } else {
        const e = await pay.then(
          () => assert.fail('accepted'),
          (err) => err,
        );
        assert.ok(e instanceof NetworkError, String(e));
        assert.deepEqual([e.code, e.requestSent], ['tls', false], String(e));
        assert.match(e.message, /127\.0\.0\.1/);
        assert.match(e.hint, /ca_certificates/);
      }
    });
  }
  for (const bad of TLS.bad_settings) {
    await t.test(`refused: ${bad.name}`, () => {
      assert.throws(
        () => new Client({ apiKey: API_KEY, siteId: SITE_ID, caCertificates: bad.ca_certificates }),
        (e) => e instanceof ValidationError && e.field === bad.field,
      );
    });
  }
});
