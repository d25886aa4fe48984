/**
 * Kusto connection string syntax: the keyword table (names, aliases, which values are secret) and a tokenizer.
 *
 * azure-kusto-data's own KustoConnectionStringBuilder splits on every `;` and `=`, so it truncates values that
 * contain `=` (base64 keys), fails on a trailing `;`, has no quoting, and knows neither `User Token` nor
 * `Application Token`. This tokenizer follows the ADO.NET rules the Kusto docs describe instead.
 */

/** Canonical name of every keyword this SDK recognises in a Kusto connection string. */
export type KustoKeyword =
  | 'dataSource'
  | 'initialCatalog'
  | 'federated'
  | 'userId'
  | 'password'
  | 'userToken'
  | 'applicationClientId'
  | 'applicationKey'
  | 'applicationToken'
  | 'authorityId'
  | 'applicationCertificatePrivateKey'
  | 'applicationCertificateSendX5c'
  | 'applicationCertificateThumbprint'
  | 'applicationCertificateSubject'
  | 'applicationCertificateIssuer'
  | 'applicationNameForTracing'
  | 'userNameForTracing'
  | 'clientVersionForTracing'
  | 'queryConsistency'
  | 'enforceMfa'
  | 'azureRegion'
  | 'accept'
  | 'streaming'
  | 'uncompressed'
  | 'namespace';

/** How the SDK treats a keyword: `used` for authentication or routing, `ignored` (accepted, no effect in Node), `unsupported` (rejected with {@link KeywordSpec.hint}). */
export type KeywordSupport = 'used' | 'ignored' | 'unsupported';

/** One keyword of the table: its documented name, aliases, value type and how secret its value is. */
export interface KeywordSpec {
  /** Canonical name. */
  readonly name: KustoKeyword;
  /** The name the Kusto docs give it, used in messages. */
  readonly display: string;
  /** Every accepted spelling, the display name included (matched case-insensitively, whitespace ignored). */
  readonly aliases: readonly string[];
  /** Whether the value is a boolean (`true` / `false`). */
  readonly bool: boolean;
  /** Whether the value is a credential: never shown, hashed into the identity key, scrubbed from any text. */
  readonly secret: boolean;
  /** Whether {@link toSecureString} masks the value (credentials, and identifying values such as user or tenant). */
  readonly masked: boolean;
  /** How the SDK treats the keyword. */
  readonly support: KeywordSupport;
  /** For an unsupported keyword: what to use instead. */
  readonly hint?: string;
}

const CERTIFICATE_STORE_HINT =
  'Node.js has no certificate store to look a certificate up in: put the PEM text (private key and certificate) ' +
  "in 'Application Certificate PrivateKey' instead";

function spec(
  name: KustoKeyword,
  aliases: string[],
  options: Partial<Pick<KeywordSpec, 'bool' | 'secret' | 'masked' | 'support' | 'hint'>> = {},
): KeywordSpec {
  const secret = options.secret ?? false;
  return Object.freeze({
    name,
    display: aliases[0],
    aliases: Object.freeze(aliases),
    bool: options.bool ?? false,
    secret,
    masked: options.masked ?? secret,
    support: options.support ?? 'used',
    hint: options.hint,
  });
}

/**
 * Every keyword of a Kusto connection string: the aliases of the Kusto docs, of the .NET and Node builders, and the
 * programmatic (space-less) names the Functions extension's ToSecureString lists.
 */
export const KUSTO_KEYWORDS: readonly KeywordSpec[] = Object.freeze([
  spec('dataSource', ['Data Source', 'Addr', 'Address', 'Network Address', 'Server']),
  spec('initialCatalog', ['Initial Catalog', 'Database']),
  spec('federated', ['AAD Federated Security', 'Federated Security', 'Federated', 'Fed', 'AADFed'], { bool: true }),
  spec('userId', ['User ID', 'UID', 'User', 'AAD User ID'], { masked: true, support: 'ignored' }),
  spec('password', ['Password', 'Pwd'], {
    secret: true,
    support: 'unsupported',
    hint:
      'user name and password sign-in is not supported (Microsoft Entra ID requires multifactor sign-in for users): ' +
      "use AppClientId + AppKey + Authority Id, a certificate, a token, or the binding's managedServiceIdentity option",
  }),
  spec('userToken', ['User Token', 'UsrToken', 'UserToken'], { secret: true }),
  spec('applicationClientId', ['Application Client Id', 'AppClientId'], { masked: true }),
  spec('applicationKey', ['Application Key', 'AppKey'], { secret: true }),
  spec('applicationToken', ['Application Token', 'AppToken'], { secret: true }),
  spec('authorityId', ['Authority Id', 'Authority', 'TenantId', 'Tenant', 'TID'], { masked: true }),
  spec(
    'applicationCertificatePrivateKey',
    ['Application Certificate PrivateKey', 'Application Certificate Private Key'],
    {
      secret: true,
    },
  ),
  spec(
    'applicationCertificateSendX5c',
    [
      'Application Certificate SendX5c',
      'Application Certificate x5c',
      'Application Certificate Send Public Certificate',
      'SendX5c',
    ],
    { bool: true, masked: true },
  ),
  spec('applicationCertificateThumbprint', ['Application Certificate Thumbprint', 'AppCert'], {
    masked: true,
    support: 'unsupported',
    hint: CERTIFICATE_STORE_HINT,
  }),
  spec(
    'applicationCertificateSubject',
    ['Application Certificate Subject Distinguished Name', 'Application Certificate Subject'],
    { masked: true, support: 'unsupported', hint: CERTIFICATE_STORE_HINT },
  ),
  spec(
    'applicationCertificateIssuer',
    ['Application Certificate Issuer Distinguished Name', 'Application Certificate Issuer'],
    { masked: true, support: 'unsupported', hint: CERTIFICATE_STORE_HINT },
  ),
  spec('applicationNameForTracing', ['Application Name for Tracing', 'TraceAppName']),
  spec('userNameForTracing', ['User Name for Tracing', 'TraceUserName'], { masked: true }),
  spec('clientVersionForTracing', ['Client Version for Tracing', 'TraceClientVersion'], { support: 'ignored' }),
  spec('queryConsistency', ['Query Consistency']),
  spec('enforceMfa', ['Enforce MFA', 'MFA'], { bool: true, support: 'ignored' }),
  spec('azureRegion', ['Azure Region', 'Region'], { support: 'ignored' }),
  spec('accept', ['Accept'], { bool: true, support: 'ignored' }),
  spec('streaming', ['Streaming'], { bool: true, support: 'ignored' }),
  spec('uncompressed', ['Uncompressed'], { bool: true, support: 'ignored' }),
  spec('namespace', ['Namespace', 'NS'], { support: 'ignored' }),
]);

