// Command sdkgen writes the SDK's per-operation code from openapi.yaml. It
// runs at `go generate` time (see gen.go), never inside a user's program:
// it reads the spec with kin-openapi and oapi-codegen's model generator, and
// what it writes is plain Go, so the SDK carries no OpenAPI or YAML library.
//
// It writes three files:
//
//   - models.gen.go (package losant): the component schemas as Go types,
//     made by oapi-codegen's model generator and kept to the schemas alone,
//     plus a nil-safe getter for every field of every struct;
//   - operations.gen.go (package losant): one service type per
//     x-go-service, one method per operation (and a ...Raw twin returning
//     the body as sent), a parameters struct for each operation that takes
//     query parameters, all calling the one shared request path
//     (Client.do, request.go);
//   - internal/ops/ops.gen.go: the operation table the request path and
//     the local API read: method, path, path-parameter patterns, fixed
//     query defaults, accepted scopes, Accept-Version.
//
// Usage: go run ./internal/sdkgen -spec openapi.yaml -root . (run from the
// module root by gen.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

func main() {
	specPath := flag.String("spec", "openapi.yaml", "the OpenAPI document")
	root := flag.String("root", ".", "the module root to write into")
	flag.Parse()
	if err := run(*specPath, *root); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(specPath, root string) error {
	// Two loads: oapi-codegen's generator rewrites the document it is given
	// (operationIds, for one).
	doc, err := util.LoadSwagger(specPath)
	if err != nil {
		return fmt.Errorf("loading %s: %w", specPath, err)
	}
	api, err := readAPI(doc)
	if err != nil {
		return err
	}
	if doc, err = util.LoadSwagger(specPath); err != nil {
		return fmt.Errorf("loading %s: %w", specPath, err)
	}
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
	for path, src := range map[string][]byte{
		filepath.Join(root, "models.gen.go"):                 models,
		filepath.Join(root, "operations.gen.go"):             sdkSrc,
		filepath.Join(root, "internal", "ops", "ops.gen.go"): opsSrc,
	} {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
