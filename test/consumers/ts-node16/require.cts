// CJS under moduleResolution node16: this import compiles to require('self-healing'), so the
// types must come from dist/index.d.cts (the "require" condition) and match dist/index.cjs.
import assert = require('node:assert/strict');
import { executeWithHealing, type HealingResult } from 'self-healing';

async function main(): Promise<void> {
  let calls = 0;
  const result: HealingResult<number> = await executeWithHealing(async (n: number) => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return n * 2;
  }, 21, { retry: { minDelayMs: 0 } });
  // @ts-expect-error result is number | undefined, not a string
  const wrong: string = result.result;
  void wrong;
  assert.equal(result.status, 'ok');
  assert.equal(result.result, 42);
  assert.equal(result.attempts, 2);
  assert.equal(result.healed, true);
  console.log(`ok ts-node16 (cjs) on Node ${process.version}: attempts=${result.attempts} healed=${result.healed}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
