// Losant's official JavaScript client (npm losant-rest) exports an
// application through `losant serve` (issue 16): client.application.export,
// the client's generated method (a request description handed to
// client.request), answers 202 with a job id, and the job's log, read as
// joblog.test.mjs reads it, reaches completed with the zip's pre-signed
// download URL on the same server. The zip then goes back in through
// client.application.import, the client's multipart upload (form-data).
//
// Jobs start only in copies of the built-in application (client.application
// .clone, answered 201 at once), never in the built-in one, whose job logs
// joblogs.test.mjs lists exactly. .ci/compat-js starts the server with
// --job-duration 500ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, url, tokens, applicationId, lastExchange, rejection, assertLosantError, getJobLog,
} from './support.mjs';

const unknownApplicationId = '000000000000000000000001';
const objectId = /^[0-9a-f]{24}$/;
const defaults = '_actions=false&_links=true&_embedded=true';

// copyOf clones the built-in application with the client's own method and
// returns the copy's id.
async function copyOf(client) {
  const res = await client.application.clone({ applicationId, options: {} });
  assert.equal(lastExchange().status, 201, 'a clone without forceJob is made at once');
  assert.match(res.application.id, objectId);
  assert.notEqual(res.application.id, applicationId);
  return res.application.id;
}

// waitForJob polls the job log every 50 ms until it is final, at most 20 s,
// and returns it with the statuses seen on the way.
async function waitForJob(client, appId, jobId) {
  const seen = [];
  const deadline = Date.now() + 20000;
  for (;;) {
    const log = await getJobLog(client, { applicationId: appId, jobId });
    assert.equal(log.id, jobId);
    assert.equal(log.applicationId, appId);
    if (seen[seen.length - 1] !== log.status) seen.push(log.status);
    if (['completed', 'errored', 'failed'].includes(log.status)) return { log, seen };
    assert.ok(Date.now() < deadline, `job ${jobId} still ${log.status} after 20 s (seen ${seen.join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// assertEnqueued checks Losant's jobEnqueuedResult and returns the job id.
function assertEnqueued(res) {
  assert.deepEqual(Object.keys(res).sort(), ['jobId', 'jobQueued', 'success']);
  assert.equal(res.jobQueued, true);
  assert.equal(res.success, true);
  assert.match(res.jobId, objectId);
  assert.equal(lastExchange().status, 202);
  return res.jobId;
}

test('client.application has the generated export, import and clone methods', () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  for (const m of ['export', 'import', 'clone', 'get']) {
    assert.equal(typeof client.application[m], 'function', `client.application.${m}`);
  }
});

test('export: 202 with a job id, then the job log reaches completed with the zip\'s download URL', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const appId = await copyOf(client);

  const res = await client.application.export({
    applicationId: appId, options: { forceJob: true, email: 'ops@example.com', includeDevices: true },
  });
  const jobId = assertEnqueued(res);
  const ex = lastExchange();
  assert.equal(ex.method, 'POST');
  assert.equal(ex.path, `/applications/${appId}/export?${defaults}`);
  assert.equal(ex.sent.authorization, `Bearer ${tokens.full}`);
  assert.match(String(ex.sent['content-type']), /^application\/json\b/);
  assert.match(String(ex.headers['content-type']), /^application\/json\b/);

  const { log, seen } = await waitForJob(client, appId, jobId);
  assert.equal(log.status, 'completed', `seen ${seen.join(', ')}; error ${JSON.stringify(log.error)}`);
  assert.ok(['queued', 'inProgress'].includes(seen[0]), `first status seen: ${seen[0]}`);
  assert.equal(log.name, 'ApplicationExport');
  assert.equal(log.resourceId, appId);
  assert.deepEqual(log.input.emails, ['ops@example.com']);
  assert.deepEqual(log.progress, { completed: 100, total: 100, status: 'done' });
  for (const k of ['runQueuedAt', 'runStartedAt', 'runCompletedAt']) {
    assert.match(log[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, k);
  }
  assert.equal(log.output.downloadUrls.length, 1);
  const download = new URL(log.output.downloadUrls[0]);
  assert.equal(download.origin, new URL(url).origin, 'the local API serves its exports itself');

  // A pre-signed URL: no token, Range answered with 206.
  const whole = await fetch(download);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'application/zip');
  const zip = Buffer.from(await whole.arrayBuffer());
  assert.equal(zip.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const part = await fetch(download, { headers: { Range: 'bytes=4-' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 4-${zip.length - 1}/${zip.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), zip.subarray(4));
});

test('import: the exported zip through client.application.import (multipart), a job that completes', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  // The source holds one job log, a backfill, which its export carries.
  const source = await copyOf(client);
  const backfill = assertEnqueued(await client.application.backfillArchiveData({ applicationId: source }));
  assert.equal((await waitForJob(client, source, backfill)).log.status, 'completed');
  const exported = assertEnqueued(await client.application.export({ applicationId: source, options: { forceJob: true } }));
  const { log: exportLog } = await waitForJob(client, source, exported);
  assert.equal(exportLog.status, 'completed');
  const zip = Buffer.from(await (await fetch(exportLog.output.downloadUrls[0])).arrayBuffer());

  const target = await copyOf(client);
  const jobId = assertEnqueued(await client.application.import({
    applicationId: target, importBundle: zip, email: 'ops@example.com',
  }));
  const ex = lastExchange();
  assert.equal(ex.path, `/applications/${target}/import?${defaults}`);
  assert.match(String(ex.sent['content-type']), /^multipart\/form-data; boundary=/);
  const { log } = await waitForJob(client, target, jobId);
  assert.equal(log.status, 'completed', `error ${JSON.stringify(log.error)}`);
  assert.equal(log.name, 'ApplicationImport');
  assert.deepEqual(log.input.emails, ['ops@example.com']);
  assert.equal(log.output.created, 1, `output ${JSON.stringify(log.output)}`);
  assert.equal(log.output.failed, 0);
  const imported = await getJobLog(client, { applicationId: target, jobId: backfill });
  assert.equal(imported.name, 'BackfillArchiveData');
});

test('export of an unknown application: 404 NotFound "Application was not found"', async () => {
  const client = api.createClient({ accessToken: tokens.full, url });
  const err = await rejection(() => client.application.export({ applicationId: unknownApplicationId, options: { forceJob: true } }));
  assertLosantError(err, 404, 'NotFound', 'Application was not found');
});

test('export with a token without an accepted scope: 403 Forbidden, and no token: 401', async () => {
  let err = await rejection(() => api.createClient({ accessToken: tokens.reader, url })
    .application.export({ applicationId, options: { forceJob: true } }));
  assertLosantError(err, 403, 'Forbidden');
  err = await rejection(() => api.createClient({ url }).application.export({ applicationId, options: { forceJob: true } }));
  assertLosantError(err, 401, 'Unauthorized');
});
