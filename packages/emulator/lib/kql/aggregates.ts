/**
 * Aggregation functions of `summarize`: count, countif, sum, sumif, avg, avgif, min, max, minif, maxif, dcount,
 * dcountif, count_distinct, make_list, make_list_if, make_list_with_nulls, make_set, make_set_if, make_bag, arg_max,
 * arg_min, take_any, any, take_anyif, percentile, percentiles, stdev, stdevp, variance, variancep, hll, hll_if,
 * hll_merge.
 *
 * Values are exact (dcount and percentiles are computed, not estimated). Defaults over no rows follow Kusto's table:
 * 0 for counts and sums, [] for make_*, NaN for avg of a real, null otherwise.
 */
import type { Column, DynamicValue, KustoScalarType, Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, ScalarPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, functionName } from './nodeText';
import { binaryOperator, compareValues, convertValue, hashKey, hllHash, hllHashes, hllValue } from './scalarApi';
import { literalValue } from './literals';
import type { AggregateFunctionName } from './constructs';
import { percentilesArrayAggregate, tdigestAggregate, tdigestMergeAggregate } from './tdigestAggregates';
import { type DecimalNumber, decimalResult, toDecimalNumber } from '../values/decimalValue';

/** The running state of one aggregate over one group. */
export interface AggregateState {
  /** Adds one input row. */
  add(row: Row): void;
  /** The aggregate's output values (one per output column). */
  result(): Value[];
}

/** A compiled aggregate: creates a state per group. */
export interface Aggregate {
  /** Number of output columns. */
  width: number;
  /** A fresh state. */
  create(): AggregateState;
}

/** What an aggregate call needs to know about its summarize. */
export interface AggregateContext {
  /** The input columns. */
  input: Column[];
  /** Input column names that are by-keys (excluded from `*` expansions). */
  keyColumns: Set<string>;
  /** Output columns of this aggregate (from the analysis), for types. */
  output: Column[];
}

const MAX_LIST = 1_048_576;

/** The input columns `*` stands for in arg_max/arg_min/take_any: all but by-key columns and the ordering column. */
function starColumns(ctx: AggregateContext, exclude: string | undefined): number[] {
  const out: number[] = [];
  ctx.input.forEach((col, i) => {
    if (col.name !== exclude && !ctx.keyColumns.has(col.name)) out.push(i);
  });
  return out;
}

/** The number of output columns an aggregate call yields. */
export function aggregateWidth(call: KNode, ctx: Omit<AggregateContext, 'output'>): number {
  const name = functionName(call).toLowerCase();
  const args = elements((call.ArgumentList as KNode).Expressions);
  const star = args.some((a) => kindOf(a) === 'StarExpression');
  switch (name) {
    case 'arg_max':
    case 'arg_min': {
      const first = args[0];
      const firstName = kindOf(first) === 'NameReference' ? (first.SimpleName as string) : undefined;
      const rest = star ? starColumns({ ...ctx, output: [] }, firstName).length : args.length - 1;
      return 1 + rest;
    }
    case 'take_any':
    case 'any':
      return star ? starColumns({ ...ctx, output: [] }, undefined).length : args.length;
    case 'percentiles':
      return args.length - 1;
    default:
      return 1;
  }
}

/** Whether a node calls one of Kusto's aggregation functions. */
export function isAggregateCall(c: Compiler, node: KNode): boolean {
  if (kindOf(node) !== 'FunctionCallExpression') return false;
  const symbol = node.ReferencedSymbol;
  return !!symbol && c.schema.globals.IsAggregateFunction(symbol);
}

function zeroOf(type: KustoScalarType): Value {
  switch (type) {
    case 'long':
    case 'timespan':
    case 'datetime':
      return 0n;
    case 'int':
    case 'real':
      return 0;
    case 'decimal':
      return '0';
    default:
      return null;
  }
}

/** A number value as a double: decimals (held as text) and longs converted. */
function toDouble(v: Value): number {
  return typeof v === 'bigint' || typeof v === 'string' ? Number(v) : (v as number);
}

/** A number value as an exact decimal.js value. */
function toExact(v: Value, from: KustoScalarType): DecimalNumber {
  return toDecimalNumber(from === 'decimal' ? (v as string) : (convertValue(v, from, 'decimal') as string));
}

