// Shared by every test of the TypeScript consumer (see ../README.md):
//   - the server and tokens that ../../.ci/contract starts `losant serve` with,
//   - the typed client (openapi-fetch over the types openapi-typescript
//     generates into ../gen/losant.ts), which records every answered call,
//   - the operations ../../openapi.yaml declares, read with a YAML parser,
//   - the coverage check: every one of them must be called through the client.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { parse } from "yaml";
import type { components, operations, paths } from "../gen/losant.ts";

export type { components, operations, paths };
export type ApplicationJobLog = components["schemas"]["ApplicationJobLog"];
export type ApplicationJobLogStatus = components["schemas"]["ApplicationJobLogStatus"];
export type LosantError = components["schemas"]["Error"];
export type Application = components["schemas"]["Application"];
export type JobEnqueuedResult = components["schemas"]["JobEnqueuedResult"];
export type ApplicationImportForm = components["schemas"]["ApplicationImportForm"];

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
  unknownApplicationId: "000000000000000000000001",
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

/** A clone's body with every default spelled out: a copy at once (201), no job. */
export const cloneDefaults: components["schemas"]["ApplicationClonePost"] = {
  dryRun: false,
  includeFiles: false,
  includePrivateFiles: false,
  includeDataTableRows: false,
  includeDevices: false,
  forceJob: false,
};

/**
 * A new application to start jobs in: a copy of the fixture's application
 * (cloneApplication without forceJob, which answers 201 at once and records
 * no job log). Jobs are started only in such copies, never in
 * ids.applicationId, whose job logs getApplicationJobLogs.ts lists exactly.
 */
export async function newApplication(): Promise<string> {
  const { data, error, response } = await client(tokens.full).POST("/applications/{applicationId}/clone", {
    params: { path: { applicationId: ids.applicationId } },
    body: cloneDefaults,
  });
  assert.equal(response.status, 201, `clone status (error: ${JSON.stringify(error)})`);
  const app: Application | undefined = data && "application" in data ? data.application : undefined;
  const id: string | undefined = app?.id;
  assert.match(id ?? "", /^[0-9a-f]{24}$/, "the copy's id");
  assert.notEqual(id, ids.applicationId);
  return id ?? "";
}

/**
 * Checks a 202 answer of an operation that starts a job
 * (components.schemas.JobEnqueuedResult) and returns the job's id.
 */
export function assertEnqueued(response: Response, data: JobEnqueuedResult | undefined, error?: unknown): string {
  assert.equal(response.status, 202, `status (error: ${JSON.stringify(error)})`);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
  assert.ok(data !== undefined);
  const r: JobEnqueuedResult = data;
  const queued: true | undefined = r.jobQueued;
  const success: true | undefined = r.success;
  assert.equal(queued, true);
  assert.equal(success, true);
  assert.match(r.jobId ?? "", /^[0-9a-f]{24}$/, "jobId is an ObjectId");
  return r.jobId ?? "";
}

/**
 * Polls the job's log (getApplicationJobLog, typed) until it reaches a final
 * status, at most `timeoutMs`, and returns that log with every status seen
 * on the way. .ci/contract starts the server with a short --job-duration.
 */
