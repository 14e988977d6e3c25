import { childText, parseXml } from '../../api/client.js';
import { xmlEscape } from '../../api/s3.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function child(el: Element, name: string): Element | undefined {
  return Array.from(el.children).find((c) => c.localName === name);
}

function optNumber(v: string | undefined): number | undefined {
  return v === undefined || v === '' ? undefined : Number(v);
}

/** The lifecycle rules the simple form can show (anything else is edited as XML). */
export interface SimpleRule {
  id: string;
  enabled: boolean;
  prefix: string;
  expirationDays?: number | undefined;
  noncurrentDays?: number | undefined;
  abortMultipartDays?: number | undefined;
}

/**
 * Reads a LifecycleConfiguration into simple rules, or undefined when a rule uses something the
 * form cannot show (tags, sizes, dates, transitions…), so the XML editor is used instead.
 */
export function parseLifecycle(xml: string): SimpleRule[] | undefined {
  const root = parseXml(xml).documentElement;
  const rules: SimpleRule[] = [];
  const known = new Set([
    'ID',
    'Status',
    'Prefix',
    'Filter',
    'Expiration',
    'NoncurrentVersionExpiration',
    'AbortIncompleteMultipartUpload',
  ]);
  for (const r of Array.from(root.children)) {
    if (r.localName !== 'Rule') return undefined;
    if (Array.from(r.children).some((c) => !known.has(c.localName))) return undefined;
    const filter = child(r, 'Filter');
    if (filter && Array.from(filter.children).some((c) => c.localName !== 'Prefix')) return undefined;
    const exp = child(r, 'Expiration');
    if (exp && Array.from(exp.children).some((c) => c.localName !== 'Days')) return undefined;
    const nc = child(r, 'NoncurrentVersionExpiration');
    if (nc && Array.from(nc.children).some((c) => c.localName !== 'NoncurrentDays')) return undefined;
    const abort = child(r, 'AbortIncompleteMultipartUpload');
    rules.push({
      id: childText(r, 'ID') ?? '',
      enabled: childText(r, 'Status') === 'Enabled',
      prefix: (filter ? childText(filter, 'Prefix') : childText(r, 'Prefix')) ?? '',
      expirationDays: exp ? optNumber(childText(exp, 'Days')) : undefined,
      noncurrentDays: nc ? optNumber(childText(nc, 'NoncurrentDays')) : undefined,
      abortMultipartDays: abort ? optNumber(childText(abort, 'DaysAfterInitiation')) : undefined,
    });
  }
  return rules;
}

export function buildLifecycle(rules: readonly SimpleRule[]): string {
  const body = rules
    .map((r) => {
      const parts = [
        r.id ? `<ID>${xmlEscape(r.id)}</ID>` : '',
        `<Filter><Prefix>${xmlEscape(r.prefix)}</Prefix></Filter>`,
        `<Status>${r.enabled ? 'Enabled' : 'Disabled'}</Status>`,
        r.expirationDays !== undefined ? `<Expiration><Days>${r.expirationDays}</Days></Expiration>` : '',
        r.noncurrentDays !== undefined
          ? `<NoncurrentVersionExpiration><NoncurrentDays>${r.noncurrentDays}</NoncurrentDays></NoncurrentVersionExpiration>`
          : '',
        r.abortMultipartDays !== undefined
          ? `<AbortIncompleteMultipartUpload><DaysAfterInitiation>${r.abortMultipartDays}</DaysAfterInitiation></AbortIncompleteMultipartUpload>`
          : '',
      ];
      return `  <Rule>${parts.join('')}</Rule>\n`;
    })
    .join('');
  return `<LifecycleConfiguration xmlns="${NS}">\n${body}</LifecycleConfiguration>`;
}

/** An object-lock configuration: enabled, and the default retention if any. */
export interface LockConfig {
  enabled: boolean;
  mode?: 'GOVERNANCE' | 'COMPLIANCE' | undefined;
  days?: number | undefined;
  years?: number | undefined;
}

export function parseObjectLock(xml: string): LockConfig {
  const root = parseXml(xml).documentElement;
  const retention = child(root, 'Rule') && child(child(root, 'Rule')!, 'DefaultRetention');
  const mode = retention ? childText(retention, 'Mode') : undefined;
  return {
    enabled: childText(root, 'ObjectLockEnabled') === 'Enabled',
    mode: mode === 'GOVERNANCE' || mode === 'COMPLIANCE' ? mode : undefined,
    days: retention ? optNumber(childText(retention, 'Days')) : undefined,
    years: retention ? optNumber(childText(retention, 'Years')) : undefined,
  };
}

export function buildObjectLock(c: LockConfig): string {
  const period = c.days !== undefined ? `<Days>${c.days}</Days>` : `<Years>${c.years ?? 1}</Years>`;
  const rule = c.mode
    ? `<Rule><DefaultRetention><Mode>${c.mode}</Mode>${period}</DefaultRetention></Rule>`
    : '';
  return `<ObjectLockConfiguration xmlns="${NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`;
}

export const PUBLIC_ACCESS_FLAGS = [
  ['BlockPublicAcls', 'Block public ACLs', 'Refuse requests that grant public access through ACLs.'],
  ['IgnorePublicAcls', 'Ignore public ACLs', 'Ignore every ACL that grants public access.'],
  ['BlockPublicPolicy', 'Block public bucket policies', 'Refuse bucket policies that grant public access.'],
  [
    'RestrictPublicBuckets',
    'Restrict public buckets',
    'Only the owner and AWS services may use a bucket whose policy is public.',
  ],
] as const;

export type PublicAccessFlag = (typeof PUBLIC_ACCESS_FLAGS)[number][0];
export type PublicAccessBlock = Record<PublicAccessFlag, boolean>;

export function parsePublicAccessBlock(xml: string | undefined): PublicAccessBlock {
  const root = xml === undefined ? undefined : parseXml(xml).documentElement;
  const out = {} as PublicAccessBlock;
  for (const [flag] of PUBLIC_ACCESS_FLAGS) out[flag] = root ? childText(root, flag) === 'true' : false;
  return out;
}

export function buildPublicAccessBlock(b: PublicAccessBlock): string {
  const flags = PUBLIC_ACCESS_FLAGS.map(([f]) => `<${f}>${b[f]}</${f}>`).join('');
  return `<PublicAccessBlockConfiguration xmlns="${NS}">${flags}</PublicAccessBlockConfiguration>`;
}

export const CORS_EXAMPLE = `<CORSConfiguration xmlns="${NS}">
  <CORSRule>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
