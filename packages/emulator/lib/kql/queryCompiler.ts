/**
 * Compiles Kusto.Language's analysed syntax tree into closures over rows.
 *
 * The analysis decides names and types (result schemas, automatic column names, which symbol a name refers to); the
 * compiler decides evaluation. Every construct it does not implement fails with a "not supported by the emulator"
 * error naming it, never a silent wrong answer.
 */
import type { Column, KustoScalarType, Value } from '../model';
import { entityNotFound, notSupported, syntaxError } from '../errors';
import {
  columnsOf,
  elements,
  isTabular,
  kindOf,
  kusto,
  scalarTypeOf,
  textOf,
  type KNode,
  type KSymbol,
  type KustoLanguage,
} from './language';
import type { SchemaSymbols } from './schema';
import { registerIngestionTimes, rowsOf, Runtime, type Row, type ScalarPlan, type TabularPlan } from './runtime';
import { Scope, type Binding } from './scope';
import { SYMBOL_KIND_NAMES, type Compiler, type SymbolKindName } from './compiler';
import { clip, firstToken, functionName } from './nodeText';
import { compileScalarExpression } from './scalar';
import { compileOperator, compileSourceOperator } from './tabularOperators';
import { convertValue } from './scalarApi';
import { parseLiteral } from '../values/literalText';
import { visualizationOf, type Visualization } from './render';
import { compileConsume, compileFacet } from './facet';
import { isVolatile, markVolatile } from './determinism';

/** A declared query parameter (`declare query_parameters (name:type = default)`). */
export interface QueryParameter {
  /** Parameter name. */
  name: string;
  /** Declared type. */
  type: KustoScalarType;
  /** Default value plan, when declared with one. */
  defaultValue?: ScalarPlan;
  /** Where the value is stored for the run. */
  slot: { value: Value };
}

/** One statement result to produce. */
export interface ResultPlan {
  /** The result's name. */
  name: string;
  /** The plan. */
  plan: TabularPlan;
  /** The chart of a result ending in `render`. */
  visualization?: Visualization;
}

/** A compiled query: ready to run many times with different parameters. */
export interface CompiledQuery {
  /** Shared per-request state. */
  runtime: Runtime;
  /** Declared query parameters. */
  parameters: QueryParameter[];
  /** `set` statements: option name → value (true when given without one). */
  setOptions: Record<string, Value>;
  /** Results, one per tabular expression statement, in order. */
  results: ResultPlan[];
}

/** The compiler for one query text against one schema; the members {@link Compiler} declares are documented there. */
export class QueryCompiler implements Compiler {
  readonly runtime = new Runtime();
  readonly K: KustoLanguage = kusto();
  readonly overrides = new Map<KNode, ScalarPlan>();
  private readonly symbolKinds = new Map<number, SymbolKindName>();
  private readonly parameters: QueryParameter[] = [];
  private readonly setOptions: Record<string, Value> = {};

  constructor(readonly schema: SchemaSymbols) {
    for (const name of SYMBOL_KIND_NAMES) this.symbolKinds.set(this.K.Symbols.SymbolKind[name], name);
  }

  /** Compiles a whole query block (`QueryBlock`). */
  compileQuery(root: KNode): CompiledQuery {
    const scope = new Scope();
    const results: ResultPlan[] = [];
    for (const statement of elements(root.Statements)) {
      const kind = kindOf(statement);
      switch (kind) {
        case 'QueryParametersStatement':
          this.declareParameters(statement, scope);
          break;
        case 'LetStatement':
          this.compileLet(statement, scope);
          break;
        case 'SetOptionStatement':
          this.compileSetOption(statement, scope);
          break;
        case 'ExpressionStatement': {
          const expr = statement.Expression as KNode;
          if (kindOf(expr) === 'PipeExpression' && kindOf(expr.Operator as KNode) === 'ForkOperator') {
            results.push(...this.compileFork(expr, scope));
            break;
          }
          const last = kindOf(expr) === 'PipeExpression' ? kindOf(expr.Operator as KNode) : '';
          if (last === 'FacetOperator' || last === 'ConsumeOperator') {
            const input = this.tabular(expr.Expression as KNode, scope);
            if (last === 'ConsumeOperator') results.push({ name: 'PrimaryResult', plan: compileConsume(input) });
            else results.push(...compileFacet(this, expr.Operator as KNode, this.memoized(input), scope));
            break;
          }
          if (!isTabular(expr.ResultType)) throw notSupported(describeNonTabular(expr));
          results.push({
            name: 'PrimaryResult',
            plan: this.tabular(expr, scope),
            visualization: visualizationOf(expr),
          });
          break;
        }
        default:
          throw notSupported(`The '${firstToken(statement)}' statement`);
      }
    }
    return { runtime: this.runtime, parameters: this.parameters, setOptions: this.setOptions, results };
  }

