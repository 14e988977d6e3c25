import { TesseraError } from '../core/index.js';
import { assertBucketName, assertObjectKey } from './names.js';
import type { AnyOperationSpec, Route, Target } from './operation.js';
import { operationSpecs, type S3Operation } from './ops/index.js';
import {
  notImplementedSpec,
  UNBUILT_BUCKET_SUBRESOURCES,
  UNBUILT_OBJECT_SUBRESOURCES,
} from './ops/unbuilt.js';

export interface RouteInput {
  method: string;
  /** Raw (percent-encoded) path without the query. */
  rawPath: string;
  query: URLSearchParams;
  host: string | undefined;
  /** True when the request carries x-amz-copy-source. */
  copySource: boolean;
}

/**
 * A request naming several sub-resources is the operation of the first of them in this order
 * (`?policy&tagging` is GetBucketPolicy); selectors not listed come after the listed ones.
 */
const PRECEDENCE: Record<Target, readonly string[]> = {
  service: [],
  bucket: ['policy', 'policyStatus', 'location', 'tagging', 'uploads', 'versioning', 'delete'],
  object: ['uploads', 'tagging', 'attributes', 'uploadId', 'partNumber'],
};

type AnySpec = AnyOperationSpec<S3Operation>;

interface Selector {
  name: string;
  /** For `name=value`: the value the parameter must have. */
  value?: string;
}

interface CompiledRoute {
  spec: AnySpec;
  route: Route;
  query: Selector[];
  unless: readonly string[];
  rank: number;
}

function selector(text: string): Selector {
  const eq = text.indexOf('=');
  return eq < 0 ? { name: text } : { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

function selects(s: Selector, q: URLSearchParams): boolean {
  return s.value === undefined ? q.has(s.name) : q.get(s.name) === s.value;
}

function copyMatches(route: Route, copySource: boolean): boolean {
  return route.copySource === undefined || route.copySource === copySource;
}

/** Routes by method and target: those a sub-resource selects, by precedence, then the defaults. */
interface RouteGroup {
  selected: CompiledRoute[];
  defaults: CompiledRoute[];
}

function overlap(a: CompiledRoute, b: CompiledRoute): boolean {
  const copy =
    a.route.copySource === undefined ||
    b.route.copySource === undefined ||
    a.route.copySource === b.route.copySource;
  const same = (x: readonly string[] = [], y: readonly string[] = []) =>
    x.length === y.length && x.every((v) => y.includes(v));
  return copy && same(a.route.query, b.route.query) && same(a.unless, b.unless);
}

/** The table, indexed once; two routes that would take the same requests fail at load. */
function compile(specs: readonly AnySpec[]): Map<string, RouteGroup> {
  const groups = new Map<string, RouteGroup>();
  for (const spec of specs) {
    for (const route of spec.routes) {
      const id = `${route.method} ${route.target}`;
      const group = groups.get(id) ?? { selected: [], defaults: [] };
      groups.set(id, group);
      const order = PRECEDENCE[route.target];
      const rank = Math.min(
        order.length,
        ...(route.query ?? []).map((s) => (order.includes(s) ? order.indexOf(s) : order.length)),
      );
      const compiled: CompiledRoute = {
        spec,
        route,
        query: (route.query ?? []).map(selector),
        unless: route.unless ?? [],
        rank,
      };
      const list = route.query === undefined ? group.defaults : group.selected;
      const clash = list.find((other) => overlap(other, compiled));
      if (clash) throw new Error(`${spec.name} and ${clash.spec.name} take the same ${id} requests`);
      list.push(compiled);
    }
  }
  for (const group of groups.values()) group.selected.sort((a, b) => a.rank - b.rank);
  return groups;
}

const ROUTES = compile(operationSpecs);

function pickSpec(input: RouteInput, target: Target): AnySpec {
  const q = input.query;
  const unbuilt =
    target === 'bucket'
      ? UNBUILT_BUCKET_SUBRESOURCES
      : target === 'object'
        ? UNBUILT_OBJECT_SUBRESOURCES
        : [];
  if (unbuilt.some((sub) => q.has(sub))) return notImplementedSpec;
  const group = ROUTES.get(`${input.method} ${target}`);
  const chosen =
    group?.selected.find(
      (r) =>
        r.query.some((s) => selects(s, q)) &&
        !r.unless.some((u) => q.has(u)) &&
        copyMatches(r.route, input.copySource),
    ) ?? group?.defaults.find((r) => copyMatches(r.route, input.copySource));
  if (!chosen) throw new TesseraError('MethodNotAllowed');
  return chosen.spec;
}

/** Splits a Host header value into a bucket name when it is `<bucket>.<domain>` for a configured domain. */
export function bucketFromHost(host: string | undefined, domains: readonly string[]): string | undefined {
  if (!host || domains.length === 0) return undefined;
  let name = host.toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon > 0 && !name.endsWith(']')) name = name.slice(0, colon);
  for (const domain of domains) {
    if (
      name.length > domain.length + 1 &&
      name.endsWith(domain) &&
      name[name.length - domain.length - 1] === '.'
    ) {
      return name.slice(0, name.length - domain.length - 1);
    }
  }
  return undefined;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new TesseraError('InvalidURI');
  }
}

/**
 * Turns method + path + query (+ Host for virtual-host style) into a typed operation: picks the
 * operation by its routes (ops/), checks bucket name and key, then parses the operation's own
 * query values (versionId, partNumber, uploadId, list parameters…) once.
 * Path style: /bucket/key…; virtual-host style: Host bucket.domain, path /key….
 */
export function routeRequest(input: RouteInput, domains: readonly string[]): S3Operation {
  const hostBucket = bucketFromHost(input.host, domains);
  let bucket: string | undefined;
  let key: string | undefined;
  const path = input.rawPath.startsWith('/') ? input.rawPath.slice(1) : input.rawPath;
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    key = path === '' ? undefined : decodePath(path);
  } else if (path !== '') {
    const slash = path.indexOf('/');
    bucket = decodePath(slash < 0 ? path : path.slice(0, slash));
    const rest = slash < 0 ? '' : path.slice(slash + 1);
    key = rest === '' ? undefined : decodePath(rest);
  }
  const target: Target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  const spec = pickSpec(input, target);
  const op: Record<string, unknown> = { name: spec.name, virtualHost: hostBucket !== undefined };
  if (bucket !== undefined) {
    assertBucketName(bucket);
    op['bucket'] = bucket;
  }
  if (key !== undefined) {
    assertObjectKey(key);
    op['key'] = key;
  }
  if (spec.parse) Object.assign(op, spec.parse(input.query));
  // The spec chosen for this target parsed its own fields: op is that spec's operation.
  return op as unknown as S3Operation;
}
