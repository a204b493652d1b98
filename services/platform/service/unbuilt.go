package service

import (
	"context"

	"google.golang.org/grpc"
)

// Unbuilt is a service whose API is declared but whose behaviour a later
// change builds: it owns its schema and stream like any service, and its
// RPCs answer Unimplemented (through the generated Unimplemented server that
// register installs).
type Unbuilt struct {
	*Base
	register func(*grpc.Server)
}

// NewUnbuilt returns an unbuilt service named name whose API register adds.
func NewUnbuilt(ctx context.Context, name string, deps Deps, register func(*grpc.Server)) (*Unbuilt, error) {
	base, err := NewBase(ctx, name, deps, nil)
	if err != nil {
		return nil, err
	}
	return &Unbuilt{Base: base, register: register}, nil
}

// Register implements Service.
func (u *Unbuilt) Register(s *grpc.Server) { u.register(s) }