/** Compiles one aggregate call. */
export function compileAggregate(c: Compiler, call: KNode, ctx: AggregateContext, scope: Scope): Aggregate {
  const aggregate = compileAggregateCall(c, call, ctx, scope);
  const strings = ctx.output.map((o) => o.type === 'string');
  if (!strings.includes(true)) return aggregate;
  // Kusto's strings have no null: a string result without a value (max over no rows, arg_max's other columns when
  // nothing is chosen, …) is the empty string.
  return {
    width: aggregate.width,
    create: () => {
      const state = aggregate.create();
      return {
        add: (row) => state.add(row),
        result: () => state.result().map((v, i) => (v === null && strings[i] ? '' : v)),
      };
    },
  };
}

function compileAggregateCall(c: Compiler, call: KNode, ctx: AggregateContext, scope: Scope): Aggregate {
  const name = functionName(call).toLowerCase();
  const args = elements((call.ArgumentList as KNode).Expressions);
  const plan = (i: number): ScalarPlan => c.scalar(args[i], ctx.input, scope);
  const typeOf = (i: number): KustoScalarType => c.scalarTypeOf(args[i], `'${clip(textOf(args[i]))}'`);
  const outType = ctx.output[0]?.type ?? 'dynamic';
  const predicate = (i: number): ScalarPlan => plan(i);
  // Typed by constructs.ts's list: a case missing from it does not compile (the README's table is generated from it).
  switch (name as AggregateFunctionName) {
    case 'count':
      return counting(() => true);
    case 'countif': {
      const p = predicate(0);
      return counting((row) => p(row) === true);
    }
    case 'sum':
    case 'sumif':
      return summing(plan(0), typeOf(0), outType, name === 'sumif' ? predicate(1) : undefined);
    case 'avg':
    case 'avgif':
      return averaging(plan(0), typeOf(0), outType, name === 'avgif' ? predicate(1) : undefined);
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif':
      return extreme(
        plan(0),
        typeOf(0),
        outType,
        name.startsWith('max'),
        name.endsWith('if') ? predicate(1) : undefined,
      );
    case 'dcount':
    case 'count_distinct':
    case 'dcountif':
      return distinctCount(plan(0), typeOf(0), name === 'dcountif' ? predicate(1) : undefined);
    case 'make_list':
    case 'makelist':
    case 'make_list_if':
    case 'make_set':
    case 'makeset':
    case 'make_set_if': {
      const conditional = name.endsWith('_if');
      const limitArg = args[conditional ? 2 : 1];
      const limit = limitArg ? Number(constantOf(c, limitArg, scope, name)) : MAX_LIST;
      const set = name.includes('set');
      return listing(plan(0), typeOf(0), set, limit, conditional ? predicate(1) : undefined);
    }
    case 'make_list_with_nulls': {
      const limit = args[1] ? Number(constantOf(c, args[1], scope, name)) : MAX_LIST;
      return listingWithNulls(plan(0), typeOf(0), limit);
    }
    case 'take_anyif':
    case 'anyif':
      return anyValueIf(plan(0), typeOf(0), predicate(1));
    case 'hll':
    case 'hll_if':
    case 'hll_merge': {
      const accuracyArg = args[name === 'hll_if' ? 2 : 1];
      // Another accuracy changes the header Kusto writes, which the reference does not show.
      if (accuracyArg && Number(constantOf(c, accuracyArg, scope, name)) !== 1) {
        throw notSupported(`${name}() with an accuracy other than 1`);
      }
      return hll(plan(0), typeOf(0), name === 'hll_merge', name === 'hll_if' ? predicate(1) : undefined);
    }
    case 'make_bag':
    case 'make_bag_if':
      return bagging(plan(0), name === 'make_bag_if' ? predicate(1) : undefined);
    case 'arg_max':
    case 'arg_min':
      return argExtreme(c, call, args, ctx, scope, name === 'arg_max');
    case 'take_any':
    case 'any':
      return anyRow(c, args, ctx, scope);
    case 'percentile':
    case 'percentiles': {
      const points = args.slice(1).map((a) => Number(constantOf(c, a, scope, name)));
      return percentiles(
        plan(0),
        typeOf(0),
        points,
        ctx.output.map((o) => o.type),
      );
    }
    case 'stdev':
    case 'stdevp':
    case 'stdevif':
    case 'variance':
    case 'variancep':
    case 'varianceif':
      return spread(
        plan(0),
        name.startsWith('stdev'),
        name.endsWith('p'),
        name.endsWith('if') ? predicate(1) : undefined,
      );
    case 'tdigest':
      return tdigestAggregate(plan(0), typeOf(0), args[1] ? plan(1) : undefined, args[1] ? typeOf(1) : undefined);
    case 'tdigest_merge':
    case 'merge_tdigest':
      return tdigestMergeAggregate(plan(0), typeOf(0), name);
    case 'percentiles_array': {
      // Percentiles one by one, or in one constant dynamic array.
      const points = args.slice(1).flatMap((a) => {
        const v = constantOf(c, a, scope, name);
        return Array.isArray(v) ? (v as Value[]) : [v];
      });
      return percentilesArrayAggregate(plan(0), typeOf(0), points);
    }
    default:
      throw notSupported(`The aggregation function '${name}'`);
  }
}

