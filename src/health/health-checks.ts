import { unrefTimer, withinTimeout, type Clock } from '../clock.js';
import { toError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import { LEVELS, type HealthLevel } from './health-level.js';
import type { CheckResult, HealthCheck } from './health-types.js';

/** The level a check's verdict gives: a known level as answered, `true`/`{ ok: true }` healthy, anything else critical. */
function levelOf(verdict: unknown): HealthLevel {
  if (verdict === true) return 'healthy';
  if (typeof verdict === 'string') return LEVELS.includes(verdict as HealthLevel) ? verdict as HealthLevel : 'critical';
  if (typeof verdict !== 'object' || verdict === null) return 'critical';
  const { level, ok } = verdict as { level?: unknown; ok?: unknown };
  if (level !== undefined) return LEVELS.includes(level as HealthLevel) ? level as HealthLevel : 'critical';
  return ok === true ? 'healthy' : 'critical';
}

/**
 * Runs one custom check against `timeoutMs`. Never rejects: a throw, a timeout or a verdict that
 * is neither healthy nor a known level is a `critical` result; its detail is redacted, since it
 * may quote whatever the check touched.
 */
export async function runCheck(clock: Clock, timeoutMs: number, check: HealthCheck): Promise<CheckResult> {
  const started = clock.now();
  let level: HealthLevel = 'critical';
  let detail: string | null = null;
  try {
    const verdict: unknown = await withinTimeout(clock, timeoutMs, check, () => new Error(`check timed out after ${timeoutMs} ms`));
    level = levelOf(verdict);
    const given = typeof verdict === 'object' && verdict !== null ? (verdict as { detail?: unknown }).detail : undefined;
    if (typeof given === 'string') detail = redactMessage(given);
    else if (level === 'critical') detail = 'the check reported a failure';
  } catch (thrown) {
    detail = redactMessage(toError(thrown).message);
  }
  const at = clock.now();
  return { ok: level === 'healthy', level, detail, at, durationMs: at - started };
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
