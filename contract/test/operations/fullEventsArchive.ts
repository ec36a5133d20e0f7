// fullEventsArchive: GET /applications/{applicationId}/fullEventsArchive
// through the typed client: starts a FullEventsArchive job that archives the
// application's events. Jobs run in a copy of the fixture's application
// (archiveJobTests in ../support.ts).

import { archiveJobTests, client } from "../support.ts";

archiveJobTests("fullEventsArchive", "FullEventsArchive", (token, applicationId) =>
  client(token).GET("/applications/{applicationId}/fullEventsArchive", { params: { path: { applicationId } } }),
);
