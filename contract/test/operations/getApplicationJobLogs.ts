// getApplicationJobLogs: GET /applications/{applicationId}/jobLogs through the
// typed client, against `losant serve --data test/fixtures/joblogs.json`
// (../../../.ci/contract): the spec's example job log plus two more job logs
// of the same application (ApplicationExport, errored and failed) and one of
// another application.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ApplicationJobLog,
  type ApplicationJobLogStatus,
  type Equal,
  type Expect,
  type LosantError,
  type components,
  type operations,
  assertLosantError,
  client,
  ids,
  tokens,
} from "../support.ts";

type ApplicationJobLogs = components["schemas"]["ApplicationJobLogs"];
type SortField = components["schemas"]["ApplicationJobLogSortField"];
type SortDirection = components["schemas"]["SortDirection"];
type ApplicationJobLogQuery = components["schemas"]["ApplicationJobLogQuery"];
type ListQuery = NonNullable<operations["getApplicationJobLogs"]["parameters"]["query"]>;

const path = "/applications/{applicationId}/jobLogs";
const { applicationId, jobId } = ids;
const unknownApplicationId = "000000000000000000000000";

// The fixture's job logs of applicationId, by id.
const exportErrored = "575ec76c7ae143cd83dc4aa1";
const exportFailed = "575ec76c7ae143cd83dc4aa2";
const otherAppJob = "575ec76c7ae143cd83dc4aa3";

function list(token: string | undefined, appId: string, query: ListQuery = {}) {
  return client(token).GET(path, { params: { path: { applicationId: appId }, query } });
}

// The answer's types come from openapi.yaml: the page on 2xx, the Error
// schema on every error status. The JSON-encoded `query` parameter
// (content: application/json) is typed as a string. The page's echoed
// `query` (type: object, additionalProperties: true) comes out of
// openapi-typescript as Record<string, never>, which openapi-fetch's answer
// type turns into {}: every other field must be the spec's exactly.
type Answer = Awaited<ReturnType<typeof list>>;
export type AnswerTypes = [
  Expect<Equal<Omit<NonNullable<Answer["data"]>, "query">, Omit<ApplicationJobLogs, "query">>>,
  Expect<Equal<NonNullable<Answer["error"]>, LosantError>>,
  Expect<Equal<ListQuery["query"], string | undefined>>,
  Expect<Equal<ListQuery["sortField"], SortField | undefined>>,
  Expect<Equal<ListQuery["sortDirection"], SortDirection | undefined>>,
];

// page reads the typed fields of a 200 answer.
function page(a: Answer): { p: ApplicationJobLogs; items: ApplicationJobLog[]; ids: (string | undefined)[] } {
  assert.equal(a.response.status, 200, `status (error: ${JSON.stringify(a.error)})`);
  assert.match(a.response.headers.get("content-type") ?? "", /^application\/json\b/);
  assert.equal(a.error, undefined);
  assert.ok(a.data !== undefined);
  const p: ApplicationJobLogs = a.data;
  const items: ApplicationJobLog[] = p.items ?? [];
  const count: number | undefined = p.count;
  assert.equal(count, items.length, "count is the number of items on the page");
  const app: string | undefined = p.applicationId;
  assert.equal(app, applicationId);
  for (const log of items) assert.equal(log.applicationId, applicationId);
  return { p, items, ids: items.map((l) => l.id) };
}