export async function waitForJob(
  applicationId: string,
  jobId: string,
  timeoutMs = 20_000,
): Promise<{ log: ApplicationJobLog; seen: ApplicationJobLogStatus[] }> {
  const final: ApplicationJobLogStatus[] = ["completed", "errored", "failed"];
  const seen: ApplicationJobLogStatus[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error, response } = await client(tokens.reader).GET("/applications/{applicationId}/jobLogs/{jobId}", {
      params: { path: { applicationId, jobId } },
    });
    assert.equal(response.status, 200, `job log status (error: ${JSON.stringify(error)})`);
    assert.ok(data !== undefined);
    const log: ApplicationJobLog = data;
    assert.equal(log.id, jobId);
    assert.equal(log.applicationId, applicationId);
    if (log.status !== undefined && seen[seen.length - 1] !== log.status) seen.push(log.status);
    if (log.status !== undefined && final.includes(log.status)) return { log, seen };
    assert.ok(Date.now() < deadline, `job ${jobId} still ${log.status} after ${timeoutMs} ms (seen: ${seen.join(", ")})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the job and checks it completed, its progress full, as a job of `name`. */
export async function assertJobCompletes(applicationId: string, jobId: string, name: string): Promise<ApplicationJobLog> {
  const { log, seen } = await waitForJob(applicationId, jobId);
  assert.equal(log.status, "completed", `final status (seen: ${seen.join(", ")}; error: ${JSON.stringify(log.error)})`);
  assert.equal(log.name, name);
  assert.equal(log.progress?.completed, log.progress?.total, "a completed job's progress is full");
  for (const t of [log.runQueuedAt, log.runStartedAt, log.runCompletedAt]) {
    assert.match(t ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "timestamps keep milliseconds");
  }
  return log;
}

/** A finished export: its job log, the zip's download URL and the zip's bytes. */
export interface Export {
  log: ApplicationJobLog;
  url: string;
  zip: Uint8Array;
  etag: string;
}

/**
 * Exports the application (exportApplication with forceJob, typed), waits for
 * the job to complete, and downloads output.downloadUrls[0] with plain fetch
 * and no Authorization header: it is a pre-signed URL, no operation of the
 * spec. Checks the answer is a whole zip.
 */
export async function exportApplication(applicationId: string): Promise<Export> {
  const { data, error, response } = await client(tokens.full).POST("/applications/{applicationId}/export", {
    params: { path: { applicationId } },
    body: {
      includeFiles: false,
      includePrivateFiles: false,
      includeDataTableRows: false,
      includeDevices: true,
      exportType: "zip",
      forceJob: true,
      email: "ops@example.com",
    },
  });
  const enqueued: JobEnqueuedResult | undefined = data && "jobId" in data ? data : undefined;
  const jobId = assertEnqueued(response, enqueued, error);
  const log = await assertJobCompletes(applicationId, jobId, "ApplicationExport");
  assert.deepEqual(log.input?.emails, ["ops@example.com"]);
  const urls: string[] | undefined = log.output?.downloadUrls;
  assert.equal(urls?.length, 1, `one download URL (output: ${JSON.stringify(log.output)})`);
  const url = urls?.[0] ?? "";
  assert.equal(new URL(url).origin, new URL(baseUrl).origin, "the local API serves its exports itself");
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/zip");
  const zip = new Uint8Array(await res.arrayBuffer());
  assert.equal(Number(res.headers.get("content-length")), zip.length, "Content-Length is the zip's size");
  assert.deepEqual([...zip.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], "the body starts with a zip's local file header");
  const etag = res.headers.get("etag") ?? "";
  assert.match(etag, /^"[^"]+"$/, "a strong ETag, for If-Range");
  return { log, url, zip, etag };
}

/** What a typed call of a job-starting operation gives back. */
export interface Started {
  data?: JobEnqueuedResult | undefined;
  error?: LosantError | undefined;
  response: Response;
}

/**
 * The tests every archive action without parameters shares
 * (backfillArchiveData, fullDataTablesArchive, fullEventsArchive): `start`
 * is the operation's typed call. 202 with a job that completes as `jobName`
 * having written 0 (the local API holds no device data), and 400, 401, 403
 * and 404 as Losant's errors.
 */
export function archiveJobTests(
  operationId: string,
  jobName: string,
  start: (token: string | undefined, applicationId: string) => Promise<Started>,
): void {
  test(`${operationId} 202: a ${jobName} job that completes`, async () => {
    const app = await newApplication();
    const { data, error, response } = await start(tokens.full, app);
    const jobId = assertEnqueued(response, data, error);
    const log = await assertJobCompletes(app, jobId, jobName);
    const written: number | undefined = log.output?.written;
    assert.equal(written, 0, "the local API holds no data to archive");
  });
  test(`${operationId} 400, 401, 403, 404: Losant's errors`, async () => {
    let r = await start(tokens.full, "nope");
    assertLosantError(r.response, r.error, 400, "Validation", /applicationId/);
    r = await start(undefined, ids.applicationId);
    assertLosantError(r.response, r.error, 401, "Unauthorized");
    r = await start(tokens.noscope, ids.applicationId);
    assertLosantError(r.response, r.error, 403, "Forbidden");
    r = await start(tokens.full, ids.unknownApplicationId);
    assert.equal(r.data, undefined);
    assertLosantError(r.response, r.error, 404, "NotFound", "Application was not found");
  });
}
