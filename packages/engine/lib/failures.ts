/**
 * What a failed Kusto request tells: the HTTP status, Kusto's error code and message, whether the service marked it
 * permanent, and from that whether trying again can help. Read from the original error (an axios error from
 * azure-kusto-data, its ThrottlingError wrapper, or a network error), before anything is scrubbed.
 */

/** A failed request, classified. */
export interface KustoFailure {
  /** HTTP status, when the service answered. */
  readonly status?: number;
  /** Kusto's error code (`General_BadRequest`, …) or the network error code (`ECONNREFUSED`, …). */
  readonly code?: string;
  /** Kusto's error type (`Kusto.Data.Exceptions.SyntaxException`, …), when given. */
  readonly type?: string;
  /** The most specific message: Kusto's `@message`, else the error's own. Not yet scrubbed. */
  readonly message: string;
  /** Whether no answer came back (refused, reset, timed out, DNS). */
  readonly network: boolean;
  /** Whether trying the same request again can succeed. */
  readonly transient: boolean;
  /** Milliseconds the service asked to wait (`Retry-After`), when it did. */
  readonly retryAfterMs?: number;
}

// No answer, or the connection broke: the request may be tried again. ENOTFOUND (a misspelled cluster) is not here.
const TRANSIENT_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const NETWORK = new Set([...TRANSIENT_NETWORK, 'ENOTFOUND', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

interface AxiosLike {
  code?: unknown;
  message?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
  inner?: unknown;
  cause?: unknown;
}

interface OneApiError {
  code?: unknown;
  message?: unknown;
  '@message'?: unknown;
  '@type'?: unknown;
  '@permanent'?: unknown;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function oneApiError(data: unknown): OneApiError | undefined {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  return error !== null && typeof error === 'object' ? (error as OneApiError) : undefined;
}

function retryAfter(headers: Record<string, unknown> | undefined): number | undefined {
  const value = headers?.['retry-after'];
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(String(value));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Classifies a failed Kusto request. */
export function classifyFailure(error: unknown): KustoFailure {
  // azure-kusto-data wraps 429 in a ThrottlingError whose `inner` is the axios error.
  let e = error as AxiosLike | undefined;
  if (e && typeof e === 'object' && e.inner && typeof e.inner === 'object') e = e.inner as AxiosLike;
  if (!e || typeof e !== 'object') {
    return { message: String(error), network: false, transient: false };
  }
  const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
  if (status !== undefined) {
    const body = oneApiError(e.response?.data);
    const permanent = body?.['@permanent'];
    const transient =
      status === 429 ||
      (permanent === true ? false : permanent === false ? status >= 500 : TRANSIENT_STATUS.has(status));
    return {
      status,
      code: str(body?.code),
      type: str(body?.['@type']),
      message: str(body?.['@message']) ?? str(body?.message) ?? str(e.message) ?? `HTTP ${status}`,
      network: false,
      transient,
      retryAfterMs: retryAfter(e.response?.headers),
    };
  }
  const message = str(e.message) ?? String(error);
  if ((error as { name?: unknown }).name === 'KustoAuthenticationError') {
    return {
      code: 'AuthenticationFailed',
      message: `authentication failed: ${message}`,
      network: false,
      transient: false,
    };
  }
  // A network error: axios puts the system error's code on itself, undici-style errors on their cause, and
  // azure-kusto-data's cloud metadata lookup only into its message ("Failed to get cloud info … ECONNREFUSED").
  const cause = e.cause as AxiosLike | undefined;
  const code =
    str(e.code) ??
    (cause && typeof cause === 'object' ? str(cause.code) : undefined) ??
    [...NETWORK].find((c) => message.includes(c));
  // azure-kusto-ingest rethrows what its resource manager met as a plain Error whose text holds the HTTP status
  // ("Failed to fetch ingestion resources from service.  Request failed with status code 503.") and a stack.
  const firstLine = message.split('\n', 1)[0].trim();
  const wrappedStatus = /status code (\d{3})/.exec(message)?.[1];
  if (wrappedStatus !== undefined) {
    const status = Number(wrappedStatus);
    return { status, code, message: firstLine, network: false, transient: TRANSIENT_STATUS.has(status) };
  }
  const network =
    (code !== undefined && NETWORK.has(code)) || /socket hang up|timeout of \d+ms exceeded/i.test(message);
  // Storage uploads and queue posts were tried on every account the service gave before these are thrown.
  const storage = /^Failed to (upload to blob|send message to queue)|was throttled \d+ times/.test(firstLine);
  return {
    code,
    message: firstLine,
    network,
    transient: storage || (code !== undefined && TRANSIENT_NETWORK.has(code)) || /socket hang up/i.test(message),
  };
}

/** ` (HTTP 429 LimitsExceeded)`, ` (ECONNREFUSED)`, or nothing when neither is known: a label for messages. */
export function failureLabel(failure: KustoFailure): string {
  if (failure.status !== undefined) return ` (HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''})`;
  return failure.code === undefined ? '' : ` (${failure.code})`;
}

/**
 * Whether a streaming ingestion failed only because the table or cluster does not take streaming ingestion: managed
 * ingestion then goes queued, as the official managed client does.
 */
export function isStreamingNotEnabled(failure: KustoFailure): boolean {
  const text = `${failure.code ?? ''} ${failure.type ?? ''} ${failure.message}`;
  return /StreamingIngestion(Policy)?NotEnabled|StreamingIngestionDisabled|streaming ingestion (policy )?is not enabled/i.test(
    text,
  );
}
