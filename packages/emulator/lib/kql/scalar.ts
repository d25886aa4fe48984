/**
 * Compiles scalar expressions into closures over one input row: literals, column and variable references, operators
 * (with Kusto's null handling for and/or), `in`/`between`/`has_any`, dynamic property access, `toscalar`, and calls
 * of built-in scalar functions (through the scalar function registry) and user functions.
 */
import { type Column, type DynamicValue, type KustoScalarType, NUMERIC_TYPES, type Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, isTabular, kindOf, textOf, type KNode } from './language';
import { literalValue } from './literals';
import { drain, ingestionTimeOf, type Runtime, type ScalarPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, functionName } from './nodeText';
import {
  binaryOperator,
  convertValue,
  hashKey,
  scalarFunctions,
  type ScalarFunctionImpl,
  sortedTupleElement,
  unaryOperator,
} from './scalarApi';
import { decimalFromNumber } from '../values/decimalValue';
import { fromJson } from '../values/valueReaders';
import { constantBin, constantComparison } from './fastPaths';
import { columnRead, registerColumnReader } from './columnVectors';
import { compileWindowCall } from './window';
import type { EngineFunctionName } from './constructs';

/** Binary operator syntax kinds whose operator the scalar registry implements, spelled as in the query. */
const REGISTRY_OPERATORS: Record<string, string> = {
  AddExpression: '+',
  SubtractExpression: '-',
  MultiplyExpression: '*',
  DivideExpression: '/',
  ModuloExpression: '%',
  LessThanExpression: '<',
  LessThanOrEqualExpression: '<=',
  GreaterThanExpression: '>',
  GreaterThanOrEqualExpression: '>=',
  EqualExpression: '==',
  NotEqualExpression: '!=',
  EqualTildeExpression: '=~',
  BangTildeExpression: '!~',
  HasExpression: 'has',
  HasCsExpression: 'has_cs',
  NotHasExpression: '!has',
  NotHasCsExpression: '!has_cs',
  HasPrefixExpression: 'hasprefix',
  HasPrefixCsExpression: 'hasprefix_cs',
  NotHasPrefixExpression: '!hasprefix',
  NotHasPrefixCsExpression: '!hasprefix_cs',
  HasSuffixExpression: 'hassuffix',
  HasSuffixCsExpression: 'hassuffix_cs',
  NotHasSuffixExpression: '!hassuffix',
  NotHasSuffixCsExpression: '!hassuffix_cs',
  ContainsExpression: 'contains',
  ContainsCsExpression: 'contains_cs',
  NotContainsExpression: '!contains',
  NotContainsCsExpression: '!contains_cs',
  StartsWithExpression: 'startswith',
  StartsWithCsExpression: 'startswith_cs',
  NotStartsWithExpression: '!startswith',
  NotStartsWithCsExpression: '!startswith_cs',
  EndsWithExpression: 'endswith',
  EndsWithCsExpression: 'endswith_cs',
  NotEndsWithExpression: '!endswith',
  NotEndsWithCsExpression: '!endswith_cs',
  MatchesRegexExpression: 'matches regex',
  LikeExpression: 'like',
  LikeCsExpression: 'like_cs',
  NotLikeExpression: '!like',
  NotLikeCsExpression: '!like_cs',
};

/** Values of constant plans, so operators can skip re-evaluating them. */
const constants = new WeakMap<ScalarPlan, Value>();

function constant(value: Value): ScalarPlan {
  const plan: ScalarPlan = () => value;
  constants.set(plan, value);
  return plan;
}

/** Whether a node reads columns of the current row (so it cannot be evaluated once per run). */
export function readsRow(c: Compiler, node: KNode): boolean {
  if (c.symbolKind(node.ReferencedSymbol) === 'Column') return true;
  const kind = kindOf(node);
  if (kind === 'ToScalarExpression' || isTabular(node.ResultType)) return false;
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && readsRow(c, child)) return true;
  }
  return false;
}

