/** What a deferred count hands its sum to: a prom-client counter or one of its children. */
interface Incrementable {
  inc(value?: number): void;
}

/**
 * A counter whose increments add up in a plain number and reach prom-client only when the
 * metrics are read (a `collect` hook flushes the tally): counting a request costs an addition,
 * not a prom-client call per series.
 */
export class DeferredCount {
  #n = 0;
  constructor(readonly target: Incrementable) {}

  add(value = 1): void {
    this.#n += value;
  }

  /** Hands the sum so far to the counter. */
  flush(): void {
    if (this.#n === 0) return;
    const n = this.#n;
    this.#n = 0;
    this.target.inc(n);
  }
}

/** Every deferred count of one metrics object, flushed together before a scrape reads them. */
export class Tally {
  readonly #all: DeferredCount[] = [];

  of(target: Incrementable): DeferredCount {
    const d = new DeferredCount(target);
    this.#all.push(d);
    return d;
  }

  flush(): void {
    for (const d of this.#all) d.flush();
  }
}

/** The part of a prom-client histogram's per-series state that observations update. */
interface HistogramSeriesState {
  labels: Record<string, string | number>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * One labelled series of a prom-client histogram whose observations add up in plain numbers and
 * reach prom-client when the metrics are read (the histogram's `collect` flushes them): an
 * observation costs a bucket search and three additions, not prom-client's label validation and
 * hashing. Flushing adds the counts to the series' own state, which `zero()` created; should
 * that state not be found (another prom-client), each observation goes to `observe` instead.
 */
export class DeferredObservations {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(
    private readonly histogram: { zero(labels: Record<string, string>): void },
    private readonly labels: Record<string, string>,
    bounds: readonly number[],
    child: { observe(value: number): void },
  ) {
    this.#bounds = bounds;
    this.#counts = new Array<number>(bounds.length).fill(0);
    histogram.zero(labels);
    if (this.#state() === undefined) this.observe = (value) => child.observe(value);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.#counts[i]!++;
    this.#sum += value;
    this.#count++;
  }

  /** Hands what was observed since the last flush to the histogram. */
  flush(): void {
    if (this.#count === 0) return;
    let state = this.#state();
    if (state === undefined) {
      this.histogram.zero(this.labels); // the histogram was reset since
      state = this.#state();
    }
    if (state === undefined) return;
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      state.bucketValues[bounds[i]!] = (state.bucketValues[bounds[i]!] ?? 0) + this.#counts[i]!;
      this.#counts[i] = 0;
    }
    state.sum += this.#sum;
    state.count += this.#count;
    this.#sum = 0;
    this.#count = 0;
  }

  /** The series' state inside the histogram (prom-client 15 keeps it in `hashMap`). */
  #state(): HistogramSeriesState | undefined {
    const map = (this.histogram as { hashMap?: Record<string, HistogramSeriesState> }).hashMap;
    if (map === undefined) return undefined;
    const names = Object.keys(this.labels);
    for (const state of Object.values(map)) {
      if (typeof state?.bucketValues !== 'object' || typeof state.count !== 'number') continue;
      if (names.every((n) => state.labels[n] === this.labels[n])) return state;
    }
    return undefined;
  }
}
