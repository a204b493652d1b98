// Package records reads members' clinical records from the eligibility
// service, the system of record, over gRPC (StreamMemberRecords): the
// adapter behind app.Records.
package records

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/assess"
)

// MaxIDs is how many members one StreamMemberRecords call may name.
const MaxIDs = 1000

// Client reads records from eligibility.
type Client struct {
	c eligibilityv1.EligibilityServiceClient
}

// New returns a Client over a connection to eligibility.
func New(conn grpc.ClientConnInterface) *Client {
	return &Client{c: eligibilityv1.NewEligibilityServiceClient(conn)}
}

// Read implements app.Records.
func (c *Client) Read(ctx context.Context, planID string, ids []string, since civil.Date, fn func(assess.Record) error) error {
	for {
		batch := ids[:min(len(ids), MaxIDs)]
		if err := c.read(ctx, planID, batch, since, fn); err != nil {
			return err
		}
		ids = ids[len(batch):]
		if len(ids) == 0 {
			return nil
		}
	}
}

func (c *Client) read(ctx context.Context, planID string, ids []string, since civil.Date, fn func(assess.Record) error) error {
	req := &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/" + planID, MemberIds: ids}
	if since != 0 {
		req.Since = pbconv.Date(since)
	}
	stream, err := c.c.StreamMemberRecords(ctx, req)
	if err != nil {
		return peerError(err)
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return peerError(err)
		}
		rec, err := fromProto(planID, msg)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// peerError keeps eligibility's own codes out of targeting's answers: an
// outage is Unavailable (an event is retried), anything else internal.
func peerError(err error) error {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return errs.Unavailable("eligibility is unavailable; try again").Wrap(err)
	case codes.Canceled:
		return context.Canceled
	}
	return fmt.Errorf("read member records from eligibility: %v", status.Convert(err).Message())
}

// fromProto converts one record to what the assessment reads.
func fromProto(planID string, r *eligibilityv1.MemberRecord) (assess.Record, error) {
	var bad error
	date := func(d *typev1.Date) civil.Date {
		v, err := civil.Parse(pbconv.DateText(d))
		if err != nil && bad == nil {
			bad = fmt.Errorf("eligibility sent a bad date: %w", err)
		}
		return v
	}
	m := r.GetMember()
	rec := assess.Record{Member: edomain.Member{
		PlanID: planID, MemberID: m.GetMemberId(), BirthDate: date(m.GetBirthDate()), Hospice: m.GetHospice(),
	}}
	if end := m.GetCoverage().GetEnd(); end != nil {
		d := date(end)
		rec.Member.CoverageEnd = &d
	}
	rec.Claims = make([]edomain.Claim, 0, len(r.GetClaims()))
	for _, c := range r.GetClaims() {
		rec.Claims = append(rec.Claims, edomain.Claim{
			PlanID: planID, ClaimID: c.GetClaimId(), MemberID: rec.Member.MemberID, FillDate: date(c.GetFillDate()),
			GenericName: c.GetGenericName(), NDC: c.GetNdc(), DaysSupply: c.GetDaysSupply(), Quantity: c.GetQuantity(),
			TotalCost: c.GetTotalCost().GetCents(), PharmacyNPI: c.GetPharmacyNpi(), PrescriberNPI: c.GetPrescriberNpi(),
			Reversed: c.GetStatus() == eligibilityv1.ClaimStatus_CLAIM_STATUS_REVERSED,
		})
	}
	for _, d := range r.GetDiagnoses() {
		rec.Diagnoses = append(rec.Diagnoses, edomain.Diagnosis{PlanID: planID, MemberID: rec.Member.MemberID,
			ICD10: d.GetIcd10(), ServiceDate: date(d.GetServiceDate())})
	}
	for _, s := range r.GetInpatientStays() {
		rec.Stays = append(rec.Stays, adherence.Stay{Admit: date(s.GetAdmitDate()), Discharge: date(s.GetDischargeDate())})
	}
	return rec, bad
}
