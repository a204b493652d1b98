package grpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/grpcserver"
	"github.com/openmtm/openmtm/services/platform/logging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// keys is a Verifier over fixed bearer tokens.
type keys map[string]auth.Identity

func (k keys) Verify(_ context.Context, bearer string) (auth.Identity, error) {
	if id, ok := k[bearer]; ok {
		return id, nil
	}
	return auth.Identity{}, errs.Unauthenticated("unknown key")
}

var testKeys = keys{
	"admin":      {KeyID: "a", Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAdmin}},
	"analyst":    {KeyID: "b", Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAnalyst}},
	"pharmacist": {KeyID: "c", Tenant: "plans/acme", Roles: []auth.Role{auth.RolePharmacist}},
	"other":      {KeyID: "d", Tenant: "plans/other", Roles: []auth.Role{auth.RoleAdmin}},
	"operator":   {KeyID: "e", Tenant: "operators/suite", Roles: []auth.Role{auth.RoleOperator}},
}

// dial serves the eligibility API on loopback, behind the platform's
// interceptors (error mapping, authentication), and returns a client.
func dial(t testing.TB) eligibilityv1.EligibilityServiceClient {
	t.Helper()
	srv := grpcserver.New(logging.New(io.Discard, 0),
		grpcserver.WithUnaryInterceptors(auth.UnaryServerInterceptor(testKeys, nil)),
		grpcserver.WithStreamInterceptors(auth.StreamServerInterceptor(testKeys, nil)))
	eligibilityv1.RegisterEligibilityServiceServer(srv.GRPC(), newServer(t))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return eligibilityv1.NewEligibilityServiceClient(conn)
}

func key(name string) context.Context { return auth.WithBearer(context.Background(), name) }

// upload sends a CSV file to an import RPC in chunks of up to 64 KiB, the
// first one split in two so that every upload spans messages.
func upload(t testing.TB, open func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error),
	csv string) (*eligibilityv1.ImportSummary, error) {
	t.Helper()
	stream, err := open(key("admin"))
	if err != nil {
		t.Fatal(err)
	}
	msg := &eligibilityv1.ImportRequest{Parent: "plans/acme"}
	for n := min(len(csv)/2, 64<<10); len(csv) > 0; n = min(len(csv), 64<<10) {
		msg.Data, csv = []byte(csv[:n]), csv[n:]
		if err := stream.Send(msg); err != nil && !errors.Is(err, io.EOF) {
			t.Fatal(err)
		}
		msg = &eligibilityv1.ImportRequest{}
	}
	return stream.CloseAndRecv()
}

// violations returns the code of err's status and its fields in violation.
func violations(err error) (codes.Code, []string) {
	st := status.Convert(err)
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return st.Code(), fields
}

