// Replays call sequences through chalicelib/runtime/static/runtime.js (our browser runtime).
// Usage: node replay_runtime_js.cjs in.json out.json; in.json = {standard, rules, sequences}.
'use strict';
const fs = require('fs');
const path = require('path');
const runtime = require(path.resolve(__dirname, '../../../chalicelib/runtime/static/runtime.js'));

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const lastError = input.standard === 'scorm12' ? 'LMSGetLastError' : 'GetLastError';
const out = input.sequences.map((calls) => {
  const { api } = runtime.create(input.standard, input.rules, input.data || null, input.launch || {}, {});
  return calls.map(([method, ...args]) => [String(api[method](...args)), String(api[lastError]())]);
});
fs.writeFileSync(process.argv[3], JSON.stringify(out));
