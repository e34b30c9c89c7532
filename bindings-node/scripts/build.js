'use strict';
// `npm install` hook: builds the addon from source with cargo when no binary is present or when
// building from a checkout. CINETPAY_NODE_PROFILE=debug makes a debug build (the test suite),
// CINETPAY_NODE_PROFILE=dist the profile of the published addons (scripts/package; the
// benchmarks measure it); CINETPAY_SKIP_BUILD=1 skips it (a prebuilt per-platform package is
// installed instead).

const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'Cargo.toml');

if (process.env.CINETPAY_SKIP_BUILD) process.exit(0);
if (!existsSync(manifest)) process.exit(0); // a published package: binaries come prebuilt

const profile = process.env.CINETPAY_NODE_PROFILE || 'release';
if (!['debug', 'release', 'dist'].includes(profile)) {
  console.error(`cinetpay: CINETPAY_NODE_PROFILE must be debug, release or dist, not ${profile}`);
  process.exit(1);
}
const args = ['build', '-p', 'cinetpay-node', '--manifest-path', manifest, '--message-format=json-render-diagnostics'];
if (profile !== 'debug') args.push('--profile', profile);
const cargo = spawnSync('cargo', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
if (cargo.error) {
  console.error(`cinetpay: could not run cargo (${cargo.error.message}); install Rust from https://rustup.rs`);
  process.exit(1);
}
if (cargo.status !== 0) process.exit(cargo.status ?? 1);

const artifact = cargo.stdout
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line))
  .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'cinetpay_node')
  .flatMap((m) => m.filenames)
  .find((f) => /\.(so|dylib|dll)$/.test(f));
if (!artifact) {
  console.error('cinetpay: cargo did not report the addon library');
  process.exit(1);
}
copyFileSync(artifact, path.join(root, 'cinetpay.node'));
console.error(`cinetpay: built ${profile} addon from source`);