/** Compiles a scalar expression evaluated against rows of `columns`. */
export function compileScalarExpression(c: Compiler, node: KNode, columns: Column[], scope: Scope): ScalarPlan {
  const override = c.overrides.get(node);
  if (override) return override;
  const literal = literalValue(node);
  if (literal !== undefined) return constant(literal);
  const kind = kindOf(node);
  const op = REGISTRY_OPERATORS[kind];
  if (op) return compileBinary(c, node, op, columns, scope);
  switch (kind) {
    case 'ParenthesizedExpression':
      return compileScalarExpression(c, node.Expression as KNode, columns, scope);
    case 'NameReference':
      return compileName(c, node, columns, scope);
    case 'AndExpression':
    case 'OrExpression':
      return compileLogical(c, node, kind === 'AndExpression', columns, scope);
    case 'UnaryMinusExpression':
      return compileNegate(c, node, columns, scope);
    case 'UnaryPlusExpression':
      return compileScalarExpression(c, node.Expression as KNode, columns, scope);
    case 'InExpression':
    case 'InCsExpression':
    case 'NotInExpression':
    case 'NotInCsExpression':
      return compileIn(c, node, kind, columns, scope);
    case 'BetweenExpression':
    case 'NotBetweenExpression':
      return compileBetween(c, node, kind === 'NotBetweenExpression', columns, scope);
    case 'HasAnyExpression':
    case 'HasAllExpression':
      return compileHasAnyAll(c, node, kind === 'HasAllExpression', columns, scope);
    case 'FunctionCallExpression':
      return compileCall(c, node, columns, scope);
    case 'PathExpression':
    case 'ElementExpression':
      return compileAccess(c, node, kind, columns, scope);
    case 'ToScalarExpression':
      return compileToScalar(c, node, scope);
    default:
      throw notSupported(`The expression '${clip(textOf(node))}' (${kind})`);
  }
}

function typeOf(c: Compiler, node: KNode): KustoScalarType {
  return c.scalarTypeOf(node, `'${clip(textOf(node))}'`);
}

function compileName(c: Compiler, node: KNode, columns: Column[], scope: Scope): ScalarPlan {
  const name = node.SimpleName as string;
  const kind = c.symbolKind(node.ReferencedSymbol);
  if (kind === 'Column') return columnReader(columns, name);
  if (kind === 'Function') {
    const call = c.callUserFunction(node, scope, columns, undefined);
    if (call.scalar) return call.scalar;
  }
  const binding = scope.lookup(name);
  if (binding?.kind === 'scalar') return binding.get;
  throw notSupported(`The reference '${name}' in a scalar context`);
}

/** A plan reading column `name` of the row. */
export function columnReader(columns: Column[], name: string): ScalarPlan {
  const index = columns.findIndex((col) => col.name === name);
  if (index < 0) throw syntaxError(`Semantic error: failed to resolve column '${name}'.`);
  const plan: ScalarPlan = (row) => row[index];
  // Known as a column read, so comparisons with a constant and sorts can read the column themselves.
  registerColumnReader(plan, index);
  return plan;
}

function compileBinary(c: Compiler, node: KNode, op: string, columns: Column[], scope: Scope): ScalarPlan {
  const leftNode = node.Left as KNode;
  const rightNode = node.Right as KNode;
  const fn = binaryOperator(op, typeOf(c, leftNode), typeOf(c, rightNode), typeOf(c, node));
  const left = compileScalarExpression(c, leftNode, columns, scope);
  const right = compileScalarExpression(c, rightNode, columns, scope);
  if (constants.has(right)) {
    const r = constants.get(right) as Value;
    if (constants.has(left)) return constant(fn(constants.get(left) as Value, r));
    const fast = constantComparison(op, typeOf(c, leftNode), typeOf(c, rightNode), r, left, columnRead(left));
    return fast ?? ((row) => fn(left(row), r));
  }
  return (row) => fn(left(row), right(row));
}

/** Kusto's three-valued and/or: false (and) or true (or) wins over null. */
function compileLogical(c: Compiler, node: KNode, isAnd: boolean, columns: Column[], scope: Scope): ScalarPlan {
  const left = compileScalarExpression(c, node.Left as KNode, columns, scope);
  const right = compileScalarExpression(c, node.Right as KNode, columns, scope);
  if (isAnd) {
    return (row) => {
      const l = left(row);
      if (l === false) return false;
      const r = right(row);
      if (r === false) return false;
      return l === null || r === null ? null : true;
    };
  }
  return (row) => {
    const l = left(row);
    if (l === true) return true;
    const r = right(row);
    if (r === true) return true;
    return l === null || r === null ? null : false;
  };
}

