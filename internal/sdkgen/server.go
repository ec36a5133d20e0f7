package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"
)

// serverConfig is oapi-codegen.yaml: how oapi-codegen writes the local
// API's package (generated/), in the layout oapi-codegen's own command
// reads.
type serverConfig struct {
	codegen.Configuration `yaml:",inline"`
	OutputFile            string `yaml:"output,omitempty"`
}

// genServer returns generated/'s source: oapi-codegen's strict server,
// parameter and response types and embedded spec for the local API, with
// every component schema the SDK has made an alias of the SDK's own type
// (type ApplicationJobLog = losant.ApplicationJobLog): one model set, read
// and written alike by the SDK and the local API. Only the schemas the SDK
// leaves out (x-go-sdk-skip, x-go-internal) are types of generated/'s own.
func genServer(doc *openapi3.T, configPath, module string) (src []byte, output string, err error) {
	raw, err := os.ReadFile(configPath)
	if err != nil {
		return nil, "", err
	}
	var cfg serverConfig
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, "", fmt.Errorf("%s: %w", configPath, err)
	}
	if cfg.OutputFile == "" {
		return nil, "", fmt.Errorf("%s: no output", configPath)
	}
	if cfg.Generate.Client {
		return nil, "", fmt.Errorf("%s: generate.client is on, but the SDK has its own request path (operations.gen.go): turn it off", configPath)
	}
	cfg.Configuration = cfg.UpdateDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", configPath, err)
	}
	forms := formSchemas(doc)
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if skip, _ := s.Extensions[sdkSkipExt].(bool); skip {
			// The query language's schemas: the local API reads a query
			// as the text it came as (ops.CheckJSON judges it), so they
			// need no Go types of their own.
			if s.Extensions == nil {
				s.Extensions = map[string]any{}
			}
			s.Extensions["x-go-type"] = "json.RawMessage"
			continue
		}
		if forms[name] {
			continue // the local API's own type: the SDK's is a form
		}
		if internal, _ := s.Extensions[internalExt].(string); internal != "" {
			continue
		}
		goName := codegen.SchemaNameToTypeName(name)
		if v, ok := s.Extensions["x-go-name"].(string); ok && v != "" {
			goName = v
		}
		if s.Extensions == nil {
			s.Extensions = map[string]any{}
		}
		s.Extensions["x-go-type"] = "losant." + goName
		s.Extensions["x-go-type-import"] = map[string]any{"path": module, "name": "losant"}
	}
	// A JSON-encoded query parameter reaches the handler as the caller's
	// JSON text, which the middleware has validated against the schema:
	// the handler parses it once (api/query.go) rather than receiving it
	// decoded into the schema's types only to encode it again.
	for _, o := range operations(doc) {
		for _, p := range o.op.Parameters {
			for _, mt := range p.Value.Content {
				if mt.Schema != nil && mt.Schema.Ref != "" && mt.Schema.Value != nil {
					if mt.Schema.Value.Extensions == nil {
						mt.Schema.Value.Extensions = map[string]any{}
					}
					mt.Schema.Value.Extensions["x-go-type"] = "json.RawMessage"
					// generated/ imports encoding/json already.
				}
			}
		}
	}
	out, err := codegen.Generate(doc, cfg.Configuration)
	if err != nil {
		return nil, "", err
	}
	return []byte(out), cfg.OutputFile, nil
}

// modulePath reads the module path from go.mod in root.
func modulePath(root string) (string, error) {
	raw, err := os.ReadFile(root + "/go.mod")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod names no module", root)
}
