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
