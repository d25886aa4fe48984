/**
 * The engine: runs one Kusto binding for one invocation with the pooled clients of ./connections.
 */
import type { Client, ClientRequestProperties } from 'azure-kusto-data';
import {
  BindingExpressionSyntaxError,
  dataFormatProblem,
  declaredQueryParameters,
  ingestionTypeProblem,
  optionTypeProblem,
  QueryParametersSyntaxError,
  readIngestionProperty,
  readPropertyListOption,
  requiredOptionProblem,
  type KustoDataFormat,
  type KustoInputBinding,
  type KustoOutputBinding,
  type PropertyPair,
  type TemplatePart,
} from 'kusto-functions-bindings';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import {
  hasIdentityEndpoint,
  KustoClientPool,
  newClientRequestId,
  resolveConnection,
  type KustoConnection,
} from './connections';
import { BindingData, compileTemplate, type ResolutionSite } from './bindingData';
import { readSetting } from 'kusto-functions-bindings';
import { newClientRequestProperties } from './connections';
import { classifyFailure, failureLabel } from './failures';
import type { IngestOutcome, KustoEngine, TriggerData } from 'kusto-functions-bindings';
import type { KustoEngineOptions } from './engineOptions';
import { Ingestor, STREAMING_LIMIT_BYTES, type QueuedSettings } from './ingest';
import { needsColumns, PayloadError, toPayloadText } from './payload';
import { CLIENT_SERVER_DELTA_MS, optionValue, parameterLiteral, RequestOptionError } from './requestProperties';
import { readLongsLosslessly, readsLongsLosslessly, toRows, type LongsAs } from './results';
import {
  CallTimedOut,
  callFailure,
  formatDuration,
  retryPolicy,
  timeoutPolicy,
  withRetries,
  type RetryPolicy,
  type TimeoutPolicy,
} from './retry';
import { isEntityName, TableSchemaCache } from './tableSchema';

type Log = NonNullable<KustoEngineOptions['log']>;

/** A kqlParameters / clientRequestProperties entry, parsed once. */
interface CompiledPair {
  name: string;
  parts: readonly TemplatePart[];
  quoted: boolean;
  declaredType?: string;
}

const CACHE_LIMIT = 1000;

/**
 * How much later than the engine's own deadline azure-kusto-data is told to abort a request: the engine's deadline
 * decides (its error names the timeout), and the client then closes the silent request's socket.
 */
const CLIENT_ABORT_GRACE_MS = 1000;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** The {@link KustoEngine} implementation. */
export class BindingEngine implements KustoEngine {
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Log;
  readonly #pool: KustoClientPool;
  readonly #ownsPool: boolean;
  readonly #retry: RetryPolicy;
  readonly #timeouts: TimeoutPolicy;
  readonly #longs: LongsAs;
  readonly #schemas = new TableSchemaCache();
  readonly #ingestor: Ingestor;
  readonly #connections = new Map<string, { fingerprint: string; connection: KustoConnection }>();
  readonly #parameters = new Map<string, CompiledPair[]>();
  readonly #options = new Map<string, CompiledPair[]>();
  #closing: Promise<void> | undefined;

  constructor(options: KustoEngineOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#log = options.log ?? (() => undefined);
    this.#ownsPool = options.pool === undefined;
    this.#pool = options.pool ?? new KustoClientPool({ env: this.#env });
    this.#retry = retryPolicy(options.retry);
    this.#timeouts = timeoutPolicy(options.timeouts);
    this.#longs = options.longs ?? 'number';
    if (this.#longs !== 'number' && this.#longs !== 'string') {
      throw new RangeError(`longs must be 'number' or 'string', not ${String(options.longs)}.`);
    }
    const limit = options.streamingLimitBytes ?? STREAMING_LIMIT_BYTES;
    this.#ingestor = new Ingestor(this.#pool, this.#retry, this.#timeouts, this.#log, limit);
  }

