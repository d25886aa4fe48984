/**
 * Resolution of a binding's `connection` (the name of an app setting) into an immutable description of the cluster,
 * default database and authentication, with the identity key the client pool caches by.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { KustoConnectionStringBuilder } from 'azure-kusto-data';
import type { TokenCredential } from '@azure/identity';
import {
  isKustoEmulatorSetting,
  KUSTO_EMULATOR_SETTING,
  KustoConfigurationError,
  readSetting,
} from 'kusto-functions-bindings';
import { chooseAuth, type KustoAuth, type SettingProblem } from './auth';
import {
  foldKeyword,
  KUSTO_KEYWORDS,
  type KeywordSpec,
  type KustoKeyword,
  lookupKeyword,
  tokenizeConnectionString,
} from './connectionString';
import { createCredential } from './credentials';
import { loadKustoData } from './modules';
import { scrubError, scrubSecrets, toSecureString } from './secrets';

/** The app setting a binding reads when it names no `connection`, as in the Functions extension. */
export const DEFAULT_CONNECTION_SETTING = 'KustoConnectionString';

/** Which endpoint of a cluster a client talks to: the engine (queries, streaming ingestion) or the data management service (queued ingestion). */
export type KustoEndpoint = 'engine' | 'ingest';

/** Values of the `Query Consistency` keyword, sent as the `queryconsistency` request option. */
export type KustoQueryConsistency =
  'strongconsistency' | 'weakconsistency' | 'affinitizedweakconsistency' | 'databaseaffinitizedweakconsistency';

/**
 * A resolved Kusto connection: immutable, safe to log (its secret is held privately and appears in no property,
 * `JSON.stringify` or `util.inspect`), and the key to the client pool.
 */
export interface KustoConnection {
  /** The app setting it was read from (the binding's `connection`). */
  readonly setting: string;
  /** The Data Source as given, normalized to `scheme://host[:port]` (lower-case host, no path, no trailing slash). */
  readonly dataSource: string;
  /** The engine endpoint: the Data Source without an `ingest-` host prefix. */
  readonly engineUrl: string;
  /**
   * The data management endpoint for queued ingestion: `ingest-` put before the host, as azure-kusto-ingest and the
   * extension derive it; the Data Source itself when it already starts with `ingest-`, or when the host is
   * loopback, an IP address, `localhost` or the onebox host (an emulator serves both on one URL).
   */
  readonly ingestUrl: string;
  /**
   * Whether the Data Source is `http://` on a loopback address (the emulator): no authentication is sent, unless a
   * binding's managed identity signs in through a local identity endpoint (`IDENTITY_ENDPOINT`).
   */
  readonly loopback: boolean;
  /** The default database (`Initial Catalog` / `Database`, or the Data Source path), if any. */
  readonly database: string | undefined;
  /**
   * How it authenticates, without the secret.
   *
   * @internal
   */
  readonly auth: KustoAuth;
  /**
   * Cluster and identity, for client caching: `<engineUrl>|<auth kind>|<fingerprint>`. The fingerprint is an HMAC
   * (random per-process key) of the identity's parts, secret included, so two app keys of one app id never share a
   * client and the key reveals nothing.
   *
   * @internal
   */
  readonly identityKey: string;
  /** `Application Name for Tracing` / `User Name for Tracing`, sent in the client details headers. */
  readonly tracing: {
    /** `Application Name for Tracing`. */
    readonly applicationName?: string;
    /** `User Name for Tracing`. */
    readonly userName?: string;
  };
  /** `Query Consistency`, for the `queryconsistency` request option. */
  readonly queryConsistency: KustoQueryConsistency | undefined;
  /** The connection string with credentials and identifying values masked (`toSecureString`). */
  readonly secureConnectionString: string;
  /**
   * Creates a new credential for {@link auth} (loads @azure/identity); undefined for `none`.
   *
   * @internal
   */
  createCredential(): TokenCredential | undefined;
  /**
   * Creates a new azure-kusto-data connection string builder for an endpoint (loads azure-kusto-data). Tokens go in
   * as access tokens, other kinds as a TokenCredential: `credential` when given (share one per identity, its token
   * cache with it), else a new one. No authentication at all for `none`.
   *
   * @internal
   */
  toConnectionStringBuilder(options?: {
    endpoint?: KustoEndpoint;
    credential?: TokenCredential;
    /** Set the connection's default database on the builder (default true). */
    includeDatabase?: boolean;
  }): KustoConnectionStringBuilder;
  /** {@link scrubSecrets} with this connection's secret among the known ones. */
  scrub(text: string): string;
  /** {@link scrubError} with this connection's secret among the known ones. */
  scrubError(error: unknown): Error;
  /** `Kusto connection '<setting>' (<dataSource>, <auth kind>)`. */
  toString(): string;
}

