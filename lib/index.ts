/**
 * kusto-functions: decorator-based Kusto (Azure Data Explorer) bindings for Azure Functions (Node.js v4 model).
 *
 * @packageDocumentation
 */

/** The package version. */
export const VERSION = '0.1.0';
