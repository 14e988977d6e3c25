import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

const label = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

/** Samples whose stack holds each Tessera function (inclusive time), counted once per sample. */
function inclusiveTessera(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  for (const id of profile.samples ?? []) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (n.callFrame.functionName === '(idle)') break;
      if (!n.callFrame.url.includes('/dist/src/')) continue;
      const key = label(n);
      if (!seen.has(key)) {
        seen.add(key);
        out.set(key, (out.get(key) ?? 0) + 1);
      }
    }
  }
  return out;
}

/** Where the code lives, coarsely: a Tessera folder, a dependency, or Node itself. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const src = /\/dist\/src\/([^/]+)\//.exec(url);
  if (src) return `tessera ${src[1]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  return url;
}

/** The largest .cpuprofile in `dir` (the worker's; the primary is mostly idle), if any. */
function largestProfile(dir: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return undefined;
  }
  return files.map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** Self-time samples by function and by area, and the busy (not idle) total. */
function selfTime(profile: Profile) {
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    const { functionName, url } = n.callFrame;
    if (!hits || functionName === '(idle)') continue;
    busy += hits;
    const fn = label(n);
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + hits);
  }
  return { byFn, byArea, busy };
}

const readProfile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Profile;

/**
 * The `top` functions by self time in the worker's profile in `dir`, as % of its busy time
 * (for the report's "where the time goes"); empty when `dir` holds no profile.
 */
export function topSelfTime(dir: string, top = 8): { fn: string; pct: number }[] {
  const file = largestProfile(dir);
  if (!file) return [];
  const { byFn, busy } = selfTime(readProfile(file));
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, hits]) => ({ fn, pct: (hits / busy) * 100 }));
}

/**
 * Self time of a V8 CPU profile, by function and by area, as % of the time not spent idle.
 * Reads the largest .cpuprofile in `dir` (the worker's, the primary is mostly idle).
 */
export function summarizeProfiles(dir: string, top = 20): string {
  const file = largestProfile(dir);
  if (!file) return `no .cpuprofile in ${dir}`;
  const profile = readProfile(file);
  const { byFn, byArea, busy } = selfTime(profile);
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return [
    `profile ${file} (${busy} busy samples)`,
    'self time by area:',
    list(byArea, 15),
    'self time by function:',
    list(byFn, top),
    'inclusive time of Tessera functions (their callees included):',
    list(inclusiveTessera(profile), top),
  ].join('\n');
}