function compileNegate(c: Compiler, node: KNode, columns: Column[], scope: Scope): ScalarPlan {
  const operand = node.Expression as KNode;
  const inner = compileScalarExpression(c, operand, columns, scope);
  const negate = unaryOperator('-', typeOf(c, operand), typeOf(c, node));
  if (constants.has(inner)) return constant(negate(constants.get(inner) as Value));
  return (row) => negate(inner(row));
}

/** One value an `in` list contributes, with its type. */
interface Candidate {
  value: Value;
  type: KustoScalarType;
}

/** The type `in` compares in: the left type, or real when numeric types mix. */
function comparisonType(left: KustoScalarType, types: KustoScalarType[]): KustoScalarType {
  if (types.every((t) => t === left || t === 'dynamic')) return left;
  if (NUMERIC_TYPES.has(left) && types.every((t) => NUMERIC_TYPES.has(t) || t === 'dynamic')) {
    const all = [left, ...types];
    if (all.every((t) => t === 'int' || t === 'long' || t === 'dynamic')) return 'long';
    // decimal meets int and long exactly; real makes the comparison real.
    return all.includes('real') ? 'real' : 'decimal';
  }
  return left;
}

/** The candidates of an `in`/`has_any` list: scalars, dynamic arrays' elements, a subquery's first column. */
function listSource(c: Compiler, items: KNode[], columns: Column[], scope: Scope): (row: Value[]) => Candidate[] {
  const parts = items.map((item) => {
    if (isTabular(item.ResultType)) {
      const plan = c.tabular(item, scope);
      const type = plan.columns[0]?.type ?? 'dynamic';
      return (): Candidate[] => drain(plan.run()).map((r) => ({ value: r[0], type }));
    }
    const type = typeOf(c, item);
    const plan = compileScalarExpression(c, item, columns, scope);
    if (type !== 'dynamic') return (row: Value[]): Candidate[] => [{ value: plan(row), type }];
    return (row: Value[]): Candidate[] => {
      const v = plan(row);
      const values = Array.isArray(v) ? v : [v as DynamicValue];
      return values.map((e) => ({ value: e as Value, type: 'dynamic' as KustoScalarType }));
    };
  });
  return (row) => parts.flatMap((p) => p(row));
}

/** The key a dynamic element compares by in comparison type `ct`; undefined when it cannot equal a `ct` value. */
function dynamicKey(ct: KustoScalarType, v: Value, caseless: boolean): unknown {
  if (typeof v === 'number') {
    if (!NUMERIC_TYPES.has(ct)) return undefined;
    // A whole number can equal a long; a fractional one only a real.
    if (ct === 'real') return v;
    if (ct === 'decimal') return decimalFromNumber(v) ?? undefined;
    return Number.isInteger(v) ? `n${v}` : undefined;
  }
  if (typeof v === 'string') {
    if (ct === 'string') return caseless ? v.toLowerCase() : v;
    if (ct !== 'datetime' && ct !== 'timespan' && ct !== 'guid') return undefined;
    try {
      return keyIn(ct, fromJson(ct, v), ct, caseless);
    } catch {
      return undefined;
    }
  }
  if (typeof v === 'boolean') return ct === 'bool' ? v : undefined;
  return undefined;
}

/** The key a candidate or left value compares by, in comparison type `ct`; undefined when it cannot match. */
function keyIn(ct: KustoScalarType, value: Value, type: KustoScalarType, caseless: boolean): unknown {
  if (value === null) return undefined;
  if (type === 'dynamic' && ct !== 'dynamic') return dynamicKey(ct, value, caseless);
  const v = type === ct ? value : convertValue(value, type, ct);
  if (v === null) return undefined;
  if (caseless && typeof v === 'string') return v.toLowerCase();
  // Longs (and ints compared as long) by their digits, so bigint and number forms of one value meet.
  if (typeof v === 'bigint') return `n${v}`;
  if ((ct === 'long' || ct === 'int') && typeof v === 'number') return `n${v}`;
  return hashKey(ct, v);
}

