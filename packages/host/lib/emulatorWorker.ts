/**
 * The embedded emulator's thread (see isolatedEmulator.ts): starts a kusto-emulator on the port it is given and runs
 * the operations the host thread sends it. Its heap is capped by the Worker's resourceLimits, so a query that
 * exhausts it ends this thread, not the host.
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KustoEmulatorError, startEmulator, type EmulatorOptions, type KustoEmulator } from 'kusto-emulator';
import type { WorkerReply, WorkerRequest, SerializedError } from './isolatedEmulator';

function serialize(error: unknown): SerializedError {
  if (error instanceof KustoEmulatorError) {
    return {
      message: error.message,
      kusto: { status: error.status, code: error.code, kustoType: error.kustoType, permanent: error.permanent },
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

async function operation(emulator: KustoEmulator, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'command':
      return emulator.executeCommand(request.database, request.text);
    case 'query':
      return emulator.executeQuery(request.database, request.text, request.parameters);
    case 'script':
      return emulator.runScript(request.database, request.text);
    case 'flush':
      return emulator.flush();
    case 'processQueue':
      return emulator.processIngestionQueue();
    case 'ensureDatabases': {
      const created: string[] = [];
      for (const name of request.names) {
        if (emulator.catalog.get(name)) continue;
        emulator.catalog.createDatabase(name, request.persistent);
        created.push(name);
      }
      return created;
    }
    case 'dropDatabases':
      for (const name of request.names) if (emulator.catalog.get(name)) emulator.catalog.dropDatabase(name);
      return undefined;
    case 'close':
      return emulator.close();
  }
}

async function main(): Promise<void> {
  const port = parentPort!;
  const emulator = await startEmulator(workerData as EmulatorOptions);
  port.on('message', (request: WorkerRequest) => {
    operation(emulator, request).then(
      (result) => port.postMessage({ id: request.id, result } satisfies WorkerReply),
      (error: unknown) => port.postMessage({ id: request.id, error: serialize(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ ready: { url: emulator.url, port: emulator.port } } satisfies WorkerReply);
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ failed: serialize(error) } satisfies WorkerReply);
});
