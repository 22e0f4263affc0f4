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

/** The fields of a thrown value that {@link readErrorFacts} reads. */
interface ErrorFields {
  response?: unknown; code?: unknown; status?: unknown; statusCode?: unknown; $metadata?: unknown; cause?: unknown;
  name?: unknown; message?: unknown; headers?: unknown; responseHeaders?: unknown; httpStatusCode?: unknown;
}

/** `value` when it can carry fields, else `undefined` (what `read` makes of a primitive). */
function fieldsOf(value: unknown): ErrorFields | undefined {
  return isObjectLike(value) ? value as ErrorFields : undefined;
}

/**
 * Reads the facts of a thrown value. Never throws. It runs for every error classified, so each
 * field is a direct read at its own site (a shared `read(target, key)` costs several times
 * more), each in its own `try`: a getter that throws spoils only its own field, as with `read`.
 */
export function readErrorFacts(error: unknown): ErrorFacts {
  const e = fieldsOf(error);
  if (e === undefined) {
    return { status: undefined, code: undefined, ownCode: undefined, className: classNameOf(error), name: '',
      message: typeof error === 'string' ? error : '', headers: undefined };
  }
  let response, ownCode, status, name, message, headers;
  try { response = fieldsOf(e.response); } catch { response = undefined; }
  try { ownCode = e.code; } catch { ownCode = undefined; }
  try { status = asStatus(e.status); } catch { status = undefined; }
  if (status === undefined) try { status = asStatus(e.statusCode); } catch { status = undefined; }
  if (status === undefined && response !== undefined) try { status = asStatus(response.status); } catch { status = undefined; }
  if (status === undefined && response !== undefined) try { status = asStatus(response.statusCode); } catch { status = undefined; }
  if (status === undefined) try { status = asStatus(fieldsOf(e.$metadata)?.httpStatusCode); } catch { status = undefined; }
  let code = asText(ownCode);
  if (code === undefined) try { code = asText(fieldsOf(e.cause)?.code); } catch { code = undefined; }
  try { name = asText(e.name) ?? ''; } catch { name = ''; }
  try { message = asText(e.message) ?? ''; } catch { message = ''; }
  try { headers = e.headers; } catch { headers = undefined; }
  // `== null`, as the `??` these reads replace: a null `headers` falls through too.
  if (headers == null && response !== undefined) try { headers = response.headers; } catch { headers = undefined; }
  if (headers == null) try { headers = e.responseHeaders; } catch { headers = undefined; }
  return { status, code, ownCode, className: classNameOf(error), name, message, headers };
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
