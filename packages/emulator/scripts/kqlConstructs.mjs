// Prints the table of the KQL constructs the emulator's engine evaluates and of those Kusto has that it refuses, as
// the markdown that lib/kql/README.md holds between its `constructs` markers; `--write` replaces that part of the
// README, `--json` prints the block and each supported construct with the pattern a spec's text must hold (read by
// spec/kql/constructsTable.spec.ts). It reads the built engine (dist/: run the build first) rather than the sources,
// so the names are the very lists the dispatch is typed against, and Kusto.Language's own lists for what Kusto has.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const readmePath = join(root, 'lib', 'kql', 'README.md');
const BEGIN = '<!-- constructs:begin -->';
const END = '<!-- constructs:end -->';

const { values: options } = parseArgs({
  options: { write: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});

const constructs = require('./dist/lib/kql/constructs.js');
const { scalarFunctions } = require('./dist/lib/kql/scalars/index.js');
const { WINDOW_FUNCTIONS } = require('./dist/lib/kql/window.js');
const { kusto } = require('./dist/lib/kql/language.js');

const K = kusto();
const globals = K.GlobalState.Default;
/** A Bridge.NET enumerable as an array. */
function toArray(list) {
  const out = [];
  const e = globalThis.Bridge.getEnumerator(list);
  while (e.moveNext()) out.push(e.Current);
  return out;
}
/** Kusto's names of a symbol list, hidden ones (deprecated or internal) apart. */
function kustoNames(list) {
  const symbols = toArray(list);
  return {
    all: new Set(symbols.map((s) => s.Name)),
    shown: new Set(symbols.filter((s) => !s.IsHidden).map((s) => s.Name)),
  };
}

// Operators: the syntax kinds Kusto.Language parses as query operators, named as a query writes them.
const SPECIAL_OPERATOR_NAMES = {
  FilterOperator: 'where',
  SortOperator: 'sort',
  TakeOperator: 'take',
  GetSchemaOperator: 'getschema',
  DataTableExpression: 'datatable',
  ExternalDataExpression: 'externaldata',
  ReduceByOperator: 'reduce',
  MaterializeExpression: 'materialize()',
  ToScalarExpression: 'toscalar()',
};
/** `MvExpandOperator` → `mv-expand`. */
function operatorName(kind) {
  return (
    SPECIAL_OPERATOR_NAMES[kind] ??
    kind
      .replace(/(Operator|Expression)$/, '')
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .toLowerCase()
  );
}
/** The text a spec's query holds when it uses the operator: after a pipe, or (sources, functions) anywhere. */
function operatorPattern(kind) {
  const aliases = { FilterOperator: 'where|filter', SortOperator: 'sort|order', TakeOperator: 'take|limit' };
  const word = aliases[kind] ?? operatorName(kind).replace('()', '');
  if (kind.endsWith('Expression')) return `(?<![\\w.-])(?:${word})\\s*\\(`;
  if (constructs.SOURCE_OPERATORS.includes(kind)) return `(?<![\\w.-])(?:${word})(?![\\w-])`;
  return `\\|\\s*(?:${word})(?![\\w-])`;
}
const kustoOperatorKinds = [
  ...Object.keys(K.Syntax.SyntaxKind).filter((k) => k.endsWith('Operator') && k !== 'BadQueryOperator'),
  'DataTableExpression',
  'ExternalDataExpression',
  'MaterializeExpression',
  'ToScalarExpression',
];
const supportedOperatorKinds = [
  ...new Set([...constructs.PIPED_OPERATORS, ...constructs.SOURCE_OPERATORS, ...constructs.STATEMENT_FORMS]),
];

const functionPattern = (name) => `(?<![\\w.])${name}\\s*\\(`;
// The registry's own specs (spec/kql/scalars) call a function by its quoted name.
const scalarPattern = (name) => `(?<![\\w.])${name}\\s*\\(|['"]${name}['"]`;
const pluginPattern = (name) => `evaluate\\s+(?:[\\w.]+\\s*=\\s*\\w+\\s+)*${name}\\s*\\(`;

const kustoFunctions = kustoNames(globals.Functions);
const kustoAggregates = kustoNames(globals.Aggregates);
const kustoPlugins = kustoNames(globals.PlugIns);

/** One category: what the engine evaluates, what Kusto has that it does not, and names Kusto does not know. */
function category(title, supportedNames, kusto, pattern) {
  const supported = [...new Set(supportedNames)].sort();
  const refused = [...kusto.shown].filter((n) => !supported.includes(n)).sort();
  const unknown = supported.filter((n) => !kusto.all.has(n));
  return { title, supported, refused, unknown, patterns: supported.map((n) => ({ name: n, pattern: pattern(n) })) };
}

const operatorsByName = new Map(supportedOperatorKinds.map((k) => [operatorName(k), k]));
const categories = [
  {
    ...category(
      'Query operators',
      supportedOperatorKinds.map(operatorName),
      {
        all: new Set(kustoOperatorKinds.map(operatorName)),
        shown: new Set(kustoOperatorKinds.map(operatorName)),
      },
      (n) => operatorPattern(operatorsByName.get(n)),
    ),
  },
  category(
    'Scalar functions',
    [
      ...scalarFunctions.keys(),
      ...constructs.ENGINE_FUNCTIONS,
      ...constructs.TUPLE_FUNCTIONS,
      ...WINDOW_FUNCTIONS,
      ...constructs.RESOLVED_FUNCTIONS,
    ],
    kustoFunctions,
    scalarPattern,
  ),
  category('Aggregation functions', constructs.AGGREGATE_FUNCTIONS, kustoAggregates, functionPattern),
  category('evaluate plugins', constructs.EVALUATE_PLUGINS, kustoPlugins, pluginPattern),
];

/** Names as backticked words, wrapped to lines of at most 120 characters. */
function wrap(lead, names) {
  const lines = [];
  let line = lead;
  names.forEach((n, i) => {
    const word = `\`${n}\`${i < names.length - 1 ? ',' : ''}`;
    if (line.length + 1 + word.length > 120) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  });
  if (names.length === 0) line += ' none';
  lines.push(line);
  return lines.join('\n');
}

/** A markdown table with its columns padded as prettier pads them (the README is checked by prettier). */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(3, ...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

function block() {
  const parts = [
    BEGIN,
    '',
    "<!-- Generated by `npm run kql-constructs` (scripts/kqlConstructs.mjs) from the engine's lists (lib/kql/constructs.ts,",
    "the scalar registry, the window functions) and Kusto.Language's; spec/kql/constructsTable.spec.ts checks it. -->",
    '',
    'Refused means Kusto.Language knows the name (its built-in operators, functions, aggregations and plugins, hidden',
    'ones left out) and the engine fails a query using it with `BadRequest_NotSupported` naming it. Supported names',
    'can still refuse some forms: the list above says which.',
    '',
    table([
      ['', 'supported', 'refused'],
      ...categories.map((c) => [c.title, String(c.supported.length), String(c.refused.length)]),
    ]),
  ];
  for (const c of categories) {
    parts.push('', wrap(`${c.title}, supported (${c.supported.length}):`, c.supported));
    parts.push('', wrap(`${c.title}, refused (${c.refused.length}):`, c.refused));
  }
  parts.push('', END);
  return parts.join('\n');
}

const text = block();
const unknown = categories.flatMap((c) => c.unknown.map((n) => `${c.title}: ${n}`));

if (options.json) {
  process.stdout.write(
    JSON.stringify({
      block: text,
      unknown,
      supported: categories.map((c) => ({ title: c.title, constructs: c.patterns })),
    }),
  );
} else if (options.write) {
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) {
    process.stderr.write(`${readmePath} has no ${BEGIN} … ${END} markers.\n`);
    process.exit(1);
  }
  writeFileSync(readmePath, readme.slice(0, from) + text + readme.slice(to + END.length));
  process.stdout.write(
    `${readmePath}: ${categories.map((c) => `${c.title} ${c.supported.length}/${c.refused.length}`).join(', ')}\n`,
  );
} else {
  process.stdout.write(`${text}\n`);
}
if (unknown.length > 0) {
  process.stderr.write(`Names Kusto.Language does not know: ${unknown.join(', ')}\n`);
  process.exitCode = 1;
}
