/**
 * Compile-time name scopes: what a name (let variable, query parameter, function parameter, `as` name, user function)
 * stands for while a query is compiled. Kusto.Language has already resolved every name; the scope only says how the
 * emulator evaluates it.
 */
import type { KustoScalarType, Value } from '../model';
import type { TabularPlan } from './runtime';

/** A scalar value: a let constant, query parameter or function parameter. */
export interface ScalarBinding {
  /** Discriminant. */
  kind: 'scalar';
  /** Value type. */
  type: KustoScalarType;
  /** Reads the current value. */
  get(): Value;
}

/** A tabular value: a tabular let, tabular function parameter or `as` name. */
export interface TabularBinding {
  /** Discriminant. */
  kind: 'tabular';
  /** The plan producing the rows. */
  plan: TabularPlan;
  /** Name to report as the source of union's `withsource=` column. */
  sourceName: string;
}

/** A user function declared by `let f = (…) { … }`: its body is compiled at each call site, in its declaring scope. */
export interface FunctionBinding {
  /** Discriminant. */
  kind: 'function';
  /** The scope the function was declared in (lexical scoping). */
  scope: Scope;
}

/** What a name stands for. */
export type Binding = ScalarBinding | TabularBinding | FunctionBinding;

/** A lexical scope. */
export class Scope {
  private readonly names = new Map<string, Binding>();

  /**
   * @param parent enclosing scope
   * @param inFunction whether this scope is inside a function body, whose values may change between calls (so
   *   per-run memoization of sub-results is off)
   */
  constructor(
    readonly parent?: Scope,
    readonly inFunction: boolean = parent?.inFunction ?? false,
  ) {}

  /** Binds `name` in this scope (shadowing outer ones). */
  define(name: string, binding: Binding): void {
    this.names.set(name, binding);
  }

  /** The binding of `name`, searching outwards. */
  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
}