  async runInput(binding: KustoInputBinding, trigger: TriggerData): Promise<Record<string, unknown>[]> {
    const where = `Kusto input '${binding.name}' of ${trigger.functionName}`;
    this.#ensureOpen(where);
    const data = new BindingData(trigger, this.#env);
    const database = this.#required(binding.database, 'database', where, data);
    const connection = this.#connection(binding, where, data);
    const kqlProblem =
      optionTypeProblem('kqlCommand', binding.kqlCommand) ?? requiredOptionProblem('kqlCommand', binding.kqlCommand);
    if (kqlProblem !== undefined) throw new KustoConfigurationError(`${where}: ${kqlProblem}.`);
    const kql = data.queryText(binding.kqlCommand, { binding: where, option: 'kqlCommand' });
    const properties = newClientRequestProperties('input', connection);
    const parameters = this.#compileParameters(binding.kqlParameters, kql, where);
    for (const p of parameters) {
      const text = this.#resolve(p.parts, { binding: where, option: `kqlParameters (@${p.name})` }, data);
      properties.setParameter(p.name, parameterLiteral(p.declaredType, text));
    }
    this.#applyOptions(properties, binding.clientRequestProperties, where, data);

    const client = await this.#pool.queryClient(connection);
    if (this.#longs === 'string') readLongsLosslessly(client);
    const command = kql.trimStart().startsWith('.');
    const timeout = this.#inputTimeout(properties, command);
    const started = performance.now();
    let response: Awaited<ReturnType<Client['execute']>>;
    try {
      const run = async (_attempt: number, remainingMs: number): ReturnType<Client['execute']> => {
        properties.setClientTimeout(remainingMs + CLIENT_ABORT_GRACE_MS);
        await this.#pool.cloudInfo(connection.engineUrl);
        return client.execute(database, kql, properties);
      };
      // Queries are reads: a transient failure is retried. A management command may change data: it is not.
      response = await withRetries(
        command ? { ...this.#retry, attempts: 1 } : this.#retry,
        run,
        (failure, attempt, delay) =>
          this.#log(
            'warning',
            `${where}: query attempt ${attempt} failed${failureLabel(failure)}; retrying in ${Math.round(delay)} ms.`,
          ),
        timeout.ms,
      );
    } catch (error) {
      throw this.#queryFailed(where, database, connection, parameters, error, timeout.name);
    }
    const table = response.primaryResults[0];
    const rows =
      table === undefined
        ? []
        : toRows(table, {
            longs: this.#longs,
            marked: readsLongsLosslessly(client),
            v1: command,
          });
    this.#log(
      'debug',
      `${where}: ${command ? 'command' : 'query'} on database '${database}' returned ${rows.length} rows in ${Math.round(performance.now() - started)} ms.`,
    );
    return rows;
  }

  async runOutput(
    binding: KustoOutputBinding,
    value: unknown,
    trigger: TriggerData,
  ): Promise<IngestOutcome | undefined> {
    const where = `Kusto output '${binding.name}' of ${trigger.functionName}`;
    this.#ensureOpen(where);
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      return undefined;
    }
    const data = new BindingData(trigger, this.#env);
    const database = this.#required(binding.database, 'database', where, data);
    const table = this.#required(binding.tableName, 'tableName', where, data);
    if (!isEntityName(table)) {
      throw new KustoConfigurationError(
        `${where}: tableName '${table.slice(0, 80)}' is not a Kusto table name (letters, digits, '_', '-', '.' and spaces).`,
      );
    }
    const mappingRef = this.#optional(binding.mappingRef, 'mappingRef', where, data);
    // Matched in any case at run time; the rules list the names in lower case.
    const format = this.#optional(binding.dataFormat, 'dataFormat', where, data)?.toLowerCase();
    const type = (this.#optional(binding.ingestionType, 'ingestionType', where, data) ?? 'managed').toLowerCase();
    const problem = dataFormatProblem('dataFormat', format) ?? ingestionTypeProblem('ingestionType', type);
    if (problem !== undefined) throw new KustoConfigurationError(`${where}: ${problem}.`);
    const queued = this.#queuedSettings(binding.ingestionProperties, where, data);
    const connection = this.#connection(binding, where, data);
    const site = `${where} (table '${table}', database '${database}'`;

    let columns: readonly string[] | undefined;
    if (needsColumns(format as KustoDataFormat | undefined, value)) {
      try {
        const client = await this.#pool.queryClient(connection);
        const properties = newClientRequestProperties('output', connection);
        properties.setClientTimeout(this.#timeouts.ingestMs + CLIENT_ABORT_GRACE_MS);
        columns = await withRetries(
          { ...this.#retry, attempts: 1 },
          async () => {
            await this.#pool.cloudInfo(connection.engineUrl);
            return this.#schemas.columns(client, connection.identityKey, database, table, properties);
          },
          undefined,
          this.#timeouts.ingestMs,
        );
      } catch (error) {
        const failure = classifyFailure(error);
        throw new KustoBindingError(
          `${site}): could not read the table's columns to write ${format} records${failureLabel(failure)}: ${connection.scrub(failure.message)}`,
          { cause: connection.scrubError(error) },
        );
      }
    }
    let payload;
    try {
      payload = toPayloadText(value, format as KustoDataFormat | undefined, columns);
    } catch (error) {
      if (error instanceof PayloadError)
        throw new KustoBindingError(`${site}): cannot ingest the value: ${error.message}.`);
      throw error;
    }
    const clientRequestId = newClientRequestId('output');
    const sourceId = clientRequestId.slice(clientRequestId.lastIndexOf(';') + 1);
    const started = performance.now();
    const outcome = await this.#ingestor.ingest({
      connection,
      database,
      table,
      mappingRef,
      text: payload.text,
      format: payload.format,
      records: payload.records,
      ingestionType: type as 'managed' | 'queued',
      queued,
      clientRequestId,
      sourceId,
      site: `${site}, source id ${sourceId})`,
    });
    this.#log(
      'debug',
      `${where}: ${payload.records} records into '${database}'.'${table}' (${outcome.method}, ${outcome.status}, source id ${sourceId}) in ${Math.round(performance.now() - started)} ms.`,
    );
    return { database, table, records: payload.records, sourceId, ...outcome };
  }

  close(): Promise<void> {
    this.#closing ??= this.#ownsPool ? this.#pool.close() : Promise.resolve();
    return this.#closing;
  }

  #ensureOpen(where: string): void {
    if (this.#closing !== undefined) throw new KustoBindingError(`${where}: the Kusto engine is closed.`);
  }

  #resolve(parts: readonly TemplatePart[], site: ResolutionSite, data: BindingData): string {
    return data.resolve(parts, site);
  }

