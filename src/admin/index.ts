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
export type { IamApi, IamApiRequest, IamApiResponse } from './types.js';
