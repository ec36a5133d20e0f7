// Shared by every test of the TypeScript consumer (see ../README.md):
//   - the server and tokens that ../../.ci/contract starts `losant serve` with,
//   - the typed client (openapi-fetch over the types openapi-typescript
//     generates into ../gen/losant.ts), which records every answered call,
//   - the operations ../../openapi.yaml declares, read with a YAML parser,
//   - the coverage check: every one of them must be called through the client.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { parse } from "yaml";
import type { components, operations, paths } from "../gen/losant.ts";

export type { components, operations, paths };
export type ApplicationJobLog = components["schemas"]["ApplicationJobLog"];
export type ApplicationJobLogStatus = components["schemas"]["ApplicationJobLogStatus"];
export type LosantError = components["schemas"]["Error"];

// Compile-time type equality: `Expect<Equal<A, B>>` fails to compile unless
// A and B are the same type. Used to show that answers are typed from the spec.
export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Expect<T extends true> = T;

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === "") {
    throw new Error(`${name} is not set: run this through .ci/contract, which starts losant serve`);
  }
  return v;
}

/** The local API's base URL, http://127.0.0.1:PORT. */
export const baseUrl = env("LOSANT_CONTRACT_URL");

/** Tokens `losant serve` was started with. */
export const tokens = {
  /** full access */
  full: env("LOSANT_CONTRACT_TOKEN_FULL"),
  /** only applicationJobLog.get */
  reader: env("LOSANT_CONTRACT_TOKEN_READER"),
  /** no scope at all (--token noscope=none): every operation refuses it */
  noscope: env("LOSANT_CONTRACT_TOKEN_NOSCOPE"),
} as const;

/** The served data: test/fixtures/joblogs.json (.ci/contract passes it to losant serve with --data). */
export const ids = {
  applicationId: "575ec8687ae143cd83dc4a97",
  jobId: "575ec76c7ae143cd83dc4a96",
  unknownJobId: "000000000000000000000000",
} as const;

export const specFile = new URL("../../openapi.yaml", import.meta.url);

export const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One operation of openapi.yaml. */
export interface SpecOperation {
  operationId: string;
  method: string; // upper case, as in the request
  path: string; // the path template, as openapi-fetch's schemaPath
}

/**
 * Every operation an OpenAPI document declares, in document order. An
 * operation without an operationId is named "METHOD path" (the coverage check
 * then still names it; Redocly's lint already refuses it).
 */
export function specOperations(doc: unknown): SpecOperation[] {
  const pathItems = (doc as { paths?: Record<string, Record<string, unknown> | null> } | null)?.paths;
  assert.ok(pathItems && typeof pathItems === "object", "openapi.yaml has no paths");
  const ops: SpecOperation[] = [];
  for (const [path, item] of Object.entries(pathItems)) {
    // A path item kept in another file would hide its operations from this
    // reading: refuse it rather than under-count.
    assert.ok(item === null || !("$ref" in item), `paths["${path}"] is a $ref: the coverage check reads only inline path items`);
    for (const method of httpMethods) {
      const op = item?.[method] as { operationId?: unknown } | undefined;
      if (op === undefined || op === null) continue;
      const operationId =
        typeof op.operationId === "string" && op.operationId !== ""
          ? op.operationId
          : `${method.toUpperCase()} ${path}`;
      ops.push({ operationId, method: method.toUpperCase(), path });
    }
  }
  return ops;
}

/** The operations of ../../openapi.yaml, read when the tests start. */
export const operationsInSpec: readonly SpecOperation[] = specOperations(parse(readFileSync(specFile, "utf8")));

/** What the typed client saw of one answered call. */
export interface Call {
  operationId: string;
  method: string;
  schemaPath: string;
  status: number;
}

/** Every call answered through a client from `client()`, in order. */
export const calls: Call[] = [];

function operationFor(method: string, schemaPath: string): string {
  const op = operationsInSpec.find((o) => o.method === method && o.path === schemaPath);
  return op?.operationId ?? `${method} ${schemaPath} (not in openapi.yaml)`;
}

const recorder: Middleware = {
  onResponse({ request, schemaPath, response }) {
    calls.push({
      operationId: operationFor(request.method, schemaPath),
      method: request.method,
      schemaPath,
      status: response.status,
    });
  },
};

/**
 * A typed client for the local API: Bearer `token`, or no Authorization
 * header at all when token is undefined. Every answer it gets is recorded
 * in `calls` for the coverage check.
 */
export function client(token: string | undefined): Client<paths> {
  const c = createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
  c.use(recorder);
  return c;
}

/**
 * What is missing for each operation of `ops`, given the answered calls:
 * an operation must be called through the typed client, and answered at
 * least once with a 2xx (its success type decoded). Each line names the
 * operation. Empty when every operation is covered.
 */
export function uncovered(ops: readonly SpecOperation[], answered: readonly Call[]): string[] {
  const problems: string[] = [];
  for (const op of ops) {
    const mine = answered.filter((c) => c.operationId === op.operationId);
    const where = `${op.operationId} (${op.method} ${op.path})`;
    if (mine.length === 0) {
      problems.push(`${where} is in openapi.yaml but the TypeScript consumer never calls it`);
    } else if (!mine.some((c) => c.status >= 200 && c.status < 300)) {
      const seen = [...new Set(mine.map((c) => c.status))].join(", ");
      problems.push(`${where} is called but never answered with a 2xx (statuses seen: ${seen})`);
    }
  }
  for (const c of answered) {
    if (!ops.some((o) => o.operationId === c.operationId)) {
      problems.push(`${c.method} ${c.schemaPath} was called but is no operation of openapi.yaml`);
    }
  }
  return [...new Set(problems)];
}

/**
 * Checks a Losant error answer: the status, a JSON body of exactly
 * {type, message} (components.schemas.Error) with the given type and, when
 * given, message. The body is typed from the spec by the caller.
 */
export function assertLosantError(
  response: Response,
  error: LosantError | undefined,
  status: number,
  type: string,
  message?: string | RegExp,
): void {
  assert.equal(response.status, status, `status (body: ${JSON.stringify(error)})`);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/, "error Content-Type");
  assert.ok(error !== undefined, "an error answer gives `error`, not `data`");
  assert.deepEqual(Object.keys(error).sort(), ["message", "type"], "the Error body has type and message");
  const t: string | undefined = error.type;
  const m: string | undefined = error.message;
  assert.equal(t, type);
  assert.equal(typeof m, "string");
  assert.notEqual(m, "");
  if (typeof message === "string") assert.equal(m, message);
  else if (message !== undefined) assert.match(m ?? "", message);
}