function constantOf(c: Compiler, node: KNode, scope: Scope, fn: string): Value {
  const literal = literalValue(node);
  if (literal !== undefined) return literal;
  const v = c.scalar(node, [], scope)([]);
  if (v === null)
    throw syntaxError(`Semantic error: the argument '${clip(textOf(node))}' of ${fn}() must be a constant.`);
  return v;
}

function counting(test: (row: Row) => boolean): Aggregate {
  return {
    width: 1,
    create: () => {
      let n = 0;
      return {
        add: (row) => {
          if (test(row)) n++;
        },
        result: () => [BigInt(n)],
      };
    },
  };
}

function summing(value: ScalarPlan, from: KustoScalarType, to: KustoScalarType, when?: ScalarPlan): Aggregate {
  if (to === 'decimal') return decimalSumming(value, from, when);
  if (from === 'real' && to === 'real' && !when) {
    // The commonest sum: the generic addition below without its null checks (the total is never null). The total is
    // an object's field, which V8 updates in place; a double in a closure's variable is a new heap number each row.
    return {
      width: 1,
      create: () => {
        const total = { sum: 0 };
        return {
          add: (row) => {
            const v = value(row);
            if (v !== null) total.sum += v as number;
          },
          result: () => [total.sum],
        };
      },
    };
  }
  const add = binaryOperator('+', to, to, to);
  return {
    width: 1,
    create: () => {
      let sum: Value = zeroOf(to);
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          sum = add(sum, from === to ? v : convertValue(v, from, to));
        },
        result: () => [sum],
      };
    },
  };
}

/** sum over decimals: an exact running total (rounded to 38 digits only if a value needs more). */
function decimalSumming(value: ScalarPlan, from: KustoScalarType, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      let sum = toDecimalNumber('0');
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          sum = sum.plus(toExact(v, from));
        },
        result: () => [decimalResult(sum, 'sum()')],
      };
    },
  };
}

/** avg over decimals: the exact sum divided by the count, to decimal's 38 digits; null over no values. */
function decimalAveraging(value: ScalarPlan, from: KustoScalarType, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      let sum = toDecimalNumber('0');
      let n = 0;
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          sum = sum.plus(toExact(v, from));
          n++;
        },
        // A decimal has no NaN: over no values avg is null.
        result: () => [n === 0 ? null : decimalResult(sum.div(n), 'avg()')],
      };
    },
  };
}

function averaging(value: ScalarPlan, from: KustoScalarType, to: KustoScalarType, when?: ScalarPlan): Aggregate {
  if (to === 'decimal') return decimalAveraging(value, from, when);
  const ticks = from === 'timespan' || from === 'datetime';
  return {
    width: 1,
    create: () => {
      let sum = 0;
      let big = 0n;
      let n = 0;
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          if (ticks) big += v as bigint;
          else sum += toDouble(v);
          n++;
        },
        result: () => {
          if (ticks) return [n === 0 ? null : convertValue(big / BigInt(n), 'long', to)];
          const avg = sum / n; // 0/0 is NaN, as Kusto reports avg over no rows
          return [to === 'real' ? avg : n === 0 ? null : convertValue(avg, 'real', to)];
        },
      };
    },
  };
}

