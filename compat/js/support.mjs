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

// rejection runs call, which must reject, and returns the error.
export async function rejection(call) {
  let err;
  await assert.rejects(async () => { await call(); }, (e) => { err = e; return true; });
  return err;
}

// assertLosantError checks an error the way losant-rest reports an error
// response: an Error whose message is the body's message, every other body
// field copied onto it, and statusCode the HTTP status.
export function assertLosantError(err, status, type, message) {
  assert.ok(err instanceof Error, `want an Error, got ${err}`);
  assert.equal(err.statusCode, status, `statusCode (error: ${JSON.stringify(err)} ${err.message})`);
  assert.equal(err.type, type, 'type');
  assert.equal(typeof err.message, 'string');
  assert.notEqual(err.message, '', 'the body has a message');
  if (message !== undefined) assert.equal(err.message, message);
  assert.notEqual(err.isAxiosError, true, 'an error response, not an axios transport error');
  const ex = lastExchange();
  assert.equal(ex.status, status);
  assert.match(String(ex.headers['content-type']), /^application\/json\b/, 'error Content-Type');
}

// getJobLog is applicationJobLog.get: the client's own method when it has
// one, otherwise the same request through client.request. Like the client's
// generated methods it sends _actions=false&_links=true&_embedded=true unless
// told otherwise, and the losantdomain header when given.
export function getJobLog(client, params, cb) {
  if (client.applicationJobLog && typeof client.applicationJobLog.get === 'function') {
    return client.applicationJobLog.get(params, cb);
  }
  if (!params.applicationId) throw new Error('applicationId is required');
  if (!params.jobId) throw new Error('jobId is required');
  const req = {
    method: 'GET',
    url: `/applications/${encodeURIComponent(params.applicationId)}/jobLogs/${encodeURIComponent(params.jobId)}`,
    headers: {},
    params: { _actions: false, _links: true, _embedded: true },
  };
  if (params.losantdomain !== undefined) req.headers.losantdomain = params.losantdomain;
  for (const k of ['_actions', '_links', '_embedded']) {
    if (params[k] !== undefined) req.params[k] = params[k];
  }
  return client.request(req, {}, cb);
}
