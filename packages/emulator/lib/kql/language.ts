/**
 * Access to Microsoft's Kusto.Language (the `@kusto/language-service-next` Bridge.NET build), loaded lazily.
 *
 * The package defines globals (`Bridge`, `System`, `Kusto`) when its two scripts are required; loading costs about
 * 0.2 s and 65 MB, so it happens on the first query only. The interfaces below describe the small part of its object
 * model the engine reads, structurally: syntax nodes expose their children as named properties (`Condition`,
 * `Expressions`, …) and carry the analysis (`ResultType`, `ReferencedSymbol`).
 */
import type { KustoScalarType } from '../model';
import { KUSTO_SCALAR_TYPES } from '../typeNames';

/** A read-only .NET list as Bridge exposes it. */
export interface KList<T> {
  /** Number of items. */
  readonly Count: number;
  /** Item at `index`. */
  getItem(index: number): T;
}

/** A Kusto.Language symbol: a type, table, column, function, variable, … */
export interface KSymbol {
  /** Symbol name (`long`, `Products`, `count`). */
  readonly Name: string;
  /** `SymbolKind` value. */
  readonly Kind: number;
  /** Whether the symbol stands for a scalar. */
  readonly IsScalar: boolean;
  /** Whether the symbol stands for a table. */
  readonly IsTabular: boolean;
  /** Columns of a table symbol. */
  readonly Columns?: KList<KSymbol>;
  /** Type of a column, variable or parameter symbol. */
  readonly Type?: KSymbol;
  /** Signatures of a function symbol. */
  readonly Signatures?: KList<KSignature>;
  /** Bridge's runtime type. */
  readonly constructor: { readonly $$name: string };
}

/** One signature of a function symbol. */
export interface KSignature {
  /** Declared parameters. */
  readonly Parameters: KList<KParameter>;
}

/** One declared parameter of a function signature. */
export interface KParameter {
  /** Parameter name. */
  readonly Name: string;
  /** Default value expression (user functions), or null. */
  readonly DefaultValue: KNode | null;
  /** Whether the parameter takes a table. */
  readonly IsTabular: boolean;
  /** Declared types (one for user functions). */
  readonly DeclaredTypes: KList<KSymbol>;
}

/** A Kusto.Language diagnostic. */
export interface KDiagnostic {
  /** Kusto.Language's code (`KS142`). */
  readonly Code: string;
  /** `Error`, `Warning`, … */
  readonly Severity: string;
  /** Message, worded by Kusto.Language. */
  readonly Message: string;
  /** Start offset in the query text. */
  readonly Start: number;
  /** Length of the offending text. */
  readonly Length: number;
}

/**
 * A syntax element (node or token). Node-specific children are optional properties: each is present on the node
 * kinds that have it (for example `Condition` on `FilterOperator`), named as in Kusto.Language.
 */
export interface KNode {
  /** `SyntaxKind` value. */
  readonly Kind: number;
  /** Whether this element is a token. */
  readonly IsToken: boolean;
  /** Whether the element is missing (a parse error placeholder). */
  readonly IsMissing: boolean;
  /** Token text (tokens only). */
  readonly Text: string;
  /** Start of the element's text in the query. */
  readonly TextStart: number;
  /** Number of children. */
  readonly ChildCount: number;
  /** Child at `index` (null for an absent optional child). */
  GetChild(index: number): KNode | null;
  /** Result type of an expression or operator. */
  readonly ResultType: KSymbol | null;
  /** Symbol the node refers to. */
  readonly ReferencedSymbol: KSymbol | null;
  /** Signature of the called function. */
  readonly ReferencedSignature: KSignature | null;
  /** Literal value as Kusto.Language computed it (used for strings only). */
  readonly LiteralValue: unknown;
  /** Body of the called user function, analysed at the call site. */
  GetCalledFunctionBody(): KNode | null;
  /** A separated element's element. */
  readonly Element?: KNode;
  /** A simple name (`NameReference`, `NameDeclaration`). */
  readonly SimpleName?: string;

  readonly Expression?: KNode | null;
  readonly Expressions?: KList<KNode>;
  readonly Condition?: KNode | null;
  readonly Name?: KNode | null;
  readonly Names?: KNode | null;
  readonly Left?: KNode | null;
  readonly Right?: KNode | null;
  readonly Operator?: KNode | null;
  readonly Selector?: KNode | null;
  readonly ArgumentList?: KNode | null;
  readonly Parameters?: KList<KNode> | KNode | null;
  readonly Statements?: KList<KNode>;
  readonly Body?: KNode | null;
  readonly NameAndType?: KNode | null;
  readonly DefaultValue?: KNode | null;
  readonly Value?: KNode | null;
  readonly Values?: KList<KNode>;
  readonly Pairs?: KList<KNode>;
  readonly Schema?: KNode | null;
  readonly Columns?: KList<KNode>;
  readonly Type?: KNode | null;
  readonly ByClause?: KNode | null;
  readonly Aggregates?: KList<KNode>;
  readonly Ordering?: KNode | null;
  readonly AscOrDescKeyword?: KNode | null;
  readonly NullsClause?: KNode | null;
  readonly FirstOrLastKeyword?: KNode | null;
  readonly ByExpression?: KNode | null;
  readonly ConditionClause?: KNode | null;
  readonly LookupClause?: KNode | null;
  readonly RowLimitClause?: KNode | null;
  readonly RowLimit?: KNode | null;
  readonly ToTypeOf?: KNode | null;
  readonly Patterns?: KList<KNode>;
  readonly From?: KNode | null;
  readonly To?: KNode | null;
  readonly Step?: KNode | null;
  readonly First?: KNode | null;
  readonly Second?: KNode | null;
  readonly Function?: KNode | null;
  readonly AsIdentifier?: KNode | null;
  readonly KindParameter?: KNode | null;
  readonly ValueClause?: KNode | null;
  readonly Token?: KNode | null;
  readonly Tokens?: KList<KNode>;
  readonly Dynamic?: KNode | null;
  readonly BinClause?: KNode | null;
  readonly Identifier?: KNode | null;
  readonly TypeOf?: KNode | null;
  readonly NameEquals?: KNode | null;
  readonly Clauses?: KList<KNode>;
  readonly OfExpression?: KNode | null;
  readonly WithOthersClause?: KNode | null;
  readonly WithClause?: KNode | null;
  readonly FunctionCall?: KNode | null;
  readonly Keys?: KNode | null;
  readonly Properties?: KList<KNode>;
  readonly AsteriskToken?: KNode | null;
  /** First token of the element. */
  GetFirstToken(): KNode | null;
}

