import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { failure, rowsOf } from '../support/emulatorFixture';

const CLI = path.join(__dirname, '..', '..', 'lib', 'cli.js');

describe('limits: a query that fills the heap with values no budget counts', () => {
  let child: ChildProcess;
  let client: Client;

  before(async function () {
    this.timeout(30_000);
    // A small heap, so that filling it takes seconds: the emulator as its command runs it, in a process of its own.
    child = spawn(
      process.execPath,
      ['--max-old-space-size=300', CLI, '--port', '0', '--in-memory', '--database', 'db'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const connection = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The emulator did not start:\n${out}`)), 25_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /Connection string: (.+)\n/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`The emulator exited (${code}):\n${out}`)));
    });
    client = new Client(connection);
  });

  after(() => {
    client?.close();
    child?.kill('SIGTERM');
  });

  it('fails that query with E_LOW_MEMORY_CONDITION before V8 aborts the process, which keeps serving', async function () {
    this.timeout(60_000);
    // Bags and lists are not accounted value by value: the heap check is what stops this one.
    const f = await failure(
      client.execute(
        'db',
        "range x from 1 to 3000000 step 1 | summarize l = make_list(pack('a', x, 'b', strcat('v', x))) by k = x % 10 | count",
      ),
    );
    expect(f.status).to.equal(500);
    expect(f.error.code).to.equal('E_LOW_MEMORY_CONDITION');
    expect(f.error.message).to.match(/heap holds more than \d+ bytes/);
    expect(child.exitCode).to.equal(null);
    expect(rowsOf(await client.execute('db', 'print answer = 42'))).to.deep.equal([{ answer: 42 }]);
  });
});
