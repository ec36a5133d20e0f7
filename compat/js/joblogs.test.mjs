// Losant's official JavaScript client (npm losant-rest) against `losant serve`:
// the local API must answer it the way api.losant.com does for "List an
// application's job logs", GET /applications/{applicationId}/jobLogs.
//
// Run by .ci/compat-js, which starts the server with its built-in data
// (openapi.yaml's examples: one job log of one application) and passes, in
// the environment:
//   LOSANT_COMPAT_URL           the server's http://HOST:PORT
//   LOSANT_COMPAT_TOKEN_FULL    a token with full access
//   LOSANT_COMPAT_TOKEN_READER  a token with only applicationJobLog.get (which
//                               reads one job log but does not list them)
//   LOSANT_COMPAT_TOKEN_OTHER   a token with only a scope the operation does not accept
//
// The pinned losant-rest has no applicationJobLogs resource (see
// joblog.test.mjs). listJobLogs below is the method Losant's generator writes
// for a list resource, copied from the pinned client's own devices.get: the
// same uri-template expansion, the same default _actions=false&_links=true&
// _embedded=true first, sortField/sortDirection/page/perPage as given, and
// `query` sent as JSON.stringify(obj), all handed to client.request (which
// serializes them with qs). When a pinned version has
// client.applicationJobLogs.get, that is used instead, unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, clientVersion, url, tokens, applicationId, jobId, exchanges, lastExchange, rejection, assertLosantError, uriTemplate,
} from './support.mjs';

const unknownApplicationId = '000000000000000000000000';
const defaults = '_actions=false&_links=true&_embedded=true';

// listJobLogs is applicationJobLogs.get: the client's own method when it has
// one, otherwise the generated method's body through client.request.
function listJobLogs(client, params, opts, cb) {
  if (client.applicationJobLogs && typeof client.applicationJobLogs.get === 'function') {
    return client.applicationJobLogs.get(params, opts, cb);
  }
  if ('function' === typeof opts) { cb = opts; opts = {}; } else if (!opts) { opts = {}; }
  params = params || {};
  const tpl = uriTemplate.parse('/applications/{applicationId}/jobLogs');
  const pathParams = {};
  const req = {
    method: 'GET',
    headers: {},
    params: { _actions: false, _links: true, _embedded: true },
  };
  if ('undefined' !== typeof params.applicationId) { pathParams.applicationId = params.applicationId; }
  if ('undefined' !== typeof params.sortField) { req.params.sortField = params.sortField; }
  if ('undefined' !== typeof params.sortDirection) { req.params.sortDirection = params.sortDirection; }
  if ('undefined' !== typeof params.page) { req.params.page = params.page; }
  if ('undefined' !== typeof params.perPage) { req.params.perPage = params.perPage; }
  if ('undefined' !== typeof params.query) { req.params.query = JSON.stringify(params.query); }
  if ('undefined' !== typeof params.losantdomain) { req.headers.losantdomain = params.losantdomain; }
  if ('undefined' !== typeof params._actions) { req.params._actions = params._actions; }
  if ('undefined' !== typeof params._links) { req.params._links = params._links; }
  if ('undefined' !== typeof params._embedded) { req.params._embedded = params._embedded; }
  req.url = tpl.expand(pathParams);
  return client.request(req, opts, cb);
}

// assertPage checks the page fields of a list answer.
function assertPage(body, want) {
  assert.deepEqual(
    Object.keys(body).sort(),
    ['applicationId', 'count', 'items', 'page', 'perPage', 'query', 'sortDirection', 'sortField', 'totalCount'],
  );
  assert.ok(Array.isArray(body.items));
  assert.equal(body.count, body.items.length, 'count is the number of items on the page');
  for (const k of ['count', 'totalCount', 'perPage', 'page']) assert.ok(Number.isInteger(body[k]), `${k} is an integer`);
  assert.equal(body.applicationId, applicationId);
  for (const [k, v] of Object.entries(want)) assert.deepEqual(body[k], v, k);
  for (const log of body.items) assert.equal(log.applicationId, applicationId);
}

test(`losant-rest ${clientVersion}: how applicationJobLogs.get is sent`, (t) => {
  const client = api.createClient({ accessToken: tokens.full, url });
  t.diagnostic(client.applicationJobLogs
    ? 'this losant-rest has client.applicationJobLogs.get: the tests use it'
    : 'this losant-rest has no applicationJobLogs resource: the tests send the generated method\'s request through client.request');
});

