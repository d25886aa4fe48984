/**
 * The emulator's query page: a KQL editor (Monaco with monaco-kusto: colouring, diagnostics, completion from the
 * databases' schemas), the schema as a tree, results as a grid per table, and a chart for `render`. It talks to the
 * emulator that served it through the REST API (same origin), as any client does.
 */
import 'monaco-editor/esm/vs/editor/editor.all.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import { getKustoWorker } from '@kusto/monaco-kusto/release/esm/monaco.contribution.js';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import './style.css';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
);

// Monaco's workers are files of their own, next to this script (see scripts/buildPage.mjs).
(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorkerUrl: (_moduleId: string, label: string) =>
    label === 'kusto' ? '/page/kusto.worker.js' : '/page/editor.worker.js',
};

interface Column {
  ColumnName: string;
  ColumnType: string;
}
interface Frame {
  FrameType: string;
  TableId?: number;
  TableKind?: string;
  TableName?: string;
  Columns?: Column[];
  Rows?: unknown[];
  HasErrors?: boolean;
  OneApiErrors?: { error: KustoError }[];
}
interface KustoError {
  code?: string;
  message?: string;
  '@message'?: string;
  innererror?: { '@errorMessage'?: string; message?: string };
}
interface ResultTable {
  name: string;
  columns: Column[];
  rows: unknown[][];
  visualization?: Record<string, unknown>;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const databaseSelect = $<HTMLSelectElement>('database');
const statusText = $('status');
const errorBox = $('error');
const notice = $('notice');
const tabs = $('tabs');
const grid = $('grid');
const chartBox = $('chart');
let chart: Chart | undefined;

/** A failed request's Kusto error, as thrown by {@link post}. */
class RequestError extends Error {
  constructor(readonly error: KustoError) {
    super(error['@message'] ?? error.message ?? 'The request failed.');
  }
}

async function post(path: string, db: string, csl: string): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-app': 'kusto-emulator-page' },
    body: JSON.stringify({ db, csl }),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: KustoError };
  if (!response.ok) throw new RequestError(body.error ?? { message: `HTTP ${response.status}` });
  return body;
}

/** The first table's rows of a management command (v1 response). */
async function command(db: string, csl: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const body = (await post('/v1/rest/mgmt', db, csl)) as {
    Tables: { Columns: { ColumnName: string }[]; Rows: unknown[][] }[];
  };
  const table = body.Tables[0];
  return { columns: table.Columns.map((c) => c.ColumnName), rows: table.Rows };
}

interface SchemaJson {
  Databases: Record<
    string,
    {
      Name: string;
      Tables: Record<string, { Name: string; OrderedColumns: { Name: string; CslType: string }[] }>;
      Functions: Record<string, { Name: string }>;
    }
  >;
}
let schema: SchemaJson = { Databases: {} };

async function loadSchema(): Promise<void> {
  const databases = await command('NetDefaultDB', '.show databases');
  const nameIndex = databases.columns.indexOf('DatabaseName');
  const names = databases.rows.map((row) => String(row[nameIndex])).sort();
  const merged: SchemaJson = { Databases: {} };
  for (const name of names) {
    const result = await command(name, `.show database ['${name.replace(/'/g, "\\'")}'] schema as json`);
    Object.assign(merged.Databases, (JSON.parse(String(result.rows[0][0])) as SchemaJson).Databases);
  }
  schema = merged;
  const current = databaseSelect.value;
  databaseSelect.replaceChildren(...names.map((n) => new Option(n, n)));
  if (names.includes(current)) databaseSelect.value = current;
  renderTree();
}

function renderTree(): void {
  const nav = $('schema');
  nav.replaceChildren();
  for (const database of Object.values(schema.Databases)) {
    const db = document.createElement('details');
    db.open = database.Name === databaseSelect.value;
    db.append(summary(database.Name, 'database'));
    for (const table of Object.values(database.Tables)) {
      const node = document.createElement('details');
      node.className = 'table';
      node.append(summary(table.Name, 'table'));
      for (const column of table.OrderedColumns) {
        const line = document.createElement('div');
        line.className = 'column';
        line.append(column.Name, ' ', typeSpan(column.CslType));
        node.append(line);
      }
      db.append(node);
    }
    for (const fn of Object.values(database.Functions ?? {})) {
      const line = document.createElement('div');
      line.className = 'column';
      line.append(`ƒ ${fn.Name}`);
      db.append(line);
    }
    nav.append(db);
  }
}

