// A TypeScript consumer of ../openapi.yaml, type-checked (never run) by
// ../.ci/contract with `tsc --noEmit -p .`.
//
// gen/losant.ts is produced from ../openapi.yaml by openapi-typescript on
// every run and is not committed. This file uses the job log, the error and
// the getApplicationJobLog parameters the way a TypeScript dashboard would,
// so that renaming, retyping or dropping any of them breaks the type-check.

import type { components, operations, paths } from "./gen/losant";

export type ApplicationJobLog = components["schemas"]["ApplicationJobLog"];
export type ApplicationJobLogStatus = components["schemas"]["ApplicationJobLogStatus"];
export type LosantError = components["schemas"]["Error"];
export type GetApplicationJobLogParams = operations["getApplicationJobLog"]["parameters"];

type Responses = operations["getApplicationJobLog"]["responses"];

// Compile-time type equality: `Expect<Equal<A, B>>` fails unless A and B are
// the same type.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

// The operation is reached through its path, answers a job log on 200 and
// the Error body on every documented error status.
export type OperationChecks = [
  Expect<Equal<paths["/applications/{applicationId}/jobLogs/{jobId}"]["get"], operations["getApplicationJobLog"]>>,
  Expect<Equal<Responses[200]["content"]["application/json"], ApplicationJobLog>>,
  Expect<Equal<Responses[400]["content"]["application/json"], LosantError>>,
  Expect<Equal<Responses[401]["content"]["application/json"], LosantError>>,
  Expect<Equal<Responses[403]["content"]["application/json"], LosantError>>,
  Expect<Equal<Responses[404]["content"]["application/json"], LosantError>>,
  Expect<Equal<Responses[429]["content"]["application/json"], LosantError>>,
  Expect<Equal<Responses["default"]["content"]["application/json"], LosantError>>,
  // Exactly the five statuses Losant documents.
  Expect<Equal<ApplicationJobLogStatus, "queued" | "inProgress" | "completed" | "errored" | "failed">>,
  // Counters and epoch values are plain numbers, IDs and timestamps strings.
  Expect<Equal<NonNullable<NonNullable<ApplicationJobLog["output"]>["written"]>, number>>,
  Expect<Equal<NonNullable<NonNullable<ApplicationJobLog["input"]>["start"]>, number>>,
  Expect<Equal<NonNullable<ApplicationJobLog["id"]>, string>>,
  Expect<Equal<NonNullable<ApplicationJobLog["runQueuedAt"]>, string>>,
  Expect<Equal<NonNullable<LosantError["type"]>, string>>,
  Expect<Equal<NonNullable<LosantError["message"]>, string>>,
];

// The documentation page's example (components.examples.ApplicationJobLogInProgress).
// Object literals get excess-property checks: a renamed or removed property
// fails here.
export const inProgress: ApplicationJobLog = {
  id: "575ec76c7ae143cd83dc4a96",
  jobId: "575ec76c7ae143cd83dc4a96",
  applicationId: "575ec8687ae143cd83dc4a97",
  resourceType: "application",
  runQueuedAt: "2025-06-10T04:00:00.000Z",
  runStartedAt: "2025-06-10T04:00:01.000Z",
  status: "inProgress",
  name: "ArchiveData",
  progress: {
    completed: 12,
    total: 100,
  },
};

// components.examples.ApplicationJobLogCompleted, with every nested object.
export const completed: ApplicationJobLog = {
  id: "575ec76c7ae143cd83dc4a96",
  jobId: "575ec76c7ae143cd83dc4a96",
  jobExecutionId: "575ec76c7ae143cd83dc4a99",
  applicationId: "575ec8687ae143cd83dc4a97",
  name: "ArchiveData",
  runQueuedAt: "2025-06-10T04:00:00.000Z",
  runStartedAt: "2025-06-10T04:00:01.000Z",
  runCompletedAt: "2025-06-10T04:07:42.123Z",
  status: "completed",
  requestedById: "575ec8687ae143cd83dc4a9a",
  requestedByType: "user",
  ownerType: "application",
  ownerId: "575ec8687ae143cd83dc4a97",
  resourceType: "application",
  resourceId: "575ec8687ae143cd83dc4a97",
  progress: {
    completed: 100,
    total: 100,
    status: "done",
  },
  input: {
    start: 1749528000000,
    end: 1749614399999,
    emails: ["ops@example.com"],
  },
  output: {
    downloadUrls: ["https://files.example.com/archive/2025-06-10.csv.gz"],
    written: 123456789,
    validationErrors: [{ type: "Validation", name: "device", id: "575ec8687ae143cd83dc4a9b", message: "bad row" }],
  },
};

