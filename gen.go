package losant

// Regenerate from openapi.yaml, never by hand; CI fails when a generated
// file is stale:
//   - generated/ (oapi-codegen, pinned in go.mod): the local API's models,
//     strict server and embedded spec;
//   - models.gen.go, operations.gen.go and internal/ops/ops.gen.go
//     (internal/sdkgen): the SDK's models with nil-safe getters, one method
//     per operation, and the operation table.
//
//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/sdkgen -spec openapi.yaml -root .
