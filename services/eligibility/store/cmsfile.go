package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// GetMembers reads the members of a plan with the given ids (missing ones
// are left out), keyed by member id.
func (s *Store) GetMembers(ctx context.Context, planID string, ids []string) (map[string]domain.Member, error) {
	out := make(map[string]domain.Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, planID)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE plan_id = ? AND member_id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("get members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out[m.MemberID] = m
	}
	return out, rows.Err()
}
