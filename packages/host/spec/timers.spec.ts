import { expect } from 'chai';
import type { HostFunction } from '../lib/appFunctions';
import { HostStartError } from '../lib/errors';
import { HostLogger, type HostLogEntry } from '../lib/hostLog';
import type { InvocationInput, Invoker } from '../lib/invoker';
import { resolveSchedule, TimerScheduler } from '../lib/timers';

function timerFunction(name: string, trigger: Record<string, unknown>): HostFunction {
  return {
    name,
    registered: { metadata: { name, bindings: {} }, callback: () => undefined },
    triggerName: 'timer',
    trigger: { type: 'timerTrigger', direction: 'in', ...trigger },
    kustoInputs: [],
    kustoOutputs: [],
  };
}

/** Records invocations instead of running them (the scheduler's side of the contract). */
function recordingInvoker() {
  const calls: { fn: string; input: InvocationInput; at: number }[] = [];
  const invoker = {
    invoke: async (fn: HostFunction, input: InvocationInput) => {
      calls.push({ fn: fn.name, input, at: Date.now() });
      return { invocationId: String(calls.length) };
    },
  } as unknown as Invoker;
  return { calls, invoker };
}

describe('timer triggers on the local host', () => {
  const logs: HostLogEntry[] = [];
  const log = new HostLogger((e) => logs.push(e));

  it('fires on its schedule, each time with a TimerInfo, and not after stop', async function () {
    this.timeout(10_000);
    const { calls, invoker } = recordingInvoker();
    const scheduler = new TimerScheduler(
      [timerFunction('everySecond', { schedule: '*/1 * * * * *' })],
      {},
      invoker,
      log,
    );
    scheduler.start();
    try {
      // Bounded wait for two firings.
      for (let i = 0; i < 60 && calls.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      scheduler.stop();
    }
    expect(calls.length).to.be.at.least(2);
    const gap = calls[1].at - calls[0].at;
    // Whole seconds apart, give or take a loaded machine: never twice for one occurrence (a timeout can end a
    // millisecond early, when "the next occurrence after now" is still the one that fired).
    expect(gap).to.be.within(300, 2500);
    const seconds = calls.map((c) => Math.round(c.at / 1000));
    expect(new Set(seconds).size, 'one firing per occurrence').to.equal(seconds.length);
    const info = JSON.parse(calls[1].input.trigger.string!) as {
      ScheduleStatus: { Last: string; Next: string };
      IsPastDue: boolean;
    };
    expect(info.IsPastDue).to.equal(false);
    expect(Date.parse(info.ScheduleStatus.Next)).to.be.greaterThan(calls[1].at - 1000);
    expect(Date.parse(info.ScheduleStatus.Last)).to.be.within(calls[0].at - 1000, calls[0].at + 1000);
    expect(calls[1].input.reason).to.match(/^Timer fired at \d{4}-/);
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(calls.length).to.equal(count);
  });

  it('fires at start only with runOnStartup', async () => {
    const { calls, invoker } = recordingInvoker();
    const scheduler = new TimerScheduler(
      [
        timerFunction('onStartup', { schedule: '0 0 0 1 1 *', runOnStartup: true }),
        timerFunction('yearly', { schedule: '0 0 0 1 1 *' }),
      ],
      {},
      invoker,
      log,
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 50));
    scheduler.stop();
    expect(calls.map((c) => c.fn)).to.deep.equal(['onStartup']);
    expect(calls[0].input.reason).to.equal('Timer fired on startup (runOnStartup)');
  });

  it('reads a %Setting% schedule from the app settings', () => {
    const schedule = resolveSchedule(timerFunction('t', { schedule: '%ExportSchedule%' }), {
      ExportSchedule: '0 */5 * * * *',
    });
    expect(schedule.expression).to.equal('0 */5 * * * *');
  });

  it('stops the start with an error naming the function for a bad or missing schedule', () => {
    expect(() => resolveSchedule(timerFunction('badTimer', { schedule: '* * * *' }), {})).to.throw(
      HostStartError,
      /^Timer function 'badTimer': Timer schedule '\* \* \* \*' has 4 fields/,
    );
    expect(() => resolveSchedule(timerFunction('unset', { schedule: '%Missing%' }), {})).to.throw(
      HostStartError,
      /reads its schedule from the app setting 'Missing', which is not set/,
    );
  });

  it('lists the next occurrence of each timer', () => {
    const { invoker } = recordingInvoker();
    const scheduler = new TimerScheduler([timerFunction('yearly', { schedule: '0 0 0 1 1 *' })], {}, invoker, log);
    const next = scheduler.nextOccurrences(new Date(2024, 5, 1)).get('yearly');
    expect(next).to.deep.equal(new Date(2025, 0, 1));
  });
});
