// What both compat tests share: the pinned losant-rest, the server and
// tokens .ci/compat-js passes in the environment, the built-in data of
// `losant serve`, and a record of every HTTP exchange the client makes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const api = require('losant-rest');
export const clientVersion = require('losant-rest/package.json').version;
// Modules losant-rest itself loads: axios, to see what went on the wire, and
// the uri-template its generated methods expand paths with.
const clientRequire = createRequire(require.resolve('losant-rest'));
const axios = clientRequire('axios');
export const uriTemplate = clientRequire('uri-template');

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through .ci/compat-js, which starts losant serve`);
  return v;
}
export const url = env('LOSANT_COMPAT_URL');
export const tokens = {
  full: env('LOSANT_COMPAT_TOKEN_FULL'),
  reader: env('LOSANT_COMPAT_TOKEN_READER'),
  other: env('LOSANT_COMPAT_TOKEN_OTHER'),
};

// The built-in data of `losant serve`: openapi.yaml's job log examples.
export const applicationId = '575ec8687ae143cd83dc4a97';
export const jobId = '575ec76c7ae143cd83dc4a96';

// Every exchange losant-rest makes, as sent and as answered.
export const exchanges = [];
function record(res) {
  exchanges.push({
    method: res.config.method.toUpperCase(),
    path: res.request.path, // the request target actually written, query included
    sent: res.request.getHeaders(),
    status: res.status,
    headers: res.headers,
  });
}
axios.interceptors.response.use(
  (res) => { record(res); return res; },
  (err) => { if (err.response) record(err.response); return Promise.reject(err); },
);
export function lastExchange() {
  assert.ok(exchanges.length > 0, 'no HTTP exchange was recorded');
  return exchanges[exchanges.length - 1];
}
