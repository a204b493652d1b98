package synth

import "strconv"

// The headers are exactly the formats.md columns, in their documented order.
var (
	membersHeader = []byte("member_id,mbi,contract_id,pbp_id,first_name,last_name,birth_date,sex,language," +
		"postal_code,phone,coverage_start,coverage_end,ltc,dmp_at_risk,hospice\n")
	claimsHeader = []byte("claim_id,member_id,fill_date,generic_name,ndc,days_supply,quantity,total_cost," +
		"pharmacy_npi,prescriber_npi,status\n")
)

// appendMember writes g.p as a members.csv row. The fields that matter to
// no rule (names, language, ZIP, phone, plan) are drawn here.
func (g *gen) appendMember(b []byte) []byte {
	r, p := g.r, &g.p
	b = append(b, g.memberID...)
	b = append(b, ',')
	b = appendMBI(b, p.index, g.shared.mbiKey)
	b = append(b, ',')
	if p.medical {
		b = append(b, g.shared.hContracts[r.IntN(len(g.shared.hContracts))]...)
		b = append(b, ",00"...)
		b = append(b, byte('1'+r.IntN(4)))
	} else {
		b = append(b, g.shared.sContracts[r.IntN(len(g.shared.sContracts))]...)
		b = append(b, ",00"...)
		b = append(b, byte('1'+r.IntN(2)))
	}
	b = append(b, ',')
	first := firstNamesM
	if p.sex == 'F' || (p.sex == 'U' && r.IntN(2) == 0) {
		first = firstNamesF
	}
	b = append(b, first[r.IntN(len(first))]...)
	b = append(b, ',')
	b = append(b, lastStems[r.IntN(len(lastStems))]...)
	b = append(b, lastEnds[r.IntN(len(lastEnds))]...)
	b = append(b, ',')
	b = appendDate(b, p.birth)
	b = append(b, ',', p.sex, ',')
	b = append(b, g.language()...)
	b = append(b, ',')
	b = append(b, zipPrefixes[r.IntN(len(zipPrefixes))]...)
	b = appendPadded(b, int64(r.IntN(100)), 2)
	b = append(b, ',')
	if r.Float64() < pPhone {
		// 555-0100 to 555-0199 are reserved for fictional use in the NANP.
		b = strconv.AppendInt(b, int64(201+r.IntN(788)), 10)
		b = append(b, "-555-01"...)
		b = appendPadded(b, int64(r.IntN(100)), 2)
	}
	b = append(b, ',')
	b = appendDate(b, p.covStart)
	b = append(b, ',')
	if p.hasEnd {
		b = appendDate(b, p.covEnd)
	}
	b = append(b, ',')
	b = appendBool(b, p.ltc)
	b = append(b, ',')
	b = appendBool(b, p.dmp)
	b = append(b, ',')
	b = appendBool(b, p.hospice)
	return append(b, '\n')
}

func (g *gen) language() string {
	x := g.r.IntN(1000)
	for _, l := range languages {
		if x < l.weight {
			return l.code
		}
		x -= l.weight
	}
	return "en"
}

// appendClaims writes g.fills as rx_claims.csv rows: a reversed fill is
// its paid row followed by a reversal row with the same claim_id and
// fields. Claim ids are the member's number and a sequence, so they are
// unique in the file.
func (g *gen) appendClaims(b []byte, st *Stats) []byte {
	for n, key := range g.order {
		f := &g.fills[uint32(key)]
		start := len(b)
		b = append(b, 'C')
		b = append(b, g.memberID[1:]...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(n+1), 10)
		b = append(b, ',')
		b = append(b, g.memberID...)
		b = append(b, ',')
		b = g.appendDay(b, f.date)
		b = append(b, ',')
		b = append(b, g.cat.drugs[f.drug].name...)
		b = append(b, ",,"...) // ndc: blank, generic_name is always given
		b = strconv.AppendInt(b, int64(f.days), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(f.qty), 10)
		b = append(b, ',')
		b = appendCents(b, f.cents)
		b = append(b, ',')
		b = append(b, g.shared.pharmacies[f.pharmacy]...)
		b = append(b, ',')
		b = append(b, g.shared.prescribers[f.prescriber]...)
		b = append(b, ",paid\n"...)
		st.Claims++
		if f.reversed {
			// Same fields, status reversed: copy the row up to its status.
			row := b[start : len(b)-len("paid\n")]
			b = append(b, row...)
			b = append(b, "reversed\n"...)
			st.Claims++
			st.Reversals++
		}
	}
	return b
}