function extreme(
  value: ScalarPlan,
  from: KustoScalarType,
  to: KustoScalarType,
  max: boolean,
  when?: ScalarPlan,
): Aggregate {
  return {
    width: 1,
    create: () => {
      let best: Value = null;
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          if (best === null) best = v;
          else {
            const cmp = compareValues(from, v, best);
            if (max ? cmp > 0 : cmp < 0) best = v;
          }
        },
        result: () => [from === to ? best : convertValue(best, from, to)],
      };
    },
  };
}

function distinctCount(value: ScalarPlan, type: KustoScalarType, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      const seen = new Set<unknown>();
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v !== null) seen.add(hashKey(type, v));
        },
        result: () => [BigInt(seen.size)],
      };
    },
  };
}

function listing(value: ScalarPlan, type: KustoScalarType, set: boolean, limit: number, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      const list: DynamicValue[] = [];
      const seen = new Set<unknown>();
      return {
        add: (row) => {
          if (list.length >= limit || (when && when(row) !== true)) return;
          const v = value(row);
          if (v === null) return;
          if (set) {
            // make_set takes an array's elements, not the array (the reference's "Set from array column").
            const items = type === 'dynamic' && Array.isArray(v) ? (v as DynamicValue[]) : [v];
            for (const item of items) {
              if (list.length >= limit) return;
              const k = hashKey(type, item as Value);
              if (seen.has(k)) continue;
              seen.add(k);
              list.push(convertValue(item as Value, type, 'dynamic') as DynamicValue);
            }
            return;
          }
          list.push(convertValue(v, type, 'dynamic') as DynamicValue);
        },
        result: () => [list],
      };
    },
  };
}

/** make_list_with_nulls: every value in input order, nulls as JSON null. */
function listingWithNulls(value: ScalarPlan, type: KustoScalarType, limit: number): Aggregate {
  return {
    width: 1,
    create: () => {
      const list: DynamicValue[] = [];
      return {
        add: (row) => {
          if (list.length < limit) list.push(convertValue(value(row), type, 'dynamic') as DynamicValue);
        },
        result: () => [list],
      };
    },
  };
}

/** take_anyif: a value of a row whose predicate is true, preferring one that is not null or empty (the reference). */
function anyValueIf(value: ScalarPlan, type: KustoScalarType, when: ScalarPlan): Aggregate {
  const empty = (v: Value): boolean => v === null || v === '';
  return {
    width: 1,
    create: () => {
      let chosen: Value = null;
      let found = false;
      return {
        add: (row) => {
          if ((found && !empty(chosen)) || when(row) !== true) return;
          chosen = value(row);
          found = true;
        },
        result: () => [found ? chosen : type === 'string' ? '' : null],
      };
    },
  };
}

/** hll, hll_if and hll_merge: the hashes of the group's values (scalars/sketch.ts); null over no values. */
function hll(value: ScalarPlan, type: KustoScalarType, merge: boolean, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      const hashes = new Set<string>();
      let any = false;
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          if (merge) {
            const held = hllHashes(v as DynamicValue, 'hll_merge');
            if (held === null) return;
            for (const h of held) hashes.add(h);
          } else hashes.add(hllHash(type, v));
          // Kusto turns to a dense 16 KB sketch there; the emulator keeps hashes, so it stops where make_set does.
          if (hashes.size > MAX_LIST) throw notSupported(`hll() over more than ${MAX_LIST} distinct values`);
          any = true;
        },
        result: () => [any ? hllValue(hashes) : null],
      };
    },
  };
}

function bagging(value: ScalarPlan, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      const bag: { [key: string]: DynamicValue } = {};
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
            for (const [k, x] of Object.entries(v)) if (!(k in bag)) bag[k] = x;
          }
        },
        result: () => [bag],
      };
    },
  };
}

