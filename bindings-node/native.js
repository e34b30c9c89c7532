'use strict';
// Loads the native addon: a binary built from source next to this file (npm install from a
// checkout), else the per-platform package napi-rs projects publish (cinetpay-<platform>).

const { existsSync } = require('node:fs');
const path = require('node:path');

function platformTag() {
  const { platform, arch } = process;
  if (platform !== 'linux') return `${platform}-${arch}${platform === 'win32' ? '-msvc' : ''}`;
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report?.header?.glibcVersionRuntime;
  return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
}

function load() {
  const tag = platformTag();
  const local = [path.join(__dirname, `cinetpay.${tag}.node`), path.join(__dirname, 'cinetpay.node')];
  const errors = [];
  for (const file of local) {
    if (!existsSync(file)) continue;
    try {
      return require(file);
    } catch (e) {
      errors.push(`${file}: ${e.message}`);
    }
  }
  try {
    return require(`cinetpay-${tag}`);
  } catch (e) {
    errors.push(`cinetpay-${tag}: ${e.message}`);
  }
  throw new Error(
    `cinetpay: no native addon for ${tag}: no prebuilt package cinetpay-${tag} is installed. ` +
      'Install it, or build the addon from source: with a Rust toolchain, `npm install ' +
      'path/to/the/sdk/bindings-node` from a checkout of the SDK.\n' +
      errors.join('\n'),
  );
}

module.exports = load();
