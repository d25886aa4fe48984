/**
 * Testing helpers for apps built with kusto-functions.
 *
 * @packageDocumentation
 */

/** Placeholder until the harness lands. */
export const TESTING = true;
