// cloneApplication: POST /applications/{applicationId}/clone through the
// typed client: a dry run (200), a copy made at once (201) and one made by a
// job (202) whose log's output.applicationId names the new application.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Application,
  assertEnqueued,
  assertJobCompletes,
  assertLosantError,
  client,
  cloneDefaults,
  ids,
  newApplication,
  tokens,
} from "../support.ts";

const path = "/applications/{applicationId}/clone";
function clone(token: string | undefined, applicationId: string, b: Partial<typeof cloneDefaults> = {}) {
  return client(token).POST(path, { params: { path: { applicationId } }, body: { ...cloneDefaults, ...b } });
}

async function getApplication(applicationId: string): Promise<Application> {
  const { data, error, response } = await client(tokens.full).GET("/applications/{applicationId}", {
    params: { path: { applicationId } },
  });
  assert.equal(response.status, 200, `get ${applicationId} (error: ${JSON.stringify(error)})`);
  assert.ok(data !== undefined);
  return data;
}

test("cloneApplication 200: a dry run says whether a job is needed and copies nothing", async () => {
  const { data, error, response } = await clone(tokens.full, ids.applicationId, { dryRun: true });
  assert.equal(response.status, 200, `status (error: ${JSON.stringify(error)})`);
  assert.ok(data !== undefined && "requiresJob" in data);
  const success: true | undefined = data.success;
  const requiresJob: boolean | undefined = data.requiresJob;
  assert.equal(success, true);
  assert.equal(typeof requiresJob, "boolean");
});

test("cloneApplication 201: the copy at once, a new application the server then serves", async () => {
  const { data, error, response } = await clone(tokens.full, ids.applicationId);
  assert.equal(response.status, 201, `status (error: ${JSON.stringify(error)})`);
  assert.ok(data !== undefined && "application" in data);
  const app: Application | undefined = data.application;
  assert.match(app?.id ?? "", /^[0-9a-f]{24}$/);
  assert.notEqual(app?.id, ids.applicationId);
  assert.equal(app?.applicationId, app?.id);
  assert.equal(app?.name, `Application ${ids.applicationId}`, "the copy keeps the source's name");
  for (const t of [app?.creationDate, app?.lastUpdated]) assert.equal(new Date(t ?? "").toISOString(), t);
  assert.deepEqual(await getApplication(app?.id ?? ""), app);
});

test("cloneApplication 202: a job whose log's output.applicationId names the copy", async () => {
  const source = await newApplication();
  const { data, error, response } = await clone(tokens.full, source, { forceJob: true, email: "ops@example.com" });
  const jobId = assertEnqueued(response, data && "jobId" in data ? data : undefined, error);
  const log = await assertJobCompletes(source, jobId, "ApplicationClone");
  const copy: string | undefined = log.output?.applicationId;
  assert.match(copy ?? "", /^[0-9a-f]{24}$/);
  assert.notEqual(copy, source);
  const app = await getApplication(copy ?? "");
  assert.equal(app.id, copy);
});

test("cloneApplication 400: ownerId without ownerType, and a malformed application ID", async () => {
  let r = await clone(tokens.full, ids.applicationId, { ownerId: "575ec8687ae143cd83dc4a9a" });
  assertLosantError(r.response, r.error, 400, "Validation", /ownerType/);
  r = await clone(tokens.full, "nope");
  assertLosantError(r.response, r.error, 400, "Validation", /applicationId/);
});

test("cloneApplication 401, 403 and 404", async () => {
  let r = await clone(undefined, ids.applicationId);
  assertLosantError(r.response, r.error, 401, "Unauthorized");
  r = await clone(tokens.noscope, ids.applicationId);
  assertLosantError(r.response, r.error, 403, "Forbidden");
  r = await clone(tokens.full, ids.unknownApplicationId);
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 404, "NotFound", "Application was not found");
});