/** Options of {@link resolveConnection}. */
export interface ResolveConnectionOptions {
  /** Where app settings are read from; defaults to `process.env` (the host fills it from local.settings.json). */
  readonly env?: NodeJS.ProcessEnv;
  /** The binding's `managedServiceIdentity`: `system`, or the client id of a user-assigned identity. */
  readonly managedServiceIdentity?: string;
}

const QUERY_CONSISTENCIES: readonly KustoQueryConsistency[] = [
  'strongconsistency',
  'weakconsistency',
  'affinitizedweakconsistency',
  'databaseaffinitizedweakconsistency',
];
const CONNECTION_STRING_EXAMPLE = '"Data Source=https://<cluster>.<region>.kusto.windows.net;Database=<database>"';
const FINGERPRINT_KEY = randomBytes(32);

/**
 * Reads the app setting a binding's `connection` names and resolves it into a {@link KustoConnection}.
 *
 * The setting is looked up as the Functions host's `GetConnectionStringOrSetting` does: first as a connection string
 * (`ConnectionStrings:<name>`, `ConnectionStrings__<name>`, `CUSTOMCONNSTR_<name>`), then as a plain setting
 * (`<name>`, with `:` also tried as `__`). Keywords are the Kusto ones, matched case-insensitively with spaces ignored.
 * Unknown keywords are rejected, as azure-kusto-data's and Kusto.Data's builders reject them, and so are keywords
 * Node cannot honour (Password, certificate thumbprint / subject / issuer), with what to use instead.
 *
 * @throws KustoConfigurationError naming the setting (never a secret) when the setting is missing or empty, is
 * `UseKustoEmulator=true` (which only the local host serves), is malformed, has no Data Source, has an unknown or
 * unsupported keyword, has incomplete credentials, or names a plain `http://` endpoint that is not loopback.
 *
 * @example
 * process.env.KustoConnectionString = 'Data Source=https://help.kusto.windows.net;Database=Samples';
 * resolveConnection('KustoConnectionString').auth.kind; // 'defaultAzureCredential'
 */
export function resolveConnection(settingName: string, options: ResolveConnectionOptions = {}): KustoConnection {
  if (typeof settingName !== 'string' || settingName.trim() === '') {
    throw new KustoConfigurationError(
      `A Kusto binding's connection must name an app setting; got ${settingName === '' ? 'an empty name' : typeof settingName}.`,
    );
  }
  const setting = settingName.trim();
  const env = options.env ?? process.env;
  const found = readSetting(setting, env);
  const where = found && found.key !== setting ? ` (read from '${found.key}')` : '';
  const fail: SettingProblem = (problem) => {
    throw new KustoConfigurationError(`Kusto connection setting '${setting}'${where} ${problem}`);
  };
  if (!found) {
    return fail(
      `is not defined. Add it to the Values of local.settings.json (or to the app settings in Azure) with a Kusto ` +
        `connection string such as ${CONNECTION_STRING_EXAMPLE}.`,
    );
  }
  if (found.value.trim() === '') {
    return fail(`is empty. Set it to a Kusto connection string such as ${CONNECTION_STRING_EXAMPLE}.`);
  }
  if (isKustoEmulatorSetting(found.value)) {
    return fail(
      `is ${KUSTO_EMULATOR_SETTING}, which only the local host (kusto-functions start) serves, with its embedded ` +
        `Kusto emulator. Elsewhere, set it to a Kusto connection string such as ${CONNECTION_STRING_EXAMPLE}.`,
    );
  }
  const values = parseKeywords(found.value, fail);
  const rawDataSource = values.get('dataSource');
  if (rawDataSource === undefined || rawDataSource === '') {
    return fail(`has no Data Source. Expected a connection string such as ${CONNECTION_STRING_EXAMPLE}.`);
  }
  const source = parseDataSource(rawDataSource, fail);
  const initialCatalog = values.get('initialCatalog');
  const database = initialCatalog !== undefined && initialCatalog !== '' ? initialCatalog : source.pathDatabase;
  const { auth, secret, identityParts } = chooseAuth(
    values,
    source.loopback,
    options.managedServiceIdentity,
    fail,
    hasIdentityEndpoint(env),
  );
  const fingerprint = createHmac('sha256', FINGERPRINT_KEY).update(JSON.stringify(identityParts)).digest('hex');
  const consistency = values.get('queryConsistency');
  let queryConsistency: KustoQueryConsistency | undefined;
  if (consistency !== undefined && consistency !== '') {
    queryConsistency = QUERY_CONSISTENCIES.find((c) => c === consistency.toLowerCase());
    if (!queryConsistency) fail(`has an unknown Query Consistency: use one of ${QUERY_CONSISTENCIES.join(', ')}.`);
  }
  const fields: ConnectionFields = {
    setting,
    dataSource: source.origin,
    engineUrl: source.engineUrl,
    ingestUrl: source.ingestUrl,
    loopback: source.loopback,
    database,
    auth: Object.freeze(auth),
    identityKey: `${source.engineUrl}|${auth.kind}|${fingerprint.slice(0, 32)}`,
    tracing: Object.freeze({
      ...(values.get('applicationNameForTracing') ? { applicationName: values.get('applicationNameForTracing') } : {}),
      ...(values.get('userNameForTracing') ? { userName: values.get('userNameForTracing') } : {}),
    }),
    queryConsistency,
    secureConnectionString: toSecureString(found.value),
  };
  return new ResolvedKustoConnection(fields, secret);
}

