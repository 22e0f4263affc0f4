/**
 * Runs examples/08-reflect-with-an-llm.ts as a user would, in its own process, against a local
 * server that speaks the OpenAI chat-completions wire format: the documented real-provider
 * snippet works end to end, and without a provider it says what to set.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/openai-server.js';

function runExample(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/08-reflect-with-an-llm.ts'], {
      env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('the LLM reflection example', () => {
  it('says what to set when no provider is given, and exits cleanly', async () => {
    const { code, stdout } = await runExample({});
    expect(code).toBe(0);
    expect(stdout).toContain('Set LLM_BASE_URL and LLM_MODEL');
  });

  it('repairs the event through an OpenAI-compatible server, sending no secret', async () => {
    server = await startFakeOpenAIServer();
    server.script.push({
      content: JSON.stringify({
        args: { title: 'Design review', date: '2026-01-19', durationMinutes: 30, apiToken: '[REDACTED]' },
        reason: 'ISO date and whole minutes',
      }),
    });
    const { code, stdout } = await runExample({ LLM_BASE_URL: server.baseURL, LLM_API_KEY: server.apiKey, LLM_MODEL: 'gpt-test' });
    expect(code).toBe(0);
    expect(stdout).toContain('status: ok');
    expect(stdout).toContain('"date":"2026-01-19"');
    expect(server.requests).toHaveLength(1);
    expect(server.invalid).toEqual([]);
    expect(JSON.stringify(server.requests[0]!.body)).not.toContain('tok_live_do_not_send');
  }, 30_000);
});
