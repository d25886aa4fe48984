/**
 * What the compilers of operators, scalar expressions and aggregates may ask of the query compiler that calls them.
 *
 * They take this interface rather than the QueryCompiler class (queryCompiler.ts), which calls them: their modules
 * import the contract, never the implementation, so no import runs in a loop.
 */
import type { Column, KustoScalarType, Value } from '../model';
import type { KNode, KSymbol, KustoLanguage } from './language';
import type { Runtime, ScalarPlan, TabularPlan } from './runtime';
import type { SchemaSymbols } from './schema';
import type { Scope } from './scope';

/** The symbol kinds the engine tells apart, by Kusto.Language's `SymbolKind` names. */
export const SYMBOL_KIND_NAMES = ['Table', 'Column', 'Variable', 'Parameter', 'Function', 'Database'] as const;

/** One of {@link SYMBOL_KIND_NAMES}. */
export type SymbolKindName = (typeof SYMBOL_KIND_NAMES)[number];

/** The compiler of one query text against one schema, as the parts it calls see it. */
export interface Compiler {
  /** Shared per-request state the closures read. */
  readonly runtime: Runtime;
  /** Kusto.Language. */
  readonly K: KustoLanguage;
  /** The schema the query was analysed against. */
  readonly schema: SchemaSymbols;
  /** Plans standing in for specific nodes (aggregate calls inside a summarize expression). */
  readonly overrides: Map<KNode, ScalarPlan>;

  /** A plan computing its input's rows once per run (tabular lets, `as`, `materialize`). */
  memoized(plan: TabularPlan): TabularPlan;
  /** A getter computing a row-independent scalar once per run. */
  memoizedValue(plan: ScalarPlan): () => Value;
  /** The kind of a symbol, among those the engine distinguishes. */
  symbolKind(symbol: KSymbol | null | undefined): SymbolKindName | undefined;
  /** The output columns of a tabular node, from the analysis. */
  columns(node: KNode): Column[];
  /** The scalar type of an expression (or symbol), from the analysis. */
  scalarTypeOf(node: KNode | KSymbol | null, what: string): KustoScalarType;
  /** Compiles a scalar expression evaluated against rows of `columns`. */
  scalar(node: KNode, columns: Column[], scope: Scope): ScalarPlan;
  /** Compiles a scalar expression and converts its value to `type`. */
  converted(node: KNode, columns: Column[], scope: Scope, type: KustoScalarType): ScalarPlan;
  /** Compiles a tabular expression. */
  tabular(node: KNode, scope: Scope): TabularPlan;
  /** Whether a function symbol is a user function (stored or declared by let) rather than a built-in. */
  isUserFunction(symbol: KSymbol | null, scope: Scope): boolean;
  /**
   * Compiles a call of a user function at its call site: Kusto.Language's expansion of the body, with parameters bound
   * to the arguments (scalar ones per row, tabular ones as plans). `pipeInput` is the first argument of `invoke`.
   */
  callUserFunction(
    call: KNode,
    scope: Scope,
    columns: Column[],
    pipeInput: TabularPlan | undefined,
  ): { scalar?: ScalarPlan; tabular?: TabularPlan };
}
