package gateway

import (
	"encoding/json"
	"fmt"

	"github.com/openmtm/openmtm/gen"
)

// openAPI is the generated document plus the routes the gateway serves by
// hand (the CSV uploads), so a plan's engineers find them where they look.
func openAPI() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(gen.OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("gateway: generated OpenAPI document: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if paths == nil {
		return nil, fmt.Errorf("gateway: generated OpenAPI document has no paths")
	}
	for _, imp := range csvImports {
		paths[imp.path] = map[string]any{"post": map[string]any{
			"summary":     "Upload " + imp.file + " (" + imp.spec + "), streamed",
			"description": "The body is the CSV file itself. The file is stored whole or not at all unless skip_bad_rows; errors name file, line and column.",
			"operationId": "EligibilityService_" + imp.method + "CSV",
			"tags":        []string{"EligibilityService"},
			"consumes":    []string{"text/csv"},
			"parameters": []any{
				map[string]any{"name": "plan", "in": "path", "required": true, "type": "string"},
				map[string]any{"name": "skip_bad_rows", "in": "query", "type": "boolean"},
				map[string]any{"name": "file_name", "in": "query", "type": "string", "description": "name used in error messages"},
				map[string]any{"name": "body", "in": "body", "required": true, "schema": map[string]any{"type": "string", "format": "binary"}},
			},
			"responses": map[string]any{
				"200":     map[string]any{"description": "what the import read and stored", "schema": map[string]any{"$ref": "#/definitions/v1ImportSummary"}},
				"default": map[string]any{"description": "an error", "schema": map[string]any{"$ref": "#/definitions/rpcStatus"}},
			},
		}}
	}
	return json.Marshal(doc)
}
