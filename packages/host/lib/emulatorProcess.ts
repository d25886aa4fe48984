/**
 * The embedded emulator's process (see isolatedEmulator.ts): starts a kusto-emulator with the options it is given on
 * its command line and runs the operations the host sends it over the IPC channel. Its heap is capped by
 * --max-old-space-size, so a request that exhausts it ends this process, not the host.
 * @internal
 */
import { KustoEmulatorError, startEmulator, type EmulatorOptions, type KustoEmulator } from 'kusto-emulator';
import type { ChildReply, ChildRequest, SerializedError } from './isolatedEmulator';

function serialize(error: unknown): SerializedError {
  if (error instanceof KustoEmulatorError) {
    return {
      message: error.message,
      kusto: { status: error.status, code: error.code, kustoType: error.kustoType, permanent: error.permanent },
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function send(reply: ChildReply): void {
  // The host may be gone (its channel closed): there is no one left to answer.
  if (process.connected) process.send!(reply);
}

async function operation(emulator: KustoEmulator, request: ChildRequest): Promise<unknown> {
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
    case 'hasDatabase':
      return emulator.catalog.get(request.name) !== undefined;
    case 'close':
      return emulator.close();
  }
}

async function main(): Promise<void> {
  // A host that is killed cannot stop its emulator: the closed channel is the signal. Leaving at once is a crash as
  // far as storage goes, and storage is made for that (every acknowledged change is in its log); waiting to flush
  // would only keep the data directory and the port from a host started again right away.
  process.on('disconnect', () => process.exit(0));
  // A Ctrl+C in the terminal reaches the whole process group: the host stops gracefully and closes this process
  // (flushed, acknowledged requests answered); ending here first would look to the host like a crash.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  const options = JSON.parse(process.argv[2]) as EmulatorOptions;
  const emulator = await startEmulator({
    ...options,
    onWarning: (message) => send({ warning: message }),
  });
  process.on('message', (request: ChildRequest) => {
    operation(emulator, request).then(
      (result) => send({ id: request.id, result }),
      (error: unknown) => send({ id: request.id, error: serialize(error) }),
    );
  });
  send({ ready: { url: emulator.url, port: emulator.port } });
}

main().catch((error: unknown) => {
  // Exit once the reason is on its way (a send is asynchronous).
  if (process.connected) process.send!({ failed: serialize(error) } satisfies ChildReply, () => process.exit(1));
  else process.exit(1);
});
