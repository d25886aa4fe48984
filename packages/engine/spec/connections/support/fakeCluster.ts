// A tiny Kusto REST endpoint on 127.0.0.1:0 that records what the real azure-kusto-data / -ingest clients send.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake cluster received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The `csl` of a JSON query / command body, if any. */
  csl?: string;
}

/** A running fake cluster. */
export interface FakeCluster {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A minimal v1 response: one primary table with one int column. */
export const V1_BODY = {
  Tables: [
    { TableName: 'Table_0', Columns: [{ ColumnName: 'Answer', DataType: 'Int32', ColumnType: 'int' }], Rows: [[42]] },
  ],
};

/**
 * Starts the fake: 404 for /v1/rest/auth/metadata (azure-kusto-data then uses public-cloud defaults), {@link V1_BODY}
 * for /v1/rest/mgmt, `{}` for streaming ingestion under /v1/rest/ingest/, 404 for anything else.
 */
export async function startFakeCluster(): Promise<FakeCluster> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
        try {
          record.csl = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { csl?: string }).csl;
        } catch {
          // Not a query body: nothing to record.
        }
      }
      requests.push(record);
      const path = record.path.split('?')[0];
      if (req.method === 'POST' && path === '/v1/rest/mgmt') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(V1_BODY));
      } else if (req.method === 'POST' && path.startsWith('/v1/rest/ingest/')) {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // The clients keep sockets alive: drop them so close() does not wait for their idle timeout.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
