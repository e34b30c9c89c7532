'use strict';
// index.d.ts is hand-written: hold it to the runtime's exports, and native.d.ts to the addon.

const test = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const cinetpay = require('..');
const native = require('../native.js');

const declared = (file) =>
  [...readFileSync(path.join(__dirname, '..', file), 'utf8').matchAll(/^export (?:declare )?(?:class|const|function) (\w+)/gm)]
    .map((m) => m[1])
    .sort();

test('index.d.ts declares exactly the runtime exports', () => {
  assert.deepEqual(declared('index.d.ts'), Object.keys(cinetpay).sort());
});

test('express.d.ts declares exactly the cinetpay/express exports', () => {
  assert.deepEqual(declared('express.d.ts'), Object.keys(require('../express.js')).sort());
});

test('native.d.ts declares exactly the addon exports', () => {
  assert.deepEqual(declared('native.d.ts'), Object.keys(native).sort());
});

test('index.d.ts lists every error code of the core', () => {
  const text = readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const union = text.slice(text.indexOf('export type ErrorCode'), text.indexOf(';', text.indexOf('export type ErrorCode')));
  const codes = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]);
  assert.deepEqual(codes, [...cinetpay.ERROR_CODES]);
});

test('the per-platform packages are the ones native.js loads', () => {
  const { readdirSync } = require('node:fs');
  const dirs = readdirSync(path.join(__dirname, '..', 'npm'));
  assert.ok(dirs.includes('linux-x64-gnu'));
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'npm', dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, `cinetpay-${dir}`);
    assert.equal(pkg.main, `cinetpay.${dir}.node`);
    assert.equal(pkg.version, require('../package.json').version);
  }
});

test('every core operation has a camelCase method on Client', () => {
  const ops = require('../native.js').operations();
  assert.ok(ops.length > 0);
  for (const op of ops) {
    const method = op.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    assert.equal(typeof cinetpay.Client.prototype[method], 'function', `Client.${method} (${op})`);
  }
});

test('index.d.ts types are the core schema: fields, required ones, currencies, channels, langs', () => {
  const schema = native.schema();
  const text = readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const body = text.slice(text.indexOf('export interface PaymentParams'), text.indexOf('}', text.indexOf('export interface PaymentParams')));
  const props = [...body.matchAll(/^\s+(\w+)(\??):/gm)].map((m) => ({ name: m[1], optional: m[2] === '?' }));
  assert.deepEqual(props.map((p) => p.name).sort(), [...schema.fields].sort());
  assert.deepEqual(props.filter((p) => !p.optional).map((p) => p.name).sort(), [...schema.required].sort());
  const union = (name) => {
    const start = text.indexOf(`export type ${name} =`);
    return new Set([...text.slice(start, text.indexOf(';', start)).matchAll(/'(\w+)'/g)].map((m) => m[1]));
  };
  for (const [type, values] of [['Currency', schema.currencies], ['Channels', schema.channels], ['Lang', schema.langs]]) {
    for (const v of values) assert.ok(union(type).has(v), `${type} lacks ${v}`);
    for (const v of union(type)) assert.ok(values.includes(v.toUpperCase()) || values.includes(v.toLowerCase()) || values.includes(v), `${type} has ${v}, unknown to the core`);
  }
});
