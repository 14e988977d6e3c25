// Command madmin-kms drives madmin-go's KMS calls (Debian's golang-github-minio-madmin-go-dev)
// against a server, for test/sse-kms.test.ts: `madmin-kms ENDPOINT ACCESS_KEY SECRET_KEY KEY`
// creates KEY, lists the keys, asks KEY's status and the KMS status, and prints one JSON object
// with what each call returned (or its error code).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/minio/madmin-go"
)

func errCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(madmin.ErrorResponse); ok {
		return e.Code
	}
	return err.Error()
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: madmin-kms ENDPOINT ACCESS_KEY SECRET_KEY KEY")
		os.Exit(2)
	}
	adm, err := madmin.New(os.Args[1], os.Args[2], os.Args[3], false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	key := os.Args[4]
	out := map[string]interface{}{}
	out["createError"] = errCode(adm.CreateKey(ctx, key))
	keys, err := adm.ListKeys(ctx, "*")
	out["listError"] = errCode(err)
	out["keys"] = keys
	status, err := adm.GetKeyStatus(ctx, key)
	out["statusError"] = errCode(err)
	out["status"] = status
	_, err = adm.GetKeyStatus(ctx, "missing-key")
	out["missingStatusError"] = errCode(err)
	kms, err := adm.KMSStatus(ctx)
	out["kmsError"] = errCode(err)
	out["kms"] = kms
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