test('full-access token, no options: 200 with the page of the example job log', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const body = await listJobLogs(client, { applicationId });
  assertPage(body, {
    count: 1, totalCount: 1, perPage: 100, page: 0, sortField: 'runQueuedAt', sortDirection: 'asc', query: {},
  });
  const [log] = body.items;
  assert.equal(log.id, jobId);
  assert.equal(log.name, 'ArchiveData');
  assert.equal(log.status, 'completed');
  assert.equal(log.output.written, 123456789);
  assert.equal(log.runQueuedAt, '2025-06-10T04:00:00.000Z');
  // The listed job log is the one applicationJobLog.get answers.
  const one = await client.request({ method: 'GET', url: `/applications/${applicationId}/jobLogs/${jobId}` });
  assert.deepEqual(log, one);

  const ex = exchanges[exchanges.length - 2];
  assert.equal(ex.method, 'GET');
  assert.equal(ex.path, `/applications/${applicationId}/jobLogs?${defaults}`);
  assert.equal(ex.sent.authorization, `Bearer ${tokens.full}`);
  assert.equal(ex.sent.accept, 'application/json');
  assert.equal(ex.status, 200);
  assert.match(String(ex.headers['content-type']), /^application\/json\b/);
});

test('sortField, sortDirection, page, perPage and query (JSON.stringify) as the client sends them', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const query = { name: 'ArchiveData', status: { $in: ['errored', 'failed', 'completed'] } };
  const body = await listJobLogs(client, {
    applicationId, sortField: 'name', sortDirection: 'desc', page: 0, perPage: 1, query,
  });
  assertPage(body, {
    count: 1, totalCount: 1, perPage: 1, page: 0, sortField: 'name', sortDirection: 'desc', query,
  });
  assert.equal(body.items[0].id, jobId);

  const ex = lastExchange();
  const want = new URLSearchParams({
    _actions: 'false', _links: 'true', _embedded: 'true',
    sortField: 'name', sortDirection: 'desc', page: '0', perPage: '1', query: JSON.stringify(query),
  });
  const sent = new URL(ex.path, url);
  assert.equal(sent.pathname, `/applications/${applicationId}/jobLogs`);
  assert.deepEqual([...sent.searchParams], [...want], 'the query string, in the generated method\'s order');
  assert.ok(ex.path.startsWith(`/applications/${applicationId}/jobLogs?${defaults}&sortField=name&`), ex.path);
});

test('paging with perPage=1: page 1 is empty, with the same totals', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const body = await listJobLogs(client, { applicationId, perPage: 1, page: 1 });
  assertPage(body, {
    items: [], count: 0, totalCount: 1, perPage: 1, page: 1, sortField: 'runQueuedAt', sortDirection: 'asc', query: {},
  });
  assert.equal(lastExchange().path, `/applications/${applicationId}/jobLogs?${defaults}&page=1&perPage=1`);
});

test('a query no job log matches: 200 with an empty page', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const body = await listJobLogs(client, { applicationId, query: { status: 'queued' } });
  assertPage(body, { items: [], count: 0, totalCount: 0, page: 0, perPage: 100, query: { status: 'queued' } });
});

test('callback style and the _actions/_links/_embedded and losantdomain options', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const body = await new Promise((resolve, reject) => {
    listJobLogs(client, {
      applicationId, losantdomain: 'example.com', _actions: true, _links: false, _embedded: false,
    }, (err, b) => (err ? reject(err) : resolve(b)));
  });
  assertPage(body, { count: 1, totalCount: 1 });
  const ex = lastExchange();
  assert.equal(ex.sent.losantdomain, 'example.com');
  assert.equal(ex.path, `/applications/${applicationId}/jobLogs?_actions=true&_links=false&_embedded=false`);
});

test('an unknown query operator: 400 Validation', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const err = await rejection(() => listJobLogs(client, { applicationId, query: { status: { $bogus: 'completed' } } }));
  assertLosantError(err, 400, 'Validation');
  assert.match(err.message, /query/, 'the message names the parameter');
});

test('an invalid sortField: 400 Validation', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const err = await rejection(() => listJobLogs(client, { applicationId, sortField: 'bogus' }));
  assertLosantError(err, 400, 'Validation');
  assert.match(err.message, /sortField/);
});

test('an unknown application: 404 NotFound "Application was not found"', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const err = await rejection(() => listJobLogs(client, { applicationId: unknownApplicationId }));
  assertLosantError(err, 404, 'NotFound', 'Application was not found');
});

test('tokens without a scope the list accepts (applicationJobLog.get alone, none): 403 Forbidden', async () => {
  for (const token of [tokens.reader, tokens.other]) {
    const client = api.createClient({ accessToken: token, url });
    const err = await rejection(() => listJobLogs(client, { applicationId }));
    assertLosantError(err, 403, 'Forbidden');
  }
});

test('no token, or an unknown one: 401 Unauthorized', async () => {
  let err = await rejection(() => listJobLogs(api.createClient({ url }), { applicationId }));
  assertLosantError(err, 401, 'Unauthorized');
  assert.equal(lastExchange().sent.authorization, undefined);
  err = await rejection(() => listJobLogs(api.createClient({ accessToken: 'not-a-token-the-server-knows', url }), { applicationId }));
  assertLosantError(err, 401, 'Unauthorized');
});
