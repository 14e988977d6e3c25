import { useEffect, useState } from 'react';

/** Hash routes (`#/buckets/photos`): the server serves one page, and every route is a bookmark. */
export function currentPath(): string {
  const h = window.location.hash.replace(/^#/, '');
  return h === '' ? '/' : h;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}

/**
 * Matches `/buckets/:bucket/*` against a path: named segments are decoded, `*` takes the rest
 * (kept as written, slashes included, decoded). Query strings after `?` are ignored here.
 */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const pathOnly = path.split('?')[0] ?? '';
  const want = pattern.split('/').filter((s) => s !== '');
  const got = pathOnly.split('/').filter((s) => s !== '');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w === '*') {
      params['*'] = got.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

/** The query part of a hash route (`#/audit?decision=Deny`). */
export function routeQuery(path: string): URLSearchParams {
  const i = path.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : path.slice(i + 1));
}
