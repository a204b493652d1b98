package batch

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// claimRec is a kept claim in 16 bytes. Its row's byte offset stands in
// for its claim id (read back only for the claims findings name), and its
// generic name is a number in the run's dictionary of names.
type claimRec struct {
	ago    uint16 // days from the fill date to the as-of date
	supply uint16 // days of supply: at most 365
	next   uint32 // the member's claim before it in the file, 0 for none
	row    uint64 // the row's offset << nameBits | its generic name
}

// nameBits is the share of claimRec.row that numbers the generic name:
// 16M names, where a plan's files name a few thousand products, and 1 TiB
// of claims file.
const (
	nameBits  = 24
	maxNames  = 1<<nameBits - 1
	maxOffset = 1<<(64-nameBits) - 1
)

// dxRec is a kept diagnosis: one whose code a rule looks for.
type dxRec struct {
	ago  uint16
	code uint32 // in the run's dictionary of codes
	next uint32
}

// nameInfo is what the run needs to know of a generic name.
type nameInfo struct {
	// screened is set when an ingredient is in the drug reference: the
	// screener ignores claims of names it cannot resolve.
	screened bool
	// class is the name's adherence class; Relevant when a PDC reads it.
	class adherence.Class
}

// newNames returns the dictionary of generic names.
func newNames(drugs *reference.Drugs, classify *adherence.Classifier) *dict[nameInfo] {
	return newDict("generic names", maxNames, func(name string) nameInfo {
		known := slices.ContainsFunc(domain.SplitIngredients(name), func(ing string) bool {
			_, ok := drugs.Lookup(ing)
			return ok
		})
		return nameInfo{screened: known, class: classify.Classify(name)}
	})
}

// newCodes returns the dictionary of ICD-10 codes, each with whether a
// rule looks for it.
func newCodes(prefixes []string) *dict[bool] {
	return newDict("ICD-10 codes", 1<<32-1, func(code string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(code, p) })
	})
}

// dict numbers the distinct values of a column (generic names, ICD-10
// codes), which are few however many rows repeat them, and works out once
// per value what the run needs to know of it. It is safe for concurrent
// use; a chunk reads it through a cache of its own.
type dict[T any] struct {
	mu    sync.Mutex
	ids   map[string]uint32
	words []string
	info  []T
	what  string // the values, in messages
	max   int
	learn func(string) T
}

func newDict[T any](what string, max int, learn func(string) T) *dict[T] {
	return &dict[T]{ids: map[string]uint32{}, what: what, max: max, learn: learn}
}

// add returns the number and facts of word, numbering it if it is new.
func (d *dict[T]) add(word string) (uint32, T, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[word]; ok {
		return id, d.info[id], nil
	}
	if len(d.words) >= d.max {
		var zero T
		return 0, zero, fmt.Errorf("more than %d distinct %s: too many for one run", d.max, d.what)
	}
	id := uint32(len(d.words))
	info := d.learn(word)
	d.ids[word] = id
	d.words, d.info = append(d.words, word), append(d.info, info)
	return id, info, nil
}

// word returns the value numbered id; read it once every file is read.
func (d *dict[T]) word(id uint32) string { return d.words[id] }

// facts returns what is known of the value numbered id; read it once
// every file is read.
func (d *dict[T]) facts(id uint32) T { return d.info[id] }

// cache is one chunk's view of a dict: most rows find their value in it
// without taking the dict's lock.
type cache[T any] struct {
	d    *dict[T]
	seen map[string]cached[T]
}

type cached[T any] struct {
	id   uint32
	info T
}

func (d *dict[T]) cache() *cache[T] { return &cache[T]{d: d, seen: map[string]cached[T]{}} }

func (c *cache[T]) get(word string) (uint32, T, error) {
	if e, ok := c.seen[word]; ok {
		return e.id, e.info, nil
	}
	id, info, err := c.d.add(word)
	if err == nil {
		c.seen[word] = cached[T]{id, info}
	}
	return id, info, err
}

// state is what the run keeps per member, besides the member table: the
// heads of its lists of claims and diagnoses, and an ESRD flag.
//
// Chunks are read on several goroutines, each collecting what it keeps;
// their collections are added in file order, so that a member's list,
// walked back from its head, gives its rows in reverse file order. The
// screener's results depend on that order (same-day claims are taken in
// input order, and a rule's evidence diagnosis is the first in input
// order), and the service hands it records in file order.
type state struct {
	claims   elig.Arena[claimRec]
	dx       elig.Arena[dxRec]
	claimsOf []uint32 // member → last claim added
	dxOf     []uint32 // member → last diagnosis added
	esrd     []bool   // an ESRD diagnosis in the measurement year, by the as-of date

	// header is rx_claims.csv's header, to read claim ids back by.
	header []byte

	mu      sync.Mutex
	next    int              // the next chunk to add
	waiting map[int]*pending // chunks read before an earlier one
}

func newState(members int) *state {
	return &state{claimsOf: make([]uint32, members), dxOf: make([]uint32, members), esrd: make([]bool, members),
		waiting: map[int]*pending{}}
}

// pending is what one chunk keeps, before it is added.
type pending struct {
	claims []pendingClaim
	dx     []pendingDx
	esrd   []int32
}

type pendingClaim struct {
	member int32
	rec    claimRec
}

type pendingDx struct {
	member int32
	rec    dxRec
}

// startFile readies the state for the chunks of the next file.
func (s *state) startFile() { s.next = 0 }

// commit adds chunk seq's records once every earlier chunk of the file is
// added; until then it keeps them waiting.
func (s *state) commit(seq int, p *pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waiting[seq] = p
	for {
		p, ok := s.waiting[s.next]
		if !ok {
			return nil
		}
		delete(s.waiting, s.next)
		s.next++
		if err := s.add(p); err != nil {
			return err
		}
	}
}

func (s *state) add(p *pending) error {
	for _, c := range p.claims {
		if err := push(&s.claims, &s.claimsOf[c.member], c.rec); err != nil {
			return err
		}
	}
	for _, d := range p.dx {
		if err := push(&s.dx, &s.dxOf[d.member], d.rec); err != nil {
			return err
		}
	}
	for _, m := range p.esrd {
		s.esrd[m] = true
	}
	return nil
}

// push stores rec in a as the new head of the list whose head is *head.
func push[T any, P interface {
	*T
	link(next uint32)
}](a *elig.Arena[T], head *uint32, rec T) error {
	P(&rec).link(*head)
	i, err := a.Add(rec)
	if err != nil {
		return err
	}
	*head = i
	return nil
}

func (c *claimRec) link(next uint32) { c.next = next }

func (d *dxRec) link(next uint32) { d.next = next }
