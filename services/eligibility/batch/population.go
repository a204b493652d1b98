package batch

import (
	"hash/maphash"
	"sync"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// planID is the plan the batch's records belong to: the files carry no
// plan column and nothing the batch writes names one.
const planID = "batch"

// population is every member of members.csv in input order, with a facts
// builder each and an index from member id to position.
//
// It is built to be cheap for the garbage collector, which otherwise
// re-traces a million members on every cycle while claim rows stream
// through: members are plain values, their ids live back to back in one
// byte slice, and the index is a table of integers. Only the builders hold
// pointers. Builders are guarded by striped locks, so that the chunks of a
// file feed them from several goroutines.
type population struct {
	ids      []byte // every member id, back to back
	members  []member
	index    idIndex
	builders []domain.FactsBuilder
	locks    [256]sync.Mutex
}

// member is what evaluation reads of a members.csv row, in 24 bytes: a
// domain.Member keeps every column (names, MBI, phone: PHI the batch has
// no use for), in ten times as much.
type member struct {
	idAt              uint32 // the id is ids[idAt : idAt+idLen]
	idLen             uint8  // member ids are at most 64 bytes
	ended             bool   // coverage has an end date
	ltc, dmp, hospice bool
	birth, start, end civil.Date
}

// id returns member i's id.
func (pop *population) id(i int32) string {
	m := &pop.members[i]
	return string(pop.ids[m.idAt : m.idAt+uint32(m.idLen)])
}

// is reports whether member i has id, without allocating.
func (pop *population) is(i int32, id string) bool {
	m := &pop.members[i]
	return string(pop.ids[m.idAt:m.idAt+uint32(m.idLen)]) == id
}

// domain returns member i as domain.Evaluate takes it, with the fields
// evaluation reads: id, birth date, coverage and the three flags.
func (pop *population) domain(i int32) domain.Member {
	m := &pop.members[i]
	d := domain.Member{PlanID: planID, MemberID: pop.id(i), BirthDate: m.birth, CoverageStart: m.start,
		LTC: m.ltc, DMPAtRisk: m.dmp, Hospice: m.hospice}
	if m.ended {
		end := m.end
		d.CoverageEnd = &end
	}
	return d
}

// idIndex maps member ids to positions: open addressing over a table of
// integers, each slot the id hash's top 32 bits and the position plus one
// (0: empty), so that a lookup rarely reads an id to compare.
type idIndex struct {
	seed  maphash.Seed
	slots []uint64
	mask  uint64
}

func newIDIndex(n int) idIndex {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return idIndex{seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: uint64(size - 1)}
}

// find returns the position of the member with id.
func (pop *population) find(id string) (int32, bool) {
	x := &pop.index
	h := maphash.String(x.seed, id)
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		v := x.slots[s]
		if v == 0 {
			return 0, false
		}
		if i := int32(uint32(v)) - 1; v>>32 == h>>32 && pop.is(i, id) {
			return i, true
		}
	}
}

// add indexes member i under its id; when another member has that id
// already it returns that member's position and false.
func (pop *population) add(i int32) (int32, bool) {
	x := &pop.index
	id := pop.id(i)
	h := maphash.String(x.seed, id)
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		v := x.slots[s]
		if v == 0 {
			x.slots[s] = h>>32<<32 | uint64(uint32(i+1))
			return i, true
		}
		if j := int32(uint32(v)) - 1; v>>32 == h>>32 && pop.is(j, id) {
			return j, false
		}
	}
}

// lookup finds members by id for one goroutine, trying first the member it
// found last and the one after: claims and diagnoses files are usually
// sorted like members.csv, and two string comparisons cost less than a
// lookup in a table that does not fit in the processor's caches.
type lookup struct {
	id    string
	i     int32
	known bool
}

func (l *lookup) find(pop *population, id string) (int32, bool) {
	switch {
	case id == l.id && l.id != "":
	case l.known && int(l.i)+1 < len(pop.members) && pop.is(l.i+1, id):
		l.id, l.i = id, l.i+1
	default:
		l.i, l.known = pop.find(id)
		l.id = id
	}
	return l.i, l.known
}
