/**
 * Lazy loading of the Kusto and identity client packages.
 *
 * They are large (axios, MSAL, storage clients) and only a binding that runs needs them, so nothing in the engine
 * imports them at module load: every use goes through these functions, which `require` on first call. Only types are
 * imported statically (erased at compile time).
 */
import { KustoConfigurationError } from 'kusto-functions-bindings';

/** The azure-kusto-data module. */
export type KustoDataModule = typeof import('azure-kusto-data');
// azure-kusto-ingest's types are only under `exports`, and it is an ES module: `resolution-mode` reads them through its
// public entry (its internal paths, which that `exports` closes, must not appear in the shipped .d.ts).
/** The azure-kusto-ingest module. */
export type KustoIngestModule = typeof import('azure-kusto-ingest', { with: { 'resolution-mode': 'import' } });
/** The @azure/identity module. */
export type IdentityModule = typeof import('@azure/identity');

// Kept once loaded: a require() of these ES modules costs tens of microseconds every call, a measurable share of a
// query when it happens per invocation.
const loaded = new Map<string, unknown>();

function load<T>(name: string, requireModule: () => T): T {
  const cached = loaded.get(name) as T | undefined;
  if (cached) return cached;
  try {
    const module = requireModule();
    loaded.set(name, module);
    return module;
  } catch (error) {
    // azure-kusto-data and azure-kusto-ingest ship only as ES modules; require() of an ES module needs Node 20.19+.
    if ((error as { code?: unknown }).code === 'ERR_REQUIRE_ESM') {
      throw new KustoConfigurationError(
        `${name} is an ES module and Node.js ${process.version} cannot require() it: use Node.js 22.12 or later (what kusto-functions-engine requires).`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Loads azure-kusto-data (query client, connection string builder, client request properties) on first use. */
export function loadKustoData(): KustoDataModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see the file comment
  return load('azure-kusto-data', () => require('azure-kusto-data') as KustoDataModule);
}

/** Loads azure-kusto-ingest (queued, streaming and managed streaming ingest clients) on first use. */
export function loadKustoIngest(): KustoIngestModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see the file comment
  return load('azure-kusto-ingest', () => require('azure-kusto-ingest') as KustoIngestModule);
}

/** Loads @azure/identity (the Microsoft Entra ID credentials) on first use. */
export function loadIdentity(): IdentityModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see the file comment
  return load('@azure/identity', () => require('@azure/identity') as IdentityModule);
}
