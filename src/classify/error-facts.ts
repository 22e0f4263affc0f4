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
  /**
   * `code` itself, whatever its type: gRPC's and MongoDB's codes are numbers, which `code` above
   * leaves out. Read once here so the families' discriminators need not read it again.
   */
  ownCode: unknown;
  /** The error's class name (`constructor.name`), `''` when unreadable: `APIError`, `DatabaseError`. */
  className: string;
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

/** The error's class name; `''` when unreadable. Never throws. */
export function classNameOf(error: unknown): string {
  try {
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

/** Reads the facts of a thrown value. Never throws. */
export function readErrorFacts(error: unknown): ErrorFacts {
  if (typeof error === 'string') {
    return { status: undefined, code: undefined, ownCode: undefined, className: classNameOf(error), name: '', message: error, headers: undefined };
  }
  const response = read(error, 'response');
  const ownCode = read(error, 'code');
  return {
    status: asStatus(read(error, 'status')) ?? asStatus(read(error, 'statusCode')) ?? asStatus(read(response, 'status')) ??
      asStatus(read(response, 'statusCode')) ?? asStatus(read(read(error, '$metadata'), 'httpStatusCode')),
    code: asText(ownCode) ?? asText(read(read(error, 'cause'), 'code')),
    ownCode,
    className: classNameOf(error),
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

/** Whether a value can carry fields (an object or a function, not `null`). */
export function isObjectLike(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** Reads a property without ever throwing (for getters that throw and proxies). */
export { read as readProperty };
