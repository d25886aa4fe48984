import * as azureFunctions from '@azure/functions';
import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { expect } from 'chai';
import { Exclude, Expose, Transform, Type } from 'class-transformer';
import {
  Body,
  Context,
  Header,
  HttpTrigger,
  KustoInput,
  KustoOutput,
  Param,
  Query,
  Req,
  StorageQueueTrigger,
  Trigger,
  registerFunctions,
  type Output,
} from '../../lib';
import { FunctionsHarness } from 'kusto-functions-host/testing';

const register = (...classes: object[]) =>
  FunctionsHarness.install().capture(() => registerFunctions({ app: { ...azureFunctions.app } }, ...classes));
const db = { database: 'db', connection: 'KustoConnectionString' };
const query = { ...db, kqlCommand: 'T' };
const table = { ...db, tableName: 'T' };

class Event {
  Id!: number;
  @Type(() => Date)
  At!: Date;
  // Any decorator makes TypeScript record the property's type, which is enough for a Date.
  @Expose()
  Seen!: Date;
  Payload!: Record<string, unknown>;
}

class Renamed {
  @Expose({ name: 'product_id' })
  productId!: number;
  @Exclude()
  secret?: string;
  name!: string;
}

describe('the registered handler', () => {
  describe('fills Kusto inputs', () => {
    it('with instances of the row class: datetimes become Dates, dynamic stays an object', async () => {
      let seen: Event[] = [];
      class Events {
        @HttpTrigger({ route: 'events', name: 'hEvents' })
        events(@KustoInput(query, Event) events: Event[]) {
          seen = events;
        }
      }
      const fns = register(Events);
      const row = { Id: 1, At: '2024-05-01T12:00:00.1234567Z', Seen: '2024-05-02T00:00:00Z', Payload: { a: [1, 2] } };
      const res = await fns.invokeHttp('hEvents', { inputs: { kustoInput0: [row] } });
      expect(res.error).to.equal(undefined);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.be.instanceOf(Event);
      expect(seen[0].At).to.be.instanceOf(Date);
      expect(seen[0].At.toISOString()).to.equal('2024-05-01T12:00:00.123Z');
      expect(seen[0].Seen).to.be.instanceOf(Date);
      expect(seen[0].Payload).to.deep.equal({ a: [1, 2] });
    });

    it('with @Expose names mapped to properties', async () => {
      let seen: Renamed[] = [];
      class Products {
        @HttpTrigger({ route: 'renamed', name: 'hRenamed' })
        products(@KustoInput(query, Renamed) rows: Renamed[]) {
          seen = rows;
        }
      }
      await register(Products).invokeHttp('hRenamed', {
        inputs: { kustoInput0: [{ product_id: 5, name: 'n', secret: 's' }] },
      });
      expect(seen[0].productId).to.equal(5);
      expect(seen[0].secret).to.equal(undefined);
    });

    it('as JSON text for a string parameter and as plain rows for an untyped one', async () => {
      const seen: unknown[] = [];
      class Raw {
        @HttpTrigger({ route: 'raw', name: 'hRaw' })
        raw(@KustoInput(query) text: string, @KustoInput({ ...query, name: 'rows' }) rows: unknown) {
          seen.push(text, rows);
        }
      }
      const rows = [{ a: 1 }, { a: 2 }];
      await register(Raw).invokeHttp('hRaw', { inputs: { kustoInput0: rows, rows } });
      expect(seen[0]).to.equal(JSON.stringify(rows));
      expect(seen[1]).to.deep.equal(rows);
    });

    it('fails the invocation naming the row, the property and the value type when a row does not map', async () => {
      class Typed {
        @HttpTrigger({ route: 'typed', name: 'hTyped' })
        typed(@KustoInput(query, Event) _events: Event[]) {}
      }
      const res = await register(Typed).invokeHttp('hTyped', {
        inputs: {
          kustoInput0: [
            { Id: 1, At: '2024-01-01T00:00:00Z' },
            { Id: 2, At: 'not a date' },
          ],
        },
      });
      expect(res.status).to.equal(500);
      expect(res.error?.message).to.equal(
        "Cannot map row 1 of the Kusto input 'kustoInput0' of Typed.typed to Event: property 'At' expects a Date but the value is not a valid date.",
      );
    });
  });

  describe('fills HTTP parameters', () => {
    class Item {
      @Expose()
      Count!: number;
      Label!: string;
    }

    it('maps the JSON body to the class, one object or an array', async () => {
      const seen: unknown[] = [];
      class Bodies {
        @HttpTrigger({ route: 'one', methods: ['POST'], name: 'hBodyOne' })
        one(@Body(Item) item: Item) {
          seen.push(item);
        }
        @HttpTrigger({ route: 'many', methods: ['POST'], name: 'hBodyMany' })
        many(@Body(Item) items: Item[]) {
          seen.push(items);
        }
      }
      const fns = register(Bodies);
      await fns.invokeHttp('hBodyOne', { body: { Count: 1, Label: 'a' } });
      await fns.invokeHttp('hBodyMany', { body: [{ Count: 2, Label: 'b' }] });
      expect(seen[0]).to.be.instanceOf(Item).and.deep.include({ Count: 1, Label: 'a' });
      expect((seen[1] as Item[])[0])
        .to.be.instanceOf(Item)
        .and.deep.include({ Count: 2 });
    });

    it('answers 400, without calling the method, for a body that is not JSON or does not map', async () => {
      let calls = 0;
      class Strict {
        @HttpTrigger({ route: 'strict', methods: ['POST'], name: 'hStrict' })
        strict(@Body(Item) _item: Item) {
          calls++;
        }
      }
      const fns = register(Strict);
      const notJson = await fns.invokeHttp('hStrict', { body: '{"Count": 1,' });
      expect(notJson.status).to.equal(400);
      expect(notJson.json()).to.deep.equal({ error: 'The request body is not valid JSON.' });
      const wrongType = await fns.invokeHttp('hStrict', { body: { Count: 'many' } });
      expect(wrongType.status).to.equal(400);
      expect(wrongType.json()).to.deep.equal({
        error: "Cannot map the request body to Item: property 'Count' expects a number but the value is a string.",
      });
      expect(calls).to.equal(0);
    });

    it('answers 400 naming the property for a wrong-typed value inside nested objects and arrays', async () => {
      class Line {
        @Expose()
        qty!: number;
      }
      class Address {
        @Expose()
        zip!: string;
      }
      class Order {
        @Type(() => Line)
        lines!: Line[];
        @Type(() => Address)
        address!: Address;
        @Transform(({ value }) => (value as string).trim())
        note!: string;
      }
      let calls = 0;
      class Orders {
        @HttpTrigger({ route: 'orders', methods: ['POST'], name: 'hOrder' })
        order(@Body(Order) _order: Order) {
          calls++;
        }
      }
      const fns = register(Orders);
      const answers: Record<string, unknown>[] = [];
      for (const body of [
        { lines: [{ qty: 1 }, { qty: 'two' }] },
        { lines: 'many' },
        { lines: [3] },
        { address: 5 },
        { address: { zip: { code: 1 } } },
        // The app's @Transform throws on a number: the value is the caller's mistake all the same.
        { note: 7 },
      ]) {
        const res = await fns.invokeHttp('hOrder', { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        answers.push(res.json() as Record<string, unknown>);
      }
      expect(answers.map((a) => a.error)).to.deep.equal([
        "Cannot map the request body to Order: property 'lines[1].qty' expects a number but the value is a string.",
        "Cannot map the request body to Order: property 'lines' expects an array but the value is a string.",
        "Cannot map the request body to Order: property 'lines[0]' expects an object (Line) but the value is a number.",
        "Cannot map the request body to Order: property 'address' expects an object (Address) but the value is a number.",
        "Cannot map the request body to Order: property 'address.zip' expects a string but the value is an object.",
        "Cannot map the request body to Order: property 'note' could not be converted (mapping it threw TypeError).",
      ]);
      const fine = await fns.invokeHttp('hOrder', {
        body: { lines: [{ qty: '2' }], address: { zip: 12345 }, note: ' x ' },
      });
      expect(fine.status).to.equal(204);
      expect(calls).to.equal(1);
    });

    it('converts route, query and header values to the declared primitive types', async () => {
      let seen: unknown[] = [];
      class Parts {
        @HttpTrigger({ route: 'parts/{id}/{flag}', name: 'hParts' })
        parts(
          @Param('id') id: number,
          @Param('flag') flag: boolean,
          @Query('q') q: string,
          @Query('missing') missing: string,
          @Header('x-trace') trace: string,
        ) {
          seen = [id, flag, q, missing, trace];
        }
      }
      const res = await register(Parts).invokeHttp('hParts', {
        params: { id: '42', flag: 'true' },
        query: { q: 'text' },
        headers: { 'X-Trace': 't-1' },
      });
      expect(res.status).to.equal(204);
      expect(seen).to.deep.equal([42, true, 'text', undefined, 't-1']);
    });

    it('hands over the request and the context, and the request body stays readable', async () => {
      let seen: { body?: unknown; text?: string; method?: string; id?: string; fn?: string } = {};
      class Whole {
        @HttpTrigger({ route: 'whole', methods: ['POST'], name: 'hWhole' })
        async whole(@Body() body: unknown, @Req() req: HttpRequest, @Context() ctx: InvocationContext) {
          seen = { body, text: await req.text(), method: req.method, id: ctx.invocationId, fn: ctx.functionName };
        }
      }
      const res = await register(Whole).invokeHttp('hWhole', { body: { a: 1 } });
      expect(seen).to.deep.equal({
        body: { a: 1 },
        text: '{"a":1}',
        method: 'POST',
        id: res.invocationId,
        fn: 'hWhole',
      });
    });
  });

  describe('answers HTTP requests by the documented rule', () => {
    class Answers {
      @HttpTrigger({ route: 'init', name: 'hInit' })
      init() {
        return { status: 202, jsonBody: { queued: true }, headers: { 'x-a': 'b' } };
      }
      @HttpTrigger({ route: 'plain', name: 'hPlain' })
      plain() {
        return [Object.assign(new Renamed(), { productId: 1, secret: 'hidden', name: 'n' })];
      }
      @HttpTrigger({ route: 'nothing', name: 'hNothing' })
      nothing() {}
      @HttpTrigger({ route: 'response', name: 'hResponse' })
      response() {
        return new HttpResponse({ status: 418, body: 'teapot' });
      }
      @HttpTrigger({ route: 'custom', name: 'hCustom', successStatus: 202 })
      custom() {
        return { ok: 1, more: 2 };
      }
    }
    const fns = register(Answers);

    it('passes an HttpResponseInit through', async () => {
      const res = await fns.invokeHttp('hInit');
      expect(res.status).to.equal(202);
      expect(res.headers['x-a']).to.equal('b');
      expect(res.json()).to.deep.equal({ queued: true });
    });

    it('sends other values as JSON with 200, class instances through class-transformer', async () => {
      const res = await fns.invokeHttp('hPlain');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/application\/json/);
      expect(res.json()).to.deep.equal([{ product_id: 1, name: 'n' }]);
    });

    it('answers 204 when the method returns nothing', async () => {
      expect((await fns.invokeHttp('hNothing')).status).to.equal(204);
    });

    it('passes an HttpResponse through', async () => {
      const res = await fns.invokeHttp('hResponse');
      expect([res.status, res.text()]).to.deep.equal([418, 'teapot']);
    });

    it("uses the trigger's successStatus for plain values", async () => {
      expect((await fns.invokeHttp('hCustom')).status).to.equal(202);
    });
  });

  describe('hands outputs to the Kusto bindings', () => {
    class Row {
      @Expose({ name: 'row_id' })
      id!: number;
      @Exclude()
      internal?: string;
      @Type(() => Date)
      when!: Date;
    }

    it('ingests what a method-level output returns and answers 201 with it, or 204 with nothing ingested', async () => {
      class Returns {
        @HttpTrigger({ route: 'ret/{mode}', methods: ['POST'], name: 'hReturns' })
        @KustoOutput(table)
        ret(@Param('mode') mode: string, @Body(Row) row: Row) {
          return mode === 'none' ? undefined : mode === 'many' ? [row, row] : row;
        }
      }
      const fns = register(Returns);
      const body = { row_id: 3, internal: 'x', when: '2024-01-02T03:04:05.000Z' };
      const plain = { row_id: 3, when: '2024-01-02T03:04:05.000Z' };
      const one = await fns.invokeHttp('hReturns', { params: { mode: 'one' }, body });
      expect(one.status).to.equal(201);
      expect(one.json()).to.deep.equal(plain);
      expect(one.outputs).to.deep.equal({ kustoOutputReturn: [plain] });
      const many = await fns.invokeHttp('hReturns', { params: { mode: 'many' }, body });
      expect(many.json()).to.deep.equal([plain, plain]);
      const none = await fns.invokeHttp('hReturns', { params: { mode: 'none' }, body });
      expect(none.status).to.equal(204);
      expect(none.outputs).to.deep.equal({});
    });

    it('collects set() and add() on output parameters', async () => {
      class Collects {
        @HttpTrigger({ route: 'collect', name: 'hCollect' })
        collect(
          @KustoOutput(table) a: Output<object[]>,
          @KustoOutput(table) b: Output<object>,
          @KustoOutput(table) _c: Output<object>,
        ) {
          a.add({ n: 1 });
          a.add([{ n: 2 }, { n: 3 }]);
          b.set({ n: 9 });
          b.set({ n: 10 });
        }
      }
      const res = await register(Collects).invokeHttp('hCollect');
      expect(res.outputs).to.deep.equal({ kustoOutput0: [{ n: 1 }, { n: 2 }, { n: 3 }], kustoOutput1: [{ n: 10 }] });
    });

    it('sends strings as they are', async () => {
      class Text {
        @HttpTrigger({ route: 'text', name: 'hText' })
        text(@KustoOutput({ ...table, dataFormat: 'csv' }) out: Output<string>) {
          out.set('1,a\n2,b\n');
        }
      }
      expect((await register(Text).invokeHttp('hText')).outputs).to.deep.equal({ kustoOutput0: '1,a\n2,b\n' });
    });

    it('fails the invocation, writing nothing, when a value cannot be ingested', async () => {
      class Bad {
        @HttpTrigger({ route: 'bad', name: 'hBad' })
        bad(@KustoOutput(table) good: Output<object>, @KustoOutput(table) bad: Output<unknown>) {
          good.set({ fine: true });
          bad.set(42);
        }
      }
      const res = await register(Bad).invokeHttp('hBad');
      expect(res.status).to.equal(500);
      expect(res.error?.message).to.equal(
        "Cannot ingest a number into the Kusto output 'kustoOutput1' (table T) of Bad.bad: give an object, an array of objects or a string.",
      );
      expect(res.outputs).to.deep.equal({});
    });

    it('writes nothing when the method throws', async () => {
      class Throws {
        @HttpTrigger({ route: 'throws', name: 'hThrows' })
        throws(@KustoOutput(table) out: Output<object>) {
          out.set({ a: 1 });
          throw new Error('boom');
        }
      }
      const res = await register(Throws).invokeHttp('hThrows');
      expect(res.error?.message).to.equal('boom');
      expect(res.outputs).to.deep.equal({});
    });
  });

  it('maps a queue message with @Trigger and ingests the return value', async () => {
    class Message {
      @Type(() => Date)
      sent!: Date;
      text!: string;
    }
    let seen: Message | undefined;
    class Queue {
      @StorageQueueTrigger({ queueName: 'q', connection: 'S', name: 'hQueue' })
      @KustoOutput(table)
      onMessage(@Trigger(Message) message: Message) {
        seen = message;
        return { text: message.text.toUpperCase(), sent: message.sent };
      }
    }
    const res = await register(Queue).invoke('hQueue', { trigger: { sent: '2024-03-04T05:06:07Z', text: 'hi' } });
    expect(seen).to.be.instanceOf(Message);
    expect(seen?.sent).to.be.instanceOf(Date);
    expect(res.outputs).to.deep.equal({ kustoOutputReturn: [{ text: 'HI', sent: '2024-03-04T05:06:07.000Z' }] });
  });
});
