import { TesseraError } from '../../core/index.js';

/** The parsed x-amz-credential field: `<access key>/<yyyymmdd>/<region>/s3/aws4_request`. */
export interface PostCredential {
  accessKey: string;
  date: string;
  region: string;
  /** `<date>/<region>/s3/aws4_request`, as signed. */
  scope: string;
}

function credentialError(message: string, value: string, detail: Record<string, string> = {}): TesseraError {
  return new TesseraError('InvalidArgument', message, {
    ArgumentName: 'X-Amz-Credential',
    ArgumentValue: value,
    ...detail,
  });
}

/**
 * Parses x-amz-credential and checks its scope against the endpoint: service s3 and the server's
 * region, answered as S3 answers a POST ("the region 'eu-west-1' is wrong; expecting
 * 'us-east-1'", with <Region>). Throws InvalidArgument naming X-Amz-Credential.
 * @example parsePostCredential('AKID/20260101/us-east-1/s3/aws4_request', 'us-east-1')
 */
export function parsePostCredential(value: string, region: string): PostCredential {
  const parts = value.split('/');
  if (parts.length < 5)
    throw credentialError(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      value,
    );
  const [date, scopeRegion, service, terminal] = parts.slice(-4) as [string, string, string, string];
  const accessKey = parts.slice(0, -4).join('/');
  if (accessKey === '')
    throw credentialError('a non-empty Access Key (AKID) must be provided in the credential.', value);
  if (!/^\d{8}$/.test(date))
    throw credentialError(
      `incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`,
      value,
    );
  if (service !== 's3')
    throw credentialError(`incorrect service "${service}". This endpoint belongs to "s3".`, value);
  if (terminal !== 'aws4_request')
    throw credentialError(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`, value);
  if (scopeRegion !== region)
    throw credentialError(`the region '${scopeRegion}' is wrong; expecting '${region}'`, value, {
      Region: region,
    });
  return { accessKey, date, region: scopeRegion, scope: parts.slice(-4).join('/') };
}
