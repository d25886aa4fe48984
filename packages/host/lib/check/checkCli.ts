/**
 * `kusto-functions check [appDir] [--schema <file>] [--connection <connection string>] [--script <file|glob>]`:
 * prints one line per problem, compiler style, then a summary; exits with 1 when there are errors (or the check
 * could not run), 0 otherwise.
 */
import { parseArgs } from 'node:util';
import { scrubSecrets } from 'kusto-functions-engine';
import { HostStartError } from '../errors';
import { checkApp, formatProblem } from './checkApp';

const USAGE = `Usage: kusto-functions check [appDir] [options]

Loads the app's functions (without running anything) and checks every Kusto binding offline: registration errors,
each query against the database schema (Kusto.Language), query parameters, row classes, output tables, mappings and
formats, and the app settings the bindings name. Exits with 1 when it finds errors.

The schema comes from --schema, else --connection, else the app's setup.kql (run in a throwaway in-memory emulator).

Options:
  --schema <file>        the JSON of '.show database <db> schema as json', exported from a cluster
  --connection <string>  a Kusto connection string, or the app setting holding one, to read the schema from
                         (read-only: .show database <db> schema as json)
  --script <file|glob>   entry point(s) to load instead of package.json "main"
  -h, --help             show this help`;

/** Runs `kusto-functions check` with the arguments after `check`; resolves with the exit code. */
export async function runCheckCli(
  argv: readonly string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        schema: { type: 'string' },
        connection: { type: 'string' },
        script: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    err(`Unexpected argument '${positionals[1]}': give one app directory.\n\n${USAGE}\n`);
    return 1;
  }
  const started = performance.now();
  let result;
  try {
    result = await checkApp({
      appDir: positionals[0] ?? '.',
      schema: values.schema,
      connection: values.connection,
      script: values.script,
    });
  } catch (error) {
    err(
      `${scrubSecrets(error instanceof HostStartError ? error.message : ((error as Error)?.message ?? String(error)))}\n`,
    );
    return 1;
  }
  for (const problem of result.problems) out(`${scrubSecrets(formatProblem(problem))}\n`);
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const schema = result.schemaSource ? `against ${result.schemaSource}` : 'without a schema';
  out(
    `kusto-functions check: ${result.functions} function${result.functions === 1 ? '' : 's'} ${schema}: ` +
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${seconds} s).\n`,
  );
  return errors > 0 ? 1 : 0;
}
