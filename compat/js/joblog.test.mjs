// Losant's official JavaScript client (npm losant-rest) against `losant serve`
// (issue 3): the local API must answer it the way api.losant.com does for
// "Get application job log", GET /applications/{applicationId}/jobLogs/{jobId}.
//
// Run by .ci/compat-js, which starts the server and passes, in the
// environment:
//   LOSANT_COMPAT_URL           the server's http://HOST:PORT
//   LOSANT_COMPAT_TOKEN_FULL    a token with full access
//   LOSANT_COMPAT_TOKEN_READER  a token with only applicationJobLog.get
//   LOSANT_COMPAT_TOKEN_OTHER   a token with only a scope the operation does not accept
//
// The pinned losant-rest (package.json) has no applicationJobLog resource:
// it speaks API 1.20.1, and Losant added job logs to the client later. Every
// resource method of the client is a thin wrapper that builds a request
// description and hands it to client.request, the client's public generic
// call, which sets the base URL, Authorization, Accept and Accept-Version,
// serializes the query and turns error responses into errors. getJobLog
// below is that wrapper for the job log, written from the client's own
// conventions; when a pinned version has client.applicationJobLog.get it is
// used instead, unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, clientVersion, url, tokens, applicationId, jobId, lastExchange, rejection, assertLosantError, getJobLog,
} from './support.mjs';

const unknownJobId = '000000000000000000000000';

test(`losant-rest ${clientVersion}: createClient({ accessToken, url }) gives a client with request()`, (t) => {
  const client = api.createClient({ accessToken: tokens.full, url });
  assert.equal(typeof client.request, 'function');
  assert.equal(client.getOption('url'), url);
  t.diagnostic(client.applicationJobLog
    ? 'this losant-rest has client.applicationJobLog.get: the tests use it'
    : 'this losant-rest has no applicationJobLog resource: the tests send the same request through client.request');
});

test('full-access token: 200 with the example job log', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const log = await getJobLog(client, { applicationId, jobId });

  assert.equal(log.id, jobId);
  assert.equal(log.jobId, jobId);
  assert.equal(log.applicationId, applicationId);
  assert.equal(log.name, 'ArchiveData');
  assert.equal(log.status, 'completed');
  assert.deepEqual(log.progress, { completed: 100, total: 100, status: 'done' });
  assert.equal(log.output.written, 123456789);
  assert.ok(Number.isInteger(log.output.written));
  assert.deepEqual(log.output.downloadUrls, ['https://files.example.com/archive/2025-06-10.csv.gz']);
  assert.deepEqual(log.input.emails, ['ops@example.com']);
  // Timestamps are ISO 8601 strings with milliseconds, as Losant sends them.
  assert.equal(log.runQueuedAt, '2025-06-10T04:00:00.000Z');
  assert.equal(log.runStartedAt, '2025-06-10T04:00:01.000Z');
  assert.equal(log.runCompletedAt, '2025-06-10T04:07:42.123Z');
  for (const k of ['runQueuedAt', 'runStartedAt', 'runCompletedAt']) {
    assert.match(log[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, k);
    assert.equal(new Date(log[k]).toISOString(), log[k], `${k} round-trips through Date`);
  }
});

test('the request as losant-rest sends it, and the 200 as the server answers it', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  await getJobLog(client, { applicationId, jobId });
  const ex = lastExchange();
  assert.equal(ex.method, 'GET');
  assert.equal(ex.path, `/applications/${applicationId}/jobLogs/${jobId}?_actions=false&_links=true&_embedded=true`);
  assert.equal(ex.sent.authorization, `Bearer ${tokens.full}`);
  assert.equal(ex.sent.accept, 'application/json');
  assert.match(ex.sent['accept-version'], /^\^1\.\d+\.\d+$/, 'Accept-Version is a caret range on API 1.x');
  assert.equal(ex.status, 200);
  assert.match(String(ex.headers['content-type']), /^application\/json\b/);
});

