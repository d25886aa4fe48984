/**
 * The `render` operator's chart: the Visualization object Kusto returns in a query's `@ExtendedProperties`, read from
 * the operator's chart type and `with (…)` properties. The engine leaves the rows alone (render only annotates them).
 */
import { elements, kindOf, textOf, type KNode } from './language';

/** The Visualization object of one result, with the names and value shapes Kusto's response uses. */
export type Visualization = Record<string, string | number | boolean | null>;

// Kusto's property names, by the lower-case name written in `with (…)`; the values keep Kusto's defaults.
const PROPERTY_NAMES: Record<string, string> = {
  title: 'Title',
  xcolumn: 'XColumn',
  series: 'Series',
  ycolumns: 'YColumns',
  anomalycolumns: 'AnomalyColumns',
  xtitle: 'XTitle',
  ytitle: 'YTitle',
  xaxis: 'XAxis',
  yaxis: 'YAxis',
  legend: 'Legend',
  ysplit: 'YSplit',
  accumulate: 'Accumulate',
  kind: 'Kind',
  ymin: 'Ymin',
  ymax: 'Ymax',
  xmin: 'Xmin',
  xmax: 'Xmax',
};

/** The Visualization of a query without `render`: every property at Kusto's default. */
export function noVisualization(): Visualization {
  return {
    Visualization: null,
    Title: null,
    XColumn: null,
    Series: null,
    YColumns: null,
    AnomalyColumns: null,
    XTitle: null,
    YTitle: null,
    XAxis: null,
    YAxis: null,
    Legend: null,
    YSplit: null,
    Accumulate: false,
    IsQuerySorted: false,
    Kind: null,
    Ymin: 'NaN',
    Ymax: 'NaN',
    Xmin: null,
    Xmax: null,
  };
}

function propertyValue(expression: KNode): string | number | boolean {
  switch (kindOf(expression)) {
    case 'StringLiteralExpression':
      return String(expression.LiteralValue);
    case 'BooleanLiteralExpression':
      return textOf(expression).toLowerCase() === 'true';
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression':
      return Number(textOf(expression));
    default:
      // Column lists (`ycolumns=a, b`) and names (`xaxis=log`): Kusto reports them as written, comma-joined.
      return textOf(expression).replace(/\s*,\s*/g, ',');
  }
}

/** The Visualization of a tabular expression ending in `render`, or undefined when it does not end in one. */
export function visualizationOf(expression: KNode): Visualization | undefined {
  if (kindOf(expression) !== 'PipeExpression') return undefined;
  const operator = expression.Operator as KNode;
  if (kindOf(operator) !== 'RenderOperator') return undefined;
  const node = operator as KNode & { ChartType?: KNode; WithClause?: KNode & { Properties?: KNode } };
  const visualization = noVisualization();
  visualization.Visualization = node.ChartType?.Text?.toLowerCase() ?? null;
  for (const property of elements(node.WithClause?.Properties)) {
    const name = PROPERTY_NAMES[String((property.Name as KNode | null)?.SimpleName ?? '').toLowerCase()];
    if (name && property.Expression) visualization[name] = propertyValue(property.Expression);
  }
  return visualization;
}
