// @withSelfHealing under TypeScript's experimentalDecorators (with emitDecoratorMetadata, as
// NestJS/Angular-style projects have it).
import assert from 'node:assert/strict';
import { withSelfHealing, HealingError, type SelfHealingDecorator } from 'self-healing';

const healed: SelfHealingDecorator = withSelfHealing({ retry: { minDelayMs: 0 } });

class ItemClient {
  calls = 0;

  @withSelfHealing({ retry: { minDelayMs: 0 } })
  async fetchItem(id: number): Promise<string> {
    this.calls++;
    if (this.calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return `item ${id}`;
  }

  @healed
  async alwaysDown(): Promise<never> {
    throw Object.assign(new Error('gone'), { status: 404 });
  }
}

const client = new ItemClient();
const item: string = await client.fetchItem(7);
// @ts-expect-error the decorated method keeps its signature: it takes a number
const typeOnly = () => client.fetchItem('7');
void typeOnly;

assert.equal(item, 'item 7');
assert.equal(client.calls, 2);
await assert.rejects(client.alwaysDown(), (error: unknown) => error instanceof HealingError && error.result.status === 'error');
console.log(`ok ts-legacy-decorators on Node ${process.version}: calls=${client.calls}`);
