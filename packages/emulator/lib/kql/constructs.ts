/**
 * The names of what the engine evaluates, one list per dispatch. Each dispatch switches over its list's type, so a
 * `case` for a name missing here does not compile: add the name here when adding a case. scripts/kqlConstructs.mjs
 * reads these lists (with the scalar registry and the window functions) to generate the table in lib/kql/README.md,
 * and spec/kql/constructsTable.spec.ts checks that table and that each name has a spec.
 *
 * Operators are named by their Kusto.Language `SyntaxKind`, functions by their lower-case Kusto name.
 * @internal
 */

/** @internal The operators `compileOperator` (tabularOperators.ts) dispatches on, after a pipe. */
export const PIPED_OPERATORS = [
  'FilterOperator',
  'ProjectOperator',
  'ExtendOperator',
  'ProjectAwayOperator',
  'ProjectKeepOperator',
  'ProjectReorderOperator',
  'ProjectRenameOperator',
  'TakeOperator',
  'TopOperator',
  'SortOperator',
  'DistinctOperator',
  'CountOperator',
  'AsOperator',
  'GetSchemaOperator',
  'SerializeOperator',
  'RenderOperator',
  'InvokeOperator',
  'UnionOperator',
  'SummarizeOperator',
  'JoinOperator',
  'LookupOperator',
  'MvExpandOperator',
  'ParseOperator',
  'MakeSeriesOperator',
  'ParseWhereOperator',
  'ParseKvOperator',
  'EvaluateOperator',
  'MvApplyOperator',
  'PartitionOperator',
  'ScanOperator',
  'TopNestedOperator',
  'SampleOperator',
  'SampleDistinctOperator',
] as const;

/** @internal A kind of {@link PIPED_OPERATORS}. */
export type PipedOperatorKind = (typeof PIPED_OPERATORS)[number];

/** @internal The operators and expressions `compileSourceOperator` (tabularOperators.ts) dispatches on: rows from no input. */
export const SOURCE_OPERATORS = ['PrintOperator', 'RangeOperator', 'DataTableExpression', 'UnionOperator'] as const;

/** @internal A kind of {@link SOURCE_OPERATORS}. */
export type SourceOperatorKind = (typeof SOURCE_OPERATORS)[number];

/**
 * @internal Operators the query compiler (queryCompiler.ts) evaluates as the last operator of a statement, each
 * giving results of its own (fork, facet) or none (consume), and the expressions it and the scalar compiler
 * evaluate themselves (`materialize(…)`, `toscalar(…)`).
 */
export const STATEMENT_FORMS = [
  'ForkOperator',
  'FacetOperator',
  'ConsumeOperator',
  'MaterializeExpression',
  'ToScalarExpression',
] as const;

/** @internal A kind of {@link STATEMENT_FORMS}. */
export type StatementFormKind = (typeof STATEMENT_FORMS)[number];

/** @internal The aggregation functions `compileAggregate` (aggregates.ts) dispatches on, aliases included. */
export const AGGREGATE_FUNCTIONS = [
  'count',
  'countif',
  'sum',
  'sumif',
  'avg',
  'avgif',
  'min',
  'max',
  'minif',
  'maxif',
  'dcount',
  'count_distinct',
  'dcountif',
  'make_list',
  'makelist',
  'make_list_if',
  'make_set',
  'makeset',
  'make_set_if',
  'make_list_with_nulls',
  'take_anyif',
  'anyif',
  'hll',
  'hll_if',
  'hll_merge',
  'make_bag',
  'make_bag_if',
  'arg_max',
  'arg_min',
  'take_any',
  'any',
  'percentile',
  'percentiles',
  'stdev',
  'stdevp',
  'stdevif',
  'variance',
  'variancep',
  'varianceif',
  'tdigest',
  'tdigest_merge',
  'merge_tdigest',
  'percentiles_array',
] as const;

/** @internal A name of {@link AGGREGATE_FUNCTIONS}. */
export type AggregateFunctionName = (typeof AGGREGATE_FUNCTIONS)[number];

/**
 * @internal Scalar functions the scalar compiler (scalar.ts) evaluates itself, as they need the row, the schema or the
 * database; the others are in the registry (scalars/index.ts) or are window functions (window.ts).
 */
export const ENGINE_FUNCTIONS = ['column_ifexists', 'pack_all', 'current_database', 'ingestion_time'] as const;

/** @internal A name of {@link ENGINE_FUNCTIONS}. */
export type EngineFunctionName = (typeof ENGINE_FUNCTIONS)[number];

/**
 * @internal Scalar functions giving several columns (`(a, b) = f(…)` or `f(…)` in project and extend), evaluated by
 * the operator (seriesStats.ts).
 */
export const TUPLE_FUNCTIONS = ['series_stats'] as const;

/** @internal A name of {@link TUPLE_FUNCTIONS}. */
export type TupleFunctionName = (typeof TUPLE_FUNCTIONS)[number];

/**
 * @internal Functions no dispatch names: Kusto.Language's analysis resolves `database('db').T` to the table, which
 * the query compiler then reads.
 */
export const RESOLVED_FUNCTIONS = ['database'] as const;

/** @internal The plugins `compileEvaluate` (evaluate.ts) dispatches on. */
export const EVALUATE_PLUGINS = ['bag_unpack', 'pivot', 'narrow', 'ipv4_lookup'] as const;

/** @internal A name of {@link EVALUATE_PLUGINS}. */
export type EvaluatePluginName = (typeof EVALUATE_PLUGINS)[number];
