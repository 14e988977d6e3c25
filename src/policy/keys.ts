/**
 * The condition keys Tessera knows, and which apply to which actions. A policy may only name a
 * known key (or a key of an open family: `jwt:*`, `ldap:*`, `saml:*`, and the tag families
 * `aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:ResourceTag/…`, `s3:ExistingObjectTag/…`,
 * `s3:RequestObjectTag/…`). A key that does not apply to an action is simply absent from that
 * action's request context (AWS semantics); it is not an error.
 */

/** Global keys, present (when known) on every request. */
export const globalKeys: readonly string[] = [
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:SourceIp',
  'aws:VpcSourceIp',
  'aws:SecureTransport',
  'aws:Referer',
  'aws:UserAgent',
  'aws:PrincipalType',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName',
  'aws:userid',
  'aws:username',
  'aws:groups',
  'aws:TagKeys',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
  'aws:TokenIssueTime',
  'aws:FederatedProvider',
  'aws:SourceIdentity',
  'aws:RequestedRegion',
  'aws:ResourceAccount',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:ViaAWSService',
];

/** S3 keys present on every S3 request (authentication details). */
export const s3CommonKeys: readonly string[] = [
  's3:authType',
  's3:signatureversion',
  's3:signatureAge',
  's3:x-amz-content-sha256',
  's3:TlsVersion',
  's3:ResourceAccount',
];

const listKeys = ['s3:prefix', 's3:delimiter', 's3:max-keys'];
const sseKeys = [
  's3:x-amz-server-side-encryption',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:x-amz-server-side-encryption-customer-algorithm',
];
const lockKeys = [
  's3:object-lock-mode',
  's3:object-lock-retain-until-date',
  's3:object-lock-remaining-retention-days',
  's3:object-lock-legal-hold',
];
const aclKeys = [
  's3:x-amz-acl',
  's3:x-amz-grant-read',
  's3:x-amz-grant-write',
  's3:x-amz-grant-read-acp',
  's3:x-amz-grant-write-acp',
  's3:x-amz-grant-full-control',
];
const putKeys = [
  ...aclKeys,
  ...sseKeys,
  ...lockKeys,
  's3:x-amz-copy-source',
  's3:x-amz-metadata-directive',
  's3:x-amz-storage-class',
  's3:x-amz-website-redirect-location',
  's3:RequestObjectTagKeys',
  's3:RequestObjectTag/<key>',
  's3:if-match',
  's3:if-none-match',
  's3:versionid',
];
const versionKeys = ['s3:versionid', 's3:ExistingObjectTag/<key>'];

