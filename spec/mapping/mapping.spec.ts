import { expect } from 'chai';
import { Exclude, Expose, Transform, Type, plainToInstance } from 'class-transformer';
import { KustoBindingError } from '../../lib';
import { toIngestPayload, toInstance, toInstances } from '../../lib/mapping';

class Reading {
  @Expose({ name: 'sensor_id' })
  sensorId!: number;
  @Type(() => Date)
  takenAt!: Date;
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value), { toClassOnly: true })
  label!: string;
  @Exclude({ toPlainOnly: true })
  raw?: string;
  @Expose()
  reading!: number;
  @Expose()
  active!: boolean;
  @Expose()
  note!: string;
  @Expose()
  seenAt!: Date;
  tags!: unknown;
}

// What a payload looks like on the wire: JSON drops properties that are undefined.
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('mapping rows to instances', () => {
  const row = {
    sensor_id: 7,
    takenAt: '2024-02-29T23:59:59.9999999Z',
    label: '  north ',
    raw: 'r',
    reading: '12.5',
    active: true,
    note: 123,
    tags: { a: [1, { b: null }] },
  };

  it("honours the user's @Expose, @Type and @Transform, converts decimal text and numbers by declared type", () => {
    const [r] = toInstances(Reading, [row], 'the rows');
    expect(r).to.be.instanceOf(Reading);
    expect(r.sensorId).to.equal(7);
    expect(r.takenAt).to.be.instanceOf(Date);
    expect(r.takenAt.toISOString()).to.equal('2024-02-29T23:59:59.999Z');
    expect(r.label).to.equal('north');
    expect(r.reading).to.equal(12.5);
    expect(r.note).to.equal('123');
    expect(r.tags).to.deep.equal({ a: [1, { b: null }] });
  });

  it('keeps nulls', () => {
    const [r] = toInstances(Reading, [{ sensor_id: null, takenAt: null, reading: null }], 'the rows');
    expect([r.sensorId, r.takenAt, r.reading]).to.deep.equal([null, null, null]);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a number property given text',
      { reading: 'high' },
      "property 'reading' expects a number but the value is a string",
    ],
    [
      'a boolean property given a number',
      { active: 1 },
      "property 'active' expects a boolean but the value is a number",
    ],
    [
      'a string property given an object',
      { note: { x: 1 } },
      "property 'note' expects a string but the value is an object",
    ],
    [
      'a Date property given a boolean',
      { seenAt: true },
      "property 'seenAt' expects a Date but the value is a boolean",
    ],
    [
      'a Date property given text that is no date',
      { seenAt: 'soon' },
      "property 'seenAt' expects a Date but the value is a string that is not a date",
    ],
  ];
  for (const [what, bad, message] of cases) {
    it(`names the row, the property and the value type for ${what}`, () => {
      expect(() => toInstances(Reading, [{}, bad], 'the Kusto input x')).to.throw(
        KustoBindingError,
        `Cannot map row 1 of the Kusto input x to Reading: ${message}.`,
      );
    });
  }

  it('rejects rows that are not objects, and results that are not arrays', () => {
    expect(() => toInstances(Reading, [1], 'the rows')).to.throw(
      'Cannot map row 0 of the rows to Reading: expected an object but got a number.',
    );
    expect(() => toInstances(Reading, { a: 1 }, 'the rows')).to.throw('expected an array of rows but got an object');
    expect(() => toInstance(Reading, [], 'the body')).to.throw(
      'Cannot map the body to Reading: expected an object but got an array.',
    );
  });

  it('does not put the value itself in the message (it may be personal data)', () => {
    expect(() => toInstances(Reading, [{ reading: 'john.doe@example.com' }], 'the rows'))
      .to.throw(KustoBindingError)
      .with.property('message')
      .that.does.not.include('john.doe');
  });
});

