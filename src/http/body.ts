/** A request body read within its limit: the parsed JSON object, or why it was refused. */
export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * Reads a request body of at most `maxBytes` and parses it as a JSON object. An empty body is
 * `{}`. The stream is cancelled as soon as it passes the limit, so a huge body is never buffered.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return tooLarge(maxBytes);
  const text = await readText(request, maxBytes);
  if (text === undefined) return tooLarge(maxBytes);
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'the body must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

async function readText(request: Request, maxBytes: number): Promise<string | undefined> {
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, message: `the body is larger than ${maxBytes} bytes` };
}
