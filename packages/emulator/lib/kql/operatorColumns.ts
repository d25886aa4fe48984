/**
 * How an operator's output columns, which the analysis decides, follow from its input columns and the values it
 * computes: by name, with each computed column's type checked against the analysis.
 */
import type { Column, Value } from '../model';
import { notSupported } from '../errors';
import { textOf, type KNode } from './language';
import type { Row } from './runtime';
import type { Compiler } from './compiler';
import { clip } from './nodeText';

/** Index of each output column in the input (by name), for operators that only select or reorder columns. */
export function selectByName(input: Column[], output: Column[], what: string): number[] {
  return output.map((col) => {
    const i = input.findIndex((x) => x.name === col.name);
    if (i < 0) throw notSupported(`The column '${col.name}' produced by ${what}`);
    return i;
  });
}

/**
 * For operators that add or replace columns (extend, mv-expand, parse): where each output column comes from, either
 * the input (`{ input: i }`) or the operator's computed target (`{ target: t }`); targets win over same-named inputs.
 */
export function assemble(
  input: Column[],
  output: Column[],
  targets: string[],
  what: string,
): (row: Row, computed: Value[]) => Row {
  const sources = output.map((col) => {
    const t = targets.lastIndexOf(col.name);
    if (t >= 0) return { target: t };
    const i = input.findIndex((x) => x.name === col.name);
    if (i < 0) throw notSupported(`The column '${col.name}' produced by ${what}`);
    return { input: i };
  });
  const n = sources.length;
  return (row, computed) => {
    const out = new Array<Value>(n);
    for (let j = 0; j < n; j++) {
      const s = sources[j];
      out[j] = s.target !== undefined ? computed[s.target] : row[s.input as number];
    }
    return out;
  };
}

/**
 * Checks that each expression's type is the analysis' type of the column it fills: a mismatch would mean the engine
 * misread the operator, and it refuses rather than answering wrongly.
 */
export function checkTypes(c: Compiler, exprs: KNode[], columns: Column[], what: string): void {
  exprs.forEach((e, i) => {
    const actual = c.scalarTypeOf(e, `'${clip(textOf(e))}'`);
    if (columns[i] && actual !== columns[i].type) {
      throw notSupported(`${what} (column '${columns[i].name}' is ${columns[i].type}, its expression ${actual})`);
    }
  });
}
