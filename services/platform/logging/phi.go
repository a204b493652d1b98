package logging

import (
	"strings"
	"unicode"
)

// phiKeys are the attribute names, as lower-case words joined by '_', whose
// values are PHI. "name" is in the list on purpose: an AIP resource name must
// be logged under "resource", never "name", so that a bare name is always
// treated as a person's.
var phiKeys = map[string]bool{
	"name": true, "first_name": true, "last_name": true, "full_name": true,
	"birth_date": true, "dob": true, "date_of_birth": true,
	"mbi": true, "ssn": true, "email": true,
	"phone": true, "phone_number": true,
	"address": true, "street": true, "address_line": true, "postal_code": true, "zip": true,
}

// semconvKeys are OpenTelemetry semantic-convention attributes that end in a
// PHI word but describe infrastructure (a host, a queue, a service). Redacting
// them would blind traces without protecting anyone.
var semconvKeys = map[string]bool{
	"server.address":                          true,
	"client.address":                          true,
	"network.peer.address":                    true,
	"network.local.address":                   true,
	"service.name":                            true,
	"host.name":                               true,
	"messaging.destination.name":              true,
	"messaging.consumer.group.name":           true,
	"messaging.destination.subscription.name": true,
	"db.collection.name":                      true,
	"db.operation.name":                       true,
	"db.system.name":                          true,
	"otel.scope.name":                         true,
	"telemetry.sdk.name":                      true,
}

// IsPHIKey reports whether an attribute with this key holds PHI. The key is
// split into words at '.', '_', '-', spaces and lower-to-upper case changes, so
// "member.first_name", "memberFirstName" and "Member-First-Name" all match
// "first_name"; any trailing run of words may match ("member_name" matches
// "name"). A trailing number is ignored ("phone2", "address_line_1").
func IsPHIKey(key string) bool {
	if semconvKeys[strings.ToLower(key)] {
		return false
	}
	words := splitWords(key)
	for i := range words {
		if phiKeys[strings.Join(words[i:], "_")] {
			return true
		}
	}
	return false
}

// splitWords lower-cases key and splits it into words, dropping a trailing
// number so that numbered variants of a PHI key still match.
func splitWords(key string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range key {
		switch {
		case r == '.' || r == '_' || r == '-' || unicode.IsSpace(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, unicode.ToLower(r))
		default:
			cur = append(cur, unicode.ToLower(r))
		}
		prev = r
	}
	flush()
	if n := len(words); n > 0 {
		last := strings.TrimRightFunc(words[n-1], unicode.IsDigit)
		if last == "" {
			words = words[:n-1]
		} else {
			words[n-1] = last
		}
	}
	return words
}
