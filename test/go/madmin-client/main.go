// Command madmin-client drives madmin-go (Debian's golang-github-minio-madmin-go-dev) against a
// server, for test/madmin*.test.ts: `madmin-client ENDPOINT ACCESS_KEY SECRET_KEY [SESSION_TOKEN]` reads a JSON
// array of steps on stdin and prints a JSON array of results, one per step:
// {"ok":true,"value":…} or {"ok":false,"code":"XMinio…","message":"…"}.
// Steps that only use the crypto ("encrypt", "decrypt") need no server.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type step struct {
	Op       string            `json:"op"`
	Name     string            `json:"name"`
	Secret   string            `json:"secret"`
	Status   string            `json:"status"`
	Group    string            `json:"group"`
	Members  []string          `json:"members"`
	IsRemove bool              `json:"isRemove"`
	IsGroup  bool              `json:"isGroup"`
	Policy   json.RawMessage   `json:"policy"`
	Policies []string          `json:"policies"`
	User     string            `json:"user"`
	Users    []string          `json:"users"`
	Groups   []string          `json:"groups"`
	Password string            `json:"password"`
	Data     string            `json:"data"` // base64
	Comment  string            `json:"comment"`
	CfgType  string            `json:"cfgType"`
	CfgData  string            `json:"cfgData"`
	Update   bool              `json:"update"`
	Files    map[string]string `json:"files"`
}

type result struct {
	Ok      bool        `json:"ok"`
	Value   interface{} `json:"value,omitempty"`
	Code    string      `json:"code,omitempty"`
	Message string      `json:"message,omitempty"`
}

