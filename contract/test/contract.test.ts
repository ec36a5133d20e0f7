// The TypeScript consumer of ../../openapi.yaml, run by ../../.ci/contract
// with `node --import tsx --test` against a `losant serve` it starts:
//
//   1. every file in operations/ (one per operationId) calls its operation
//      through the typed client and asserts typed fields of each answer,
//   2. readme.ts runs the README's "From TypeScript" snippet as written,
//   3. last, the coverage check fails, naming the operation, when
//      openapi.yaml declares an operation that no test called (with a 2xx
//      answer at least once) through the typed client.
//
// All run in this one process, in this order (node:test runs top-level
// tests one after another), so the coverage check sees every call.

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { calls, operationsInSpec, specOperations, uncovered } from "./support.ts";

const operationsDir = new URL("./operations/", import.meta.url);
const operationFiles = readdirSync(operationsDir)
  .filter((f) => f.endsWith(".ts"))
  .sort();
for (const f of operationFiles) {
  await import(new URL(f, operationsDir).href);
}
await import("./readme.ts");

test("coverage: every operation in openapi.yaml is called through the typed client", (t) => {
  assert.ok(operationsInSpec.length > 0, "openapi.yaml declares no operation");
  for (const op of operationsInSpec) {
    const statuses = [...new Set(calls.filter((c) => c.operationId === op.operationId).map((c) => c.status))];
    t.diagnostic(`${op.operationId} (${op.method} ${op.path}): answered ${statuses.sort().join(", ") || "never"}`);
  }
  const problems = uncovered(operationsInSpec, calls);
  assert.deepEqual(
    problems,
    [],
    `the TypeScript consumer does not cover openapi.yaml:\n  ${problems.join("\n  ")}\n` +
      "add contract/test/operations/<operationId>.ts (see contract/README.md)",
  );
});

test("coverage: the check names an operation the consumer does not call", () => {
  const doc = {
    paths: {
      "/a/{id}": { parameters: [], get: { operationId: "getA" } },
      "/a": { get: { operationId: "listA" }, post: {} },
    },
  };
  const ops = specOperations(doc);
  assert.deepEqual(
    ops.map((o) => o.operationId),
    ["getA", "listA", "POST /a"],
  );
  const answered = [
    { operationId: "getA", method: "GET", schemaPath: "/a/{id}", status: 200 },
    { operationId: "listA", method: "GET", schemaPath: "/a", status: 403 },
  ];
  assert.deepEqual(uncovered(ops, answered), [
    "listA (GET /a) is called but never answered with a 2xx (statuses seen: 403)",
    "POST /a (POST /a) is in openapi.yaml but the TypeScript consumer never calls it",
  ]);
  assert.deepEqual(uncovered(ops.slice(0, 1), answered.slice(0, 1)), []);
});
