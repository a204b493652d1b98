// Package gen holds the code generated from proto/ by scripts/gen.sh, and the
// merged OpenAPI v2 document the gateway serves. Do not edit generated files.
package gen

import _ "embed"

// OpenAPI is the merged OpenAPI v2 (Swagger) document of every public RPC.
//
//go:embed openapi/openmtm.swagger.json
var OpenAPI []byte
