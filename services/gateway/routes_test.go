package gateway

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// TestEveryRPCHasARoute checks that every RPC of every OpenMTM service has an
// HTTP rule in proto/openmtm/http.yaml and that the gateway registers the
// service, so no public RPC is unreachable over REST.
func TestEveryRPCHasARoute(t *testing.T) {
	t.Parallel()
	yaml, err := os.ReadFile("../../proto/openmtm/http.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*- selector: (\S+)\s*$`).FindAllStringSubmatch(string(yaml), -1) {
		if rules[m[1]] {
			t.Errorf("http.yaml has two rules for %s", m[1])
		}
		rules[m[1]] = true
	}
	registered := map[string]bool{}
	for _, r := range Routes {
		registered[r.Service] = true
	}

	services := 0
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(fd.Package()), "openmtm.") {
			return true
		}
		for i := 0; i < fd.Services().Len(); i++ {
			sd := fd.Services().Get(i)
			services++
			if !registered[string(sd.FullName())] {
				t.Errorf("gateway.Routes does not register %s", sd.FullName())
			}
			for j := 0; j < sd.Methods().Len(); j++ {
				name := string(sd.Methods().Get(j).FullName())
				if !rules[name] {
					t.Errorf("no HTTP rule for %s in proto/openmtm/http.yaml", name)
				}
				delete(rules, name)
			}
		}
		return true
	})
	if services != len(Routes) {
		t.Errorf("found %d OpenMTM services, Routes has %d", services, len(Routes))
	}
	for sel := range rules {
		t.Errorf("http.yaml rule %s names no RPC", sel)
	}
}
