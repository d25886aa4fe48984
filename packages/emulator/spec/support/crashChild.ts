/**
 * A child emulator for the crash spec: starts with the EmulatorOptions given as JSON in argv[2], prints
 * `READY <url>` once it listens, and runs until it is killed. Storage warnings go to stderr.
 */
import { startEmulator } from '../../lib';

startEmulator(JSON.parse(process.argv[2] ?? '{}')).then(
  (emulator) => process.stdout.write(`READY ${emulator.url}\n`),
  (error: unknown) => {
    process.stderr.write(`START FAILED ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
