/**
 * Mapping throughput: 100k Product rows through the registered wrapper (a Kusto input mapped to typed
 * instances), next to a direct class-transformer plainToInstance call and a hand-written loop, with and
 * without a Date column. Rows/s, best of several rounds; all three in this process.
 */
import '../lib/metadata/reflect';
import * as azureFunctions from '@azure/functions';
import { InvocationContext } from '@azure/functions';
import { Type, plainToInstance } from 'class-transformer';
import { HttpTrigger, KustoInput, registerFunctions } from '../lib';
import { fmt, msSince } from './stats';

class Product {
  ProductID!: number;
  Name!: string;
  Cost!: number;
}

class DatedProduct extends Product {
  @Type(() => Date)
  CreatedAt!: Date;
}

const query = { database: 'productsdb', connection: 'KustoConnectionString', kqlCommand: 'Products' };
let sink: unknown;

class Functions {
  @HttpTrigger({ route: 'plain' })
  plain(@KustoInput(query, Product) rows: Product[]) {
    sink = rows;
  }
  @HttpTrigger({ route: 'dated' })
  dated(@KustoInput(query, DatedProduct) rows: DatedProduct[]) {
    sink = rows;
  }
}

function makeRows(n: number, dated: boolean): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = { ProductID: i, Name: `product-${i}`, Cost: i * 1.5 };
    if (dated) row.CreatedAt = new Date(1_700_000_000_000 + i * 1000).toISOString();
    rows.push(row);
  }
  return rows;
}

function best(rounds: number, run: () => unknown): number {
  let bestMs = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    sink = run();
    bestMs = Math.min(bestMs, msSince(start));
  }
  return bestMs;
}

/** Runs the benchmark and returns rows/s per approach. */
export async function mapping(n = 100_000, rounds = Number(process.env.BENCH_ROUNDS ?? 7)) {
  // Register into a recording app so the wrapper (the handler @azure/functions would call) can be driven directly.
  const handlers = new Map<string, (trigger: unknown, ctx: InvocationContext) => Promise<unknown>>();
  const app = {
    ...azureFunctions.app,
    http: (name: string, options: azureFunctions.HttpFunctionOptions) => {
      handlers.set(name, options.handler as never);
    },
  };
  registerFunctions({ app }, Functions);
  const results: Record<string, { wrapper: number; plainToInstance: number; handWritten: number }> = {};
  for (const [label, dated, type] of [
    ['without Date', false, Product],
    ['with Date', true, DatedProduct],
  ] as const) {
    const rows = makeRows(n, dated);
    const handler = handlers.get(dated ? 'dated' : 'plain')!;
    const invoke = async () => {
      const context = new InvocationContext({ functionName: 'bench', invocationId: 'bench' });
      context.extraInputs.set('kustoInput0', rows);
      await handler(undefined, context);
    };
    // The wrapper is async: time it with awaits, best of rounds.
    let wrapperMs = Infinity;
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      await invoke();
      wrapperMs = Math.min(wrapperMs, msSince(start));
    }
    const ctMs = best(rounds, () => plainToInstance(type, rows));
    const handMs = best(rounds, () =>
      rows.map((r) => {
        const p = new type() as unknown as Record<string, unknown>;
        p.ProductID = r.ProductID;
        p.Name = r.Name;
        p.Cost = r.Cost;
        if (dated) p.CreatedAt = new Date(r.CreatedAt as string);
        return p;
      }),
    );
    results[label] = {
      wrapper: (n / wrapperMs) * 1000,
      plainToInstance: (n / ctMs) * 1000,
      handWritten: (n / handMs) * 1000,
    };
  }
  void sink;
  return results;
}

if (require.main === module) {
  void mapping().then((results) => {
    for (const [label, r] of Object.entries(results)) {
      console.log(
        `mapping 100k rows ${label}: wrapper ${fmt(r.wrapper)} rows/s, plainToInstance ${fmt(r.plainToInstance)} rows/s (wrapper/plainToInstance ${(r.wrapper / r.plainToInstance).toFixed(2)}), hand-written ${fmt(r.handWritten)} rows/s`,
      );
    }
  });
}
