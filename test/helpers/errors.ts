/** An error as an HTTP client would throw it: with `status` and, optionally, response headers. */
export function httpError(status: number, headers?: Record<string, string>, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status, ...(headers ? { headers } : {}) });
}

/** A connection-level error as Node raises it. */
export function networkError(code = 'ECONNRESET'): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

/** A function that throws the given errors in turn, then returns `value`; counts its calls. */
export function failing<T>(errors: unknown[], value: T) {
  const calls: unknown[] = [];
  const fn = async (args: unknown) => {
    calls.push(args);
    if (calls.length <= errors.length) throw errors[calls.length - 1];
    return value;
  };
  return Object.assign(fn, { calls });
}