/** The analysed query as Kusto.Language returns it. */
export interface KCode {
  /** Root syntax node (`QueryBlock`). */
  readonly Syntax: KNode;
  /** All diagnostics (syntax and semantic). */
  GetDiagnostics(): KList<KDiagnostic>;
  /** Syntax diagnostics only. */
  GetSyntaxDiagnostics(): KList<KDiagnostic>;
}

/** The parts of the `Kusto.Language` namespace the engine uses. */
export interface KustoLanguage {
  readonly KustoCode: { ParseAndAnalyze(text: string, globals: unknown): KCode };
  readonly GlobalState: { readonly Default: KGlobalState };
  readonly KustoFacts: { GetExpressionResultName(expr: KNode, defaultName: string | null): string | null };
  readonly Binding: { readonly Binder: { GetResultColumn(expr: KNode): KSymbol | null } };
  readonly Syntax: { readonly SyntaxKind: Record<string, number> };
  readonly Symbols: {
    readonly ScalarTypes: Record<string, KSymbol>;
    readonly SymbolKind: Record<string, number>;
    readonly ColumnSymbol: new (
      name: string,
      type: KSymbol,
      description: null,
      originalColumns: null,
      source: null,
      examples: null,
    ) => KSymbol;
    readonly TableSymbol: { $ctor4: new (name: string, columns: KSymbol[]) => KSymbol };
    readonly FunctionSymbol: {
      $ctor16: new (name: string, parameterList: string, body: string, description: string | null) => KSymbol;
    };
    readonly DatabaseSymbol: { $ctor1: new (name: string, members: KSymbol[], isOpen: boolean) => KSymbol };
    readonly ClusterSymbol: { ctor: new (name: string, databases: KSymbol[]) => KSymbol };
  };
}

/** Kusto.Language's global state (schema in scope). */
export interface KGlobalState {
  /** A copy with `cluster` as the current cluster. */
  WithCluster(cluster: KSymbol): KGlobalState;
  /** A copy with `database` as the current database. */
  WithDatabase(database: KSymbol): KGlobalState;
  /** Whether `fn` is one of Kusto's built-in functions. */
  IsBuiltInFunction(fn: KSymbol): boolean;
  /** Whether `fn` is one of Kusto's aggregate functions. */
  IsAggregateFunction(fn: KSymbol): boolean;
}

let loaded: KustoLanguage | undefined;
let kindNames: string[] = [];

/** Kusto.Language, loading it on first use. */
export function kusto(): KustoLanguage {
  if (loaded) return loaded;
  // Bridge.NET scripts publish their namespaces as globals; required here, not imported, so they load on first use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@kusto/language-service-next/bridge.min.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  const g = globalThis as unknown as { Kusto: { Language: KustoLanguage } };
  loaded = g.Kusto.Language;
  const kinds = loaded.Syntax.SyntaxKind;
  kindNames = [];
  for (const [name, value] of Object.entries(kinds)) if (typeof value === 'number') kindNames[value] = name;
  return loaded;
}

/** The `SyntaxKind` name of a node (`FilterOperator`, `EqualExpression`, …). */
export function kindOf(node: KNode): string {
  return kindNames[node.Kind] ?? 'Unknown';
}

/** The elements of a syntax list, unwrapping separated elements. */
export function elements(list: KList<KNode> | KNode | null | undefined): KNode[] {
  const out: KNode[] = [];
  if (!list) return out;
  const l = list as KList<KNode>;
  for (let i = 0; i < l.Count; i++) {
    const item = l.getItem(i);
    out.push(item.Element ?? item);
  }
  return out;
}

/** The node's text as written in the query, without leading trivia. */
export function textOf(node: KNode): string {
  return String(node.toString()).trim();
}

const SCALAR_NAMES: ReadonlySet<string> = new Set(KUSTO_SCALAR_TYPES);

/** The emulator's scalar type for a Kusto.Language type symbol, or undefined for non-scalar types. */
export function scalarTypeOf(type: KSymbol | null | undefined): KustoScalarType | undefined {
  if (!type) return undefined;
  const name = type.Name;
  return SCALAR_NAMES.has(name) ? (name as KustoScalarType) : undefined;
}

/** Whether the type symbol is a table. */
export function isTabular(type: KSymbol | null | undefined): boolean {
  return !!type && type.IsTabular && type.Columns !== undefined;
}

/** The columns of a table type symbol, as (name, Kusto.Language type) pairs. */
export function columnsOf(type: KSymbol): KSymbol[] {
  const out: KSymbol[] = [];
  const cols = type.Columns;
  if (cols) for (let i = 0; i < cols.Count; i++) out.push(cols.getItem(i));
  return out;
}
