/** A small LRU cache of compiled queries, keyed by schema and query text. */

/** Least-recently-used map with a fixed capacity. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();

  /** @param capacity entries kept at most */
  constructor(readonly capacity: number) {}

  /** The value for `key`, marking it most recently used. */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: string, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }

  /** Number of entries. */
  get size(): number {
    return this.map.size;
  }

  /** Removes every entry. */
  clear(): void {
    this.map.clear();
  }
}
