import { call, parseXml } from './client.js';

/**
 * The IAM (and Tessera's IAM extensions) Query API through the console's signing relay:
 * POST /api/v1/iam with a form body, answered with IAM's XML.
 */
export async function iam(
  action: string,
  params: Record<string, string | undefined> = {},
): Promise<Document> {
  const form = new URLSearchParams({ Action: action, Version: '2010-05-08' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.append(k, v);
  const res = await call('/api/v1/iam', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
  });
  return parseXml(await res.text());
}

/** Numbered list parameters as IAM writes them: `Name.member.1`, `Name.member.2`, … */
export function members(name: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => {
    out[`${name}.member.${i + 1}`] = v;
  });
  return out;
}