/** The plans of arg_max/arg_min/take_any's returned columns: each listed expression, or `*`'s columns. */
function returnedColumns(
  c: Compiler,
  args: KNode[],
  ctx: AggregateContext,
  scope: Scope,
  exclude: string | undefined,
): ScalarPlan[] {
  const plans: ScalarPlan[] = [];
  for (const a of args) {
    if (kindOf(a) === 'StarExpression') {
      for (const i of starColumns(ctx, exclude)) plans.push((row) => row[i]);
    } else {
      const e = kindOf(a) === 'SimpleNamedExpression' ? (a.Expression as KNode) : a;
      plans.push(c.scalar(e, ctx.input, scope));
    }
  }
  return plans;
}

function argExtreme(
  c: Compiler,
  call: KNode,
  args: KNode[],
  ctx: AggregateContext,
  scope: Scope,
  max: boolean,
): Aggregate {
  const first = kindOf(args[0]) === 'SimpleNamedExpression' ? (args[0].Expression as KNode) : args[0];
  const by = c.scalar(first, ctx.input, scope);
  const byType = c.scalarTypeOf(first, `'${clip(textOf(first))}'`);
  const firstName = kindOf(first) === 'NameReference' ? (first.SimpleName as string) : undefined;
  const rest = returnedColumns(c, args.slice(1), ctx, scope, firstName);
  const width = 1 + rest.length;
  if (width !== ctx.output.length) throw notSupported(`'${clip(textOf(call))}' with these columns`);
  return {
    width,
    create: () => {
      let best: Value = null;
      let bestRow: Row | undefined;
      // When every value to maximize is null, Kusto returns the group's first row (its documented null example).
      let firstRow: Row | undefined;
      return {
        add: (row) => {
          firstRow ??= row;
          const v = by(row);
          if (v === null) return;
          if (
            bestRow === undefined ||
            (max ? compareValues(byType, v, best) > 0 : compareValues(byType, v, best) < 0)
          ) {
            best = v;
            bestRow = row;
          }
        },
        result: () => {
          const row = bestRow ?? firstRow;
          return [best, ...rest.map((p) => (row ? p(row) : null))];
        },
      };
    },
  };
}

function anyRow(c: Compiler, args: KNode[], ctx: AggregateContext, scope: Scope): Aggregate {
  const plans = returnedColumns(c, args, ctx, scope, undefined);
  return {
    width: plans.length,
    create: () => {
      let chosen: Row | undefined;
      return {
        add: (row) => {
          // take_any prefers a row whose values are not all null.
          if (chosen === undefined || plans.every((p) => p(chosen as Row) === null)) chosen = row;
        },
        result: () => plans.map((p) => (chosen ? p(chosen) : null)),
      };
    },
  };
}

function percentiles(
  value: ScalarPlan,
  type: KustoScalarType,
  points: number[],
  outTypes: KustoScalarType[],
): Aggregate {
  for (const p of points) {
    if (!(p >= 0 && p <= 100)) throw syntaxError(`Semantic error: percentile ${p} is outside 0..100.`);
  }
  return {
    width: points.length,
    create: () => {
      const values: Value[] = [];
      return {
        add: (row) => {
          const v = value(row);
          if (v !== null) values.push(v);
        },
        result: () => {
          values.sort((a, b) => compareValues(type, a, b));
          return points.map((p, i) => {
            if (values.length === 0) return null;
            // Nearest rank: the smallest value with at least p% of the values at or below it.
            const rank = Math.max(1, Math.ceil((p / 100) * values.length));
            const v = values[Math.min(values.length, rank) - 1];
            const to = outTypes[i] ?? type;
            return to === type ? v : convertValue(v, type, to);
          });
        },
      };
    },
  };
}

function spread(value: ScalarPlan, stdev: boolean, population: boolean, when?: ScalarPlan): Aggregate {
  return {
    width: 1,
    create: () => {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      return {
        add: (row) => {
          if (when && when(row) !== true) return;
          const v = value(row);
          if (v === null) return;
          const x = toDouble(v);
          n++;
          const d = x - mean;
          mean += d / n;
          m2 += d * (x - mean);
        },
        result: () => {
          const denominator = population ? n : n - 1;
          const variance = denominator > 0 ? m2 / denominator : 0;
          return [stdev ? Math.sqrt(variance) : variance];
        },
      };
    },
  };
}