func TestInpatientStaysAndMemberRecords(t *testing.T) {
	t.Parallel()
	c := dial(t)
	for _, id := range []string{"M1", "M2", "M3"} {
		if _, err := c.UpsertMember(key("admin"), &eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember(id)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		name string
		open func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error)
		csv  string
	}{
		{"claims", c.ImportClaims, "claim_id,member_id,fill_date,generic_name,days_supply,total_cost,status\n" +
			"C1,M1,2025-02-01,metformin,30,4.00,paid\nC2,M1,2025-01-01,lisinopril,30,3.00,paid\n" +
			"C2,M1,2025-01-01,lisinopril,30,3.00,reversed\nC3,M3,2025-03-01,atorvastatin,90,9.00,\n"},
		{"diagnoses", c.ImportDiagnoses, "member_id,icd10,service_date\nM1,E11.9,2025-01-20\n"},
		{"stays", c.ImportInpatientStays, "member_id,admit_date,discharge_date\nM1,2025-01-10,2025-01-14\nM1,2025-03-01,2025-03-02\n"},
	} {
		if sum, err := upload(t, f.open, f.csv); err != nil || sum.GetRowsStored() == 0 {
			t.Fatalf("import %s: %v, %v", f.name, sum, err)
		}
	}

	// A stay discharged before its admission rejects the file, naming
	// file, line and column.
	_, err := upload(t, c.ImportInpatientStays, "member_id,admit_date,discharge_date\nM2,2025-01-10,2025-01-09\n")
	if code, fields := violations(err); code != codes.InvalidArgument || !cmp.Equal(fields, []string{"inpatient_stays.csv:2:discharge_date"}) {
		t.Errorf("bad stay: %v %v (%v)", code, fields, err)
	}

	stays, err := c.ListInpatientStays(key("analyst"), &eligibilityv1.ListInpatientStaysRequest{Parent: "plans/acme/members/M1"})
	if err != nil {
		t.Fatal(err)
	}
	want := &eligibilityv1.ListInpatientStaysResponse{InpatientStays: []*eligibilityv1.InpatientStay{
		{AdmitDate: date(2025, 3, 1), DischargeDate: date(2025, 3, 2)},
		{AdmitDate: date(2025, 1, 10), DischargeDate: date(2025, 1, 14)},
	}}
	if diff := cmp.Diff(want, stays, protocmp.Transform()); diff != "" {
		t.Errorf("ListInpatientStays (-want +got):\n%s", diff)
	}
	if _, err := c.ListInpatientStays(key("analyst"), &eligibilityv1.ListInpatientStaysRequest{Parent: "plans/acme/members/M9"}); status.Code(err) != codes.NotFound {
		t.Errorf("stays of an unknown member: %v, want NotFound", err)
	}

	read := func(ctx context.Context, req *eligibilityv1.StreamMemberRecordsRequest) ([]*eligibilityv1.MemberRecord, error) {
		stream, err := c.StreamMemberRecords(ctx, req)
		if err != nil {
			return nil, err
		}
		var out []*eligibilityv1.MemberRecord
		for {
			r, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
	}
	summary := func(recs []*eligibilityv1.MemberRecord) []string {
		var out []string
		for _, r := range recs {
			s := r.GetMember().GetMemberId() + ":"
			for _, cl := range r.GetClaims() {
				s += " " + strings.TrimPrefix(cl.GetName(), "plans/acme/members/") + "=" + cl.GetStatus().String()
			}
			for _, d := range r.GetDiagnoses() {
				s += " dx " + d.GetIcd10()
			}
			for _, st := range r.GetInpatientStays() {
				s += " stay from " + pbconv.DateText(st.GetAdmitDate())
			}
			out = append(out, s)
		}
		return out
	}

	// The whole plan, for an analyst or an operator: every member in id
	// order, reversed claims included, oldest first.
	wantAll := []string{
		"M1: M1/claims/C2=CLAIM_STATUS_REVERSED M1/claims/C1=CLAIM_STATUS_PAID dx E119 stay from 2025-01-10 stay from 2025-03-01",
		"M2:",
		"M3: M3/claims/C3=CLAIM_STATUS_PAID",
	}
	for _, who := range []string{"analyst", "operator"} {
		recs, err := read(key(who), &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/acme"})
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		if diff := cmp.Diff(wantAll, summary(recs)); diff != "" {
			t.Errorf("%s: records (-want +got):\n%s", who, diff)
		}
	}

	// Named members since a date: unknown ones skipped, older records left
	// out, a stay ending after the date kept.
	recs, err := read(key("analyst"), &eligibilityv1.StreamMemberRecordsRequest{
		Parent: "plans/acme", MemberIds: []string{"M3", "M9", "M1"}, Since: date(2025, 1, 12)})
	if err != nil {
		t.Fatal(err)
	}
	wantSince := []string{
		"M1: M1/claims/C1=CLAIM_STATUS_PAID dx E119 stay from 2025-01-10 stay from 2025-03-01",
		"M3: M3/claims/C3=CLAIM_STATUS_PAID",
	}
	if diff := cmp.Diff(wantSince, summary(recs)); diff != "" {
		t.Errorf("named members since 2025-01-12 (-want +got):\n%s", diff)
	}
	if r := recs[0]; r.GetMember().GetFirstName() != "Ada" || r.GetClaims()[0].GetTotalCost().GetCents() != 400 {
		t.Errorf("record lacks the member or claim details: %v", r)
	}

	tests := []struct {
		name   string
		who    string
		req    *eligibilityv1.StreamMemberRecordsRequest
		code   codes.Code
		fields []string
	}{
		{"another plan", "other", &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/acme"}, codes.NotFound, nil},
		{"no reading role", "pharmacist", &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/acme"}, codes.PermissionDenied, nil},
		{"bad parent", "analyst", &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/acme/members/M1"}, codes.InvalidArgument, []string{"parent"}},
		{"bad member ids and since", "analyst", &eligibilityv1.StreamMemberRecordsRequest{
			Parent: "plans/acme", MemberIds: []string{"M1", "M/1"}, Since: date(2025, 2, 30)},
			codes.InvalidArgument, []string{"member_ids[1]", "since"}},
		{"too many member ids", "analyst", &eligibilityv1.StreamMemberRecordsRequest{
			Parent: "plans/acme", MemberIds: make([]string, 1001)}, codes.InvalidArgument, []string{"member_ids"}},
	}
	for _, tt := range tests {
		_, err := read(key(tt.who), tt.req)
		if code, fields := violations(err); code != tt.code || !cmp.Equal(fields, tt.fields) {
			t.Errorf("%s: %v %v, want %v %v (%v)", tt.name, code, fields, tt.code, tt.fields, err)
		}
	}
}