test('the reader token (applicationJobLog.get only): 200, the same job log', async () => {
  const full = await getJobLog(api.createClient({ accessToken: tokens.full, url }), { applicationId, jobId });
  const log = await getJobLog(api.createClient({ accessToken: tokens.reader, url }), { applicationId, jobId });
  assert.deepEqual(log, full);
});

test('callback style: cb(null, body) on success and cb(err) on an error', async () => {
  const client = api.createClient({ accessToken: tokens.reader, url });
  const log = await new Promise((resolve, reject) => {
    getJobLog(client, { applicationId, jobId }, (err, body) => (err ? reject(err) : resolve(body)));
  });
  assert.equal(log.output.written, 123456789);
  const err = await new Promise((resolve) => {
    getJobLog(client, { applicationId, jobId: unknownJobId }, (e, body) => resolve(e || new Error(`no error, body ${JSON.stringify(body)}`)));
  });
  assertLosantError(err, 404, 'NotFound', 'Application job log was not found');
});

test('client options: setOption("accessToken"), acceptVersion, the losantdomain header and _links/_embedded/_actions', async () => {
  const client = api.createClient({ url, acceptVersion: '^1.30.0' });
  client.setOption('accessToken', tokens.reader);
  const log = await getJobLog(client, {
    applicationId, jobId, losantdomain: 'example.com', _actions: true, _links: false, _embedded: false,
  });
  assert.equal(log.status, 'completed');
  const ex = lastExchange();
  assert.equal(ex.sent['accept-version'], '^1.30.0');
  assert.equal(ex.sent.losantdomain, 'example.com');
  assert.equal(ex.path, `/applications/${applicationId}/jobLogs/${jobId}?_actions=true&_links=false&_embedded=false`);
});

test('a token without an accepted scope: 403 Forbidden', async () => {
  const client = api.createClient({ accessToken: tokens.other, url });
  const err = await rejection(() => getJobLog(client, { applicationId, jobId }));
  assertLosantError(err, 403, 'Forbidden');
});

test('an unknown token: 401 Unauthorized', async () => {
  const client = api.createClient({ accessToken: 'not-a-token-the-server-knows', url });
  const err = await rejection(() => getJobLog(client, { applicationId, jobId }));
  assertLosantError(err, 401, 'Unauthorized');
});

test('no token at all (the client sends no Authorization): 401 Unauthorized', async () => {
  const client = api.createClient({ url });
  const err = await rejection(() => getJobLog(client, { applicationId, jobId }));
  assertLosantError(err, 401, 'Unauthorized');
  assert.equal(lastExchange().sent.authorization, undefined);
});

test('an unknown job id: 404 NotFound "Application job log was not found"', async () => {
  const client = api.createClient({ accessToken: tokens.reader, url });
  const err = await rejection(() => getJobLog(client, { applicationId, jobId: unknownJobId }));
  assertLosantError(err, 404, 'NotFound', 'Application job log was not found');
});

test('malformed ids are sent as given (the client does not check their form): 400 Validation', async () => {
  const client = api.createClient({ accessToken: tokens.reader, url });
  let err = await rejection(() => getJobLog(client, { applicationId, jobId: 'nope' }));
  assertLosantError(err, 400, 'Validation');
  assert.match(err.message, /jobId/, 'the message names the parameter');
  assert.equal(lastExchange().path, `/applications/${applicationId}/jobLogs/nope?_actions=false&_links=true&_embedded=true`);

  err = await rejection(() => getJobLog(client, { applicationId: 'nope', jobId }));
  assertLosantError(err, 400, 'Validation');
  assert.match(err.message, /applicationId/, 'the message names the parameter');
});

test('errors off the operation are Losant-shaped JSON too (the client reads every error body as JSON)', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  let err = await rejection(() => client.request({ method: 'GET', url: '/no/such/route' }));
  assertLosantError(err, 404, 'NotFound');
  err = await rejection(() => client.request({
    method: 'DELETE', url: `/applications/${applicationId}/jobLogs/${jobId}`,
  }));
  assertLosantError(err, 405, 'MethodNotAllowed');
  assert.equal(lastExchange().headers.allow, 'GET');
});
