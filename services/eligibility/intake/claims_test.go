package intake_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

func TestClaimsGoodFile(t *testing.T) {
	t.Parallel()
	// Columns reordered, an unknown quoted column spanning lines, a blank
	// generic name resolved through the NDC reference, a reversal.
	in := "status,ndc,total_cost,generic_name,fill_date,note,claim_id,days_supply,member_id,quantity,pharmacy_npi,prescriber_npi\n" +
		",,12.50,Amlodipine/Benazepril,2025-03-01,\"a, b\",C1,30,M001,30,1234567893,\n" +
		"paid,00093-7180-56,4,,2025-03-02,\"line\nbreak\",C2,90,M001,,,1234567893\n" +
		"reversed,,12.50,amlodipine / benazepril,2025-03-01,,C1,30,M001,30,,\n"
	ndc := fakeNDC{"00093718056": "lisinopril"}
	c1 := domain.Claim{PlanID: plan, ClaimID: "C1", MemberID: "M001", FillDate: date("2025-03-01"),
		GenericName: "amlodipine / benazepril", DaysSupply: 30, Quantity: 30, TotalCost: 1250, PharmacyNPI: "1234567893"}
	c2 := domain.Claim{PlanID: plan, ClaimID: "C2", MemberID: "M001", FillDate: date("2025-03-02"),
		GenericName: "lisinopril", NDC: "00093718056", DaysSupply: 90, TotalCost: 400, PrescriberNPI: "1234567893"}
	c3 := c1
	c3.PharmacyNPI, c3.Reversed = "", true
	want := result[domain.Claim]{
		Rows:    []row[domain.Claim]{{2, c1}, {3, c2}, {5, c3}},
		Summary: intake.Summary{Rows: 3},
	}
	if diff := cmp.Diff(want, readClaims(in, ndc, intake.Options{})); diff != "" {
		t.Errorf("Claims (-want +got):\n%s", diff)
	}
}

func TestClaimsGenericNameColumn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     result[domain.Claim]
	}{
		{
			name: "an ndc column makes generic_name optional",
			in:   "claim_id,member_id,fill_date,ndc,days_supply,total_cost\nC1,M1,2025-01-02,00093718056,30,1\n",
			want: result[domain.Claim]{
				Rows: []row[domain.Claim]{{2, domain.Claim{PlanID: plan, ClaimID: "C1", MemberID: "M1", FillDate: date("2025-01-02"),
					GenericName: "lisinopril", NDC: "00093718056", DaysSupply: 30, TotalCost: 100}}},
				Summary: intake.Summary{Rows: 1},
			},
		},
		{
			name: "without ndc, generic_name is required",
			in:   "claim_id,member_id,fill_date,days_supply,total_cost\nC1,M1,2025-01-02,30,1\n",
			want: result[domain.Claim]{
				Summary: intake.Summary{Errors: []intake.RowError{{File: "rx_claims.csv", Line: 1, Column: "generic_name", Problem: "required column is missing"}}},
				Err:     rejected(intake.RowError{File: "rx_claims.csv", Line: 1, Column: "generic_name", Problem: "required column is missing"}),
			},
		},
		{
			name: "an NDC the reference lacks",
			in:   "claim_id,member_id,fill_date,ndc,days_supply,total_cost\nC1,M1,2025-01-02,00000000000,30,1\n",
			want: result[domain.Claim]{
				Summary: intake.Summary{Rows: 1, Errors: []intake.RowError{{File: "rx_claims.csv", Line: 2, Column: "generic_name",
					Problem: "is required unless ndc resolves through the drug reference"}}},
				Err: rejected(intake.RowError{File: "rx_claims.csv", Line: 2, Column: "generic_name",
					Problem: "is required unless ndc resolves through the drug reference"}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readClaims(tt.in, fakeNDC{"00093718056": "lisinopril"}, intake.Options{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Claims (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClaimsBadRows(t *testing.T) {
	t.Parallel()
	const header = "claim_id,member_id,fill_date,generic_name,ndc,days_supply,quantity,total_cost,pharmacy_npi,prescriber_npi,status\n"
	re := func(col, problem string) intake.RowError {
		return intake.RowError{File: "rx.csv", Line: 2, Column: col, Problem: problem}
	}
	tests := []struct {
		name, row string
		want      []intake.RowError
	}{
		{"missing claim id", ",M1,2025-01-02,lisinopril,,30,,1,,,\n", []intake.RowError{re("claim_id", "is required")}},
		{"bad fill date", "C1,M1,01/02/2025,lisinopril,,30,,1,,,\n", []intake.RowError{re("fill_date", "want a date as YYYY-MM-DD")}},
		{"zero days supply", "C1,M1,2025-01-02,lisinopril,,0,,1,,,\n",
			[]intake.RowError{re("days_supply", "must be a whole number of days from 1 to 365")}},
		{"cost with 3 decimals", "C1,M1,2025-01-02,lisinopril,,30,,1.005,,,\n",
			[]intake.RowError{re("total_cost", "must be a decimal amount in USD with at most 2 decimals, e.g. 12.50")}},
		{"short NDC", "C1,M1,2025-01-02,lisinopril,1234,30,,1,,,\n", []intake.RowError{re("ndc", "must be an 11-digit NDC")}},
		{"negative quantity", "C1,M1,2025-01-02,lisinopril,,30,-1,1,,,\n", []intake.RowError{re("quantity", "must be a non-negative number")}},
		{"bad NPIs", "C1,M1,2025-01-02,lisinopril,,30,,1,1234567890,123,\n", []intake.RowError{
			re("pharmacy_npi", "must be a 10-digit NPI with a valid check digit"),
			re("prescriber_npi", "must be a 10-digit NPI with a valid check digit"),
		}},
		{"bad status", "C1,M1,2025-01-02,lisinopril,,30,,1,,,void\n", []intake.RowError{re("status", "must be paid or reversed")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readClaims(header+tt.row, nil, intake.Options{File: "rx.csv"})
			want := result[domain.Claim]{Summary: intake.Summary{Rows: 1, Errors: tt.want}, Err: rejected(tt.want[0])}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Claims (-want +got):\n%s", diff)
			}
		})
	}
}
