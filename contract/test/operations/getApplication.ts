// getApplication: GET /applications/{applicationId} through the typed
// client, against `losant serve` with test/fixtures/joblogs.json, whose
// application exists because it has job logs.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Application,
  type Equal,
  type Expect,
  type LosantError,
  assertLosantError,
  client,
  ids,
  tokens,
} from "../support.ts";

const path = "/applications/{applicationId}";
const { applicationId, unknownApplicationId } = ids;

function get(token: string | undefined, id: string) {
  return client(token).GET(path, { params: { path: { applicationId: id } } });
}

type Answer = Awaited<ReturnType<typeof get>>;
export type AnswerTypes = [
  Expect<Equal<NonNullable<Answer["data"]>, Application>>,
  Expect<Equal<NonNullable<Answer["error"]>, LosantError>>,
];

test("getApplication 200: the fixture's application, typed", async () => {
  const { data, error, response } = await get(tokens.full, applicationId);
  assert.equal(response.status, 200, `status (error: ${JSON.stringify(error)})`);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
  assert.ok(data !== undefined);
  const app: Application = data;
  const id: string | undefined = app.id;
  assert.equal(id, applicationId);
  assert.equal(app.applicationId, applicationId);
  const name: string | undefined = app.name;
  assert.equal(name, `Application ${applicationId}`);
});

test("getApplication 200: summaryInclude, summaryExclude and the flags are sent as typed", async () => {
  const { data, response } = await client(tokens.full).GET(path, {
    params: {
      path: { applicationId },
      query: { summaryInclude: "deviceCount,flowCount", _actions: false, _links: true, _embedded: true },
      header: { losantdomain: "example.com" },
    },
  });
  assert.equal(response.status, 200);
  assert.equal(
    new URL(response.url).search,
    "?summaryInclude=deviceCount%2CflowCount&_actions=false&_links=true&_embedded=true",
  );
  assert.equal(data?.id, applicationId);
  const other = await client(tokens.full).GET(path, {
    params: { path: { applicationId }, query: { summaryExclude: "payloadCount" } },
  });
  assert.equal(other.response.status, 200);
  assert.equal(other.data?.id, applicationId);
});

test("getApplication 400: a malformed application ID answers {type: Validation} naming it", async () => {
  const { data, error, response } = await get(tokens.full, "nope");
  assert.equal(data, undefined);
  assertLosantError(response, error, 400, "Validation", /applicationId/);
});

test("getApplication 401: no token answers {type: Unauthorized}", async () => {
  const { error, response } = await get(undefined, applicationId);
  assertLosantError(response, error, 401, "Unauthorized");
});

test("getApplication 403: a token without an accepted scope (reader: applicationJobLog.get only; noscope) answers {type: Forbidden}", async () => {
  for (const token of [tokens.reader, tokens.noscope]) {
    const { data, error, response } = await get(token, applicationId);
    assert.equal(data, undefined);
    assertLosantError(response, error, 403, "Forbidden");
  }
});

test("getApplication 404: an unknown application answers {type: NotFound}", async () => {
  const { data, error, response } = await get(tokens.full, unknownApplicationId);
  assert.equal(data, undefined);
  assertLosantError(response, error, 404, "NotFound", "Application was not found");
});
