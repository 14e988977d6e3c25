import { type ErrorCode, TesseraError } from '../../core/index.js';

/** The parsed `Credential=` value: `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  accessKey: string;
  /** yyyymmdd */
  date: string;
  /** May be empty (MinIO admin clients sign with an empty region). */
  region: string;
  service: string;
  /** `<date>/<region>/<service>/aws4_request`, as signed. */
  scope: string;
}

export const DEFAULT_SERVICES: readonly string[] = ['s3', 'iam', 'sts'];

function isDate8(s: string): boolean {
  if (s.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses a credential value; the access key is everything before the last four fields.
 * @example parseCredential('AKID/20150830/us-east-1/s3/aws4_request', 'AuthorizationHeaderMalformed')
 */
export function parseCredential(
  value: string,
  code: ErrorCode,
  services: readonly string[],
): CredentialScope {
  const end = value.length;
  const t = value.lastIndexOf('/', end - 1);
  const s = t > 0 ? value.lastIndexOf('/', t - 1) : -1;
  const r = s > 0 ? value.lastIndexOf('/', s - 1) : -1;
  const d = r > 0 ? value.lastIndexOf('/', r - 1) : -1;
  if (d <= 0)
    throw new TesseraError(
      code,
      'The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  const accessKey = value.slice(0, d);
  const date = value.slice(d + 1, r);
  const region = value.slice(r + 1, s);
  const service = value.slice(s + 1, t);
  if (value.slice(t + 1) !== 'aws4_request') {
    throw new TesseraError(
      code,
      'The credential is malformed; incorrect terminal, expecting "aws4_request".',
    );
  }
  if (!isDate8(date))
    throw new TesseraError(code, `Invalid credential date "${date}". This date is not in yyyyMMdd format.`);
  if (!services.includes(service)) {
    throw new TesseraError(code, `The credential is malformed; incorrect service "${service}".`);
  }
  return { accessKey, date, region, service, scope: value.slice(d + 1) };
}
