/** Timing of a graceful shutdown. */

/** How long a shutdown waits for requests and invocations under way. */
export const SHUTDOWN_GRACE_MS = 30_000;

/** A cancellable wait (so a finished shutdown leaves no timer behind). */
export function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(handle) };
}
