/**
 * Administration APIs (rank 3): the AWS IAM Query API over the identity directory.
 *
 * - `createIamApi(iam, { accountId }) → IamApi`: dispatches on the form's `Action`
 *   (Version 2010-05-08), authorizes the call (iam:* and MinIO's admin:* equivalents), and
 *   answers with AWS's XML document; errors are thrown as TesseraError, rendered by
 *   http's `renderIamError`.
 * - `iamApiActions`: the supported Action names.
 */
export { createIamApi, IAM_VERSION, type IamApiOptions, iamApiActions } from './iam-api/api.js';
export { IAM_NS } from './iam-api/xml.js';
/**
 * MinIO's admin API (`/minio/admin/v3|v4/…`, docs/minio-compat.md): `createMinioAdminApi({ iam,
 * authorizer })` serves the calls of `minioAdminRoutes` (users, groups, canned policies, service
 * accounts) with madmin-go's JSON and encrypted bodies; madmin/ holds the body crypto.
 */
export {
  decryptData,
  encryptData,
  isEncrypted as isEncryptedBody,
  MAX_ENCRYPTED_BODY,
  madminCryptoLimit,
} from './madmin/index.js';
export { createMinioAdminApi, minioAdminRoutes } from './minio-api/routes.js';
export type { MinioAdminApi, MinioAdminRequest, MinioAdminResponse } from './minio-api/types.js';
export type { IamApi, IamApiRequest, IamApiResponse } from './types.js';
