package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/store"
)

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage API keys directly in the store (offline; the API has the same over REST)",
	}
	cmd.AddCommand(newKeysCreateCmd())
	return cmd
}

func newKeysCreateCmd() *cobra.Command {
	var (
		dataDir, postgres, prefix, tenant, name string
		roles                                   []string
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API key for a tenant and print it once",
		Example: `  openmtm keys create --data openmtm-data --tenant plans/acme --role admin
  openmtm keys create --postgres postgres://... --tenant networks/rx-partners --role pharmacist`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url := postgres
			if url == "" {
				url = "sqlite:" + filepath.Join(dataDir, "db")
			}
			ctx := cmd.Context()
			db, err := store.Open(ctx, url, prefix+"access")
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Migrate(ctx, "auth", auth.Migrations); err != nil {
				return err
			}
			rs := make([]auth.Role, len(roles))
			for i, r := range roles {
				rs[i] = auth.Role(r)
			}
			k, secret, err := auth.NewKeyStore(db).Create(ctx, tenant, rs, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "created %s; the key is shown this once:\n", k.Name())
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "openmtm-data", "data folder of `openmtm up`")
	f.StringVar(&postgres, "postgres", "", "PostgreSQL URL (instead of --data)")
	f.StringVar(&prefix, "schema-prefix", "", "schema prefix the suite runs with")
	f.StringVar(&tenant, "tenant", "", "plans/{id}, networks/{id} or operators/{id}")
	f.StringSliceVar(&roles, "role", nil, "role(s): admin, analyst, pharmacist, biller, operator")
	f.StringVar(&name, "name", "", "a name to tell the key apart")
	_ = cmd.MarkFlagRequired("tenant")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}