function compileIn(c: Compiler, node: KNode, kind: string, columns: Column[], scope: Scope): ScalarPlan {
  const leftNode = node.Left as KNode;
  const left = compileScalarExpression(c, leftNode, columns, scope);
  const leftType = typeOf(c, leftNode);
  const items = elements((node.Right as KNode).Expressions);
  const negate = kind.startsWith('Not');
  // Kusto.Language's kinds do not say which form is case-insensitive; the operator's spelling does (`in~`, `!in~`).
  const ci = (node.Operator?.Text ?? '').includes('~');
  const itemTypes = items.map((i) => (isTabular(i.ResultType) ? (c.columns(i)[0]?.type ?? 'dynamic') : typeOf(c, i)));
  const ct = comparisonType(leftType, itemTypes);
  const source = listSource(c, items, columns, scope);
  const rowDependent = items.some((i) => readsRow(c, i));
  const build = (row: Value[]): Set<unknown> => {
    const set = new Set<unknown>();
    for (const cand of source(row)) {
      const k = keyIn(ct, cand.value, cand.type, ci);
      if (k !== undefined) set.add(k);
    }
    return set;
  };
  const rt = c.runtime;
  let runId = -1;
  let cached = new Set<unknown>();
  const setFor = (row: Value[]): Set<unknown> => {
    if (rowDependent || scope.inFunction) return build(row);
    if (runId !== rt.runId) {
      cached = build(row);
      runId = rt.runId;
    }
    return cached;
  };
  return (row) => {
    const v = left(row);
    if (v === null) return negate;
    const found = setFor(row).has(keyIn(ct, v, leftType, ci));
    return negate ? !found : found;
  };
}

function compileBetween(c: Compiler, node: KNode, negate: boolean, columns: Column[], scope: Scope): ScalarPlan {
  const leftNode = node.Left as KNode;
  const couple = node.Right as KNode;
  const lowNode = couple.First as KNode;
  const highNode = couple.Second as KNode;
  const lt = typeOf(c, leftNode);
  const lowType = typeOf(c, lowNode);
  let highType = typeOf(c, highNode);
  const left = compileScalarExpression(c, leftNode, columns, scope);
  const low = compileScalarExpression(c, lowNode, columns, scope);
  let high = compileScalarExpression(c, highNode, columns, scope);
  if ((lt === 'datetime' || lt === 'timespan') && highType === 'timespan' && lowType === lt && lt === 'datetime') {
    // `between (datetime .. timespan)`: the upper bound is the lower bound plus the span.
    const span = high;
    const add = binaryOperator('+', lowType, 'timespan', lowType);
    high = (row) => add(low(row), span(row));
    highType = lowType;
  }
  const ge = binaryOperator('>=', lt, lowType, 'bool');
  const le = binaryOperator('<=', lt, highType, 'bool');
  return (row) => {
    const v = left(row);
    if (v === null) return null;
    const inside = ge(v, low(row)) === true && le(v, high(row)) === true;
    return negate ? !inside : inside;
  };
}

function compileHasAnyAll(c: Compiler, node: KNode, all: boolean, columns: Column[], scope: Scope): ScalarPlan {
  const leftNode = node.Left as KNode;
  const left = compileScalarExpression(c, leftNode, columns, scope);
  const lt = typeOf(c, leftNode);
  const has = binaryOperator('has', lt === 'dynamic' ? 'string' : lt, 'string', 'bool');
  const source = listSource(c, elements((node.Right as KNode).Expressions), columns, scope);
  return (row) => {
    const raw = left(row);
    const v = raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    const terms = source(row).map((cand) =>
      cand.value === null ? '' : typeof cand.value === 'string' ? cand.value : String(cand.value),
    );
    if (terms.length === 0) return false;
    return all ? terms.every((t) => has(v, t) === true) : terms.some((t) => has(v, t) === true);
  };
}

