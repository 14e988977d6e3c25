/**
 * MinIO's `admin:` and `kms:` actions (minio/pkg policy), plus `s3express:CreateSession`.
 * MinIO evaluates admin statements without looking at Resource; Tessera does the same.
 */

const admin = `Heal Decommission Rebalance StorageInfo Prometheus DataUsageInfo ForceUnlock TopLocksInfo
Profiling ServerTrace ConsoleLog KMSCreateKey KMSKeyStatus ServerInfo OBDInfo LicenseInfo
BandwidthMonitor InspectData ServerUpdate ServiceRestart ServiceStop ServiceFreeze ServiceCordon
ConfigUpdate CreateUser DeleteUser ListUsers EnableUser DisableUser GetUser SiteReplicationAdd
SiteReplicationDisable SiteReplicationRemove SiteReplicationResync SiteReplicationInfo
SiteReplicationOperation CreateServiceAccount UpdateServiceAccount RemoveServiceAccount
ListServiceAccounts ListTemporaryAccounts AddUserToGroup RemoveUserFromGroup GetGroup ListGroups
EnableGroup DisableGroup CreatePolicy DeletePolicy GetPolicy AttachUserOrGroupPolicy
UpdatePolicyAssociation ListUserPolicies SetBucketQuota GetBucketQuota SetBucketTarget
GetBucketTarget ReplicationDiff ImportBucketMetadata ExportBucketMetadata SetTier ListTier
ExportIAM ImportIAM ListBatchJobs DescribeBatchJob StartBatchJob CancelBatchJob GenerateBatchJob
InventoryControl ClusterInfo PoolList PoolInfo NodeList NodeInfo SetInfo DriveList DriveInfo
SetBucketCompression GetBucketCompression DeltaSharing DeltaSharingCreateShare
DeltaSharingDeleteShare DeltaSharingListShares DeltaSharingGetShare DeltaSharingUpdateShare
DeltaSharingCreateToken DeltaSharingDeleteToken DeltaSharingListTokens`;

const kms = `CreateKey DeleteKey ListKeys ImportKey DescribePolicy AssignPolicy DeletePolicy SetPolicy
GetPolicy ListPolicies DescribeIdentity DescribeSelfIdentity DeleteIdentity ListIdentities
KeyStatus Status API Metrics Version AuditLog ErrorLog Enable KeyRotate`;

function prefixed(prefix: string, names: string): string[] {
  return names
    .split(/\s+/)
    .filter((n) => n !== '')
    .map((n) => `${prefix}:${n}`);
}

export const adminActions: readonly string[] = prefixed('admin', admin);
export const kmsActions: readonly string[] = prefixed('kms', kms);
export const s3expressActions: readonly string[] = ['s3express:CreateSession'];
