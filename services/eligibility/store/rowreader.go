package store

import (
	"bytes"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// rowReader turns the repeating columns of a batch's rows into values
// without allocating for each row: rows come in member order, and dates and
// names repeat.
type rowReader struct {
	lastMember string
	lastIndex  int
	lastOK     bool
	dates      map[string]civil.Date
	names      map[string]string
}

// member finds the batch index of the member a row belongs to.
func (r *rowReader) member(raw sql.RawBytes, index map[string]int) (int, bool) {
	if r.lastMember == "" || string(raw) != r.lastMember {
		r.lastMember = string(raw)
		r.lastIndex, r.lastOK = index[r.lastMember]
	}
	return r.lastIndex, r.lastOK
}

// claim reads "claim_id fill_date total_cost generic_name".
func (r *rowReader) claim(raw sql.RawBytes) (domain.Claim, error) {
	id, rest, ok1 := bytes.Cut(raw, []byte{' '})
	fill, rest, ok2 := bytes.Cut(rest, []byte{' '})
	cost, name, ok3 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 || !ok3 {
		return domain.Claim{}, fmt.Errorf("claim row %q is not id, date, cost and name", id)
	}
	c := domain.Claim{ClaimID: string(id), GenericName: r.intern(name)}
	var err error
	if c.FillDate, err = r.date(fill); err != nil {
		return c, err
	}
	if c.TotalCost, err = strconv.ParseInt(string(cost), 10, 64); err != nil {
		return c, fmt.Errorf("claim %s total_cost: %w", c.ClaimID, err)
	}
	return c, nil
}

// fullClaim reads "claim_id fill_date days_supply total_cost reversed ndc
// pharmacy_npi prescriber_npi generic_name" (reversed 0 or 1; the NDC and
// NPIs may be empty).
func (r *rowReader) fullClaim(raw sql.RawBytes) (domain.Claim, error) {
	var f [8][]byte
	rest := []byte(raw)
	for i := range f {
		var ok bool
		if f[i], rest, ok = bytes.Cut(rest, []byte{' '}); !ok {
			return domain.Claim{}, fmt.Errorf("a claim row has %d fields, want 9", i+1)
		}
	}
	c := domain.Claim{ClaimID: string(f[0]), Reversed: string(f[4]) == "1", NDC: r.intern(f[5]),
		PharmacyNPI: r.intern(f[6]), PrescriberNPI: r.intern(f[7]), GenericName: r.intern(rest)}
	days, err := strconv.ParseInt(string(f[2]), 10, 32)
	if err != nil {
		return c, fmt.Errorf("claim %s days_supply: %w", c.ClaimID, err)
	}
	c.DaysSupply = int32(days)
	if c.TotalCost, err = strconv.ParseInt(string(f[3]), 10, 64); err != nil {
		return c, fmt.Errorf("claim %s total_cost: %w", c.ClaimID, err)
	}
	c.FillDate, err = r.date(f[1])
	return c, err
}

func (r *rowReader) date(raw []byte) (civil.Date, error) {
	if d, ok := r.dates[string(raw)]; ok {
		return d, nil
	}
	d, err := civil.Parse(string(raw))
	if err != nil {
		return 0, err
	}
	if r.dates == nil {
		r.dates = make(map[string]civil.Date, 400)
	}
	r.dates[string(raw)] = d
	return d, nil
}

func (r *rowReader) intern(raw []byte) string {
	if s, ok := r.names[string(raw)]; ok {
		return s
	}
	if r.names == nil {
		r.names = make(map[string]string, 256)
	}
	s := string(raw)
	r.names[s] = s
	return s
}