/** Functions that need the engine (row, schema, database), not just their arguments. */
function compileEngineFunction(
  c: Compiler,
  name: string,
  args: KNode[],
  columns: Column[],
  scope: Scope,
): ScalarPlan | undefined {
  // Typed by constructs.ts's list: a case missing from it does not compile (the README's table is generated from it).
  switch (name as EngineFunctionName) {
    case 'column_ifexists': {
      const columnName = literalValue(args[0]);
      if (typeof columnName !== 'string')
        throw syntaxError('Semantic error: column_ifexists() needs a constant column name.');
      const index = columns.findIndex((col) => col.name === columnName);
      if (index >= 0) return (row) => row[index];
      return compileScalarExpression(c, args[1], columns, scope);
    }
    case 'pack_all': {
      const skipNulls = args.length > 0 && literalValue(args[0]) === true;
      return (row) => {
        const bag: { [key: string]: DynamicValue } = {};
        columns.forEach((col, i) => {
          const v = row[i];
          if (skipNulls && (v === null || v === '')) return;
          bag[col.name] = convertValue(v, col.type, 'dynamic') as DynamicValue;
        });
        return bag;
      };
    }
    case 'current_database':
      return () => c.runtime.database.name;
    case 'ingestion_time':
      // Kusto answers for rows read straight from a table; rows a query computes have none (null).
      c.runtime.usesIngestionTime = true;
      return (row) => ingestionTimeOf(row);
    default:
      return undefined;
  }
}

function compileCall(c: Compiler, node: KNode, columns: Column[], scope: Scope): ScalarPlan {
  const symbol = node.ReferencedSymbol;
  if (c.isUserFunction(symbol, scope)) {
    const call = c.callUserFunction(node, scope, columns, undefined);
    if (!call.scalar) throw notSupported(`The tabular function '${functionName(node)}' in a scalar context`);
    return call.scalar;
  }
  const name = functionName(node).toLowerCase();
  const window = compileWindowCall(c, name, node, columns, scope);
  if (window) return window;
  // A `typeof(T)` argument (extract, percentile_tdigest, …) only sets the call's result type, which the analysis gives.
  const args = elements((node.ArgumentList as KNode).Expressions).filter(
    (a) => kindOf(a) !== 'TypeOfLiteralExpression',
  );
  const engine = compileEngineFunction(c, name, args, columns, scope);
  if (engine) return engine;
  const impl = scalarFunctions.get(name);
  if (!impl) {
    if (symbol && c.schema.globals.IsAggregateFunction(symbol)) {
      throw syntaxError(`Semantic error: the aggregate function '${name}' is only allowed in summarize.`);
    }
    throw notSupported(`The function '${name}'`);
  }
  const argTypes = args.map((a) => typeOf(c, a));
  const resultType = typeOf(c, node);
  const plans = args.map((a) => compileScalarExpression(c, a, columns, scope));
  const bin =
    plans.length === 2 ? constantBin(name, argTypes, resultType, plans[0], constants.get(plans[1])) : undefined;
  if (bin) return bin;
  const call = callPlan(impl, plans, argTypes, resultType, c.runtime);
  const rt = c.runtime;
  if (resultType === 'dynamic' && PARSERS.has(name) && plans.length === 1) {
    // A parsed value may nest arrays and bags of any size: accounted as four bytes a character of its text, above
    // the two its text already counted for.
    const [text] = plans;
    return (row) => {
      const source = text(row);
      if (typeof source === 'string') rt.chargeArray(source.length >>> 1);
      return impl([source], argTypes, resultType, rt);
    };
  }
  if (resultType === 'dynamic') {
    // Arrays are the other values a function can make large (range(), repeat(), pack_array() of arrays …): each is
    // accounted by its length, its elements counted as work, so a few rows of large arrays reach the checks too.
    return (row) => {
      const v = call(row);
      if (Array.isArray(v)) rt.chargeArray(v.length);
      return v;
    };
  }
  if (resultType !== 'string') return call;
  // Strings are what a function can grow without bound (strrep, strcat …): each one is accounted.
  const producer = `${name}()`;
  return (row) => {
    const v = call(row);
    if (typeof v === 'string') rt.chargeString(v, producer);
    return v;
  };
}

/** Functions that parse text into a dynamic value. */
const PARSERS = new Set(['parse_json', 'todynamic', 'toobject', 'parse_xml']);

/** The plan calling a scalar function with its arguments' plans (unrolled for the common arities). */
function callPlan(
  impl: ScalarFunctionImpl,
  plans: ScalarPlan[],
  argTypes: KustoScalarType[],
  resultType: KustoScalarType,
  ctx: Runtime,
): ScalarPlan {
  switch (plans.length) {
    case 0:
      return () => impl([], argTypes, resultType, ctx);
    case 1: {
      const [a] = plans;
      return (row) => impl([a(row)], argTypes, resultType, ctx);
    }
    case 2: {
      const [a, b] = plans;
      return (row) => impl([a(row), b(row)], argTypes, resultType, ctx);
    }
    default:
      return (row) =>
        impl(
          plans.map((p) => p(row)),
          argTypes,
          resultType,
          ctx,
        );
  }
}

