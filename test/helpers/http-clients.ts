/**
 * Two JSON GET clients, as users write them: one over the global `fetch`, one over `node:http`.
 * Both throw an Error carrying the response's `status` and `headers` on a non-2xx answer (what
 * the classifier reads), pass socket errors through untouched, and honour the attempt's signal.
 */
import { Agent, get } from 'node:http';

export type GetJson = (url: string, signal: AbortSignal) => Promise<unknown>;

function httpError(status: number, headers: unknown, body: string): Error {
  return Object.assign(new Error(`HTTP ${status}: ${body.slice(0, 200)}`), { status, headers });
}

/** GET over the global `fetch` (undici): keep-alive connections, `Headers` objects. */
export const viaFetch: GetJson = async (url, signal) => {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body = await res.text();
  if (!res.ok) throw httpError(res.status, res.headers, body);
  return JSON.parse(body);
};

/**
 * GET over `node:http` with a keep-alive agent: headers as a plain object, errors with a `code`
 * (`ECONNREFUSED`, `ECONNRESET`). The agent is shared; {@link closeNodeHttpAgent} ends its sockets.
 */
const agent = new Agent({ keepAlive: true });

export const viaNodeHttp: GetJson = (url, signal) => new Promise((resolve, reject) => {
  const req = get(url, { agent, signal, headers: { accept: 'application/json' } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => { body += chunk; });
    // A connection reset mid-body surfaces here as an 'aborted' error with code ECONNRESET.
    res.on('error', reject);
    res.on('end', () => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) return reject(httpError(status, res.headers, body));
      try {
        resolve(JSON.parse(body));
      } catch (error) {
        reject(error);
      }
    });
  });
  req.on('error', reject);
});

export function closeNodeHttpAgent(): void {
  agent.destroy();
}

export const clients: ReadonlyArray<readonly [string, GetJson]> = [['fetch', viaFetch], ['node:http', viaNodeHttp]];
