/** Errors the local host reports to the person starting it, and how an error is shown: message, then the app's frames. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A problem that stops the host from starting (bad app layout or settings, a port in use). The CLI prints its
 * message as one line and exits with code 1, without a stack trace.
 */
export class HostStartError extends Error {
  /** `EADDRINUSE` when the port is taken, otherwise undefined. */
  readonly code?: string;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostStartError';
    this.code = options?.code;
  }
}

/**
 * An invocation that ran longer than host.json `functionTimeout`. Name and message are the Functions host's, so that
 * what a developer searches for is what Azure prints.
 */
export class FunctionTimeoutError extends Error {
  /**
   * @param functionName - the function that ran too long.
   * @param timeout - the timeout, as host.json writes it (`00:05:00`).
   */
  constructor(functionName: string, timeout: string) {
    super(`Timeout value of ${timeout} was exceeded by function: Functions.${functionName}`);
    this.name = 'FunctionTimeoutException';
  }
}

// The packages of kusto-functions: frames in their code (compiled in dist/lib, or lib/ through source maps) are ours.
const OUR_PACKAGES = new Set([
  'kusto-functions',
  'kusto-functions-bindings',
  'kusto-functions-engine',
  'kusto-functions-host',
  'kusto-emulator',
]);
const ownerCache = new Map<string, string | null>();

// The directory of the nearest package.json that is one of ours, or null.
function ourPackageDir(dir: string): string | null {
  const cached = ownerCache.get(dir);
  if (cached !== undefined) return cached;
  let owner: string | null;
  try {
    const name = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    owner = OUR_PACKAGES.has(String(name)) ? dir : null;
  } catch {
    const parent = path.dirname(dir);
    // Bounded: each step goes up one directory, and the root is its own parent.
    owner = parent === dir ? null : ourPackageDir(parent);
  }
  ownerCache.set(dir, owner);
  return owner;
}

function isInternalFile(file: string): boolean {
  if (file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(file)) return true;
  const local = file.startsWith('file://') ? decodeURIComponent(new URL(file).pathname) : file;
  if (!path.isAbsolute(local)) return true;
  const owner = ourPackageDir(path.dirname(local));
  if (owner === null) return false;
  const inside = path.relative(owner, local).split(path.sep);
  return inside[0] === 'lib' || (inside[0] === 'dist' && inside[1] === 'lib');
}

/**
 * The frames of a stack that are the app's own code: not Node's, not a dependency's (`node_modules`), not those of
 * kusto-functions' packages, and not frames without a file (`new Promise (<anonymous>)`). Each is `at …` as V8
 * writes it.
 */
export function userFrames(stack: string | undefined): string[] {
  const frames: string[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const frame = /^\s+(at .*)$/.exec(line)?.[1];
    const file = frame === undefined ? undefined : /\(?([^()\s]+?):\d+:\d+\)?$/.exec(frame)?.[1];
    if (frame !== undefined && file !== undefined && !isInternalFile(file)) frames.push(frame);
  }
  return frames;
}

/**
 * An error as the host logs it: `Name: message`, the app's own frames (see {@link userFrames}), then each cause
 * (a few levels at most) the same way.
 */
export function describeError(error: Error): string {
  const lines: string[] = [];
  let current: unknown = error;
  // Bounded: causes nest a few levels at most, and a cycle must not hang the log.
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    lines.push(`${depth === 0 ? '' : '  caused by '}${current.name}: ${current.message}`);
    for (const frame of userFrames(current.stack)) lines.push(`${depth === 0 ? '    ' : '      '}${frame}`);
    current = (current as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}