/** `d.a`, `d['a']`, `d[0]` (negative indexes count from the end) on dynamic values; null when absent. */
function compileAccess(c: Compiler, node: KNode, kind: string, columns: Column[], scope: Scope): ScalarPlan {
  const baseNode = node.Expression as KNode;
  const selector = node.Selector as KNode;
  if (c.symbolKind(node.ReferencedSymbol) === 'Column' && kind === 'PathExpression') {
    return columnReader(columns, (selector.SimpleName as string) ?? node.ReferencedSymbol?.Name);
  }
  if (kindOf(selector) === 'FunctionCallExpression') return compileScalarExpression(c, selector, columns, scope);
  const sorted = sortedTupleAccess(c, node, kind, columns, scope);
  if (sorted) return sorted;
  if (typeOf(c, baseNode) !== 'dynamic') throw notSupported(`The member access '${clip(textOf(node))}'`);
  const base = compileScalarExpression(c, baseNode, columns, scope);
  let key: ScalarPlan;
  if (kind === 'PathExpression' && kindOf(selector) !== 'BracketedExpression') {
    const name = selector.SimpleName as string;
    key = constant(name);
  } else {
    // `d[k]`, and `d.[k]` (a bracketed expression after the dot, as parse_urlquery's example indexes a bag).
    key = compileScalarExpression(c, selector.Expression as KNode, columns, scope);
  }
  return (row) => access(base(row), key(row));
}

/**
 * `array_sort_asc(a, b, …)[i]` (or _desc): array i of the tuple the call returns, for a constant i (the reference's
 * "combining summarize and array_sort_asc" example). Other uses of the tuple stay refused.
 */
function sortedTupleAccess(
  c: Compiler,
  node: KNode,
  kind: string,
  columns: Column[],
  scope: Scope,
): ScalarPlan | undefined {
  const call = node.Expression as KNode;
  if (kind !== 'ElementExpression' || kindOf(call) !== 'FunctionCallExpression') return undefined;
  const fn = functionName(call).toLowerCase();
  if (fn !== 'array_sort_asc' && fn !== 'array_sort_desc') return undefined;
  const args = elements((call.ArgumentList as KNode).Expressions);
  const argTypes = args.map((a) => typeOf(c, a));
  const arrays = argTypes.filter((t) => t === 'dynamic').length;
  if (arrays < 2) return undefined;
  const index = literalValue((node.Selector as KNode).Expression as KNode);
  const i = typeof index === 'bigint' || typeof index === 'number' ? Number(index) : NaN;
  if (!Number.isInteger(i) || i < 0 || i >= arrays) {
    throw notSupported(`The tuple element '${clip(textOf(node))}' (only a constant index within the tuple)`);
  }
  const plans = args.map((a) => compileScalarExpression(c, a, columns, scope));
  const direction = fn === 'array_sort_asc' ? 1 : -1;
  return (row) =>
    sortedTupleElement(
      direction,
      i,
      plans.map((p) => p(row)),
      argTypes,
    );
}

function access(v: Value, key: Value): Value {
  if (v === null || key === null || typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    if (typeof key !== 'number' && typeof key !== 'bigint') return null;
    let i = Number(key);
    if (i < 0) i += v.length;
    return i >= 0 && i < v.length ? (v[i] as Value) : null;
  }
  if (typeof key !== 'string') return null;
  return Object.prototype.hasOwnProperty.call(v, key) ? (v[key] as Value) : null;
}

function compileToScalar(c: Compiler, node: KNode, scope: Scope): ScalarPlan {
  const plan = c.tabular(node.Expression as KNode, scope);
  const type = typeOf(c, node);
  const from = plan.columns[0]?.type ?? type;
  const get: ScalarPlan = () => {
    const rows = drain(plan.run());
    if (rows.length > 0 && rows[0].length > 0) return convertValue(rows[0][0], from, type);
    return type === 'string' ? '' : null; // Kusto's strings have no null
  };
  return scope.inFunction ? get : c.memoizedValue(get);
}
