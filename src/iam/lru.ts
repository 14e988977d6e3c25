/**
 * A bounded least-recently-used map: `get` refreshes an entry, `set` evicts the oldest past
 * `limit`. Backed by Map's insertion order, so every operation is O(1).
 * @example const lru = new Lru<string, number>(2); lru.set('a', 1); lru.set('b', 2); lru.get('a'); lru.set('c', 3) // evicts 'b'
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  readonly limit: number;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`LRU limit must be a positive integer (got ${limit})`);
    this.limit = limit;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }

  /** Reads without refreshing. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }
}
