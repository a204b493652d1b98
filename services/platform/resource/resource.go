// Package resource parses Google AIP resource names such as
// "plans/acme/members/M001" against patterns such as
// "plans/{plan}/members/{member}".
package resource

import (
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// Parse matches name against pattern and returns the values of its
// {variables} in order. A mismatch is an errs.Invalid naming field.
func Parse(field, pattern, name string) ([]string, error) {
	ps := strings.Split(pattern, "/")
	ns := strings.Split(name, "/")
	if len(ps) != len(ns) {
		return nil, errs.Invalid(errs.Field(field, "must look like "+pattern))
	}
	var vals []string
	for i, p := range ps {
		switch {
		case strings.HasPrefix(p, "{"):
			if !validID(ns[i]) {
				return nil, errs.Invalid(errs.Field(field, "must look like "+pattern+" (ids: letters, digits, '-', '_', '.')"))
			}
			vals = append(vals, ns[i])
		case p != ns[i]:
			return nil, errs.Invalid(errs.Field(field, "must look like "+pattern))
		}
	}
	return vals, nil
}

// Tenant returns the tenant part of a resource name: its first two segments.
func Tenant(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 {
		return name
	}
	return parts[0] + "/" + parts[1]
}

func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
