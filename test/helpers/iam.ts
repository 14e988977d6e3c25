import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './raw.js';
import { ROOT_PASSWORD, ROOT_USER } from './server.js';

/**
 * Calls the IAM Query API directly (for Tessera's extension parameters, which the SDK cannot send),
 * signed for service iam as root. Returns the XML answer; throws with the error code on failure.
 */
export async function iamQuery(endpoint: string, params: Record<string, string>): Promise<string> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
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
  if (res.status !== 200) throw new Error(/<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${res.status}`);
  return text;
}

/** The text of the first <name> element of an XML answer. */
export function xmlValue(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}