  /**
   * `T | fork (…) name=(…)`: one result per leg, each applying its operators to T (computed once). A leg is named by
   * `name=` or a final `as name`; unnamed legs are `PrimaryResult`, like other statements' results.
   */
  private compileFork(expr: KNode, scope: Scope): ResultPlan[] {
    const input = this.memoized(this.tabular(expr.Expression as KNode, scope));
    const leg = (node: KNode): TabularPlan =>
      kindOf(node) === 'PipeExpression'
        ? compileOperator(this, node.Operator as KNode, leg(node.Expression as KNode), scope)
        : compileOperator(this, node, input, scope);
    return elements((expr.Operator as KNode).Expressions).map((fork) => {
      const body = fork.Expression as KNode;
      const last = kindOf(body) === 'PipeExpression' ? (body.Operator as KNode) : body;
      const asName = kindOf(last) === 'AsOperator' ? ((last.Name as KNode).SimpleName as string) : undefined;
      const name = (fork.NameEquals?.Name?.SimpleName as string | undefined) ?? asName ?? 'PrimaryResult';
      return { name, plan: leg(body) };
    });
  }

  private declareParameters(statement: KNode, scope: Scope): void {
    for (const p of elements(statement.Parameters as KNode)) {
      const decl = p.NameAndType as KNode;
      const nameNode = decl.Name as KNode;
      const name = nameNode.SimpleName as string;
      const type = this.scalarTypeOf(nameNode, `the query parameter '${name}'`);
      const defaultNode = p.DefaultValue?.Value;
      const param: QueryParameter = {
        name,
        type,
        slot: { value: null },
        defaultValue: defaultNode ? this.converted(defaultNode, [], scope, type) : undefined,
      };
      this.parameters.push(param);
      scope.define(name, { kind: 'scalar', type, get: () => param.slot.value });
    }
  }

  private compileSetOption(statement: KNode, scope: Scope): void {
    const name = (statement.Name as KNode).SimpleName as string;
    const valueNode = statement.ValueClause?.Expression;
    this.setOptions[name] = valueNode ? this.scalar(valueNode, [], scope)([]) : true;
  }

  /** Compiles `let name = …` into the scope. */
  compileLet(statement: KNode, scope: Scope): void {
    const name = (statement.Name as KNode).SimpleName as string;
    const expr = statement.Expression as KNode;
    if (kindOf(expr) === 'FunctionDeclaration') {
      scope.define(name, { kind: 'function', scope });
    } else if (isTabular(expr.ResultType)) {
      const plan = this.tabular(expr, scope);
      // Evaluated once per run, unless it gives other rows at each evaluation (sample, rand()): see determinism.ts.
      const shared = scope.inFunction ? plan : isVolatile(expr, scope) ? markVolatile(plan) : this.memoized(plan);
      scope.define(name, { kind: 'tabular', plan: shared, sourceName: name });
    } else {
      const type = this.scalarTypeOf(expr, `the let variable '${name}'`);
      const plan = this.scalar(expr, [], scope);
      scope.define(name, { kind: 'scalar', type, get: scope.inFunction ? () => plan([]) : this.memoizedValue(plan) });
    }
  }

  memoized(plan: TabularPlan): TabularPlan {
    const rt = this.runtime;
    let runId = -1;
    let rows: Row[] = [];
    return {
      columns: plan.columns,
      run: function* () {
        if (runId !== rt.runId) {
          rows = yield* plan.run();
          runId = rt.runId;
        }
        return rows;
      },
    };
  }

  memoizedValue(plan: ScalarPlan): () => Value {
    const rt = this.runtime;
    let runId = -1;
    let value: Value = null;
    return () => {
      if (runId !== rt.runId) {
        value = plan([]);
        runId = rt.runId;
      }
      return value;
    };
  }

  symbolKind(symbol: KSymbol | null | undefined): SymbolKindName | undefined {
    return symbol ? this.symbolKinds.get(symbol.Kind) : undefined;
  }

  columns(node: KNode): Column[] {
    const type = node.ResultType;
    if (!type || !isTabular(type)) throw notSupported(`The expression '${clip(textOf(node))}' (not tabular)`);
    return columnsOf(type).map((c) => ({
      name: c.Name,
      type: this.scalarTypeOf(c.Type ?? null, `the column '${c.Name}'`),
    }));
  }