describe('mapping rows of simple classes directly', () => {
  class Plain {
    id!: number;
    tags!: unknown;
  }
  class Dated {
    id!: number;
    @Type(() => Date)
    at!: Date;
  }
  const rows = [
    { id: 1, tags: ['a'], at: '2024-01-01T00:00:00Z' },
    { id: 2, tags: null, at: null },
  ];

  for (const type of [Plain, Dated] as (new () => object)[]) {
    it(`gives what class-transformer gives for ${type.name}`, () => {
      const ours = toInstances(type, rows, 'the rows');
      const theirs = plainToInstance(type, rows);
      expect(ours.every((r) => r instanceof type)).to.equal(true);
      expect(ours).to.deep.equal(theirs);
    });
  }

  it('still takes @Type(() => Date) text to a Date', () => {
    const [first] = toInstances(Dated, rows, 'the rows');
    expect(first.at).to.be.instanceOf(Date);
    expect(first.at.toISOString()).to.equal('2024-01-01T00:00:00.000Z');
  });
});

describe('mapping outputs to what gets ingested', () => {
  const target = "the Kusto output 'o' (table T)";

  it('turns instances into plain rows with @Expose names, without @Exclude properties, Dates as ISO 8601', () => {
    const r = Object.assign(new Reading(), {
      sensorId: 1,
      takenAt: new Date('2024-01-01T00:00:00Z'),
      raw: 'x',
      reading: 2,
    });
    expect(wire(toIngestPayload(r, { target }))).to.deep.equal([
      { sensor_id: 1, takenAt: '2024-01-01T00:00:00.000Z', reading: 2 },
    ]);
  });

  it('passes plain objects through (through the row class when one is given), and Dates become ISO text', () => {
    const when = new Date('2024-01-01T00:00:00Z');
    expect(toIngestPayload([{ a: 1, when }], { target })).to.deep.equal([{ a: 1, when: '2024-01-01T00:00:00.000Z' }]);
    expect(wire(toIngestPayload({ sensor_id: 4, raw: 'dropped' }, { target, type: Reading }))).to.deep.equal([
      { sensor_id: 4 },
    ]);
  });

  it('means nothing to ingest for undefined, null, empty text and empty arrays', () => {
    for (const nothing of [undefined, null, '', []]) expect(toIngestPayload(nothing, { target })).to.equal(undefined);
  });

  it('writes delimited formats as text with RFC 4180 quoting, in property order', () => {
    const rows = [
      { id: 1, name: 'plain', note: null },
      { id: 2, name: 'has, comma', note: 'say "hi"' },
      { id: 3, name: 'line\nbreak', note: { nested: true } },
    ];
    expect(toIngestPayload(rows, { target, dataFormat: 'csv' })).to.equal(
      '1,plain,\n2,"has, comma","say ""hi"""\n3,"line\nbreak","{""nested"":true}"\n',
    );
    expect(toIngestPayload([{ a: 'x|y', b: 2 }], { target, dataFormat: 'psv' })).to.equal('"x|y"|2\n');
    expect(toIngestPayload([{ a: 'x', b: 2 }], { target, dataFormat: 'tsv' })).to.equal('x\t2\n');
  });

  it('rejects values that are not rows, naming the binding and the item', () => {
    expect(() => toIngestPayload(5, { target })).to.throw(
      KustoBindingError,
      "Cannot ingest a number into the Kusto output 'o' (table T): give an object, an array of objects or a string.",
    );
    expect(() => toIngestPayload([{}, 'x', {}], { target })).to.throw('Cannot ingest a string (item 1) into');
    expect(() => toIngestPayload(new Date(), { target })).to.throw('Cannot ingest a Date into');
  });
});

describe('longs beyond 2^53', () => {
  it('arrive as JSON numbers and lose precision: the README tells users to tostring() them in KQL', () => {
    // What the host hands the worker is JSON text; JSON.parse cannot hold 2^53 + 1 exactly.
    const delivered = JSON.parse('[{"Id": 9007199254740993, "IdText": "9007199254740993"}]') as {
      Id: number;
      IdText: string;
    }[];
    class Row {
      Id!: number;
      IdText!: string;
    }
    const [row] = toInstances(Row, delivered, 'the rows');
    expect(row.Id).to.equal(9007199254740992);
    expect(BigInt(row.IdText)).to.equal(9007199254740993n);
  });
});