export const failedRun: ApplicationJobLog = {
  status: "failed",
  error: { name: "ArchiveError", message: "bucket not reachable" },
};

// @ts-expect-error: a status Losant does not document is not a status.
export const badStatus: ApplicationJobLog = { status: "paused" };

// @ts-expect-error: counters are numbers, not strings.
export const badCounter: ApplicationJobLog = { progress: { completed: "12" } };

export type TerminalStatus = Extract<ApplicationJobLogStatus, "completed" | "errored" | "failed">;

// Narrowing the status enum. The `never` check fails if a status is added,
// and a case label fails if a status is removed or renamed.
export function isTerminal(status: ApplicationJobLogStatus): status is TerminalStatus {
  switch (status) {
    case "queued":
    case "inProgress":
      return false;
    case "completed":
    case "errored":
    case "failed":
      return true;
    default: {
      const unknownStatus: never = status;
      return unknownStatus;
    }
  }
}

export function describe(log: ApplicationJobLog): string {
  const status = log.status;
  if (status === undefined) {
    return "unknown";
  }
  if (!isTerminal(status)) {
    const done = log.progress?.completed ?? 0;
    const total = log.progress?.total ?? 0;
    return `${status}: ${done}/${total}`;
  }
  if (status === "completed") {
    const urls: string[] = log.output?.downloadUrls ?? [];
    return `completed, ${urls.length} file(s), ${log.output?.written ?? 0} written`;
  }
  // Narrowed to the two failure statuses.
  const failure: "errored" | "failed" = status;
  return `${failure}: ${log.error?.name ?? "Error"}: ${log.error?.message ?? ""}`;
}

// The Error body (components.responses.NotFound's example).
export const notFound: LosantError = {
  type: "NotFound",
  message: "Application job log was not found",
};

export function errorText(err: LosantError): string {
  return `${err.type ?? "Error"}: ${err.message ?? "no message"}`;
}

// The operation's parameters: path (required), query and header (optional).
export const params: GetApplicationJobLogParams = {
  path: {
    applicationId: "575ec8687ae143cd83dc4a97",
    jobId: "575ec8687ae143cd83dc4a98",
  },
  query: {
    _actions: false,
    _links: true,
    _embedded: true,
  },
  header: {
    losantdomain: "example.com",
  },
};

export const minimalParams: GetApplicationJobLogParams = {
  path: { applicationId: "575ec8687ae143cd83dc4a97", jobId: "575ec8687ae143cd83dc4a98" },
};

// @ts-expect-error: both path parameters are required.
export const missingJobId: GetApplicationJobLogParams = { path: { applicationId: "575ec8687ae143cd83dc4a97" } };

// @ts-expect-error: the query flags are booleans.
export const stringFlag: GetApplicationJobLogParams = { path: minimalParams.path, query: { _links: "true" } };

// Builds the request the way a hand-written fetch wrapper would.
export function requestFor(p: GetApplicationJobLogParams): { url: string; headers: Record<string, string> } {
  const query = [
    `_actions=${String(p.query?._actions ?? false)}`,
    `_links=${String(p.query?._links ?? true)}`,
    `_embedded=${String(p.query?._embedded ?? true)}`,
  ].join("&");
  const headers: Record<string, string> = { Accept: "application/json" };
  if (p.header?.losantdomain !== undefined) {
    headers["losantdomain"] = p.header.losantdomain;
  }
  const path = `/applications/${encodeURIComponent(p.path.applicationId)}/jobLogs/${encodeURIComponent(p.path.jobId)}`;
  return { url: `${path}?${query}`, headers };
}
