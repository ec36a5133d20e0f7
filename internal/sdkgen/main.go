// Command sdkgen writes the SDK's and the local API's generated code from
// openapi.yaml. It runs at `go generate` time (see gen.go), never inside a
// user's program: it reads the spec with kin-openapi and oapi-codegen's
// generators, and what it writes is plain Go, so the SDK carries no OpenAPI
// or YAML library.
//
// It writes four files:
//
//   - models.gen.go (package losant): the component schemas as Go types,
//     made by oapi-codegen's model generator and kept to the schemas alone,
//     plus a nil-safe getter for every field of every struct: the one model
//     set of the SDK and the local API;
//   - operations.gen.go (package losant): the Client's service fields, one
//     method per operation (and a ...Raw twin returning the body as sent),
//     with their parameter, form and response types, the iterators of
//     paged operations, and an option per shared header, all calling the
//     one shared request path (Client.do, request.go);
//   - internal/ops/ops.gen.go: the operation table the request path and
//     the local API read: method, path, path-parameter patterns, fixed
//     query defaults, shared headers, 2xx statuses, accepted scopes,
//     Accept-Version, and the schemas of checked JSON values;
//   - the file oapi-codegen.yaml names (generated/losant.gen.go): the local
//     API's strict server and embedded spec, by oapi-codegen, on the SDK's
//     models.
//
// Every construct of the spec is generated or refused: an operation the
// generator cannot express fails `go generate` with its name and the
// construct, rather than compiling into a method that drops it.
//
// Usage: go run ./internal/sdkgen -spec openapi.yaml -root . -server-config
// oapi-codegen.yaml (run from the module root by gen.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

func main() {
	specPath := flag.String("spec", "openapi.yaml", "the OpenAPI document")
	root := flag.String("root", ".", "the module root to write into")
	serverConfig := flag.String("server-config", "", "oapi-codegen's configuration of the local API's package (empty: not written)")
	flag.Parse()
	if err := run(*specPath, *root, *serverConfig); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

// load reads the spec afresh: oapi-codegen's generators rewrite the
// document they are given (operationIds, for one), so each gets its own.
func load(specPath string) (*openapi3.T, error) {
	doc, err := util.LoadSwagger(specPath)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", specPath, err)
	}
	if err := normalize(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func run(specPath, root, serverConfig string) error {
	module, err := modulePath(root)
	if err != nil {
		return err
	}
	doc, err := load(specPath)
	if err != nil {
		return err
	}
	api, err := readAPI(doc, module)
	if err != nil {
		return err
	}
	if doc, err = load(specPath); err != nil {
		return err
	}
	stripBooleanEnums(doc)
	models, err := genModels(doc)
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	opsSrc, err := render("ops", opsTemplate, api)
	if err != nil {
		return err
	}
	sdkSrc, err := render("operations", operationsTemplate, api)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		filepath.Join(root, "models.gen.go"):                 models,
		filepath.Join(root, "operations.gen.go"):             sdkSrc,
		filepath.Join(root, "internal", "ops", "ops.gen.go"): opsSrc,
	}
	if serverConfig != "" {
		if doc, err = load(specPath); err != nil {
			return err
		}
		src, out, err := genServer(doc, serverConfig, module)
		if err != nil {
			return fmt.Errorf("local API (%s): %w", serverConfig, err)
		}
		files[filepath.Join(root, out)] = src
	}
	for path, src := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