test("getApplicationJobLogs 200: every job log of the application, default paging and sort", async () => {
  const { p, items, ids: got } = page(await list(tokens.full, applicationId));
  const totalCount: number | undefined = p.totalCount;
  assert.equal(totalCount, 3);
  const perPage: number | undefined = p.perPage;
  const pageNo: number | undefined = p.page;
  assert.equal(perPage, 100);
  assert.equal(pageNo, 0);
  const sortField: string | undefined = p.sortField;
  const sortDirection: ApplicationJobLogs["sortDirection"] = p.sortDirection;
  assert.equal(sortField, "runQueuedAt");
  assert.equal(sortDirection, "asc");
  assert.deepEqual(p.query, {});
  // runQueuedAt ascending; another application's job log is not listed.
  assert.deepEqual(got, [jobId, exportErrored, exportFailed]);
  assert.ok(!got.includes(otherAppJob));

  // The example job log is listed whole, the way getApplicationJobLog answers it.
  const one = await client(tokens.full).GET("/applications/{applicationId}/jobLogs/{jobId}", {
    params: { path: { applicationId, jobId } },
  });
  assert.deepEqual(items[0], one.data);
  const status: ApplicationJobLogStatus | undefined = items[0]?.status;
  assert.equal(status, "completed");
  const written: number | undefined = items[0]?.output?.written;
  assert.equal(written, 123456789);
  for (const log of items) {
    const t: string | undefined = log.runQueuedAt;
    assert.match(t ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(new Date(t ?? "").toISOString(), t);
  }
});

test("getApplicationJobLogs 200: a JSON-encoded query filters, and is echoed as understood", async () => {
  const q: ApplicationJobLogQuery = { name: "ApplicationExport", status: { $in: ["errored", "failed", "completed"] } };
  const a = await list(tokens.full, applicationId, { query: JSON.stringify(q) });
  const { p, items, ids: got } = page(a);
  assert.deepEqual(got, [exportErrored, exportFailed]);
  assert.equal(p.totalCount, 2);
  assert.deepEqual(p.query, q);
  const statuses: (ApplicationJobLogStatus | undefined)[] = items.map((l) => l.status);
  assert.deepEqual(statuses, ["errored", "failed"]);
  // openapi-fetch sent the JSON text URL-encoded as one query parameter.
  assert.equal(new URL(a.response.url).searchParams.get("query"), JSON.stringify(q));

  // A query no job log matches: an empty page, not an error.
  const none = page(await list(tokens.full, applicationId, { query: JSON.stringify({ status: "queued" }) }));
  assert.deepEqual(none.items, []);
  assert.equal(none.p.count, 0);
  assert.equal(none.p.totalCount, 0);
});

test("getApplicationJobLogs 200: paging with perPage=1, pages 0, 1 and past the end", async () => {
  const seen: (string | undefined)[] = [];
  for (const pageNo of [0, 1, 2]) {
    const { p, ids: got } = page(await list(tokens.full, applicationId, { perPage: 1, page: pageNo }));
    assert.equal(p.perPage, 1);
    assert.equal(p.page, pageNo);
    assert.equal(p.count, 1);
    assert.equal(p.totalCount, 3);
    seen.push(...got);
  }
  assert.deepEqual(seen, [jobId, exportErrored, exportFailed]);

  const past = page(await list(tokens.full, applicationId, { perPage: 1, page: 3 }));
  assert.deepEqual(past.items, []);
  assert.equal(past.p.count, 0);
  assert.equal(past.p.totalCount, 3);
  assert.equal(past.p.page, 3);
});

test("getApplicationJobLogs 200: sortField and sortDirection, ties broken by id", async () => {
  const sortField: SortField = "name";
  const sortDirection: SortDirection = "desc";
  const a = await list(tokens.full, applicationId, { sortField, sortDirection });
  const { p, ids: got } = page(a);
  assert.equal(p.sortField, "name");
  assert.equal(p.sortDirection, "desc");
  // ArchiveData before ApplicationExport; the two exports in id order.
  assert.deepEqual(got, [jobId, exportErrored, exportFailed]);
  const url = new URL(a.response.url);
  assert.equal(url.searchParams.get("sortField"), "name");
  assert.equal(url.searchParams.get("sortDirection"), "desc");

  const desc = page(await list(tokens.full, applicationId, { sortField: "runQueuedAt", sortDirection: "desc" }));
  assert.deepEqual(desc.ids, [exportFailed, exportErrored, jobId]);

  // Sort and paging together: the second page of one, newest first.
  const second = page(
    await list(tokens.full, applicationId, { sortField: "runQueuedAt", sortDirection: "desc", perPage: 1, page: 1 }),
  );
  assert.deepEqual(second.ids, [exportErrored]);
});

test("getApplicationJobLogs 400: an unknown query operator answers {type: Validation}", async () => {
  const r = await list(tokens.full, applicationId, { query: JSON.stringify({ status: { $bogus: "completed" } }) });
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 400, "Validation", /query/);
});

test("getApplicationJobLogs 400: malformed paging, sort and ids answer {type: Validation}", async () => {
  let r = await list(tokens.full, applicationId, { query: "{not json" });
  assertLosantError(r.response, r.error, 400, "Validation", /query/);
  r = await list(tokens.full, applicationId, { perPage: 0 });
  assertLosantError(r.response, r.error, 400, "Validation", /perPage/);
  r = await list(tokens.full, applicationId, { page: -1 });
  assertLosantError(r.response, r.error, 400, "Validation", /page/);
  r = await list(tokens.full, "nope");
  assertLosantError(r.response, r.error, 400, "Validation", /applicationId/);
});

test("getApplicationJobLogs 401: no token, or an unknown one, answers {type: Unauthorized}", async () => {
  let r = await list(undefined, applicationId);
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 401, "Unauthorized");
  r = await list("not-a-token-the-server-knows", applicationId);
  assertLosantError(r.response, r.error, 401, "Unauthorized");
});

test("getApplicationJobLogs 403: a token without an accepted scope answers {type: Forbidden}", async () => {
  let r = await list(tokens.noscope, applicationId);
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 403, "Forbidden");
  // applicationJobLog.get reads one job log; listing needs applicationJobLogs.get.
  r = await list(tokens.reader, applicationId);
  assertLosantError(r.response, r.error, 403, "Forbidden");
});

test("getApplicationJobLogs 404: an unknown application answers {type: NotFound}", async () => {
  const r = await list(tokens.full, unknownApplicationId);
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 404, "NotFound", "Application was not found");
});
