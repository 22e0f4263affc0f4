/**
 * The parts of a thrown value that classification looks at, read once and defensively: a thrown
 * value can be anything (a string, `null`, an object whose getters throw), and reading it must
 * never throw in turn.
 */
export interface ErrorFacts {
  /**
   * HTTP status from `status`, `statusCode`, `response.status`, `response.statusCode` (got) or
   * `$metadata.httpStatusCode` (AWS SDK v3).
   */
  status: number | undefined;
  /** System or library code from `code`, or from `cause.code` (fetch puts it there). */
  code: string | undefined;
  name: string;
  message: string;
  /**
   * Response headers from `headers`, `response.headers` or `responseHeaders` (the Vercel AI SDK),
   * a plain object or a `Headers`.
   */
  headers: unknown;
}

function read(target: unknown, key: string): unknown {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function asStatus(value: unknown): number | undefined {
  const status = typeof value === 'string' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined;
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads the facts of a thrown value. Never throws. */
export function readErrorFacts(error: unknown): ErrorFacts {
  if (typeof error === 'string') {
    return { status: undefined, code: undefined, name: '', message: error, headers: undefined };
  }
  const response = read(error, 'response');
  return {
    status: asStatus(read(error, 'status')) ?? asStatus(read(error, 'statusCode')) ?? asStatus(read(response, 'status')) ??
      asStatus(read(response, 'statusCode')) ?? asStatus(read(read(error, '$metadata'), 'httpStatusCode')),
    code: asText(read(error, 'code')) ?? asText(read(read(error, 'cause'), 'code')),
    name: asText(read(error, 'name')) ?? '',
    message: asText(read(error, 'message')) ?? '',
    headers: read(error, 'headers') ?? read(response, 'headers') ?? read(error, 'responseHeaders'),
  };
}

/**
 * The error this one wraps: its `cause`, or the Vercel AI SDK's `RetryError.lastError` (which
 * sets no cause). `undefined` when there is none. Never throws.
 */
export function innerError(error: unknown): unknown {
  return read(error, 'cause') ?? read(error, 'lastError');
}

/** Reads a property without ever throwing (for getters that throw and proxies). */
export { read as readProperty };
