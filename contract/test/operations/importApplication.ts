// importApplication: POST /applications/{applicationId}/import through the
// typed client, multipart/form-data: the zip an export produced (the
// importBundle part), email, and options as JSON text (encoding
// application/json). A 202 job whose log counts what it created. Jobs run in
// copies of the fixture's application (newApplication in ../support.ts).

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ApplicationImportForm,
  type ApplicationJobLog,
  assertEnqueued,
  assertJobCompletes,
  assertLosantError,
  client,
  exportApplication,
  ids,
  newApplication,
  tokens,
} from "../support.ts";

const path = "/applications/{applicationId}/import";

// openapi-typescript types a `format: binary` property as string, so the
// zip is not part of the typed body: the serializer appends it as a Blob
// under the spec's part name, which `satisfies` ties to the generated type
// (a renamed part breaks tsc).
const bundlePart = "importBundle" satisfies keyof ApplicationImportForm;

/**
 * The import's typed call: `form` (email, options) is the spec's
 * ApplicationImportForm, serialized with the bundle into a FormData, options
 * as a JSON part. `rawOptions` replaces the options part's text, to send
 * what the types would refuse.
 */
function importBundle(
  token: string | undefined,
  applicationId: string,
  form: Omit<ApplicationImportForm, "importBundle">,
  bundle: Blob | undefined,
  rawOptions?: string,
) {
  return client(token).POST(path, {
    params: { path: { applicationId } },
    body: form,
    bodySerializer(body) {
      const fd = new FormData();
      if (bundle !== undefined) fd.append(bundlePart, bundle, "export.zip");
      if (body.email !== undefined) fd.append("email", body.email);
      const options = rawOptions ?? (body.options === undefined ? undefined : JSON.stringify(body.options));
      if (options !== undefined) fd.append("options", new Blob([options], { type: "application/json" }), "options.json");
      return fd;
    },
  });
}

const options = { conflictBehavior: "create", dryRun: false, forceJob: true } as const;

function zipBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes], { type: "application/zip" });
}

test("importApplication 202: an export's zip into another application, a job that counts what it created", async () => {
  // The source holds one job log (a backfill), which its export carries.
  const source = await newApplication();
  const started = await client(tokens.full).GET("/applications/{applicationId}/backfillArchiveData", {
    params: { path: { applicationId: source } },
  });
  const backfillId = assertEnqueued(started.response, started.data, started.error);
  await assertJobCompletes(source, backfillId, "BackfillArchiveData");
  const { zip } = await exportApplication(source);

  const target = await newApplication();
  const { data, error, response } = await importBundle(
    tokens.full,
    target,
    { email: "ops@example.com", options },
    zipBlob(zip),
  );
  const jobId = assertEnqueued(response, data && "jobId" in data ? data : undefined, error);
  const log = await assertJobCompletes(target, jobId, "ApplicationImport");
  assert.deepEqual(log.input?.emails, ["ops@example.com"]);
  const created: number | undefined = log.output?.created;
  const failed: number | undefined = log.output?.failed;
  assert.equal(created, 1, `output: ${JSON.stringify(log.output)}`);
  assert.equal(failed, 0);

  // The imported job log now belongs to the target.
  const got = await client(tokens.reader).GET("/applications/{applicationId}/jobLogs/{jobId}", {
    params: { path: { applicationId: target, jobId: backfillId } },
  });
  assert.equal(got.response.status, 200);
  const imported: ApplicationJobLog | undefined = got.data;
  assert.equal(imported?.name, "BackfillArchiveData");
  assert.equal(imported?.applicationId, target);
});

test("importApplication 202: a dry run counts without creating", async () => {
  const source = await newApplication();
  const { zip } = await exportApplication(source);
  const target = await newApplication();
  const { data, error, response } = await importBundle(tokens.full, target, { options: { ...options, dryRun: true } }, zipBlob(zip));
  const jobId = assertEnqueued(response, data && "jobId" in data ? data : undefined, error);
  const log = await assertJobCompletes(target, jobId, "ApplicationImport");
  assert.equal(log.output?.created, 0, "the export of an application without job logs holds none");
  assert.equal(log.output?.failed, 0);
});

test("importApplication 400: not a zip, no importBundle part, options that are not JSON or not the schema", async () => {
  const app = await newApplication();
  const cases: { name: string; bundle: Blob | undefined; raw?: string; message: RegExp }[] = [
    { name: "not a zip", bundle: new Blob(["hello, not a zip"]), message: /zip/i },
    { name: "no bundle", bundle: undefined, message: /importBundle/ },
    { name: "options not JSON", bundle: zipBlob(new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)])), raw: "{", message: /options/ },
    {
      name: "options off the schema",
      bundle: zipBlob(new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)])),
      raw: JSON.stringify({ conflictBehavior: "overwrite" }),
      message: /options|conflictBehavior/,
    },
  ];
  for (const c of cases) {
    const { data, error, response } = await importBundle(tokens.full, app, { options }, c.bundle, c.raw);
    assert.equal(data, undefined, c.name);
    assertLosantError(response, error, 400, "Validation", c.message);
  }
});

test("importApplication 401, 403 and 404", async () => {
  const empty = zipBlob(new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)]));
  let r = await importBundle(undefined, ids.applicationId, { options }, empty);
  assertLosantError(r.response, r.error, 401, "Unauthorized");
  r = await importBundle(tokens.noscope, ids.applicationId, { options }, empty);
  assertLosantError(r.response, r.error, 403, "Forbidden");
  r = await importBundle(tokens.full, ids.unknownApplicationId, { options }, empty);
  assert.equal(r.data, undefined);
  assertLosantError(r.response, r.error, 404, "NotFound", "Application was not found");
});
