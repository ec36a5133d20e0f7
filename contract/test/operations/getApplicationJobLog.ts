// getApplicationJobLog: GET /applications/{applicationId}/jobLogs/{jobId}
// through the typed client, against `losant serve` with the spec's examples.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ApplicationJobLog,
  type ApplicationJobLogStatus,
  type Equal,
  type Expect,
  type LosantError,
  assertLosantError,
  client,
  ids,
  tokens,
} from "../support.ts";

const path = "/applications/{applicationId}/jobLogs/{jobId}";
const { applicationId, jobId, unknownJobId } = ids;

function get(token: string | undefined, p: { applicationId: string; jobId: string }) {
  return client(token).GET(path, { params: { path: p } });
}

// The answer's types come from openapi.yaml: the job log on 2xx, the Error
// schema on every error status.
type Answer = Awaited<ReturnType<typeof get>>;
export type AnswerTypes = [
  Expect<Equal<NonNullable<Answer["data"]>, ApplicationJobLog>>,
  Expect<Equal<NonNullable<Answer["error"]>, LosantError>>,
];

test("getApplicationJobLog 200: the example job log, typed", async () => {
  const { data, error, response } = await get(tokens.full, { applicationId, jobId });
  assert.equal(response.status, 200, `status (error: ${JSON.stringify(error)})`);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
  assert.equal(error, undefined);
  assert.ok(data !== undefined);

  // components.examples.ApplicationJobLogCompleted, read through typed fields.
  const log: ApplicationJobLog = data;
  const status: ApplicationJobLogStatus | undefined = log.status;
  assert.equal(status, "completed");
  const id: string | undefined = log.id;
  assert.equal(id, jobId);
  assert.equal(log.jobId, jobId);
  assert.equal(log.jobExecutionId, "575ec76c7ae143cd83dc4a99");
  assert.equal(log.applicationId, applicationId);
  assert.equal(log.name, "ArchiveData");
  assert.equal(log.requestedById, "575ec8687ae143cd83dc4a9a");
  assert.equal(log.requestedByType, "user");
  assert.equal(log.ownerType, "application");
  assert.equal(log.ownerId, applicationId);
  assert.equal(log.resourceType, "application");
  assert.equal(log.resourceId, applicationId);

  // Timestamps: ISO 8601 strings with milliseconds that round-trip through Date.
  const times: (string | undefined)[] = [log.runQueuedAt, log.runStartedAt, log.runCompletedAt];
  assert.deepEqual(times, ["2025-06-10T04:00:00.000Z", "2025-06-10T04:00:01.000Z", "2025-06-10T04:07:42.123Z"]);
  for (const t of times) assert.equal(new Date(t ?? "").toISOString(), t);

  // Counters and epoch milliseconds are numbers, exact.
  const completed: number | undefined = log.progress?.completed;
  const total: number | undefined = log.progress?.total;
  assert.equal(completed, 100);
  assert.equal(total, 100);
  assert.equal(log.progress?.status, "done");
  const start: number | undefined = log.input?.start;
  assert.equal(start, 1749528000000);
  assert.equal(log.input?.end, 1749614399999);
  const emails: string[] | undefined = log.input?.emails;
  assert.deepEqual(emails, ["ops@example.com"]);
  const written: number | undefined = log.output?.written;
  assert.equal(written, 123456789);
  assert.ok(Number.isInteger(written));
  const urls: string[] | undefined = log.output?.downloadUrls;
  assert.deepEqual(urls, ["https://files.example.com/archive/2025-06-10.csv.gz"]);
  assert.equal(log.error, undefined, "a completed run has no error");
});

test("getApplicationJobLog 200: a token with only applicationJobLog.get, the same job log", async () => {
  const full = await get(tokens.full, { applicationId, jobId });
  const reader = await get(tokens.reader, { applicationId, jobId });
  assert.equal(reader.response.status, 200);
  assert.ok(reader.data !== undefined);
  assert.deepEqual(reader.data, full.data);
});

test("getApplicationJobLog 200: the optional query flags and losantdomain header, typed and sent", async () => {
  const { data, response } = await client(tokens.reader).GET(path, {
    params: {
      path: { applicationId, jobId },
      query: { _actions: true, _links: false, _embedded: false },
      header: { losantdomain: "example.com" },
    },
  });
  assert.equal(response.status, 200);
  const url = new URL(response.url);
  assert.equal(url.pathname, `/applications/${applicationId}/jobLogs/${jobId}`);
  assert.equal(url.search, "?_actions=true&_links=false&_embedded=false");
  assert.equal(data?.status, "completed");
});

test("getApplicationJobLog 400: a malformed ID answers {type: Validation} naming the parameter", async () => {
  let r = await get(tokens.full, { applicationId, jobId: "nope" });
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 400, "Validation", /jobId/);

  r = await get(tokens.full, { applicationId: "nope", jobId });
  assertLosantError(r.response, r.error, 400, "Validation", /applicationId/);
});

test("getApplicationJobLog 401: no token answers {type: Unauthorized}", async () => {
  const { data, error, response } = await get(undefined, { applicationId, jobId });
  assert.equal(data, undefined);
  assertLosantError(response, error, 401, "Unauthorized");
});

test("getApplicationJobLog 401: an unknown token answers {type: Unauthorized}", async () => {
  const { error, response } = await get("not-a-token-the-server-knows", { applicationId, jobId });
  assertLosantError(response, error, 401, "Unauthorized");
});

test("getApplicationJobLog 403: a token without an accepted scope answers {type: Forbidden}", async () => {
  const { data, error, response } = await get(tokens.noscope, { applicationId, jobId });
  assert.equal(data, undefined);
  assertLosantError(response, error, 403, "Forbidden");
});

test("getApplicationJobLog 404: an unknown job id answers {type: NotFound}", async () => {
  const { data, error, response } = await get(tokens.reader, { applicationId, jobId: unknownJobId });
  assert.equal(data, undefined);
  assertLosantError(response, error, 404, "NotFound", "Application job log was not found");
});