function summary(text: string, kind: string): HTMLElement {
  const element = document.createElement('summary');
  element.textContent = text;
  element.dataset.kind = kind;
  return element;
}

function typeSpan(type: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'type';
  span.textContent = `(${type})`;
  return span;
}

const editor = monaco.editor.create($('editor'), {
  language: 'kusto',
  value: '',
  automaticLayout: true,
  minimap: { enabled: false },
  fixedOverflowWidgets: true,
  scrollBeyondLastLine: false,
});

/** Gives the Kusto worker the schema, with the selected database in context (completion, diagnostics). */
async function applySchema(): Promise<void> {
  const model = editor.getModel();
  if (!model || !databaseSelect.value) return;
  const worker = await (await getKustoWorker())(model.uri);
  await worker.setSchemaFromShowSchema(schema, location.origin, databaseSelect.value);
}

// Kusto reports a syntax error's place as `[line:position=L:C]` (1-based).
function errorPosition(message: string): { line: number; column: number } | undefined {
  const match = /\[line:position=(\d+):(\d+)\]/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

function showError(error: KustoError): void {
  const message = error['@message'] ?? error.message ?? 'The query failed.';
  const position = errorPosition(message);
  errorBox.textContent = (position ? `Line ${position.line}, position ${position.column}: ` : '') + message;
  errorBox.hidden = false;
  if (position) {
    editor.setPosition({ lineNumber: position.line, column: position.column });
    editor.revealPositionInCenter({ lineNumber: position.line, column: position.column });
    editor.focus();
  }
}

function readResults(frames: Frame[]): { tables: ResultTable[]; truncated?: string } {
  const tables: ResultTable[] = [];
  const charts = new Map<number, Record<string, unknown>>();
  let truncated: string | undefined;
  for (const frame of frames) {
    if (frame.FrameType === 'DataTable' && frame.TableKind === 'QueryProperties') {
      for (const row of (frame.Rows ?? []) as unknown[][]) {
        if (row[1] !== 'Visualization') continue;
        const value = (typeof row[2] === 'string' ? JSON.parse(row[2]) : row[2]) as Record<string, unknown>;
        if (value?.Visualization) charts.set(Number(row[0]), value);
      }
    } else if (frame.FrameType === 'DataTable' && frame.TableKind === 'PrimaryResult') {
      const rows: unknown[][] = [];
      for (const row of frame.Rows ?? []) {
        // An object in place of a row: Kusto's in-data error (a limit cut the table short).
        if (Array.isArray(row)) rows.push(row);
        else truncated ??= errorText(row as Frame);
      }
      tables.push({
        name: frame.TableName ?? 'PrimaryResult',
        columns: frame.Columns ?? [],
        rows,
        visualization: charts.get(frame.TableId ?? -1),
      });
    } else if (frame.FrameType === 'DataSetCompletion' && frame.HasErrors) {
      truncated ??= errorText(frame);
    }
  }
  return { tables, truncated };
}

function errorText(frame: Frame): string {
  const error = frame.OneApiErrors?.[0]?.error;
  return error?.['@message'] ?? error?.message ?? 'The query reported an error.';
}

async function run(): Promise<void> {
  const selection = editor.getSelection();
  const model = editor.getModel();
  if (!model) return;
  const text = selection && !selection.isEmpty() ? model.getValueInRange(selection) : model.getValue();
  if (text.trim() === '') return;
  errorBox.hidden = true;
  notice.hidden = true;
  statusText.textContent = 'Running…';
  const started = performance.now();
  const isCommand = text.trimStart().startsWith('.');
  try {
    let tables: ResultTable[];
    let truncated: string | undefined;
    if (isCommand) {
      const body = (await post('/v1/rest/mgmt', databaseSelect.value, text)) as {
        Tables: { TableName: string; Columns: Column[]; Rows: unknown[][] }[];
      };
      tables = body.Tables.map((t) => ({ name: t.TableName, columns: t.Columns, rows: t.Rows }));
    } else {
      ({ tables, truncated } = readResults((await post('/v2/rest/query', databaseSelect.value, text)) as Frame[]));
    }
    const elapsed = performance.now() - started;
    const rowCount = tables.reduce((n, t) => n + t.rows.length, 0);
    statusText.textContent = `${rowCount} row${rowCount === 1 ? '' : 's'} in ${tables.length} table${tables.length === 1 ? '' : 's'}, ${formatElapsed(elapsed)}`;
    if (truncated) {
      notice.textContent = `Results truncated: ${truncated} Add "set notruncation;" before the query to get them all.`;
      notice.hidden = false;
    }
    showTables(tables);
    // A command may have changed the schema (a table created, a column added).
    if (isCommand) await loadSchema().then(applySchema);
  } catch (error) {
    statusText.textContent = `Failed after ${formatElapsed(performance.now() - started)}`;
    showError(error instanceof RequestError ? error.error : { message: String(error) });
    showTables([]);
  }
}

function formatElapsed(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function showTables(tables: ResultTable[]): void {
  tabs.replaceChildren();
  tables.forEach((table, index) => {
    const tab = document.createElement('button');
    tab.setAttribute('role', 'tab');
    tab.textContent = tables.length > 1 ? `${table.name} ${index + 1}` : table.name;
    tab.addEventListener('click', () => select(index));
    tabs.append(tab);
  });
  const select = (index: number): void => {
    tabs.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-selected', String(i === index)));
    showTable(tables[index]);
  };
  if (tables.length > 0) select(0);
  else {
    grid.replaceChildren();
    showChart(undefined);
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function showTable(table: ResultTable): void {
  const element = document.createElement('table');
  const head = element.createTHead().insertRow();
  for (const column of table.columns) {
    const th = document.createElement('th');
    th.append(column.ColumnName, ' ', typeSpan(column.ColumnType));
    head.append(th);
  }
  const body = element.createTBody();
  // The DOM is the limit here, not the emulator's: the grid shows the first rows and says so.
  const shown = table.rows.slice(0, 5000);
  for (const row of shown) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = cellText(value);
  }
  grid.replaceChildren(element);
  if (shown.length < table.rows.length) {
    const more = document.createElement('p');
    more.textContent = `The grid shows the first ${shown.length} of ${table.rows.length} rows.`;
    grid.append(more);
  }
  showChart(table);
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal', 'double']);
const PALETTE = ['#0078d4', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#f08c00', '#0b7285', '#5c940d'];

function columnsNamed(list: unknown): string[] {
  return typeof list === 'string' && list !== '' ? list.split(',').map((s) => s.trim()) : [];
}

/** Draws the table's `render` chart with Chart.js, or hides the chart when it has none. */
function showChart(table: ResultTable | undefined): void {
  chart?.destroy();
  chart = undefined;
  const kind = String(table?.visualization?.Visualization ?? '');
  if (!table || !kind || kind === 'table') {
    chartBox.hidden = true;
    return;
  }
  const config = chartConfig(table, kind);
  if (!config) {
    chartBox.hidden = true;
    notice.textContent = `render ${kind}: this page draws timechart, linechart, areachart, scatterchart, columnchart, barchart and piechart.`;
    notice.hidden = false;
    return;
  }
  chartBox.hidden = false;
  chart = new Chart($<HTMLCanvasElement>('chart-canvas'), config);
}

function chartConfig(table: ResultTable, kind: string): ChartConfiguration | undefined {
  const v = table.visualization ?? {};
  const index = (name: string): number => table.columns.findIndex((c) => c.ColumnName === name);
  const types = table.columns.map((c) => c.ColumnType);
  const title = typeof v.Title === 'string' ? { display: true, text: v.Title } : { display: false };
  const xIndex =
    index(String(v.XColumn ?? '')) >= 0
      ? index(String(v.XColumn))
      : kind === 'timechart'
        ? types.indexOf('datetime')
        : types.findIndex((t) => t === 'string' || t === 'datetime') >= 0
          ? types.findIndex((t) => t === 'string' || t === 'datetime')
          : 0;
  if (xIndex < 0) return undefined;
  const named = columnsNamed(v.YColumns)
    .map(index)
    .filter((i) => i >= 0);
  const yIndexes = named.length > 0 ? named : types.map((t, i) => (NUMERIC.has(t) && i !== xIndex ? i : -1));
  const ys = yIndexes.filter((i) => i >= 0);
  const seriesNamed = columnsNamed(v.Series)
    .map(index)
    .filter((i) => i >= 0);
  const series =
    seriesNamed.length > 0
      ? seriesNamed
      : types.map((t, i) => (t === 'string' && i !== xIndex ? i : -1)).filter((i) => i >= 0);
  if (ys.length === 0) return undefined;
  const number = (value: unknown): number | null => (value === null || value === '' ? null : Number(value));

  if (kind === 'piechart') {
    const y = ys[0];
    return {
      type: 'pie',
      data: {
        labels: table.rows.map((r) => cellText(r[xIndex])),
        datasets: [{ data: table.rows.map((r) => number(r[y]) ?? 0), backgroundColor: PALETTE }],
      },
      options: { maintainAspectRatio: false, animation: false, plugins: { title } },
    };
  }
  if (kind === 'columnchart' || kind === 'barchart') {
    return {
      type: 'bar',
      data: {
        labels: table.rows.map((r) => cellText(r[xIndex])),
        datasets: ys.map((y, i) => ({
          label: table.columns[y].ColumnName,
          data: table.rows.map((r) => number(r[y])),
          backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        indexAxis: kind === 'barchart' ? 'y' : 'x',
        maintainAspectRatio: false,
        animation: false,
        plugins: { title },
      },
    };
  }
  if (!['timechart', 'linechart', 'areachart', 'scatterchart'].includes(kind)) return undefined;
  const isTime = types[xIndex] === 'datetime';
  const x = (value: unknown): number => (isTime ? Date.parse(String(value)) : Number(value));
  // One line per y column and per distinct value of the series columns.
  const lines = new Map<string, { x: number; y: number | null }[]>();
  for (const row of [...table.rows].sort((a, b) => x(a[xIndex]) - x(b[xIndex]))) {
    const key = series.map((s) => cellText(row[s])).join(', ');
    for (const y of ys) {
      const label = [key, ys.length > 1 || !key ? table.columns[y].ColumnName : ''].filter(Boolean).join(': ');
      if (!lines.has(label)) lines.set(label, []);
      lines.get(label)!.push({ x: x(row[xIndex]), y: number(row[y]) });
    }
  }
  return {
    type: kind === 'scatterchart' ? 'scatter' : 'line',
    data: {
      datasets: [...lines].map(([label, data], i) => ({
        label,
        data,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        fill: kind === 'areachart',
        pointRadius: kind === 'scatterchart' ? 3 : 0,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      plugins: { title },
      scales: {
        x: isTime ? timeAxis(table.rows.map((r) => x(r[xIndex])).filter(Number.isFinite)) : { type: 'linear' },
        y: { type: 'linear', ...(v.Ymin !== 'NaN' && v.Ymin !== null ? { min: Number(v.Ymin) } : {}) },
      },
    },
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [1, 5, 15, 30]
  .map((n) => n * SECOND)
  .concat(
    [1, 5, 15, 30].map((n) => n * MINUTE),
    [1, 3, 6, 12].map((n) => n * HOUR),
    [1, 7, 30, 365].map((n) => n * DAY),
  );

/** A linear axis of UTC times with ticks on whole seconds, minutes, hours or days (Chart.js's time axis needs a date library). */
function timeAxis(times: number[]): Record<string, unknown> {
  if (times.length === 0) return { type: 'linear' };
  const min = Math.min(...times);
  const max = Math.max(...times);
  const step = TIME_STEPS.find((s) => (max - min) / s <= 8) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const label = (ms: number): string => {
    const iso = new Date(ms).toISOString();
    if (step >= DAY) return iso.slice(0, 10);
    return `${iso.slice(0, 10)} ${iso.slice(11, step >= MINUTE ? 16 : 19)}`;
  };
  return {
    type: 'linear',
    min: Math.floor(min / step) * step,
    max: Math.max(Math.ceil(max / step) * step, Math.floor(min / step) * step + step),
    ticks: { stepSize: step, callback: (value: number | string) => label(Number(value)) },
  };
}

editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => void run());
$('run').addEventListener('click', () => void run());
databaseSelect.addEventListener('change', () => {
  renderTree();
  void applySchema();
});

loadSchema()
  .then(applySchema)
  .then(() => {
    const first = Object.values(schema.Databases[databaseSelect.value]?.Tables ?? {})[0];
    editor.setValue(first ? `${first.Name}\n| take 100` : 'print Hello = "world"');
    document.body.dataset.ready = 'true';
  })
  .catch((error: unknown) => showError(error instanceof RequestError ? error.error : { message: String(error) }));
