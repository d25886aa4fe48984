/**
 * The make-series operator: per group of the by-expressions, one dynamic array per aggregate, one element per bin of
 * the axis, and the axis itself as the last column (make-series-operator.md).
 *
 * - `from start to end step s`: bins `start + k*s` below `end` (exclusive); a row falls in the bin
 *   `bin_at(axis, s, start)`; rows outside [start, end) are left out.
 * - `in range(start, stop, s)`: `stop` is inclusive and bins are `bin(axis, s)`; accepted when `start` is on a bin
 *   boundary (otherwise the reference leaves open where the series starts).
 * - No `from` (or no `to`): the first (last) bin with data, binned by `bin(axis, s)`. The reference says "in each
 *   series", which the emulator cannot confirm for several series: without a by-clause only.
 * - Bins without rows take the aggregate's `default=` (0 when absent, converted to the aggregate's type).
 * - `kind=nonempty` gives one row of defaults over an empty input (without a by-clause, with `from` and `to`).
 *
 * Refused rather than guessed: a group whose rows all fall outside the range or have a null axis (whether Kusto
 * emits it as defaults or leaves it out), aggregates with non-numeric results, more than 2^20 bins.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { named, operatorParameters } from './operatorSyntax';
import { compositeKey } from './compositeKey';
import { aggregateWidth, compileAggregate, isAggregateCall, type Aggregate, type AggregateState } from './aggregates';
import { convertValue } from './scalarApi';

/** The most elements a make-series array holds (the reference's limit). */
const MAX_BINS = 1_048_576;

/** Ticks from 0001-01-01 (where .NET, and Kusto's bin(), count datetimes from) to 1970-01-01 (the engine's zero). */
const DOTNET_EPOCH = 621_355_968_000_000_000n;

/** The aggregates make-series accepts (the reference's list). */
const SERIES_AGGREGATES = new Set([
  'avg',
  'avgif',
  'count',
  'countif',
  'dcount',
  'dcountif',
  'max',
  'maxif',
  'min',
  'minif',
  'percentile',
  'take_any',
  'stdev',
  'sum',
  'sumif',
  'variance',
]);

const NUMERIC_RESULTS = new Set<KustoScalarType>(['int', 'long', 'real']);

/** One series column: its aggregate and the value of bins without rows. */
interface SeriesAggregate {
  aggregate: Aggregate;
  type: KustoScalarType;
  fallback: () => Value;
}

/** Arithmetic on the axis: ticks and longs as bigint, int and real as number. */
interface Axis {
  /** The bin index of `v` from `start` (floor of the distance over the step). */
  index(v: Value, start: Value, step: Value): number;
  /** `start + k * step`. */
  at(start: Value, step: Value, k: number): Value;
  /** `bin(v, step)` as Kusto's bin() aligns it (datetimes from 0001-01-01, the rest from 0). */
  bin(v: Value, step: Value): Value;
  /** The number of bins from `start` below `end` (exclusive) or up to it (inclusive). */
  count(start: Value, end: Value, step: Value, inclusive: boolean): number;
  positive(step: Value): boolean;
}

function axisOf(type: KustoScalarType): Axis | undefined {
  if (type === 'datetime' || type === 'timespan' || type === 'long') {
    const origin = type === 'datetime' ? DOTNET_EPOCH : 0n;
    const floorDiv = (a: bigint, b: bigint): bigint => {
      const q = a / b;
      return a % b !== 0n && a < 0n ? q - 1n : q;
    };
    return {
      index: (v, start, step) => Number(floorDiv((v as bigint) - (start as bigint), step as bigint)),
      at: (start, step, k) => (start as bigint) + BigInt(k) * (step as bigint),
      bin: (v, step) => floorDiv((v as bigint) + origin, step as bigint) * (step as bigint) - origin,
      count: (start, end, step, inclusive) => {
        const span = (end as bigint) - (start as bigint);
        if (span < 0n) return 0;
        const whole = span / (step as bigint);
        return Number(inclusive || span % (step as bigint) !== 0n ? whole + 1n : whole);
      },
      positive: (step) => (step as bigint) > 0n,
    };
  }
  if (type === 'int' || type === 'real') {
    return {
      index: (v, start, step) => Math.floor(((v as number) - (start as number)) / (step as number)),
      at: (start, step, k) => (start as number) + k * (step as number),
      bin: (v, step) => Math.floor((v as number) / (step as number)) * (step as number),
      count: (start, end, step, inclusive) => {
        const span = (end as number) - (start as number);
        if (span < 0) return 0;
        const whole = Math.floor(span / (step as number));
        return inclusive || whole * (step as number) < span ? whole + 1 : whole;
      },
      positive: (step) => (step as number) > 0,
    };
  }
  return undefined;
}

