// backfillArchiveData: GET /applications/{applicationId}/backfillArchiveData
// through the typed client: starts a BackfillArchiveData job that copies all
// of the application's device data to its archive. Jobs run in a copy of the
// fixture's application (archiveJobTests in ../support.ts).

import { archiveJobTests, client } from "../support.ts";

archiveJobTests("backfillArchiveData", "BackfillArchiveData", (token, applicationId) =>
  client(token).GET("/applications/{applicationId}/backfillArchiveData", { params: { path: { applicationId } } }),
);
