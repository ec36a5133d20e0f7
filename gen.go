package losant

// Regenerate generated/ from openapi.yaml with the oapi-codegen version pinned
// in go.mod. Never edit generated/ by hand; CI fails when it is stale.
//
//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.yaml
