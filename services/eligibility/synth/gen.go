package synth

import (
	"math/rand/v2"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Provider pools. A plan's members use a few thousand pharmacies and
// prescribers; the first mailPharmacies pharmacies are mail-order.
const (
	numPharmacies  = 1500
	numPrescribers = 6000
	mailPharmacies = 3
)

// shared holds what every member draws from and no member changes, built
// once per run from the seed alone.
type shared struct {
	pharmacies  []string // NPIs
	prescribers []string // NPIs
	hContracts  []string // MA-PD contracts (members with medical claims)
	sContracts  []string // stand-alone PDP contracts
	mbiKey      uint64
}

func newShared(seed int64) *shared {
	r := rand.New(rand.NewPCG(mix64(uint64(seed)), mix64(0x5ee0)))
	s := &shared{mbiKey: r.Uint64()}
	npi := func() string { return npiFromPrefix(uint32(100_000_000 + r.IntN(200_000_000))) }
	for range numPharmacies {
		s.pharmacies = append(s.pharmacies, npi())
	}
	for range numPrescribers {
		s.prescribers = append(s.prescribers, npi())
	}
	contract := func(letter byte) string {
		b := appendPadded([]byte{letter}, int64(1000+r.IntN(9000)), 4)
		return string(b)
	}
	s.hContracts = []string{contract('H'), contract('H'), contract('H')}
	s.sContracts = []string{contract('S')}
	return s
}

// gen generates members one at a time; each worker owns one. Its slices
// are scratch space reused from member to member.
type gen struct {
	asOf        civil.Date
	windowStart civil.Date // asOf - 364: the claims span 365 days
	cat         *catalog
	shared      *shared
	key         uint64     // the seed, mixed
	windowText  [][10]byte // YYYY-MM-DD of each day of the window, for the rows' dates
	src         *rand.PCG
	r           *rand.Rand

	p        person
	memberID []byte
	regimen  []regimenDrug
	fills    []fill
	order    []uint64 // date<<32 | index into fills, sorted
	diags    []diag
}

func newGen(cfg Config, cat *catalog, sh *shared) *gen {
	src := rand.NewPCG(0, 0)
	g := &gen{
		asOf:        cfg.AsOf,
		windowStart: cfg.AsOf.AddDays(-364),
		cat:         cat,
		shared:      sh,
		key:         mix64(uint64(cfg.Seed)),
		src:         src,
		r:           rand.New(src),
		windowText:  make([][10]byte, 365),
	}
	for i := range g.windowText {
		appendDate(g.windowText[i][:0], g.windowStart.AddDays(i))
	}
	return g
}

// appendDay appends d, a day of the claims window, from the precomputed
// text: claim and diagnosis rows carry tens of millions of dates.
func (g *gen) appendDay(b []byte, d civil.Date) []byte {
	return append(b, g.windowText[d-g.windowStart][:]...)
}

// member draws member i (1-based) and appends its rows to the chunk. The
// random stream depends only on (seed, i), so chunks can be generated in
// any order and on any worker with the same bytes.
func (g *gen) member(i int64, c *chunk) {
	g.src.Seed(g.key, mix64(uint64(i)^0x6d656d62))
	g.memberID = appendPadded(append(g.memberID[:0], 'M'), i, 7)
	g.drawPerson(i)
	g.drawRegimen()
	g.drawFills()
	g.drawDiagnoses()

	c.members = g.appendMember(c.members)
	c.claims = g.appendClaims(c.claims, &c.stats)
	c.diagnoses = g.appendDiagnoses(c.diagnoses)
	c.stats.Members++
	c.stats.Diagnoses += int64(len(g.diags))
}

// mix64 is the SplitMix64 finalizer: it spreads neighbouring inputs (seeds,
// member indexes) over unrelated 64-bit values.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
