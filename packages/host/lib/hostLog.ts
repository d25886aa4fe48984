/**
 * The host's log: start-up output, host events and function invocation logs (`Executing` / `Executed` lines and
 * what handlers log through `context.log` and friends), each function line carrying the function name and the
 * invocation id. Levels follow host.json `logging.logLevel` (`Function.<name>`, then `Function`, then `default`
 * for function lines; `Host`, then `default` for host lines); start-up output is always shown.
 */
import { scrubSecrets } from 'kusto-functions-engine';
import type { RpcLogLevel } from './worker';
import { LOG_LEVELS, type LogLevel } from './hostJson';

/** Severity of a host log entry. */
export type HostLogLevel = 'debug' | 'information' | 'warning' | 'error';

/** One entry of the host's log. */
export interface HostLogEntry {
  /** When it was logged. */
  time: Date;
  /** Severity. */
  level: HostLogLevel;
  /** `startup` (the function table, listening address), `host` (host events) or `function` (an invocation's). */
  category: 'startup' | 'host' | 'function';
  /** The text, secrets masked. */
  message: string;
  /** The function, for function entries. */
  functionName?: string;
  /** The invocation, for function entries. */
  invocationId?: string;
  /** An `Executing` / `Executed` line (which names the function and invocation itself). */
  lifecycle?: boolean;
}

/** Receives the host's log entries. */
export type HostLogSink = (entry: HostLogEntry) => void;

const RANK: Record<HostLogLevel, number> = { debug: 1, information: 2, warning: 3, error: 4 };

function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** The host log level of a worker log level. */
export function fromRpcLevel(level: RpcLogLevel): HostLogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'warning':
      return 'warning';
    case 'error':
    case 'critical':
      return 'error';
    default:
      return 'information';
  }
}

/**
 * One line of text for an entry: `[ISO time] message`; what a function logs as
 * `[ISO time] Functions.<name> (Id=<invocation id>): message`.
 */
export function formatLogEntry(entry: HostLogEntry): string {
  if (entry.category === 'startup') return entry.message;
  const prefix =
    entry.functionName !== undefined && entry.invocationId !== undefined && !entry.lifecycle
      ? `Functions.${entry.functionName} (Id=${entry.invocationId}): `
      : '';
  return `[${entry.time.toISOString()}] ${prefix}${entry.message}`;
}

/** Prints entries to the console: errors and warnings to stderr, the rest to stdout. */
export const consoleLogSink: HostLogSink = (entry) => {
  const line = formatLogEntry(entry);
  if (entry.level === 'error' || entry.level === 'warning') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
};

/** Filters by host.json levels, masks secrets and hands entries to a sink. */
export class HostLogger {
  readonly #sink: HostLogSink;
  readonly #levels: Record<string, LogLevel>;
  readonly #functionThresholds = new Map<string, number>();

  constructor(sink: HostLogSink, levels: Record<string, LogLevel> = {}) {
    this.#sink = sink;
    this.#levels = levels;
  }

  #threshold(...categories: string[]): number {
    for (const category of categories) {
      const level = this.#levels[category];
      if (level) return levelRank(level);
    }
    return levelRank(this.#levels.default ?? 'Information');
  }

  /** Whether a function's entries at `level` are shown (cheap: callers skip building messages that are not). */
  enabled(level: HostLogLevel, functionName?: string): boolean {
    if (functionName === undefined) return RANK[level] >= this.#threshold('Host');
    let threshold = this.#functionThresholds.get(functionName);
    if (threshold === undefined) {
      threshold = this.#threshold(`Function.${functionName}`, 'Function');
      this.#functionThresholds.set(functionName, threshold);
    }
    return RANK[level] >= threshold;
  }

  /** Start-up output (always shown). */
  startup(message: string): void {
    this.#sink({ time: new Date(), level: 'information', category: 'startup', message });
  }

  /** A host event. */
  host(level: HostLogLevel, message: string): void {
    if (!this.enabled(level)) return;
    this.#sink({ time: new Date(), level, category: 'host', message: scrubSecrets(message) });
  }

  /** An invocation's entry; `lifecycle` for its `Executing` / `Executed` lines. */
  function(level: HostLogLevel, functionName: string, invocationId: string, message: string, lifecycle = false): void {
    if (!this.enabled(level, functionName)) return;
    const entry: HostLogEntry = {
      time: new Date(),
      level,
      category: 'function',
      // The host's own Executing/Executed lines hold no settings; what handlers log may.
      message: lifecycle ? message : scrubSecrets(message),
      functionName,
      invocationId,
    };
    if (lifecycle) entry.lifecycle = true;
    this.#sink(entry);
  }
}
