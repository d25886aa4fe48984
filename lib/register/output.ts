/**
 * The object a `@KustoOutput` parameter receives: what the handler sets on it is ingested when the handler
 * returns (like Java's `OutputBinding<T>`).
 */

/**
 * An output a handler writes to. `set` replaces what will be ingested; `add` appends rows.
 *
 * @typeParam T - what the handler sets: a row, an array of rows, or text in the binding's data format.
 *
 * @example
 * ```ts
 * @HttpTrigger({ route: 'addmultitable', methods: ['POST'] })
 * async addMultiTable(
 *   @Body(Product) product: Product,
 *   @KustoOutput({ database: 'productsdb', tableName: 'Products', connection: 'KustoConnectionString' }) products: Output<Product>,
 *   @KustoOutput({ database: 'productsdb', tableName: 'ProductsChangeLog', connection: 'KustoConnectionString' }) log: Output<ProductChangeLog>,
 * ) {
 *   products.set(product);
 *   log.set({ ProductID: product.ProductID, CreatedAt: new Date() });
 * }
 * ```
 */
export interface Output<T> {
  /** Sets what will be ingested, replacing anything set or added before. */
  set(value: T): void;
  /** Appends one row (or several, given an array) to what will be ingested. */
  add(value: T extends readonly (infer E)[] ? E | E[] : T | T[]): void;
  /** What will be ingested so far (undefined when nothing was set). */
  get(): T | undefined;
}

/** The implementation the wrapper hands out. */
export class OutputValue<T> implements Output<T> {
  #value: unknown;

  set(value: T): void {
    this.#value = value;
  }

  add(value: unknown): void {
    const current = this.#value;
    const rows = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
    this.#value = rows.concat(Array.isArray(value) ? value : [value]);
  }

  get(): T | undefined {
    return this.#value as T | undefined;
  }
}
