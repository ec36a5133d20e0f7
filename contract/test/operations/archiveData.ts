// archiveData: GET /applications/{applicationId}/archiveData?date=MS through
// the typed client: starts an ArchiveData job for the day holding `date`
// (epoch milliseconds, older than 31 days). Jobs run in a copy of the
// fixture's application (newApplication in ../support.ts).

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertEnqueued,
  assertJobCompletes,
  assertLosantError,
  baseUrl,
  client,
  ids,
  newApplication,
  tokens,
} from "../support.ts";

const path = "/applications/{applicationId}/archiveData";

function archive(token: string | undefined, applicationId: string, date: string) {
  return client(token).GET(path, { params: { path: { applicationId }, query: { date } } });
}

const day = 24 * 60 * 60 * 1000;

test("archiveData 202: an ArchiveData job for the whole UTC day holding date, which completes", async () => {
  const app = await newApplication();
  const start = Date.UTC(2025, 5, 10); // 2025-06-10, long enough ago
  const { data, error, response } = await archive(tokens.full, app, String(start + 12 * 60 * 60 * 1000 + 123));
  const jobId = assertEnqueued(response, data, error);
  const log = await assertJobCompletes(app, jobId, "ArchiveData");
  const from: number | undefined = log.input?.start;
  const to: number | undefined = log.input?.end;
  assert.equal(from, start);
  assert.equal(to, start + day - 1);
  assert.equal(log.output?.written, 0, "the local API holds no device data to archive");
});

test("archiveData 400: a date that is not epoch milliseconds answers {type: Validation} naming it", async () => {
  for (const date of ["yesterday", "2025-06-10", "-1", "1e12", ""]) {
    const { data, error, response } = await archive(tokens.full, ids.applicationId, date);
    assert.equal(data, undefined, `date=${JSON.stringify(date)}`);
    assertLosantError(response, error, 400, "Validation", /date/);
  }
});

test("archiveData 400: a day within the last 31 days cannot be archived", async () => {
  const { error, response } = await archive(tokens.full, ids.applicationId, String(Date.now() - 2 * day));
  assertLosantError(response, error, 400, "Validation", /within the last 31 days/);
});

test("archiveData 400: no date at all answers {type: Validation}", async () => {
  // The spec makes `date` required, so the typed client cannot omit it: the
  // request goes through fetch, as a client without the types would send it.
  const res = await fetch(new URL(`/applications/${ids.applicationId}/archiveData`, baseUrl), {
    headers: { Authorization: `Bearer ${tokens.full}` },
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { type?: string; message?: string };
  assert.equal(body.type, "Validation");
  assert.match(body.message ?? "", /date/);
});

test("archiveData 401, 403 and 404", async () => {
  const date = String(Date.UTC(2025, 5, 10));
  let r = await archive(undefined, ids.applicationId, date);
  assertLosantError(r.response, r.error, 401, "Unauthorized");
  r = await archive(tokens.noscope, ids.applicationId, date);
  assertLosantError(r.response, r.error, 403, "Forbidden");
  r = await archive(tokens.full, ids.unknownApplicationId, date);
  assertLosantError(r.response, r.error, 404, "NotFound", "Application was not found");
});
