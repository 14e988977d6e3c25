import type { ComponentType } from 'react';
import type { Session } from '../api/session.js';

export type SignedIn = Extract<Session, { signedIn: true }>;

export interface PageProps {
  /** Named route segments (and `*`, the rest of the path). */
  params: Record<string, string>;
  /** The query of the hash route. */
  query: URLSearchParams;
  session: SignedIn;
}

/** One page of the console: the route it answers and where the navigation lists it. */
export interface PageDef {
  /** `/buckets/:bucket`; the first matching page wins. */
  route: string;
  /** In the navigation (absent: reachable only by link). */
  nav?: { section: 'Storage' | 'Identity' | 'Security' | 'Server'; label: string; path: string };
  title: string;
  /** For a page reached by link: the navigation path it belongs under (highlighted while shown). */
  under?: string;
  component: ComponentType<PageProps>;
}
