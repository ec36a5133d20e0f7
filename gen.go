package losant

// Regenerate from openapi.yaml, never by hand; CI fails when a generated
// file is stale. internal/sdkgen writes, from the one spec:
//   - models.gen.go: the models, with nil-safe getters (the SDK's and the
//     local API's one model set);
//   - operations.gen.go: the Client's services, one method per operation,
//     their parameter, form and response types, iterators and header
//     options;
//   - internal/ops/ops.gen.go: the operation table;
//   - generated/losant.gen.go: the local API's strict server and embedded
//     spec, by oapi-codegen (pinned in go.mod as a tool, configured by
//     oapi-codegen.yaml), on the SDK's models.
//
//go:generate go run ./internal/sdkgen -spec openapi.yaml -root . -server-config oapi-codegen.yaml
