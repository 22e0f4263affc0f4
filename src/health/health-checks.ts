import { unrefTimer, withinTimeout, type Clock } from '../clock.js';
import { toError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import type { CheckResult, HealthCheck } from './health-types.js';

/**
 * Runs one custom check against `timeoutMs`. Never rejects: a throw, a timeout or a falsy verdict
 * is a failed result, its detail redacted since it may quote whatever the check touched.
 */
export async function runCheck(clock: Clock, timeoutMs: number, check: HealthCheck): Promise<CheckResult> {
  const started = clock.now();
  let ok = false;
  let detail: string | null = null;
  try {
    const verdict = await withinTimeout(clock, timeoutMs, check, () => new Error(`check timed out after ${timeoutMs} ms`));
    ok = verdict === true || (typeof verdict === 'object' && verdict !== null && verdict.ok === true);
    if (typeof verdict === 'object' && verdict !== null && typeof verdict.detail === 'string') detail = redactMessage(verdict.detail);
    else if (!ok) detail = 'the check reported a failure';
  } catch (thrown) {
    detail = redactMessage(toError(thrown).message);
  }
  const at = clock.now();
  return { ok, detail, at, durationMs: at - started };
}

/**
 * Runs a monitor's checks now (`runNow`) or every `intervalMs` between `start()` and `stop()`,
 * calling `afterTick` after each interval run. Overlapping runs share one.
 */
export class CheckSchedule {
  /** The pending interval timer, unref'd; `undefined` while none is set. */
  private handle: unknown = undefined;
  private running = false;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly runAll: () => Promise<void>,
    private readonly afterTick: () => void,
  ) {}

  /** Whether the checks run on their interval. */
  get monitoring(): boolean {
    return this.running;
  }

  /** The interval's timer handle, if one is pending. */
  get timer(): unknown {
    return this.handle;
  }

  /** The first run at once, then every `intervalMs`. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  /** A run already under way finishes. Idempotent. */
  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Runs every check once; resolves when all are done. */
  runNow(): Promise<void> {
    // Overlapping runs share one: a slow check never piles up.
    return (this.checking ??= this.runAll().finally(() => {
      this.checking = undefined;
    }));
  }

  private async tick(): Promise<void> {
    await this.runNow();
    this.afterTick();
    if (!this.running || this.handle !== undefined) return;
    const handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      void this.tick();
    }, this.intervalMs);
    // The monitor is a bystander: it must never be why a process stays alive.
    this.handle = unrefTimer(handle);
  }
}
