package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
)

func newImportCmd() *cobra.Command {
	var (
		server, plan, key                 string
		members, claims, diagnoses, stays string
		skipBadRows                       bool
	)
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import members, claims, diagnoses and inpatient stays CSV files into a running suite",
		Long: `Streams the formats.md CSV files, and inpatient_stays.csv (services/README.md),
to the eligibility service over gRPC, in the order members, claims, diagnoses,
inpatient stays. Each file is stored whole or not at all, unless
--skip-bad-rows. The API key comes from --key or OPENMTM_KEY.`,
		Example: `  openmtm import --server 127.0.0.1:9090 --plan acme --members members.csv --claims rx_claims.csv`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if key == "" {
				return errors.New("an API key is required: --key or OPENMTM_KEY")
			}
			if members == "" && claims == "" && diagnoses == "" && stays == "" {
				return errors.New("nothing to import: give --members, --claims, --diagnoses and/or --inpatient-stays")
			}
			conn, err := grpc.NewClient(server,
				grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithPerRPCCredentials(auth.BearerCredentials(key)))
			if err != nil {
				return fmt.Errorf("connect %s: %w", server, err)
			}
			defer conn.Close()
			client := eligibilityv1.NewEligibilityServiceClient(conn)
			files := []struct {
				path string
				open func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error)
			}{{members, client.ImportMembers}, {claims, client.ImportClaims}, {diagnoses, client.ImportDiagnoses},
				{stays, client.ImportInpatientStays}}
			for _, f := range files {
				if f.path == "" {
					continue
				}
				stream, err := f.open(cmd.Context())
				if err != nil {
					return err
				}
				if err := importFile(cmd.ErrOrStderr(), stream, "plans/"+plan, f.path, skipBadRows); err != nil {
					return fmt.Errorf("%s: %w", f.path, err)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "127.0.0.1:9090", "gRPC address of the suite")
	f.StringVar(&plan, "plan", "", "plan id (the tenant plans/{plan})")
	f.StringVar(&key, "key", "", "API key (prefer OPENMTM_KEY: flags show in ps)")
	f.StringVar(&members, "members", "", "members.csv")
	f.StringVar(&claims, "claims", "", "rx_claims.csv")
	f.StringVar(&diagnoses, "diagnoses", "", "diagnoses.csv")
	f.StringVar(&stays, "inpatient-stays", "", "inpatient_stays.csv")
	f.BoolVar(&skipBadRows, "skip-bad-rows", false, "store good rows and report bad ones instead of rejecting the file")
	_ = cmd.MarkFlagRequired("plan")
	return cmd
}

// importFile streams one file and reports progress and the summary on out.
func importFile(out io.Writer, stream grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary],
	parent, path string, skipBadRows bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	p := newProgress(out, path, info.Size())
	msg := &eligibilityv1.ImportRequest{Parent: parent, SkipBadRows: skipBadRows, FileName: info.Name()}
	buf := make([]byte, 256<<10)
	for {
		n, readErr := io.ReadFull(f, buf)
		if n > 0 || msg.Parent != "" {
			msg.Data = buf[:n]
			if err := stream.Send(msg); errors.Is(err, io.EOF) {
				break // the server ended the call early; CloseAndRecv says why
			} else if err != nil {
				return err
			}
			msg = &eligibilityv1.ImportRequest{}
			p.add(int64(n), int64(bytes.Count(buf[:n], []byte{'\n'})))
		}
		if errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF) {
			break
		}
		if readErr != nil {
			return readErr
		}
	}
	sum, err := stream.CloseAndRecv()
	p.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: read %d, stored %d, unchanged %d, skipped %d, reversed %d\n", path,
		sum.GetRowsRead(), sum.GetRowsStored(), sum.GetRowsUnchanged(), sum.GetRowsSkipped(), sum.GetClaimsReversed())
	for _, e := range sum.GetErrors() {
		fmt.Fprintf(out, "  %s:%d: %s: %s\n", e.GetFile(), e.GetLine(), e.GetColumn(), e.GetProblem())
	}
	return nil
}

// progress draws a bar with rows/s on a terminal and plain lines (every
// few seconds) otherwise, so logs of a batch job stay readable.
type progress struct {
	out        io.Writer
	name       string
	total      int64
	sent, rows int64
	start      time.Time
	last       time.Time
	tty        bool
}

func newProgress(out io.Writer, name string, total int64) *progress {
	tty := false
	if f, ok := out.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	now := time.Now()
	return &progress{out: out, name: name, total: total, start: now, last: now, tty: tty}
}

func (p *progress) add(bytes, rows int64) {
	p.sent += bytes
	p.rows += rows
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *progress) draw(now time.Time) {
	rate := float64(p.rows) / max(now.Sub(p.start).Seconds(), 1e-3)
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.sent) / float64(p.total)
	}
	if !p.tty {
		fmt.Fprintf(p.out, "%s: %.0f%% sent, %d rows, %.0f rows/s\n", p.name, pct, p.rows, rate)
		return
	}
	const width = 30
	filled := int(pct / 100 * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.out, "\r%s [%s] %3.0f%% %d rows %.0f rows/s", p.name, bar, pct, p.rows, rate)
}

func (p *progress) done() {
	p.draw(time.Now())
	if p.tty {
		fmt.Fprintln(p.out)
	}
}