/** Keys beyond the global and S3 common ones, per action (documentation and simulation). */
export const actionKeys: Readonly<Record<string, readonly string[]>> = {
  's3:ListBucket': listKeys,
  's3:ListBucketVersions': listKeys,
  's3:CreateBucket': ['s3:LocationConstraint', 's3:x-amz-object-ownership', ...aclKeys],
  's3:PutObject': putKeys,
  's3:BypassGovernanceRetention': [...lockKeys, 's3:RequestObjectTagKeys', 's3:RequestObjectTag/<key>'],
  's3:GetObject': [...sseKeys, ...versionKeys],
  's3:GetObjectVersion': versionKeys,
  's3:GetObjectAttributes': versionKeys,
  's3:GetObjectVersionAttributes': versionKeys,
  's3:GetObjectTagging': versionKeys,
  's3:GetObjectVersionTagging': versionKeys,
  's3:DeleteObject': ['s3:versionid'],
  's3:DeleteObjectVersion': ['s3:versionid'],
  's3:DeleteObjectTagging': versionKeys,
  's3:DeleteObjectVersionTagging': versionKeys,
  's3:PutObjectTagging': [...versionKeys, 's3:RequestObjectTagKeys', 's3:RequestObjectTag/<key>'],
  's3:PutObjectVersionTagging': [...versionKeys, 's3:RequestObjectTagKeys', 's3:RequestObjectTag/<key>'],
  's3:PutObjectRetention': [...sseKeys, ...lockKeys, 's3:versionid'],
  's3:GetObjectRetention': [...sseKeys, 's3:versionid'],
  's3:PutObjectLegalHold': [...sseKeys, 's3:object-lock-legal-hold', 's3:versionid'],
  's3:PutObjectAcl': [...aclKeys, ...versionKeys],
  's3:PutBucketAcl': aclKeys,
  's3:PutBucketTagging': ['aws:RequestTag/<key>', 'aws:TagKeys'],
  's3:ReplicateObject': versionKeys,
  's3:ReplicateDelete': versionKeys,
  's3:ReplicateTags': versionKeys,
  's3:GetObjectVersionForReplication': versionKeys,
  'sts:AssumeRole': ['sts:DurationSeconds', 'sts:ExternalId', 'sts:RoleSessionName', 'sts:SourceIdentity'],
  'sts:AssumeRoleWithWebIdentity': ['sts:DurationSeconds', 'jwt:<claim>'],
  'sts:AssumeRoleWithLDAPIdentity': ['sts:DurationSeconds', 'ldap:username', 'ldap:user', 'ldap:groups'],
  'sts:AssumeRoleWithClientGrants': ['sts:DurationSeconds', 'jwt:<claim>'],
  'sts:AssumeRoleWithCertificate': ['sts:DurationSeconds'],
  'sts:AssumeRoleWithCustomToken': ['sts:DurationSeconds'],
  'admin:CreateServiceAccount': ['svc:DurationSeconds'],
  'admin:UpdateServiceAccount': ['svc:DurationSeconds'],
  'iam:AttachUserPolicy': ['iam:PolicyARN'],
  'iam:DetachUserPolicy': ['iam:PolicyARN'],
  'iam:AttachGroupPolicy': ['iam:PolicyARN'],
  'iam:DetachGroupPolicy': ['iam:PolicyARN'],
  'iam:TagUser': ['aws:RequestTag/<key>', 'aws:TagKeys'],
};

const otherKeys = [
  ...new Set([...Object.values(actionKeys).flat(), 's3:AccessPointNetworkOrigin', 's3:DataAccessPointArn']),
].filter((k) => !k.includes('<'));
const moreKeys = [
  'sts:DurationSeconds',
  'sts:ExternalId',
  'sts:RoleSessionName',
  'sts:SourceIdentity',
  'sts:TransitiveTagKeys',
  'svc:DurationSeconds',
];

const exact = new Set(
  [...globalKeys, ...s3CommonKeys, ...otherKeys, ...moreKeys].map((k) => k.toLowerCase()),
);
const tagFamilies = [
  'aws:principaltag/',
  'aws:requesttag/',
  'aws:resourcetag/',
  's3:existingobjecttag/',
  's3:requestobjecttag/',
];
const openPrefixes = ['jwt:', 'ldap:', 'saml:'];
/**
 * A web identity provider's keys in role trust policies (AWS): `<host/path>:aud`, `:sub`, `:amr`,
 * `:azp`, `:oaud`, e.g. `token.actions.githubusercontent.com:sub`; a port is accepted.
 */
const providerKey = /^[a-z0-9.-]+(?::\d{1,5})?(?:\/[\w.~%!$&'()*+,;=@/-]*)?:(?:aud|sub|amr|azp|oaud)$/i;

/**
 * True when a condition key (or policy variable name) is known.
 * @example isKnownKey('AWS:SourceIP') === true; isKnownKey('aws:PrincipalTag/team') === true
 */
export function isKnownKey(key: string): boolean {
  const k = key.toLowerCase();
  if (exact.has(k)) return true;
  for (const f of tagFamilies) if (k.startsWith(f) && k.length > f.length) return true;
  for (const p of openPrefixes) if (k.startsWith(p) && /^[a-z]+:[\w.\-/:@+]+$/i.test(key)) return true;
  return key.length <= 300 && providerKey.test(key);
}

/** The keys that may appear in the context of a request for `action` (tag families as `<key>`). */
export function conditionKeysFor(action: string): readonly string[] {
  const own = Object.entries(actionKeys).find(([a]) => a.toLowerCase() === action.toLowerCase())?.[1] ?? [];
  const s3 = action.toLowerCase().startsWith('s3:') ? s3CommonKeys : [];
  return [...globalKeys, 'aws:PrincipalTag/<key>', ...s3, ...own];
}
