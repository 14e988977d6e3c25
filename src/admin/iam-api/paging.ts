import { TesseraError } from '../../core/index.js';
import type { Params } from './params.js';

/** AWS: "MaxItems … defaults to 100"; valid range 1–1000. */
export const DEFAULT_MAX_ITEMS = 100;

export interface PageRequest {
  /** The sort key after which the page starts (decoded Marker). */
  after?: string;
  max: number;
}

export interface Page<T> {
  items: T[];
  /** The Marker of the next page, when truncated. */
  next?: string;
}

/** Markers are opaque to clients: the base64url of the last returned item's sort key. */
export function encodeMarker(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  if (!/^[A-Za-z0-9_-]{1,2800}$/.test(marker))
    throw new TesseraError('InvalidInput', 'The Marker is not valid.');
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/** Reads Marker and MaxItems. */
export function pageRequest(p: Params): PageRequest {
  const marker = p.optional('Marker');
  const max = p.int('MaxItems', 1, 1000) ?? DEFAULT_MAX_ITEMS;
  return marker === undefined ? { max } : { after: decodeMarker(marker), max };
}

/** Total order on sort keys: without regard to case first (IAM names), then exactly. */
export function compareKeys(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of an in-memory list: sorts by `key`, skips through the marker, takes MaxItems.
 * @example paginate(names, (n) => n, pageRequest(params))
 */
export function paginate<T>(items: readonly T[], key: (item: T) => string, req: PageRequest): Page<T> {
  const sorted = items.map((item) => ({ item, k: key(item) })).sort((a, b) => compareKeys(a.k, b.k));
  const after = req.after;
  const rest = after === undefined ? sorted : sorted.filter((e) => compareKeys(e.k, after) > 0);
  return fromFetched(
    rest.map((e) => e.item),
    (item) => key(item),
    req.max,
  );
}

/** A page from `max + 1` fetched items: the extra one only says that more exist. */
export function fromFetched<T>(fetched: readonly T[], key: (item: T) => string, max: number): Page<T> {
  if (fetched.length <= max) return { items: [...fetched] };
  const items = fetched.slice(0, max);
  return { items, next: encodeMarker(key(items[items.length - 1]!)) };
}

/** The IsTruncated / Marker elements of a list result. */
export function truncation(page: Page<unknown>): { IsTruncated: boolean; Marker?: string } {
  return page.next === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: page.next };
}
