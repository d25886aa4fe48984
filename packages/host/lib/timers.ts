/**
 * Timer triggers: each timer function fires on its schedule (NCRONTAB or TimeSpan, `%Setting%` resolved from the
 * app settings) and once at start when `runOnStartup` is set. As in the host, a timer never overlaps itself: the
 * next occurrence is scheduled after the current invocation ends.
 */
import type { HostFunction } from './appFunctions';
import { HostStartError } from './errors';
import type { HostLogger } from './hostLog';
import type { Invoker } from './invoker';
import { parseSchedule, type Schedule } from './ncrontab';
import { timerInvocation } from './triggerPayloads';

// setTimeout's longest delay; longer waits are taken in steps.
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Timer {
  fn: HostFunction;
  schedule: Schedule;
  last?: Date;
  handle?: NodeJS.Timeout;
}

/** Resolves `%Name%` in a schedule from the app settings, as the host does. */
export function resolveSchedule(fn: HostFunction, env: NodeJS.ProcessEnv): Schedule {
  const raw = fn.trigger.schedule;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new HostStartError(`Timer function '${fn.name}' has no schedule.`);
  }
  const expression = raw.replace(/^%([^%]+)%$/, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new HostStartError(
        `Timer function '${fn.name}' reads its schedule from the app setting '${name}', which is not set.`,
      );
    }
    return value;
  });
  try {
    return parseSchedule(expression);
  } catch (cause) {
    throw new HostStartError(`Timer function '${fn.name}': ${(cause as Error).message}`, { cause });
  }
}

/** The later of two times (`b` may be absent). */
function laterOf(a: Date, b: Date | undefined): Date {
  return b !== undefined && b.getTime() > a.getTime() ? b : a;
}

/** Runs the app's timer functions until stopped. */
export class TimerScheduler {
  readonly #timers: Timer[];
  readonly #invoker: Invoker;
  readonly #log: HostLogger;
  #stopped = false;

  /** Parses every timer function's schedule (an invalid one stops the start, naming the function). */
  constructor(functions: Iterable<HostFunction>, env: NodeJS.ProcessEnv, invoker: Invoker, log: HostLogger) {
    this.#invoker = invoker;
    this.#log = log;
    this.#timers = [...functions]
      .filter((fn) => String(fn.trigger.type).toLowerCase() === 'timertrigger')
      .map((fn) => ({ fn, schedule: resolveSchedule(fn, env) }));
  }

  /** The next occurrence of each timer function, by name (for the start-up output). */
  nextOccurrences(now = new Date()): Map<string, Date | undefined> {
    return new Map(this.#timers.map((t) => [t.fn.name, t.schedule.next(now)]));
  }

  /** Starts every timer: `runOnStartup` ones fire now, then all follow their schedules. */
  start(): void {
    for (const timer of this.#timers) {
      if (timer.fn.trigger.runOnStartup === true) void this.#fire(timer, 'Timer fired on startup (runOnStartup)');
      else this.#arm(timer);
    }
  }

  // `after`: the occurrence that just fired. A timeout can end a millisecond before the time it was set for, and the
  // next occurrence after "now" would then be that same one again: a second firing in the same second.
  #arm(timer: Timer, after?: Date): void {
    if (this.#stopped) return;
    const next = timer.schedule.next(laterOf(new Date(), after));
    if (!next) {
      this.#log.host(
        'warning',
        `Timer function '${timer.fn.name}' has no further occurrence of '${timer.schedule.expression}'.`,
      );
      return;
    }
    const wait = (): void => {
      if (this.#stopped) return;
      const delay = next.getTime() - Date.now();
      if (delay > MAX_DELAY_MS) {
        timer.handle = setTimeout(wait, MAX_DELAY_MS);
        return;
      }
      timer.handle = setTimeout(
        () => void this.#fire(timer, `Timer fired at ${new Date().toISOString()}`, next),
        Math.max(0, delay),
      );
    };
    wait();
  }

  async #fire(timer: Timer, reason: string, scheduled?: Date): Promise<void> {
    timer.handle = undefined;
    if (this.#stopped) return;
    const now = new Date();
    const next = timer.schedule.next(laterOf(now, scheduled));
    // Past due: the timer fired more than a second after its occurrence (the process was busy or asleep).
    const isPastDue = scheduled !== undefined && now.getTime() - scheduled.getTime() > 1000;
    await this.#invoker.invoke(timer.fn, timerInvocation(reason, timer.last, next, isPastDue));
    timer.last = now;
    this.#arm(timer, scheduled);
  }

  /** Stops scheduling (invocations under way finish; the invoker's drain waits for them). */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) {
      if (timer.handle) clearTimeout(timer.handle);
      timer.handle = undefined;
    }
  }
}
