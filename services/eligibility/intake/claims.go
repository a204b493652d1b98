package intake

import (
	"io"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// Claims reads rx_claims.csv from r and calls fn with every good row, in
// file order, as domain.NewClaim builds it for plan planID; ndc resolves the
// generic name of rows that give only an NDC (nil: no resolution). The
// generic_name column is required unless the file has an ndc column. See
// Options for bad rows; an error of fn stops the read and is returned
// wrapped with the file and line.
func Claims(r io.Reader, planID string, ndc domain.NDCResolver, opts Options, fn func(line int64, c domain.Claim) error) (Summary, error) {
	return read(r, "rx_claims.csv", opts, func(h header) layout[domain.Claim] {
		var (
			claimID, memberID, fillDate = h.col("claim_id"), h.col("member_id"), h.col("fill_date")
			generic, ndcCol, daysSupply = h.col("generic_name"), h.col("ndc"), h.col("days_supply")
			quantity, totalCost, status = h.col("quantity"), h.col("total_cost"), h.col("status")
			pharmacyNPI, prescriberNPI  = h.col("pharmacy_npi"), h.col("prescriber_npi")
			required                    = []string{"claim_id", "member_id", "fill_date", "days_supply", "total_cost"}
		)
		if ndcCol < 0 {
			required = append(required, "generic_name")
		}
		build := func(rec []string) (domain.Claim, error) {
			return domain.NewClaim(planID, domain.ClaimInput{
				ClaimID: field(rec, claimID), MemberID: field(rec, memberID), FillDate: field(rec, fillDate),
				GenericName: field(rec, generic), NDC: field(rec, ndcCol),
				DaysSupply: field(rec, daysSupply), Quantity: field(rec, quantity), TotalCost: field(rec, totalCost),
				PharmacyNPI: field(rec, pharmacyNPI), PrescriberNPI: field(rec, prescriberNPI), Status: field(rec, status),
			}, ndc)
		}
		return layout[domain.Claim]{required: required, build: build}
	}, fn)
}