/**
 * Whether the App Service managed identity endpoint is set (`IDENTITY_ENDPOINT` and `IDENTITY_HEADER`), as
 * @azure/identity's ManagedIdentityCredential requires both.
 *
 * @internal
 */
export function hasIdentityEndpoint(env: NodeJS.ProcessEnv): boolean {
  return (env.IDENTITY_ENDPOINT ?? '').trim() !== '' && (env.IDENTITY_HEADER ?? '').trim() !== '';
}

function parseKeywords(text: string, fail: SettingProblem): Map<KustoKeyword, string> {
  const { pairs, problem } = tokenizeConnectionString(text);
  if (problem) fail(`is not a valid connection string: ${problem}.`);
  const values = new Map<KustoKeyword, string>();
  let previous: KeywordSpec | undefined;
  for (const pair of pairs) {
    const keyword = lookupKeyword(pair.keyword);
    if (!keyword) fail(unknownKeyword(pair.keyword, pair.position, previous));
    const known = keyword as KeywordSpec;
    if (known.support === 'unsupported') fail(`sets ${known.display}, which is not supported: ${known.hint}.`);
    if (known.bool && !/^(true|false)$/i.test(pair.value))
      fail(`sets ${known.display} to a value that is not true or false.`);
    values.set(known.name, pair.value);
    previous = known;
  }
  return values;
}

function unknownKeyword(keyword: string, position: number, previous: KeywordSpec | undefined): string {
  if (previous?.secret) {
    // Most likely the rest of a secret that contains ';': name neither it nor the secret.
    return (
      `has an unknown keyword in name=value pair ${position}, right after ${previous.display}. If the ` +
      `${previous.display} value contains ';', enclose it in double quotes.`
    );
  }
  const named = /^[A-Za-z][A-Za-z0-9 _.-]{0,39}$/.test(keyword) ? `'${keyword}'` : `in name=value pair ${position}`;
  const suggestion = nearestKeyword(keyword);
  return (
    `has an unknown keyword ${named}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}. ` +
    `Known keywords include Data Source, Initial Catalog / Database, AppClientId, AppKey, Authority Id, ` +
    `User Token, Application Token, Application Certificate PrivateKey and Fed.`
  );
}

function nearestKeyword(keyword: string): string | undefined {
  const folded = foldKeyword(keyword);
  // Short words are a small edit away from too many aliases for a suggestion to mean anything.
  if (folded.length < 4) return undefined;
  const allowed = folded.length <= 6 ? 1 : 2;
  let best: { alias: string; distance: number } | undefined;
  for (const spec of KUSTO_KEYWORDS) {
    for (const alias of spec.aliases) {
      const distance = editDistance(folded, foldKeyword(alias));
      if (distance <= allowed && (!best || distance < best.distance)) best = { alias, distance };
    }
  }
  return best?.alias;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

interface DataSource {
  origin: string;
  engineUrl: string;
  ingestUrl: string;
  loopback: boolean;
  pathDatabase: string | undefined;
}

/** localhost, 127.0.0.0/8 and ::1: the addresses azure-kusto-data also trusts without its endpoint list. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Hosts azure-kusto-ingest does not prefix with `ingest-`: IP addresses, anything with localhost, the onebox host. */
function isReservedHost(hostname: string): boolean {
  return (
    isLoopbackHost(hostname) ||
    isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 ||
    hostname.includes('localhost') ||
    hostname === 'onebox.dev.kusto.windows.net'
  );
}

const INGEST_PREFIX = 'ingest-';

function parseDataSource(raw: string, fail: SettingProblem): DataSource {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(
      'has a Data Source that is not an absolute URL: expected https://<cluster>.<region>.kusto.windows.net.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(`has a Data Source with scheme '${url.protocol}': Kusto is reached over https://.`);
  }
  if (url.username !== '' || url.password !== '') {
    fail('has a Data Source with user info (user:password@): put credentials in their keywords.');
  }
  if (url.search !== '' || url.hash !== '') fail('has a Data Source with a query string or fragment: remove it.');
  const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    fail(
      `has a plain http:// Data Source (${url.origin}) that is not a loopback address: use https://. ` +
        'http:// is accepted only on 127.0.0.1, localhost or ::1, for the emulator.',
    );
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length > 1) fail('has a Data Source whose path is more than a database name.');
  const host = url.hostname;
  const port = url.port === '' ? '' : `:${url.port}`;
  const base = (h: string): string => `${url.protocol}//${h}${port}`;
  let engineUrl = url.origin;
  let ingestUrl = url.origin;
  if (host.startsWith(INGEST_PREFIX)) {
    engineUrl = base(host.slice(INGEST_PREFIX.length));
  } else if (!isReservedHost(host)) {
    ingestUrl = base(INGEST_PREFIX + host);
  }
  return {
    origin: url.origin,
    engineUrl,
    ingestUrl,
    loopback,
    pathDatabase: segments[0] === undefined ? undefined : decodeURIComponent(segments[0]),
  };
}

