// fullDataTablesArchive: GET
// /applications/{applicationId}/fullDataTablesArchive through the typed
// client: starts a FullDataTablesArchive job that archives the application's
// data tables. Jobs run in a copy of the fixture's application
// (archiveJobTests in ../support.ts).

import { archiveJobTests, client } from "../support.ts";

archiveJobTests("fullDataTablesArchive", "FullDataTablesArchive", (token, applicationId) =>
  client(token).GET("/applications/{applicationId}/fullDataTablesArchive", { params: { path: { applicationId } } }),
);
