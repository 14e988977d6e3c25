import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './raw.js';
import { ROOT_PASSWORD, ROOT_USER } from './server.js';

/**
 * Calls the IAM Query API directly (for Tessera's extension parameters, which the SDK cannot send),
 * signed for service iam as root. Returns the XML answer; throws with the error code on failure.
 */
export async function iamQuery(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await iamCall(endpoint, params);
  if (res.status !== 200) throw new Error(res.code ?? `HTTP ${res.status}`);
  return res.body;
}

export interface IamAnswer {
  status: number;
  /** The error code, for an error answer. */
  code: string | undefined;
  body: string;
}

/** One IAM Query API call signed (service iam) with `credentials` (root by default); never throws on an error answer. */
export async function iamCall(
  endpoint: string,
  params: Record<string, string>,
  credentials: { accessKeyId: string; secretAccessKey: string } = {
    accessKeyId: ROOT_USER,
    secretAccessKey: ROOT_PASSWORD,
  },
): Promise<IamAnswer> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    credentials,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers: signed.headers, body });
  const text = await res.text();
  const code = res.status === 200 ? undefined : /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return { status: res.status, code, body: text };
}

/** The text of the first <name> element of an XML answer. */
export function xmlValue(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}
