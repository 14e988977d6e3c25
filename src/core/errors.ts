/**
 * The one error catalog. Every error a client can see has a stable code, the HTTP status AWS
 * uses for it and a default message. Inner layers throw `TesseraError`; only `http` renders them.
 */
export const errorCatalog = {
  AccessDenied: { status: 403, message: 'Access Denied.' },
  // ACLs and Object Ownership (docs/acl.md).
  AccessControlListNotSupported: { status: 400, message: 'The bucket does not allow ACLs' },
  InvalidBucketAclWithObjectOwnership: {
    status: 400,
    message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
  },
  MalformedACLError: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema',
  },
  OwnershipControlsNotFoundError: { status: 404, message: 'The bucket ownership controls were not found' },
  UnresolvableGrantByEmailAddress: {
    status: 400,
    message: 'The e-mail address you provided does not match any account on record.',
  },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed.' },
  AuthorizationQueryParametersError: {
    status: 400,
    message: 'Error parsing the X-Amz-Credential parameter; the query parameters are malformed.',
  },
  BadDigest: {
    status: 400,
    message: 'The Content-MD5 or checksum you specified did not match what we received.',
  },
  BucketAlreadyExists: {
    status: 409,
    message: 'The requested bucket name is not available. Please select a different name and try again.',
  },
  BucketAlreadyOwnedByYou: {
    status: 409,
    message: 'Your previous request to create the named bucket succeeded and you already own it.',
  },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty.' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed object size.' },
  EntityTooSmall: {
    status: 400,
    message: 'Your proposed upload is smaller than the minimum allowed object size.',
  },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
  IncompleteBody: {
    status: 400,
    message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  },
  InternalError: { status: 500, message: 'We encountered an internal error, please try again.' },
  InvalidAccessKeyId: {
    status: 403,
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  InvalidArgument: { status: 400, message: 'Invalid Argument.' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidBucketState: {
    status: 409,
    message: 'The request is not valid with the current state of the bucket.',
  },
  InvalidEncryptionAlgorithmError: {
    status: 400,
    message: 'The Encryption request you specified is not valid. Supported value: AES256.',
  },
  InvalidDigest: { status: 400, message: 'The Content-MD5 or checksum you specified is not valid.' },
  InvalidLocationConstraint: { status: 400, message: 'The specified location-constraint is not valid.' },
  InvalidPart: {
    status: 400,
    message:
      "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  },
  InvalidPartOrder: {
    status: 400,
    message: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
  },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable.' },
  InvalidRequest: { status: 400, message: 'Invalid Request.' },
  InvalidTag: { status: 400, message: 'The tag provided was not a valid tag.' },
  InvalidToken: { status: 400, message: 'The provided token is malformed or otherwise invalid.' },
  KeyTooLongError: { status: 400, message: 'Your key is too long.' },
  ConditionalRequestConflict: {
    status: 409,
    message:
      'A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part.',
  },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema.',
  },
  MalformedPolicy: { status: 400, message: 'Policy has invalid resource.' },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  // POST Object (docs/post-upload.md): S3's codes and texts, "preceeding" as S3 spells it.
  MalformedPOSTRequest: {
    status: 400,
    message: 'The body of your POST request is not well-formed multipart/form-data.',
  },
  MaxPostPreDataLengthExceeded: {
    status: 400,
    message: 'Your POST request fields preceeding the upload file was too large.',
  },
  InvalidPolicyDocument: {
    status: 400,
    message: 'The content of the form does not meet the conditions specified in the policy document.',
  },
  MetadataTooLarge: {
    status: 400,
    message: 'Your metadata headers exceed the maximum allowed metadata size.',
  },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  MissingSecurityHeader: { status: 400, message: 'Your request is missing a required header.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.' },
  ServerSideEncryptionConfigurationNotFoundError: {
    status: 404,
    message: 'The server side encryption configuration was not found',
  },
  NoSuchLifecycleConfiguration: { status: 404, message: 'The lifecycle configuration does not exist.' },
  NoSuchPublicAccessBlockConfiguration: {
    status: 404,
    message: 'The public access block configuration was not found',
  },
  // CORS (docs/cors.md): GetBucketCors without a configuration, and the preflight's answers.
  NoSuchCORSConfiguration: { status: 404, message: 'The CORS configuration does not exist' },
  AccessForbidden: { status: 403, message: 'CORSResponse: CORS is not enabled for this bucket.' },
  BadRequest: { status: 400, message: 'Insufficient information. Origin request header needed.' },
  NoSuchObjectLockConfiguration: {
    status: 404,
    message: 'The specified object does not have a ObjectLock configuration.',
  },
  ObjectLockConfigurationNotFoundError: {
    status: 404,
    message: 'Object Lock configuration does not exist for this bucket.',
  },
  InvalidStorageClass: { status: 400, message: 'The storage class you specified is not valid.' },
  MissingParameter: {
    status: 400,
    message: 'A required parameter for the specified action is not supplied.',
  },
  InvalidParameterValue: {
    status: 400,
    message: 'An invalid or out-of-range value was supplied for the input parameter.',
  },
  PackedPolicyTooLarge: {
    status: 400,
    message:
      'The request was rejected because the total packed size of the session policies and session tags combined was too large.',
  },
  InvalidIdentityToken: {
    status: 400,
    message: 'The web identity token that was passed could not be validated.',
  },
  IDPRejectedClaim: {
    status: 403,
    message: 'The identity provider rejected the claims of the web identity token.',
  },
  IDPCommunicationError: {
    status: 400,
    message: 'The request could not be fulfilled because the identity provider could not be reached.',
  },
  // AssumeRoleWithCertificate (docs/tls.md), MinIO's codes.
  InsecureConnection: {
    status: 400,
    message: 'The request was made over a plain HTTP connection. A TLS connection is required.',
  },
  InvalidClientCertificate: {
    status: 400,
    message: 'The provided client certificate is invalid. Retry with a different certificate.',
  },
  STSNotInitialized: { status: 503, message: 'STS API not initialized, please try again.' },
  XMinioStorageFull: {
    status: 507,
    message:
      'Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.',
  },
  // MinIO's admin API (docs/minio-compat.md): MinIO's codes, statuses and descriptions.
  XMinioAdminConfigBadJSON: { status: 400, message: 'JSON configuration provided is of incorrect format' },
  XMinioAdminConfigTooLarge: {
    status: 400,
    message: 'Configuration data provided exceeds the allowed maximum of 262272 bytes',
  },
  XMinioAdminNoSuchConfigTarget: { status: 400, message: 'No such named configuration target exists' },
  XMinioAdminConfigEnvOverridden: {
    status: 400,
    message: 'Unable to update config via Admin API due to environment variable override',
  },
  XMinioAdminConfigInvalidIDPType: {
    status: 400,
    message: 'Invalid IDP configuration type - must be one of [ldap openid]',
  },
  XMinioMalformedJSON: {
    status: 400,
    message: 'The JSON you provided was not well-formed or did not validate against our published format.',
  },
  XMinioAdminNoSuchUser: { status: 404, message: 'The specified user does not exist.' },
  XMinioAdminNoSuchGroup: { status: 404, message: 'The specified group does not exist.' },
  XMinioAdminGroupNotEmpty: { status: 400, message: 'The specified group is not empty - cannot remove it.' },
  XMinioAdminNoSuchPolicy: { status: 404, message: 'The canned policy does not exist.' },
  XMinioAdminInvalidArgument: { status: 400, message: 'Invalid arguments specified.' },
  XMinioAdminInvalidAccessKey: { status: 400, message: 'The access key is invalid.' },
  XMinioAdminInvalidSecretKey: { status: 400, message: 'The secret key is invalid.' },
  XMinioAdminPolicyChangeAlreadyApplied: {
    status: 400,
    message: 'The specified policy change is already in effect.',
  },
  XMinioAdminServiceAccountNotFound: { status: 404, message: 'The specified service account is not found' },
  XMinioAdminNoSuchAccessKey: { status: 404, message: 'The specified access key does not exist.' },
  XMinioIAMActionNotAllowed: { status: 400, message: 'Specified IAM action is not allowed' },
  XMinioInvalidIAMCredentials: {
    status: 403,
    message: 'Credential is not allowed to be same as admin access key',
  },
  // The web console's own calls (docs/console.md "Back end").
  ConsoleNotSignedIn: {
    status: 401,
    message: 'Sign in to the console first: the session is missing, expired or revoked.',
  },
  ConsoleSignInFailed: { status: 401, message: 'The sign-in was refused.' },
  ConsoleInvalidCsrfToken: {
    status: 403,
    message: "The request lacks the session's X-CSRF-Token, or it is not this session's.",
  },
  ConsoleForbiddenOrigin: {
    status: 403,
    message: "The request comes from another origin than the console's.",
  },
  ConsoleNotFound: { status: 404, message: 'No such console call.' },
  ConsoleUpstreamUnavailable: {
    status: 502,
    message: "The console could not reach the server's S3 listener.",
  },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist.' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist.' },
  NoSuchUpload: {
    status: 404,
    message:
      'The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  NoSuchVersion: { status: 404, message: 'The specified version does not exist.' },
  NotImplemented: {
    status: 501,
    message: 'A header you provided implies functionality that is not implemented.',
  },
  InvalidURI: { status: 400, message: 'Could not parse the specified URI.' },
  InvalidPartNumber: { status: 416, message: 'The requested partnumber is not satisfiable.' },
  NotModified: { status: 304, message: 'Not Modified.' },
  PreconditionFailed: {
    status: 412,
    message: 'At least one of the pre-conditions you specified did not hold.',
  },
  RequestTimeTooSkewed: {
    status: 403,
    message: "The difference between the request time and the server's time is too large.",
  },
  RequestTimeout: {
    status: 400,
    message:
      'Your socket connection to the server was not read from or written to within the timeout period.',
  },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  XAmzContentSHA256Mismatch: {
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
  // IAM / STS query API codes (rendered in their own XML shape by http).
  NoSuchEntity: {
    status: 404,
    message: 'The request was rejected because it referenced an entity that does not exist.',
  },
  EntityAlreadyExists: {
    status: 409,
    message: 'The request was rejected because it attempted to create a resource that already exists.',
  },
  DeleteConflict: {
    status: 409,
    message:
      'The request was rejected because it attempted to delete a resource that has attached subordinate entities.',
  },
  LimitExceeded: {
    status: 409,
    message:
      'The request was rejected because it attempted to create resources beyond the current account limits.',
  },
  MalformedPolicyDocument: { status: 400, message: 'The policy document is malformed.' },
  InvalidInput: {
    status: 400,
    message: 'The request was rejected because an invalid or out-of-range value was supplied.',
  },
  InvalidAction: { status: 400, message: 'The action or operation requested is invalid.' },
  /** STS: too many credentials asked for (docs/sts.md "Issuance limits"); AWS's code, status and text. */
  Throttling: { status: 400, message: 'Rate exceeded' },
  ValidationError: {
    status: 400,
    message: 'A required parameter is missing or a parameter does not satisfy its constraints.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** Extra fields rendered as XML elements beside Code/Message (e.g. BucketName, Key, UploadId). */
export type ErrorDetail = Record<string, string | number | undefined>;

/**
 * The base of every error Tessera raises on purpose. `code` is stable and keys into the catalog.
 * @example throw new TesseraError('NoSuchBucket', undefined, { BucketName: 'photos' })
 */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: ErrorDetail;
  /** Response headers the error answer carries (x-amz-delete-marker on a 404 for a deleted key). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Why exactly, for the audit trail only (never in the answer): a refusal whose message is kept
   * vague on purpose (an LDAP login's unknown user and wrong password read the same) says here
   * which it was. Set with `withReason`.
   */
  auditReason?: string;

  constructor(
    code: ErrorCode,
    message?: string,
    detail: ErrorDetail = {},
    headers: Readonly<Record<string, string>> = {},
  ) {
    const spec = errorCatalog[code];
    super(message ?? spec.message);
    this.name = 'TesseraError';
    this.code = code;
    this.status = spec.status;
    this.detail = detail;
    this.headers = headers;
  }
}

/** `e` with its audit-only reason (TesseraError.auditReason). */
export function withReason(e: TesseraError, reason: string): TesseraError {
  e.auditReason = reason;
  return e;
}

/** True when `e` is a TesseraError (optionally with the given code). */
export function isTesseraError(e: unknown, code?: ErrorCode): e is TesseraError {
  return e instanceof TesseraError && (code === undefined || e.code === code);
}
