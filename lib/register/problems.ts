/** The problems registration finds: collected across every class and method, reported all at once. */

/** Collects problems; registration reports them all at once. */
export class Problems {
  /** The problems, one message each, in the order found. */
  readonly list: string[] = [];

  /** Adds a problem. */
  add(message: string): void {
    this.list.push(message);
  }
}
