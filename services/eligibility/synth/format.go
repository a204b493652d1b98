package synth

import (
	"strconv"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// The append helpers below format fields straight into a chunk's buffer:
// with about 40 million claim rows per million members, fmt and
// time.Format would dominate the run time and allocate on every row.

// appendDate appends d as YYYY-MM-DD, using the days-to-civil algorithm of
// Howard Hinnant ("chrono-compatible low-level date algorithms") instead of
// time.Time, which costs a time-zone-free but still slow conversion per row.
func appendDate(b []byte, d civil.Date) []byte {
	z := int64(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era-- // floor division for dates before 0000-03-01 (never used, kept exact)
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if month > 12 {
		month -= 12
	}
	if month <= 2 {
		y++
	}
	b = append(b,
		byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-',
		byte('0'+day/10), byte('0'+day%10))
	return b
}

// appendCents appends a non-negative amount of cents as a USD decimal with
// two places ("12.05").
func appendCents(b []byte, cents int64) []byte {
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendPadded appends n in decimal with at least width digits. Padding
// keeps ids sortable and, being injective, keeps them unique.
func appendPadded(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendBool appends a members.csv flag.
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 'Y')
	}
	return append(b, 'N')
}

// mbiLetters are the 20 letters CMS uses in MBIs (no S, L, O, I, B, Z).
const mbiLetters = "ACDEFGHJKMNPQRTUVWXY"

// mbiSpace is the number of distinct MBIs: positions 1..11 allow
// 9·20·30·10·20·30·10·20·20·10·10 values.
const mbiSpace = 9 * 20 * 30 * 10 * 20 * 30 * 10 * 20 * 20 * 10 * 10

// appendMBI appends the MBI of member index i (0 <= i < mbiSpace), keyed
// by key. Members get distinct MBIs, which random draws would not guarantee
// at a million members, in no visible order.
func appendMBI(b []byte, i int64, key uint64) []byte {
	x := permuteMBI(uint64(i), key)
	var out [11]byte
	// Fill from the last position, each taking its radix off x.
	layout := [11]byte{'c', 'a', 'x', 'n', 'a', 'x', 'n', 'a', 'a', 'n', 'n'}
	for pos := 10; pos >= 0; pos-- {
		switch layout[pos] {
		case 'n':
			out[pos] = byte('0' + x%10)
			x /= 10
		case 'a':
			out[pos] = mbiLetters[x%20]
			x /= 20
		case 'x':
			if v := x % 30; v < 10 {
				out[pos] = byte('0' + v)
			} else {
				out[pos] = mbiLetters[v-10]
			}
			x /= 30
		case 'c':
			out[pos] = byte('1' + x%9)
			x /= 9
		}
	}
	return append(b, out[:]...)
}

// permuteMBI maps [0, mbiSpace) onto itself one to one: a four-round
// Feistel network over 44 bits (2^44 > mbiSpace) is a permutation, and
// applying it again until the value falls inside the space (cycle walking)
// keeps it one. It takes 1.4 rounds on average.
func permuteMBI(x, key uint64) uint64 {
	const half, mask = 22, 1<<22 - 1
	for {
		l, r := x>>half, x&mask
		for round := range uint64(4) {
			l, r = r, l^(mix64(r^key+round)&mask)
		}
		if x = l<<half | r; x < mbiSpace {
			return x
		}
	}
}

// npiFromPrefix returns the NPI whose first nine digits are those of
// prefix (100000000..299999999), completing the Luhn check digit computed
// with the 80840 card-issuer prefix that NPIs carry.
func npiFromPrefix(prefix uint32) string {
	var d [10]byte
	x := prefix
	for i := 8; i >= 0; i-- {
		d[i] = byte('0' + x%10)
		x /= 10
	}
	sum := 24 // the Luhn contribution of 80840
	for i := 8; i >= 0; i-- {
		v := int(d[i] - '0')
		if (8-i)%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	d[9] = byte('0' + (10-sum%10)%10)
	return string(d[:])
}
