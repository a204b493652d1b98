// Command openmtm runs the OpenMTM suite: `openmtm up` starts every service
// in one process on embedded defaults, `openmtm serve <service>` runs one as
// a production pod would. `openmtm --help` lists every command.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openmtm:", err)
		os.Exit(1)
	}
}
