/** Errors the local host reports to the person starting it. */

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
