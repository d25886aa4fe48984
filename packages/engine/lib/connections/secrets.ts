/**
 * Scrubbing of connection strings, tokens and keys before any text reaches an error message or a log.
 *
 * The Functions extension's ToSecureString masks AppKey, User ID, tokens, Authority and AppClientId; it misses
 * Password and the certificate settings. Here every value that is not known to be harmless is masked.
 */
import {
  KUSTO_KEYWORDS,
  lookupKeyword,
  quoteConnectionStringValue,
  tokenizeConnectionString,
} from './connectionString';

/** What a masked value is replaced with. */
export const SECRET_MASK = '****';

/**
 * A connection string made safe to log: the values of credentials (AppKey, Password, User Token, Application Token,
 * Application Certificate PrivateKey), of identifying keywords (User ID, AppClientId, Authority Id / TenantId, every
 * `Application Certificate …` keyword, User Name for Tracing) and of unknown keywords become `****`; user info and
 * signatures in the Data Source URL are masked too. Keywords keep their spelling; a malformed rest is dropped.
 *
 * @example
 * toSecureString('Data Source=https://c.kusto.windows.net;AppClientId=id;AppKey=k;Authority Id=t')
 * // 'Data Source=https://c.kusto.windows.net;AppClientId=****;AppKey=****;Authority Id=****'
 */
export function toSecureString(connectionString: string | undefined | null): string {
  if (typeof connectionString !== 'string' || connectionString.trim() === '') return '';
  const { pairs, problem } = tokenizeConnectionString(connectionString);
  const parts = pairs.map((pair) => {
    const keyword = lookupKeyword(pair.keyword);
    if (keyword?.name === 'dataSource') {
      const url = scrubUrl(pair.value);
      return pair.fromUri ? url : `${pair.keyword}=${quoteConnectionStringValue(url)}`;
    }
    const value = !keyword || keyword.masked ? SECRET_MASK : quoteConnectionStringValue(scrubSecrets(pair.value));
    return `${pair.keyword}=${value}`;
  });
  // The unread rest of a malformed string may be a secret that held an unquoted ';': never echo it.
  if (problem) parts.push(SECRET_MASK);
  return parts.join(';');
}

function scrubUrl(value: string): string {
  return scrubSecrets(value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, `$1${SECRET_MASK}@`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `AppKey=…`, `Application Key = "…"`, `Password=…` inside arbitrary text (an error that quotes a connection string).
const SECRET_KEYWORD_VALUE = new RegExp(
  `(?<![A-Za-z])(${KUSTO_KEYWORDS.filter((k) => k.secret)
    .flatMap((k) => k.aliases)
    .map((alias) => alias.split(/\s+/).map(escapeRegExp).join('\\s*'))
    .join('|')})(\\s*=\\s*)("(?:[^"]|"")*"|'(?:[^']|'')*'|[^;\\s"']+)`,
  'gi',
);
// Query-string and form parameters that carry secrets: SAS signatures, storage keys, OAuth secrets and tokens.
const SECRET_PARAMETER =
  /(?<![A-Za-z0-9_])(sig|AccountKey|SharedAccessKey|SharedAccessSignature|client_secret|client_assertion|access_token|refresh_token|id_token|code_verifier)=([^&;\s"'<>,]+)/gi;
// At least 16 characters, so that prose such as "Bearer of bad news" is left alone.
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{16,}=*/gi;
// A JWT: base64url header and payload, both JSON objects (so both start with `eyJ`), and an optional signature.
const JWT = /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

function replaceAll(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join(SECRET_MASK);
}

/**
 * Masks secrets in arbitrary text, typically the message or stack of an error from the Kusto or identity clients:
 * every known secret value (also URL-encoded or JSON-escaped), bearer tokens, JWT-looking strings, PEM private keys,
 * `sig=` SAS signatures, storage account keys, OAuth secrets and tokens in form or query parameters, and credential
 * keywords of connection strings (`AppKey=…`, `Password=…`, `User Token=…`, …).
 *
 * @param knownSecrets exact values to mask wherever they occur (for example a connection's AppKey).
 */
export function scrubSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text.replace(PEM_PRIVATE_KEY, SECRET_MASK);
  const variants = new Set<string>();
  for (const secret of knownSecrets) {
    if (typeof secret !== 'string' || secret === '') continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...variants].sort((a, b) => b.length - a.length)) out = replaceAll(out, secret);
  return out
    .replace(SECRET_KEYWORD_VALUE, `$1$2${SECRET_MASK}`)
    .replace(SECRET_PARAMETER, `$1=${SECRET_MASK}`)
    .replace(BEARER, `$1 ${SECRET_MASK}`)
    .replace(JWT, SECRET_MASK);
}

const MAX_CAUSE_DEPTH = 5;

/**
 * A copy of an error that is safe to show or log: name, message, stack and `code` kept, with {@link scrubSecrets}
 * applied, and its `cause` chain (up to five deep) copied the same way. Other properties (request configs, headers)
 * are dropped. Classify the original error (status, `@permanent`); log or rethrow the copy.
 */
export function scrubError(error: unknown, knownSecrets: readonly string[] = []): Error {
  const copy = (value: unknown, depth: number): Error => {
    if (!(value instanceof Error)) {
      return new Error(scrubSecrets(typeof value === 'string' ? value : describeNonError(value), knownSecrets));
    }
    const cause = (value as { cause?: unknown }).cause;
    const scrubbed = new Error(
      scrubSecrets(value.message, knownSecrets),
      cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: copy(cause, depth + 1) } : undefined,
    );
    scrubbed.name = value.name;
    scrubbed.stack = value.stack === undefined ? undefined : scrubSecrets(value.stack, knownSecrets);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') (scrubbed as Error & { code?: unknown }).code = code;
    return scrubbed;
  };
  return copy(error, 0);
}

function describeNonError(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const message = (value as { message?: unknown }).message;
  return typeof message === 'string' ? message : Object.prototype.toString.call(value);
}