/** Compiles `input | make-series …`. */
export function compileMakeSeries(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  let nonempty = false;
  for (const [name, value] of params) {
    if (name === 'kind' && value.toLowerCase() === 'nonempty') nonempty = true;
    else if (!name.startsWith('hint.')) throw notSupported(`make-series' parameter '${name}=${clip(value)}'`);
  }

  const byExprs = op.ByClause ? elements(op.ByClause.Expressions).map(named) : [];
  const keyPlans = byExprs.map((k) => c.scalar(k.expr, input.columns, scope));
  const keyTypes = byExprs.map((k) => c.scalarTypeOf(k.expr, `'${clip(textOf(k.expr))}'`));

  const series: SeriesAggregate[] = elements(op.Aggregates).map((e) => {
    const call = named(e.Expression as KNode).expr;
    const what = `'${clip(textOf(call))}'`;
    if (!isAggregateCall(c, call)) throw notSupported(`The make-series expression ${what} (not an aggregate call)`);
    const fname = textOf(call.Name as KNode)
      .trim()
      .toLowerCase();
    if (!SERIES_AGGREGATES.has(fname)) throw notSupported(`The aggregate '${fname}' in make-series`);
    const type = c.scalarTypeOf(call, what);
    if (!NUMERIC_RESULTS.has(type)) throw notSupported(`make-series of ${what}, whose result is ${type}`);
    const ctx = { input: input.columns, keyColumns: new Set<string>() };
    if (aggregateWidth(call, ctx) !== 1) throw notSupported(`make-series of ${what}`);
    const aggregate = compileAggregate(c, call, { ...ctx, output: [{ name: 'value', type }] }, scope);
    const defaultNode = (e as KNode & { DefaultExpression?: KNode | null }).DefaultExpression?.Expression as
      KNode | undefined;
    let fallback: () => Value = () => convertValue(0n, 'long', type);
    if (defaultNode) {
      const from = c.scalarTypeOf(defaultNode, `the default '${clip(textOf(defaultNode))}'`);
      const plan = c.scalar(defaultNode, [], scope);
      fallback = () => {
        const v = plan([]);
        const converted = convertValue(v, from, type);
        // A default that the aggregate's type holds exactly (0 for an avg); another (1.5 for a count) is refused.
        if (v !== null && (converted === null || Number(converted) !== Number(v))) {
          throw notSupported(`The make-series default '${clip(textOf(defaultNode))}' for ${what} (of type ${type})`);
        }
        return converted;
      };
    }
    return { aggregate, type, fallback };
  });

  if (columns.length !== byExprs.length + series.length + 1) {
    throw notSupported(`'make-series ${clip(textOf(op))}' (unexpected result columns)`);
  }

  const syntax = op as KNode & { OnClause: KNode; RangeClause: KNode };
  const onExpr = syntax.OnClause.Expression as KNode;
  const axisType = c.scalarTypeOf(onExpr, `the make-series axis '${clip(textOf(onExpr))}'`);
  const axis = axisOf(axisType);
  if (!axis) throw notSupported(`make-series on a ${axisType} axis`);
  const axisPlan = c.scalar(onExpr, input.columns, scope);

  const range = syntax.RangeClause;
  const inRange = kindOf(range) === 'MakeSeriesInRangeClause';
  let fromNode: KNode | undefined;
  let toNode: KNode | undefined;
  let stepNode: KNode | undefined;
  if (inRange) {
    [fromNode, toNode, stepNode] = elements((range as KNode & { Arguments: KNode }).Arguments.Expressions);
  } else {
    const r = range as KNode & Record<string, KNode | null>;
    fromNode = (r.MakeSeriesFromClause?.Expression as KNode | null) ?? undefined;
    toNode = (r.MakeSeriesToClause?.Expression as KNode | null) ?? undefined;
    stepNode = (r.MakeSeriesStepClause?.Expression as KNode | null) ?? undefined;
  }
  if (!stepNode) throw notSupported(`'make-series ${clip(textOf(op))}' without a step`);
  if ((!fromNode || !toNode) && byExprs.length > 0) {
    throw notSupported(
      "make-series with a by-clause and no 'from' or 'to' (the reference bounds each series by its own data, which the emulator cannot confirm)",
    );
  }
  const stepType = c.scalarTypeOf(stepNode, 'the make-series step');
  if ((axisType === 'long' || axisType === 'int') && stepType !== 'long' && stepType !== 'int') {
    throw notSupported(`make-series on a ${axisType} axis with a ${stepType} step`);
  }
  const bound = (node: KNode | undefined): (() => Value) | undefined => {
    if (!node) return undefined;
    const plan = c.converted(node, [], scope, axisType);
    return () => plan([]);
  };
  const fromValue = bound(fromNode);
  const toValue = bound(toNode);
  const stepPlan = c.scalar(stepNode, [], scope);
  const stepOf = (): Value => {
    const raw = stepPlan([]);
    // A timespan step on a datetime or timespan axis is in ticks already; a numeric one is converted to the axis' type.
    const step =
      axisType === 'datetime' ? (stepType === 'timespan' ? raw : null) : convertValue(raw, stepType, axisType);
    if (step === null || !axis.positive(step)) {
      throw syntaxError(
        `Semantic error: the make-series step '${clip(textOf(stepNode))}' must be a positive ${axisType === 'datetime' ? 'timespan' : axisType}.`,
      );
    }
    return step;
  };

  const rt = c.runtime;
  const toDynamic = (v: Value, type: KustoScalarType): DynamicValue => convertValue(v, type, 'dynamic') as DynamicValue;

  return {
    columns,
    run: function* () {
      const rows = yield* input.run();
      const step = stepOf();
      let start: Value = fromValue ? fromValue() : null;
      let end: Value = toValue ? toValue() : null;
      if ((fromValue && start === null) || (toValue && end === null)) {
        throw notSupported("A null 'from' or 'to' of make-series");
      }
      if (inRange && axis.bin(start, step) !== start) {
        throw notSupported(
          `make-series 'in range()' from ${clip(textOf(fromNode as KNode))}, which is not on a bin boundary of the step`,
        );
      }
      // Without bounds, the axis spans the bins that have data.
      if (start === null || end === null) {
        let lo: Value = null;
        let hi: Value = null;
        for (const row of rows) {
          const v = axisPlan(row);
          if (v === null) continue;
          if (lo === null || v < lo) lo = v;
          if (hi === null || v > hi) hi = v;
        }
        if (lo === null || hi === null) {
          if (nonempty && rows.length === 0 && (start === null || end === null)) {
            throw notSupported("make-series kind=nonempty over no rows without 'from' and 'to'");
          }
          return [];
        }
        if (start === null) start = axis.bin(lo, step);
        if (end === null) end = axis.at(axis.bin(hi, step), step, 1);
      }
      const n = axis.count(start, end, step, inRange);
      if (n > MAX_BINS) {
        throw notSupported(`make-series of ${n} bins (more than the ${MAX_BINS} elements a series may hold)`);
      }
      const timeline: DynamicValue[] = new Array<DynamicValue>(n);
      for (let k = 0; k < n; k++) timeline[k] = toDynamic(axis.at(start, step, k), axisType);
      rt.chargeArray(n);

      const groups = new Map<unknown, { keys: Value[]; bins: Map<number, AggregateState[]> }>();
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const keys = keyPlans.map((p) => p(row));
        const gk = compositeKey(keyTypes, keys);
        let g = groups.get(gk);
        if (!g) {
          g = { keys, bins: new Map() };
          groups.set(gk, g);
        }
        const v = axisPlan(row);
        if (v !== null) {
          const k = axis.index(v, start, step);
          if (k >= 0 && k < n) {
            let states = g.bins.get(k);
            if (!states) {
              states = series.map((s) => s.aggregate.create());
              g.bins.set(k, states);
            }
            for (const st of states) st.add(row);
          }
        }
        if ((i & 4095) === 4095) rt.tick(4096);
        if (rt.yieldDue) yield;
      }
      if (groups.size === 0 && nonempty) {
        // Which groups a by-clause would give over no rows the reference does not say.
        if (keyPlans.length > 0) throw notSupported('make-series kind=nonempty with a by-clause over no rows');
        groups.set('', { keys: [], bins: new Map() });
      }

      const defaults = series.map((s) => toDynamic(s.fallback(), s.type));
      const out: Row[] = [];
      for (const g of groups.values()) {
        if (g.bins.size === 0 && rows.length > 0) {
          throw notSupported(
            'make-series of a group whose rows all lie outside the range or have a null axis value (whether Kusto returns it)',
          );
        }
        const row: Row = [...g.keys];
        series.forEach((s, j) => {
          const values: DynamicValue[] = new Array<DynamicValue>(n).fill(defaults[j]);
          for (const [k, states] of g.bins) values[k] = toDynamic(states[j].result()[0], s.type);
          rt.chargeArray(n);
          row.push(values);
        });
        row.push(timeline);
        out.push(row);
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
