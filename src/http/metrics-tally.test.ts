import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DeferredObservations } from './metrics-tally.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];

/** The text with sums rounded: added in another order, a float sum may differ in its last bit. */
const rounded = async (r: Registry) =>
  (await r.metrics()).replace(
    /(_sum\{[^}]*\} )(\S+)/g,
    (_, head: string, v: string) => head + Number(v).toFixed(9),
  );

/** A histogram observed the deferred way and one observed by prom-client itself, same values. */
function pair() {
  const deferred: DeferredObservations[] = [];
  const a = new Registry();
  const b = new Registry();
  const hd = new Histogram({
    name: 'h',
    help: 'h',
    labelNames: ['api'],
    buckets: BOUNDS,
    registers: [a],
    collect: () => {
      for (const d of deferred) d.flush();
    },
  });
  const hp = new Histogram({ name: 'h', help: 'h', labelNames: ['api'], buckets: BOUNDS, registers: [b] });
  const series = (api: string) => {
    const d = new DeferredObservations(hd, { api }, BOUNDS, hd.labels(api));
    deferred.push(d);
    const p = hp.labels(api);
    return (v: number) => {
      d.observe(v);
      p.observe(v);
    };
  };
  return { a, b, series, hd, hp };
}

describe('deferred histogram observations', () => {
  it('read back exactly as prom-client’s own observations, across scrapes', async () => {
    const { a, b, series } = pair();
    const get = series('GetObject');
    const put = series('PutObject');
    for (const v of [0, 0.001, 0.0011, 0.05, 0.1, 0.5, 1, 2, 120]) get(v);
    put(0.002);
    expect(await rounded(a)).toBe(await rounded(b));
    for (const v of [0.0005, 3, 0.01]) get(v);
    expect(await rounded(a)).toBe(await rounded(b));
    expect(await a.metrics()).toContain('h_bucket{le="0.01",api="GetObject"} 5');
    expect(await a.metrics()).toContain('h_count{api="GetObject"} 12');
  });

  it('start again after the histogram is reset', async () => {
    const { a, b, series, hd, hp } = pair();
    const get = series('GetObject');
    get(0.5);
    await a.metrics();
    hd.reset();
    hp.reset();
    get(0.05);
    expect(await rounded(a)).toBe(await rounded(b));
  });

  it('go to observe when the histogram keeps its series elsewhere', () => {
    const seen: number[] = [];
    const d = new DeferredObservations({ zero: () => {} }, { api: 'x' }, BOUNDS, {
      observe: (v) => seen.push(v),
    });
    d.observe(0.2);
    d.observe(7);
    expect(seen).toEqual([0.2, 7]);
  });
});