  scalarTypeOf(node: KNode | KSymbol | null, what: string): KustoScalarType {
    const type = node && 'ResultType' in node ? node.ResultType : (node as KSymbol | null);
    const t = scalarTypeOf(type);
    if (!t) throw notSupported(`The type '${type?.Name ?? 'unknown'}' of ${what}`);
    return t;
  }

  scalar(node: KNode, columns: Column[], scope: Scope): ScalarPlan {
    return compileScalarExpression(this, node, columns, scope);
  }

  converted(node: KNode, columns: Column[], scope: Scope, type: KustoScalarType): ScalarPlan {
    const plan = this.scalar(node, columns, scope);
    const from = this.scalarTypeOf(node, `'${clip(textOf(node))}'`);
    if (from === type) return plan;
    return (row) => convertValue(plan(row), from, type);
  }

  /**
   * A parameter's default value. Defaults of stored functions come from their declaration text, which Kusto.Language
   * parses without binding, so they must be literals (as Kusto requires).
   */
  private defaultValue(node: KNode, scope: Scope, type: KustoScalarType, what: string): ScalarPlan {
    if (scalarTypeOf(node.ResultType)) return this.converted(node, [], scope, type);
    const parsed = parseLiteral(textOf(node));
    if (!parsed) throw notSupported(`The default value '${clip(textOf(node))}' of the parameter ${what}`);
    const value = parsed.type === type ? parsed.value : convertValue(parsed.value, parsed.type, type);
    return () => value;
  }

  tabular(node: KNode, scope: Scope): TabularPlan {
    const kind = kindOf(node);
    switch (kind) {
      case 'PipeExpression':
        return compileOperator(this, node.Operator as KNode, this.tabular(node.Expression as KNode, scope), scope);
      case 'ParenthesizedExpression':
        return this.tabular(node.Expression as KNode, scope);
      case 'MaterializeExpression':
        return scope.inFunction
          ? this.tabular(node.Expression as KNode, scope)
          : this.memoized(this.tabular(node.Expression as KNode, scope));
      case 'NameReference':
        return this.tabularName(node, scope);
      case 'PathExpression':
        return this.tabularPath(node, scope);
      case 'FunctionCallExpression':
        return this.tabularCall(node, scope);
      default:
        return compileSourceOperator(this, node, scope);
    }
  }

  private tabularName(node: KNode, scope: Scope): TabularPlan {
    const symbol = node.ReferencedSymbol;
    const kind = this.symbolKind(symbol);
    if (kind === 'Table' && symbol) {
      const ref = this.schema.tables.get(symbol);
      if (ref) return this.tableScan(node, ref.database, ref.table);
    }
    if (kind === 'Function') return this.callUserFunction(node, scope, [], undefined).tabular as TabularPlan;
    const binding = scope.lookup(node.SimpleName as string);
    if (binding?.kind === 'tabular') return binding.plan;
    throw notSupported(`The tabular reference '${node.SimpleName}'`);
  }

  private tabularPath(node: KNode, scope: Scope): TabularPlan {
    const selector = node.Selector as KNode;
    if (kindOf(selector) === 'FunctionCallExpression') return this.tabularCall(selector, scope);
    const symbol = node.ReferencedSymbol;
    const ref = symbol && this.schema.tables.get(symbol);
    if (ref) return this.tableScan(node, ref.database, ref.table);
    throw notSupported(`The tabular expression '${clip(textOf(node))}'`);
  }

  private tabularCall(node: KNode, scope: Scope): TabularPlan {
    const symbol = node.ReferencedSymbol;
    if (this.isUserFunction(symbol, scope))
      return this.callUserFunction(node, scope, [], undefined).tabular as TabularPlan;
    throw notSupported(`The function '${functionName(node)}' in a tabular context`);
  }

  /** The rows of a stored table, read at run time (data changes between runs of a cached plan). */
  private tableScan(node: KNode, database: string, table: string): TabularPlan {
    const rt = this.runtime;
    const columns = this.columns(node);
    return {
      columns,
      run: () => rowsOf(read()),
    };

    function read(): Row[] {
      if (rt.database.name !== database) rt.readDatabase?.(database);
      const db = rt.database.name === database ? rt.database : rt.catalog.get(database);
      const t = db?.tables.get(table);
      if (!t) throw entityNotFound('Table', table);
      if (rt.usesIngestionTime) for (const extent of t.extents) registerIngestionTimes(extent);
      if (t.extents.length === 1) return t.extents[0].rows;
      const rows: Row[] = [];
      for (const extent of t.extents) for (const r of extent.rows) rows.push(r);
      return rows;
    }
  }

