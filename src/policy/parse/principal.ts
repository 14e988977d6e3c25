import type { PrincipalSpec } from '../types.js';
import { fail, isObject, stringList } from './json.js';

const principalTypes = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/**
 * Parses Principal / NotPrincipal: `"*"` or `{ "AWS": "*" | ARN | account id | [...],
 * "Service": …, "Federated": …, "CanonicalUser": … }`.
 */
export function parsePrincipal(v: unknown, path: string): PrincipalSpec {
  if (v === '*') return '*';
  if (!isObject(v)) fail(path, 'must be "*" or an object such as {"AWS": [ARNs]}');
  const keys = Object.keys(v);
  if (keys.length === 0) fail(path, 'must not be empty');
  const out: Record<string, string[]> = {};
  for (const k of keys) {
    if (!principalTypes.includes(k))
      fail(`${path}.${k}`, `unknown principal type (expected ${principalTypes.join(', ')})`);
    out[k] = stringList(v[k], `${path}.${k}`, (s, p) => {
      if (k === 'AWS' && s !== '*' && !/^\d{12}$/.test(s) && !s.startsWith('arn:')) {
        fail(p, 'must be "*", a 12-digit account id or an ARN');
      }
    });
  }
  return out;
}
