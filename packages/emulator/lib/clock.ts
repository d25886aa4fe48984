/** Time in the emulator's unit: 100-nanosecond ticks since 1970-01-01T00:00:00Z (see model.ts). */

/** Ticks per millisecond. */
export const TICKS_PER_MS = 10_000n;

/** The current time in ticks. */
export function nowTicks(): bigint {
  return BigInt(Date.now()) * TICKS_PER_MS;
}

/** ISO-8601 text of a tick count, with Kusto's seven fractional digits (`2024-01-02T03:04:05.1234567Z`). */
export function ticksToIso(ticks: bigint): string {
  const ms = ticks / TICKS_PER_MS - (ticks % TICKS_PER_MS < 0n ? 1n : 0n);
  const rest = ticks - ms * TICKS_PER_MS;
  const base = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.fffZ
  return `${base.slice(0, 23)}${rest.toString().padStart(4, '0')}Z`;
}