  isUserFunction(symbol: KSymbol | null, scope: Scope): boolean {
    if (!symbol || this.symbolKind(symbol) !== 'Function') return false;
    if (this.schema.functions.has(symbol)) return true;
    return scope.lookup(symbol.Name)?.kind === 'function';
  }

  callUserFunction(
    call: KNode,
    scope: Scope,
    columns: Column[],
    pipeInput: TabularPlan | undefined,
  ): { scalar?: ScalarPlan; tabular?: TabularPlan } {
    const symbol = call.ReferencedSymbol as KSymbol;
    const name = symbol.Name;
    let declaring: Scope;
    if (this.schema.functions.has(symbol)) declaring = new Scope();
    else {
      const binding: Binding | undefined = scope.lookup(name);
      if (binding?.kind !== 'function') throw notSupported(`The function '${name}'`);
      declaring = binding.scope;
    }
    const body = call.GetCalledFunctionBody();
    const signature = call.ReferencedSignature;
    if (!body || !signature) throw notSupported(`The call of function '${name}'`);
    // Arguments by position, then by name (`f(1, b=10)`, `f(b=10, a=1)`), as Kusto's calls take them.
    const args: (KNode | undefined)[] = [];
    const named = new Map<string, KNode>();
    for (const a of call.ArgumentList ? elements(call.ArgumentList.Expressions) : []) {
      if (kindOf(a) === 'SimpleNamedExpression')
        named.set((a.Name as KNode).SimpleName as string, a.Expression as KNode);
      else args.push(a);
    }
    if (pipeInput) args.unshift(undefined);
    const fnScope = new Scope(declaring, true);
    const binds: { slot: { value: Value }; plan: ScalarPlan }[] = [];
    const params = signature.Parameters;
    for (let i = 0; i < params.Count; i++) {
      const p = params.getItem(i);
      const arg = named.get(p.Name) ?? args[i];
      named.delete(p.Name);
      if (p.IsTabular) {
        const plan = i === 0 && pipeInput ? pipeInput : arg ? this.tabular(arg, scope) : undefined;
        if (!plan)
          throw syntaxError(`Semantic error: the function '${name}' needs a table for its parameter '${p.Name}'.`);
        fnScope.define(p.Name, { kind: 'tabular', plan, sourceName: p.Name });
        continue;
      }
      const declared = p.DeclaredTypes.Count > 0 ? scalarTypeOf(p.DeclaredTypes.getItem(0)) : undefined;
      let plan: ScalarPlan;
      let type: KustoScalarType;
      if (arg) {
        type = declared ?? this.scalarTypeOf(arg, `the argument '${p.Name}' of '${name}'`);
        plan = this.converted(arg, columns, scope, type);
      } else if (p.DefaultValue) {
        type = declared ?? this.scalarTypeOf(p.DefaultValue, `the default of '${p.Name}'`);
        plan = this.defaultValue(p.DefaultValue, declaring, type, `'${p.Name}' of '${name}'`);
      } else {
        throw syntaxError(`Semantic error: the function '${name}' needs a value for its parameter '${p.Name}'.`);
      }
      const slot = { value: null as Value };
      binds.push({ slot, plan });
      fnScope.define(p.Name, { kind: 'scalar', type, get: () => slot.value });
    }
    for (const unknown of named.keys()) {
      throw syntaxError(`Semantic error: the function '${name}' has no parameter '${unknown}'.`);
    }
    for (const statement of elements(body.Statements)) {
      if (kindOf(statement) !== 'LetStatement')
        throw notSupported(`The '${firstToken(statement)}' statement in a function body`);
      this.compileLet(statement, fnScope);
    }
    const expr = body.Expression as KNode;
    if (isTabular(expr.ResultType)) {
      const inner = this.tabular(expr, fnScope);
      return {
        tabular: {
          columns: inner.columns,
          run: () => {
            for (const b of binds) b.slot.value = b.plan([]);
            return inner.run();
          },
        },
      };
    }
    const inner = this.scalar(expr, columns, fnScope);
    if (binds.length === 0) return { scalar: inner };
    return {
      scalar: (row) => {
        for (const b of binds) b.slot.value = b.plan(row);
        return inner(row);
      },
    };
  }
}

/** What a statement producing no single table is, for the error: its last operator (fork, …) or the expression. */
function describeNonTabular(expr: KNode): string {
  if (kindOf(expr) === 'PipeExpression' && expr.Operator) return `The '${firstToken(expr.Operator)}' operator`;
  return `The query statement '${clip(textOf(expr))}' (it does not produce a table)`;
}
