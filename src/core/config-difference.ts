/**
 * How a config asked for differs from the one a named thing already has (a breaker, or the state
 * of a per-call option kept by name), as "field (it has X, asked for Y)" phrases, or `undefined`
 * when they agree. Plain data compares by value. A function compares by identity, else by its
 * source text: a config written in the call makes a new arrow function each time, and refusing
 * every such call would make inline configs unusable.
 */
export function configDifference(had: unknown, asked: unknown): string | undefined {
  const found: string[] = [];
  collect(had, asked, '', found);
  return found.length === 0 ? undefined : found.join(', ');
}

function collect(had: unknown, asked: unknown, path: string, found: string[]): void {
  if (had === asked) return;
  if (typeof had === 'function' && typeof asked === 'function') {
    if (String(had) !== String(asked)) found.push(`${path || 'the function'} (another function)`);
    return;
  }
  if (isPlain(had) && isPlain(asked)) {
    const keys = new Set([...Object.keys(had), ...Object.keys(asked)]);
    for (const key of keys) collect(had[key], asked[key], path === '' ? key : `${path}.${key}`, found);
    return;
  }
  if (Array.isArray(had) && Array.isArray(asked) && had.length === asked.length) {
    had.forEach((item, index) => collect(item, asked[index], `${path}.${index}`, found));
    return;
  }
  if (Number.isNaN(had) && Number.isNaN(asked)) return;
  found.push(`${path || 'the config'} (it has ${show(had)}, asked for ${show(asked)})`);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'none';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
