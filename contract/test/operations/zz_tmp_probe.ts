import { client } from "../support.ts";
const r = await client("x").GET("/applications/{applicationId}/jobLogs", { params: { path: { applicationId: "a" } } });
const e: number = r.error;
