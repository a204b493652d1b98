package batch

import (
	"sync"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// Member flags: what a member's rows said that is not a fill.
const (
	flagESRD    uint8 = 1 << iota // an ESRD diagnosis in the year, up to the as-of date
	flagInsulin                   // an insulin fill in the year
	flagSacVal                    // a sacubitril/valsartan fill in the year
)

// fillRec is a kept fill in 16 bytes: the day as an offset from 1 January,
// and the class without its pointers.
type fillRec struct {
	day      uint16
	supply   uint16
	drug     adherence.DrugID
	measures adherence.MeasureSet
	_        uint8
	next     uint32 // the member's previous fill, 0 for none
}

// stayRec is a kept inpatient stay.
type stayRec struct {
	admit, discharge civil.Date
	next             uint32
}

// state is what the run keeps per member, besides the member table: the
// heads of its lists of fills and stays, and its flags. Memory grows with
// members and with the fills of the year that a measure counts (a few per
// member per measure), never with the rows read.
//
// Chunks are read on several goroutines; each collects what it keeps and
// adds it under one lock, once per chunk.
type state struct {
	mu    sync.Mutex
	fills elig.Arena[fillRec]
	stays elig.Arena[stayRec]
	heads []uint32 // member → last fill added
	stayH []uint32 // member → last stay added
	flags []uint8
}

func newState(members int) *state {
	return &state{heads: make([]uint32, members), stayH: make([]uint32, members), flags: make([]uint8, members)}
}

// pending is what one chunk keeps, before it is added.
type pending struct {
	fills []pendingFill
	stays []pendingStay
	flags []pendingFlag
}

type pendingFill struct {
	member int32
	rec    fillRec
}

type pendingStay struct {
	member int32
	rec    stayRec
}

type pendingFlag struct {
	member int32
	flag   uint8
}

// commit adds a chunk's records.
func (s *state) commit(p *pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range p.fills {
		f.rec.next = s.heads[f.member]
		i, err := s.fills.Add(f.rec)
		if err != nil {
			return err
		}
		s.heads[f.member] = i
	}
	for _, st := range p.stays {
		st.rec.next = s.stayH[st.member]
		i, err := s.stays.Add(st.rec)
		if err != nil {
			return err
		}
		s.stayH[st.member] = i
	}
	for _, f := range p.flags {
		s.flags[f.member] |= f.flag
	}
	return nil
}

// facts rebuilds member i's facts into f's slices, reusing them. Fills
// get no claim id: nothing the batch writes names one. Read it only once
// every file is read.
func (s *state) facts(i int32, y0 civil.Date, f *adherence.Facts) {
	f.Fills, f.Stays = f.Fills[:0], f.Stays[:0]
	for at := s.heads[i]; at != 0; {
		r := s.fills.At(at)
		f.Fills = append(f.Fills, adherence.Fill{FillDate: y0.AddDays(int(r.day)), DaysSupply: int32(r.supply),
			Class: adherence.Class{Measures: r.measures, Drug: r.drug}})
		at = r.next
	}
	flags := s.flags[i]
	if flags&(flagInsulin|flagSacVal) != 0 {
		// One fill in no measure stands for all of them: only its class
		// is read, to exclude.
		f.Fills = append(f.Fills, adherence.Fill{FillDate: y0, Class: adherence.Class{
			Insulin: flags&flagInsulin != 0, SacubitrilValsartan: flags&flagSacVal != 0}})
	}
	for at := s.stayH[i]; at != 0; {
		r := s.stays.At(at)
		f.Stays = append(f.Stays, adherence.Stay{Admit: r.admit, Discharge: r.discharge})
		at = r.next
	}
	f.ESRD = flags&flagESRD != 0
}