func run(ctx context.Context, adm *madmin.AdminClient, s step) (interface{}, error) {
	switch s.Op {
	case "encrypt":
		data, err := base64.StdEncoding.DecodeString(s.Data)
		if err != nil {
			return nil, err
		}
		out, err := madmin.EncryptData(s.Password, data)
		return base64.StdEncoding.EncodeToString(out), err
	case "decrypt":
		data, err := base64.StdEncoding.DecodeString(s.Data)
		if err != nil {
			return nil, err
		}
		out, err := madmin.DecryptData(s.Password, bytesReader(data))
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString(out), nil
	case "addUser":
		return nil, adm.AddUser(ctx, s.Name, s.Secret)
	case "setUser":
		return nil, adm.SetUser(ctx, s.Name, s.Secret, madmin.AccountStatus(s.Status))
	case "removeUser":
		return nil, adm.RemoveUser(ctx, s.Name)
	case "listUsers":
		return adm.ListUsers(ctx)
	case "userInfo":
		return adm.GetUserInfo(ctx, s.Name)
	case "setUserStatus":
		return nil, adm.SetUserStatus(ctx, s.Name, madmin.AccountStatus(s.Status))
	case "updateGroupMembers":
		return nil, adm.UpdateGroupMembers(ctx, madmin.GroupAddRemove{
			Group: s.Group, Members: s.Members, IsRemove: s.IsRemove, Status: madmin.GroupStatus(s.Status),
		})
	case "groupInfo":
		return adm.GetGroupDescription(ctx, s.Group)
	case "listGroups":
		return adm.ListGroups(ctx)
	case "setGroupStatus":
		return nil, adm.SetGroupStatus(ctx, s.Group, madmin.GroupStatus(s.Status))
	case "addPolicy":
		return nil, adm.AddCannedPolicy(ctx, s.Name, []byte(s.Policy))
	case "infoPolicy":
		b, err := adm.InfoCannedPolicy(ctx, s.Name)
		return json.RawMessage(b), err
	case "infoPolicyV2":
		return adm.InfoCannedPolicyV2(ctx, s.Name)
	case "listPolicies":
		return adm.ListCannedPolicies(ctx)
	case "removePolicy":
		return nil, adm.RemoveCannedPolicy(ctx, s.Name)
	case "setPolicy":
		return nil, adm.SetPolicy(ctx, s.Name, s.User, s.IsGroup)
	case "attachPolicy":
		return nil, adm.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: s.Policies, User: s.User, Group: s.Group})
	case "detachPolicy":
		return nil, adm.DetachPolicy(ctx, madmin.PolicyAssociationReq{Policies: s.Policies, User: s.User, Group: s.Group})
	case "policyEntities":
		return adm.GetPolicyEntities(ctx, madmin.PolicyEntitiesQuery{Users: s.Users, Groups: s.Groups, Policy: s.Policies})
	case "addServiceAccount":
		return adm.AddServiceAccount(ctx, madmin.AddServiceAccountReq{
			Policy: s.Policy, TargetUser: s.User, AccessKey: s.Name, SecretKey: s.Secret, Comment: s.Comment,
		})
	case "updateServiceAccount":
		return nil, adm.UpdateServiceAccount(ctx, s.Name, madmin.UpdateServiceAccountReq{
			NewPolicy: s.Policy, NewSecretKey: s.Secret, NewStatus: s.Status, NewComment: s.Comment,
		})
	case "infoServiceAccount":
		return adm.InfoServiceAccount(ctx, s.Name)
	case "listServiceAccounts":
		return adm.ListServiceAccounts(ctx, s.User)
	case "deleteServiceAccount":
		return nil, adm.DeleteServiceAccount(ctx, s.Name)
	case "temporaryAccountInfo":
		return adm.TemporaryAccountInfo(ctx, s.Name)
	case "ldapAttach":
		return adm.AttachPolicyLDAP(ctx, madmin.PolicyAssociationReq{Policies: s.Policies, User: s.User, Group: s.Group})
	case "ldapDetach":
		return adm.DetachPolicyLDAP(ctx, madmin.PolicyAssociationReq{Policies: s.Policies, User: s.User, Group: s.Group})
	case "ldapEntities":
		return adm.GetLDAPPolicyEntities(ctx, madmin.PolicyEntitiesQuery{Users: s.Users, Groups: s.Groups, Policy: s.Policies})
	case "serverInfo":
		return adm.ServerInfo(ctx)
	case "accountInfo":
		return adm.AccountInfo(ctx, madmin.AccountOpts{})
	case "idpList":
		return adm.ListIDPConfig(ctx, s.CfgType)
	case "idpGet":
		return adm.GetIDPConfig(ctx, s.CfgType, s.Name)
	case "idpSet":
		return adm.AddOrUpdateIDPConfig(ctx, s.CfgType, s.Name, s.CfgData, s.Update)
	case "idpDelete":
		return adm.DeleteIDPConfig(ctx, s.CfgType, s.Name)
	case "exportIAM":
		r, err := adm.ExportIAM(ctx)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		return base64.StdEncoding.EncodeToString(b), err
	case "zipRead":
		// archive/zip (what MinIO's import-iam reads with): every file's content.
		data, err := base64.StdEncoding.DecodeString(s.Data)
		if err != nil {
			return nil, err
		}
		return readZip(data)
	case "zipWrite":
		// archive/zip with Deflate, as MinIO's export-iam writes.
		return writeZip(s.Files)
	case "importIAM":
		data, err := base64.StdEncoding.DecodeString(s.Data)
		if err != nil {
			return nil, err
		}
		return nil, adm.ImportIAM(ctx, io.NopCloser(bytesReader(data)))
	}
	return nil, fmt.Errorf("unknown op %q", s.Op)
}

func main() {
	if len(os.Args) != 4 && len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: madmin-client ENDPOINT ACCESS_KEY SECRET_KEY [SESSION_TOKEN] < steps.json")
		os.Exit(2)
	}
	var adm *madmin.AdminClient
	var err error
	if len(os.Args) == 5 {
		// Temporary credentials (a session token): madmin-go signs with X-Amz-Security-Token.
		adm, err = madmin.NewWithOptions(os.Args[1], &madmin.Options{
			Creds: credentials.NewStaticV4(os.Args[2], os.Args[3], os.Args[4]),
		})
	} else {
		adm, err = madmin.New(os.Args[1], os.Args[2], os.Args[3], false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var steps []step
	if err := json.NewDecoder(os.Stdin).Decode(&steps); err != nil {
		fmt.Fprintln(os.Stderr, "bad steps:", err)
		os.Exit(2)
	}
	out := make([]result, 0, len(steps))
	for _, s := range steps {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		v, err := run(ctx, adm, s)
		cancel()
		if err != nil {
			e := madmin.ToErrorResponse(err)
			msg := e.Message
			if e.Code == "" {
				msg = err.Error()
			}
			out = append(out, result{Ok: false, Code: e.Code, Message: msg})
			continue
		}
		out = append(out, result{Ok: true, Value: v})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