/** The data of a {@link KustoConnection}: its properties without its methods, as resolution produces them. */
type ConnectionFields = {
  readonly [
    K in keyof KustoConnection as KustoConnection[K] extends (...args: never[]) => unknown ? never : K
  ]: KustoConnection[K];
};

// The fields are declared once, in KustoConnection: this base assigns whatever resolution produced.
const WithConnectionFields = class {
  constructor(fields: ConnectionFields) {
    Object.assign(this, fields);
  }
} as new (fields: ConnectionFields) => ConnectionFields;

class ResolvedKustoConnection extends WithConnectionFields implements KustoConnection {
  // An ES private field: invisible to JSON.stringify, util.inspect, Object.keys and structured clone.
  readonly #secret: string | undefined;

  constructor(fields: ConnectionFields, secret: string | undefined) {
    super(fields);
    this.#secret = secret;
    Object.freeze(this);
  }

  createCredential(): TokenCredential | undefined {
    // A managed identity on the loopback emulator was chosen because the app settings name an identity endpoint;
    // ManagedIdentityCredential reads process.env only, and without the endpoint there it would probe IMDS.
    if (this.loopback && this.auth.kind !== 'none' && !hasIdentityEndpoint(process.env)) {
      throw new KustoConfigurationError(
        `Kusto connection setting '${this.setting}': the binding's managed identity signs in through ` +
          'IDENTITY_ENDPOINT, which the app settings give but the process environment does not ' +
          '(@azure/identity reads process.env): set IDENTITY_ENDPOINT and IDENTITY_HEADER in process.env.',
      );
    }
    try {
      return createCredential(this.auth, this.#secret);
    } catch (error) {
      throw new KustoConfigurationError(
        `Kusto connection setting '${this.setting}': could not create the ${this.auth.kind} credential: ` +
          `${this.scrub(error instanceof Error ? error.message : String(error))}`,
        { cause: this.scrubError(error) },
      );
    }
  }

  toConnectionStringBuilder(
    options: { endpoint?: KustoEndpoint; credential?: TokenCredential; includeDatabase?: boolean } = {},
  ): KustoConnectionStringBuilder {
    const { KustoConnectionStringBuilder: Builder } = loadKustoData();
    const dataSource = `Data Source=${options.endpoint === 'ingest' ? this.ingestUrl : this.engineUrl}`;
    let kcsb: KustoConnectionStringBuilder;
    switch (this.auth.kind) {
      case 'none':
        // No credential on the builder: azure-kusto-data then sends no Authorization header at all.
        kcsb = new Builder(dataSource);
        break;
      case 'userToken':
      case 'appToken':
        // As an access token, not a TokenCredential: no cloud metadata round trip to pick a scope it cannot change.
        kcsb = Builder.withAccessToken(dataSource, this.#secret as string);
        break;
      default:
        kcsb = Builder.withTokenCredential(
          dataSource,
          options.credential ?? (this.createCredential() as TokenCredential),
        );
    }
    if ((options.includeDatabase ?? true) && this.database !== undefined) kcsb.initialCatalog = this.database;
    return kcsb;
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.#secret === undefined ? [] : [this.#secret]);
  }

  scrubError(error: unknown): Error {
    return scrubError(error, this.#secret === undefined ? [] : [this.#secret]);
  }

  override toString(): string {
    return `Kusto connection '${this.setting}' (${this.dataSource}, ${this.auth.kind})`;
  }
}
