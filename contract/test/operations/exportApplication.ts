// exportApplication: POST /applications/{applicationId}/export through the
// typed client: a 202 job whose log reaches completed with the zip's
// pre-signed download URL, which answers Range with 206. Jobs run in a copy
// of the fixture's application (newApplication), never in the fixture's own.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ApplicationJobLogStatus,
  assertLosantError,
  client,
  exportApplication,
  ids,
  newApplication,
  tokens,
  waitForJob,
} from "../support.ts";

const path = "/applications/{applicationId}/export";
const body = {
  includeFiles: false,
  includePrivateFiles: false,
  includeDataTableRows: false,
  includeDevices: false,
  exportType: "zip",
} as const;

test("exportApplication 202: a job that completes with a download URL", async () => {
  const app = await newApplication();
  const { log, zip } = await exportApplication(app);
  assert.equal(log.resourceType, "application");
  assert.equal(log.resourceId, app);
  assert.ok(zip.length > 22, "the zip holds at least the application's entry");
});

test("exportApplication 202: the job log passes through queued or inProgress before completed", async () => {
  const app = await newApplication();
  const { data, error, response } = await client(tokens.full).POST(path, {
    params: { path: { applicationId: app } },
    body: { ...body, forceJob: true },
  });
  assert.equal(response.status, 202, `status (error: ${JSON.stringify(error)})`);
  const jobId = data && "jobId" in data ? (data.jobId ?? "") : "";
  const { log, seen } = await waitForJob(app, jobId);
  const first: ApplicationJobLogStatus | undefined = seen[0];
  assert.ok(first === "queued" || first === "inProgress", `first status seen: ${first}`);
  assert.equal(seen[seen.length - 1], "completed");
  assert.equal(log.name, "ApplicationExport");
});

test("exportApplication: the download answers Range with 206 and If-Range with the ETag, without a token", async () => {
  const app = await newApplication();
  const { url, zip, etag } = await exportApplication(app);

  let res = await fetch(url, { headers: { Range: "bytes=0-9" } });
  assert.equal(res.status, 206);
  assert.equal(res.headers.get("content-range"), `bytes 0-9/${zip.length}`);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), zip.subarray(0, 10));

  // A resumed transfer: the rest, from byte 10, while the ETag still matches.
  res = await fetch(url, { headers: { Range: "bytes=10-", "If-Range": etag } });
  assert.equal(res.status, 206);
  assert.equal(res.headers.get("content-range"), `bytes 10-${zip.length - 1}/${zip.length}`);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), zip.subarray(10));

  // Another ETag: the range is ignored and the whole zip comes back.
  res = await fetch(url, { headers: { Range: "bytes=10-", "If-Range": '"not-this-one"' } });
  assert.equal(res.status, 200);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), zip);

  // The signature is checked: a changed one is refused.
  const tampered = new URL(url);
  tampered.searchParams.set("signature", "0".repeat(64));
  res = await fetch(tampered);
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { type?: string }).type, "Forbidden");
});

test("exportApplication 400: a malformed application ID answers {type: Validation} naming it", async () => {
  const r = await client(tokens.full).POST(path, { params: { path: { applicationId: "nope" } }, body: { ...body, forceJob: true } });
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 400, "Validation", /applicationId/);
});

test("exportApplication 401 and 403: no token, and a token without an accepted scope", async () => {
  let r = await client(undefined).POST(path, { params: { path: { applicationId: ids.applicationId } }, body: { ...body, forceJob: true } });
  assertLosantError(r.response, r.error, 401, "Unauthorized");
  r = await client(tokens.noscope).POST(path, { params: { path: { applicationId: ids.applicationId } }, body: { ...body, forceJob: true } });
  assertLosantError(r.response, r.error, 403, "Forbidden");
});

test("exportApplication 404: an unknown application answers {type: NotFound}", async () => {
  const { data, error, response } = await client(tokens.full).POST(path, {
    params: { path: { applicationId: ids.unknownApplicationId } },
    body: { ...body, forceJob: true },
  });
  assert.equal(data, undefined);
  assertLosantError(response, error, 404, "NotFound", "Application was not found");
});
