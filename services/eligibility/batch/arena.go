package batch

import "fmt"

// Arena holds records of one kind in blocks that never move, so that it
// grows without copying what it holds and, for pointer-free records,
// without giving the garbage collector anything to trace. Records are
// named by a uint32, 0 meaning none: a batch links a member's records
// through such names, 4 bytes where a pointer would take 8. It is not
// safe for concurrent use.
type Arena[T any] struct {
	blocks [][]T
}

const blockBits = 16

// Add stores r and returns its name.
func (a *Arena[T]) Add(r T) (uint32, error) {
	n := len(a.blocks)
	if n == 0 || len(a.blocks[n-1]) == 1<<blockBits {
		if n == 1<<(32-blockBits) {
			return 0, fmt.Errorf("more than %d kept records: too many for one run", uint64(1)<<32-1)
		}
		a.blocks = append(a.blocks, make([]T, 0, 1<<blockBits))
		n++
		if n == 1 {
			var zero T
			a.blocks[0] = append(a.blocks[0], zero) // index 0 is "none"
		}
	}
	b := &a.blocks[n-1]
	*b = append(*b, r)
	return uint32(n-1)<<blockBits | uint32(len(*b)-1), nil
}

// At returns the record named i.
func (a *Arena[T]) At(i uint32) *T {
	return &a.blocks[i>>blockBits][i&(1<<blockBits-1)]
}
