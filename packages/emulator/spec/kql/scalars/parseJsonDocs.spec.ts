import { expect } from 'chai';
import { column, database, run, schemaOf } from '../fixtures/database';

// parse_json's examples and return rules (data-explorer/kusto/query/parse-json-function.md), run as published.
describe('emulator parse_json (documented examples)', () => {
  const db = database('Docs', []);
  const nested = String.raw`let d='{"a":123, "b":"{\\"c\\":456}"}';`;

  it('parses a JSON text into dynamic; numbers such as 118.0 read as 118 (duration metrics example)', () => {
    const text =
      '{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}';
    const result = run(
      db,
      `datatable(context_custom_metrics:string) ['${text}']
       | extend d = parse_json(context_custom_metrics)
       | extend duration_value = d.duration.value, duration_min = d.duration.min`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'context_custom_metrics:string',
      'd:dynamic',
      'duration_value:dynamic',
      'duration_min:dynamic',
    ]);
    expect(JSON.stringify(column(result, 'd')[0])).to.equal(
      '{"duration":{"value":118,"count":5,"min":100,"max":150,"stdDev":0,"sampledValue":118,"sum":118}}',
    );
    expect(column(result, 'duration_value')).to.deep.equal([118]);
    expect(column(result, 'duration_min')).to.deep.equal([100]);
  });

  it('a JSON text inside JSON needs tostring() before the second parse_json (nested JSON example)', () => {
    expect(run(db, `${nested} print d`).rows).to.deep.equal([['{"a":123, "b":"{\\"c\\":456}"}']]);
    expect(run(db, `${nested} print d_b_c=parse_json(tostring(parse_json(d).b)).c`).rows).to.deep.equal([[456]]);
    // Without tostring() the second call passes its dynamic input on as-is: a string, which has no property c.
    const asIs = run(db, `${nested} print b = parse_json(parse_json(d).b) | extend c = b.c, t = gettype(b)`);
    expect(asIs.rows).to.deep.equal([['{"c":456}', null, 'string']]);
  });

  it('returns a dynamic value as is, and text that is not JSON as a dynamic string (Returns)', () => {
    const result = run(
      db,
      `print a = parse_json(dynamic([1, 2, 3])), b = parse_json("[1, 2"), c = parse_json("not json")
       | extend tb = gettype(b), tc = gettype(c)`,
    );
    expect(result.rows).to.deep.equal([[[1, 2, 3], '[1, 2', 'not json', 'string', 'string']]);
    // todynamic is the same function (a deprecated alias).
    expect(run(db, `print todynamic('{"k":[1]}').k[0]`).rows).to.deep.equal([[1]]);
  });
});