/** Folds a keyword for lookup: case-insensitive, whitespace ignored (`Data Source` = `DataSource` = `datasource`). */
export function foldKeyword(keyword: string): string {
  return keyword.replace(/\s+/g, '').toLowerCase();
}

const BY_FOLDED = new Map<string, KeywordSpec>(
  KUSTO_KEYWORDS.flatMap((k) => k.aliases.map((alias) => [foldKeyword(alias), k] as const)),
);

/** The keyword spec a spelling names, or undefined for an unknown keyword. */
export function lookupKeyword(keyword: string): KeywordSpec | undefined {
  return BY_FOLDED.get(foldKeyword(keyword));
}

/** One `name=value` pair as written (keyword spelling kept, value unquoted). */
export interface ConnectionStringPair {
  /** The keyword as written, trimmed. `Data Source` for a leading URI. */
  readonly keyword: string;
  /** The value, unquoted and trimmed (quoted values keep their inner spaces). */
  readonly value: string;
  /** 1-based position of the pair in the string, for messages that must not echo text. */
  readonly position: number;
  /** Whether the pair is the leading URI form (`https://cluster/Database; Fed=true`). */
  readonly fromUri: boolean;
}

/** What {@link tokenizeConnectionString} found: the pairs it could read, and a problem if it stopped early. */
export interface TokenizedConnectionString {
  /** Pairs read, in order. */
  readonly pairs: readonly ConnectionStringPair[];
  /** Why reading stopped before the end; worded without quoting any text of the string. */
  readonly problem?: string;
  /** Index in the string where reading stopped (the unread rest may hold secrets). */
  readonly stoppedAt?: number;
}

const URI_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Splits a connection string into `name=value` pairs by the ADO.NET rules of the Kusto docs: pairs separated by `;`,
 * names case-insensitive, whitespace around names and values ignored, a value that contains `;`, `'` or `"` enclosed
 * in double (or single) quotes with the quote doubled inside, an optional leading URI (the Data Source). Values may
 * contain `=`. Never throws: a malformed rest is reported in `problem`.
 */
export function tokenizeConnectionString(text: string): TokenizedConnectionString {
  const pairs: ConnectionStringPair[] = [];
  let i = 0;
  const n = text.length;
  const skipSpaces = (): void => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  const stop = (problem: string, at: number): TokenizedConnectionString => ({ pairs, problem, stoppedAt: at });

  skipSpaces();
  if (URI_PREFIX.test(text.slice(i))) {
    const end = text.indexOf(';', i);
    const value = text.slice(i, end < 0 ? n : end).trim();
    pairs.push({ keyword: 'Data Source', value, position: 1, fromUri: true });
    i = end < 0 ? n : end + 1;
  }
  while (i < n) {
    skipSpaces();
    if (i >= n) break;
    if (text[i] === ';') {
      i++;
      continue;
    }
    const position = pairs.length + 1;
    const start = i;
    while (i < n && text[i] !== '=' && text[i] !== ';') i++;
    if (i >= n || text[i] === ';') return stop(`name=value pair ${position} has no '='`, start);
    const keyword = text.slice(start, i).trim();
    if (keyword === '') return stop(`name=value pair ${position} has no name before '='`, start);
    i++;
    skipSpaces();
    const quote = text[i];
    let value: string;
    if (quote === '"' || quote === "'") {
      i++;
      let out = '';
      for (;;) {
        if (i >= n) return stop(`the value of ${describePair(keyword, position)} has no closing quote`, start);
        if (text[i] === quote) {
          if (text[i + 1] === quote) {
            out += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += text[i++];
      }
      skipSpaces();
      if (i < n && text[i] !== ';') {
        return stop(`the quoted value of ${describePair(keyword, position)} is followed by more text`, start);
      }
      value = out;
    } else {
      const end = text.indexOf(';', i);
      value = text.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    pairs.push({ keyword, value, position, fromUri: false });
  }
  return { pairs };
}

/**
 * Names a pair in a message: its documented keyword when known, else only its position, since an unknown "keyword"
 * may be a fragment of a secret that held an unquoted `;`.
 */
export function describePair(keyword: string, position: number): string {
  const known = lookupKeyword(keyword);
  return known ? known.display : `name=value pair ${position}`;
}

/** Writes one value back in connection-string syntax, quoting it when it holds `;`, a quote or outer spaces. */
export function quoteConnectionStringValue(value: string): string {
  if (!/[;'"]/.test(value) && value.trim() === value) return value;
  return `"${value.replace(/"/g, '""')}"`;
}