  #template(text: string, option: string, where: string): readonly TemplatePart[] {
    try {
      return compileTemplate(text);
    } catch (error) {
      if (error instanceof BindingExpressionSyntaxError) {
        throw new KustoConfigurationError(`${where}: ${option}: ${error.message}.`);
      }
      throw error;
    }
  }

  #optional(text: string | undefined, option: string, where: string, data: BindingData): string | undefined {
    if (text === undefined || text === null || text === '') return undefined;
    const problem = optionTypeProblem(option, text);
    if (problem !== undefined) throw new KustoConfigurationError(`${where}: ${problem}.`);
    const value = data.resolve(this.#template(text, option, where), { binding: where, option });
    return value.trim() === '' ? undefined : value.trim();
  }

  #required(text: string | undefined, option: string, where: string, data: BindingData): string {
    const missing = requiredOptionProblem(option, text ?? undefined);
    if (missing !== undefined) throw new KustoConfigurationError(`${where}: ${missing}.`);
    const value = this.#optional(text, option, where, data);
    if (value === undefined) throw new KustoConfigurationError(`${where}: ${option} resolved to nothing.`);
    return value;
  }

  #connection(binding: KustoInputBinding | KustoOutputBinding, where: string, data: BindingData): KustoConnection {
    const setting = data.connectionSetting(binding.connection, where);
    let identity: string | undefined;
    try {
      identity = this.#optional(binding.managedServiceIdentity, 'managedServiceIdentity', where, data);
    } catch (error) {
      // No identity signs in to the loopback emulator without an identity endpoint, so one that only Azure's app
      // settings define does not matter there.
      if (
        !(error instanceof KustoConfigurationError) ||
        hasIdentityEndpoint(this.#env) ||
        !this.#resolveConnection(setting, undefined, where).loopback
      ) {
        throw error;
      }
    }
    return this.#resolveConnection(setting, identity, where);
  }

  #resolveConnection(setting: string, identity: string | undefined, where: string): KustoConnection {
    const key = `${setting}\u0000${identity ?? ''}`;
    // Re-resolved when the setting's value changes (a test, a host reload); otherwise parsed once.
    const found = readSetting(setting, this.#env);
    const fingerprint = found ? `${found.key}\u0000${found.value}` : '';
    const hit = this.#connections.get(key);
    if (hit !== undefined && hit.fingerprint === fingerprint) return hit.connection;
    let connection: KustoConnection;
    try {
      connection = resolveConnection(setting, { env: this.#env, managedServiceIdentity: identity });
    } catch (error) {
      if (error instanceof KustoConfigurationError) {
        throw new KustoConfigurationError(`${where}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (this.#connections.size >= CACHE_LIMIT) this.#connections.clear();
    this.#connections.set(key, { fingerprint, connection });
    return connection;
  }

  #pairs(text: string | undefined, option: string, where: string): PropertyPair[] {
    if (text === undefined || text === null || text.trim() === '') return [];
    const pairs = readPropertyListOption(option, text);
    if ('problem' in pairs) throw new KustoConfigurationError(`${where}: ${pairs.problem}.`);
    return pairs;
  }

  #compileParameters(text: string | undefined, kql: string, where: string): CompiledPair[] {
    if (text === undefined || text === null || text.trim() === '') return [];
    return cached(this.#parameters, `${text}\u0000${kql}`, () => {
      let declared: Map<string, string>;
      try {
        declared = new Map(declaredQueryParameters(kql).map((p) => [p.name, p.type.toLowerCase()]));
      } catch (error) {
        if (!(error instanceof QueryParametersSyntaxError)) throw error;
        // The service reports the syntax error; parameters then go untyped.
        declared = new Map();
      }
      return this.#pairs(text, 'kqlParameters', where).map((pair) => ({
        name: pair.name,
        parts: this.#template(pair.value, `kqlParameters (@${pair.name})`, where),
        quoted: pair.quoted,
        declaredType: declared.get(pair.name),
      }));
    });
  }

  #applyOptions(properties: ClientRequestProperties, text: string | undefined, where: string, data: BindingData): void {
    if (text === undefined || text === null || text.trim() === '') return;
    const pairs = cached(this.#options, text, () =>
      this.#pairs(text, 'clientRequestProperties', where).map((pair) => ({
        name: pair.name,
        parts: this.#template(pair.value, `clientRequestProperties (@${pair.name})`, where),
        quoted: pair.quoted,
      })),
    );
    for (const pair of pairs) {
      const option = `clientRequestProperties (@${pair.name})`;
      const resolved = data.resolve(pair.parts, { binding: where, option });
      let value;
      try {
        value = optionValue(pair.name, resolved, pair.quoted);
      } catch (error) {
        if (error instanceof RequestOptionError)
          throw new KustoConfigurationError(`${where}: clientRequestProperties: ${error.message}.`);
        throw error;
      }
      if (value.kind === 'timeout') properties.setTimeout(value.ms);
      else properties.setOption(pair.name, value.value);
    }
  }

  #queuedSettings(text: string | undefined, where: string, data: BindingData): QueuedSettings {
    const settings: QueuedSettings = { flushImmediately: false, pollTimeoutMinutes: 30 };
    if (text === undefined || text === null || text.trim() === '') return settings;
    for (const pair of this.#pairs(text, 'ingestionProperties', where)) {
      const option = `ingestionProperties (@${pair.name})`;
      const value = data.resolve(this.#template(pair.value, option, where), { binding: where, option }).trim();
      const setting = readIngestionProperty('ingestionProperties', { name: pair.name, value }, true);
      if ('problem' in setting) throw new KustoConfigurationError(`${where}: ${setting.problem}.`);
      if (setting.name === 'flushImmediately') settings.flushImmediately = setting.value;
      else settings[setting.name] = setting.value;
    }
    return settings;
  }

  // The client-side timeout of a query or command: its servertimeout plus the client's margin, else the engine's.
  #inputTimeout(properties: ClientRequestProperties, command: boolean): { ms: number; name: string } {
    const server = properties.getTimeout();
    if (server !== undefined) {
      return {
        ms: server + CLIENT_SERVER_DELTA_MS,
        name: `its @servertimeout plus ${formatDuration(CLIENT_SERVER_DELTA_MS)}`,
      };
    }
    return command
      ? { ms: this.#timeouts.commandMs, name: 'the command timeout' }
      : { ms: this.#timeouts.queryMs, name: 'the query timeout' };
  }

  #queryFailed(
    where: string,
    database: string,
    connection: KustoConnection,
    parameters: readonly CompiledPair[],
    error: unknown,
    timeoutName: string,
  ): KustoBindingError {
    const { original, failure, tries } = callFailure(error);
    if (error instanceof CallTimedOut) {
      return new KustoBindingError(
        `${where}: the query on database '${database}' timed out: no answer from ${connection.engineUrl} within ${formatDuration(error.timeoutMs)} (${timeoutName}).`,
      );
    }
    let hint = '';
    if (failure.status === 400 && parameters.length > 0 && /parameter/i.test(failure.message)) {
      // Name what each parameter was declared as and bound to (not its value: parameter values are not logged).
      hint =
        ' (kqlParameters: ' +
        parameters.map((p) => `@${p.name}${p.declaredType ? ` (${p.declaredType})` : ''}`).join(', ') +
        ')';
    } else if (failure.network) {
      hint = ` (could not reach ${connection.engineUrl})`;
    }
    return new KustoBindingError(
      `${where}: the query on database '${database}' failed${tries}${failureLabel(failure)}: ${connection.scrub(failure.message)}${hint}`,
      { cause: connection.scrubError(original) },
    );
  }
}
