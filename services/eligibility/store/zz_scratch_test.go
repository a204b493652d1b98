package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	pstore "github.com/openmtm/openmtm/services/platform/store"
)

func TestZZScratch(t *testing.T) {
	ctx := context.Background()
	db, err := pstore.Open(ctx, "sqlite:/tmp/keep", "eligibility")
	if err != nil {
		t.Fatal(err)
	}
	q := `SELECT member_id, claim_id || ' ' || fill_date || ' ' || total_cost || ' ' || generic_name FROM claims WHERE plan_id = 'bench' AND member_id > ? AND member_id <= ? AND NOT reversed AND fill_date >= '2025-01-01' AND fill_date <= '2025-12-31' ORDER BY member_id, fill_date`
	for _, pragma := range []string{"", "PRAGMA cache_size = -200000", "PRAGMA mmap_size = 2000000000"} {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pragma != "" {
			if _, err := conn.ExecContext(ctx, pragma); err != nil {
				t.Fatal(err)
			}
		}
		for round := range 2 {
			start := time.Now()
			n := 0
			for lo := 0; lo < 20000; lo += 500 {
				rows, err := conn.QueryContext(ctx, q, mid(lo), mid(lo+500))
				if err != nil {
					t.Fatal(err)
				}
				var a, b sql.RawBytes
				for rows.Next() {
					if err := rows.Scan(&a, &b); err != nil {
						t.Fatal(err)
					}
					n++
				}
				rows.Close()
			}
			t.Logf("%q round %d: %d rows in %s", pragma, round, n, time.Since(start))
		}
		conn.Close()
	}
}

func mid(i int) string {
	if i == 0 {
		return ""
	}
	s := "0000000" + itoa(i)
	return "M" + s[len(s)-7:]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
