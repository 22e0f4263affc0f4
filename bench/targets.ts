import type { Row, ScenarioResult, TargetCheck } from './types.js';

function row(scenarios: readonly ScenarioResult[], scenarioId: string, rowId: string): Row {
  const found = scenarios.find((s) => s.id === scenarioId)?.rows.find((r) => r.id === rowId);
  if (found === undefined) throw new Error(`no row ${scenarioId}/${rowId}`);
  return found;
}

/** ours' overhead over the bare call divided by cockatiel's. */
function overheadRatio(scenarios: readonly ScenarioResult[], scenarioId: string): { ratio: number; ours: number; cockatiel: number } {
  const bare = row(scenarios, scenarioId, 'bare').value;
  const ours = row(scenarios, scenarioId, 'ours').value - bare;
  const cockatiel = row(scenarios, scenarioId, 'cockatiel').value - bare;
  return { ratio: ours / cockatiel, ours, cockatiel };
}

function target(name: string, actual: number, comparison: '<=' | '<', limit: number, unit: string, detail: string): TargetCheck {
  return { name, actual, limit, unit, comparison, met: comparison === '<=' ? actual <= limit : actual < limit, detail };
}

const ns = (value: number) => `${Math.round(value)} ns`;

/** The performance targets of the library, checked against the measured rows. */
export function checkTargets(scenarios: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const has = (id: string) => scenarios.some((s) => s.id === id);

  if (has('happy')) {
    const bare = row(scenarios, 'happy', 'bare').value;
    const cockatiel = row(scenarios, 'happy', 'cockatiel').value - bare;
    // The floor row: what two clock readings, one await and a result cost any design, against the same cockatiel.
    const floor = row(scenarios, 'happy', 'floor').value - bare;
    const minimal = row(scenarios, 'happy', 'minimal').value - bare;
    const floorNote = `; the floor (two clock readings, one await, a result) ${ns(floor)} = ${(floor / cockatiel).toFixed(2)}x` +
      `, with a breaker and fn's context ${ns(minimal)} = ${(minimal / cockatiel).toFixed(2)}x`;
    // Each target against the least hand-written wrapper of its shape: what no design gets under.
    for (const [id, name, limit, leastId, least] of [
      ['ours', 'Happy-path overhead vs cockatiel', 0.3, 'minimal-method', 'as a method'],
      ['ours-ewh', 'executeWithHealing, one reused options object, vs cockatiel', 0.35, 'minimal-function', 'behind a function given options'],
      ['ours-inline', 'executeWithHealing, an options literal in every call, vs cockatiel', 0.5, 'minimal-literal', 'given the literal'],
    ] as const) {
      const ours = row(scenarios, 'happy', id).value - bare;
      const shape = row(scenarios, 'happy', leastId).value - bare;
      const leastNote = `, the minimal wrapper ${least} ${ns(shape)} = ${(shape / cockatiel).toFixed(2)}x`;
      checks.push(target(name, ours / cockatiel, '<=', limit, 'x', `ours ${ns(ours)} over bare, cockatiel ${ns(cockatiel)}${floorNote}${leastNote}`));
    }
  }
  if (has('failure')) {
    const { ratio, ours, cockatiel } = overheadRatio(scenarios, 'failure');
    checks.push(target('Failure-path overhead vs cockatiel', ratio, '<=', 0.5, 'x', `ours ${ns(ours)} over bare, cockatiel ${ns(cockatiel)}`));
    const pRetry = row(scenarios, 'failure', 'p-retry').value - row(scenarios, 'failure', 'bare').value;
    checks.push(target('Healed call (one 503, then success) vs p-retry alone', ours / pRetry, '<=', 1, 'x', `ours ${ns(ours)} over bare, p-retry ${ns(pRetry)}`));
  }
  if (has('open')) {
    const ours = row(scenarios, 'open', 'ours').value;
    const cockatiel = row(scenarios, 'open', 'cockatiel').value;
    checks.push(target('Open-circuit refusal vs cockatiel', ours / cockatiel, '<=', 0.25, 'x', `ours ${ns(ours)} per refused call, cockatiel ${ns(cockatiel)}`));
    const viaExecute = row(scenarios, 'open', 'ours-ewh').value;
    checks.push(target('Open-circuit refusal through executeWithHealing vs cockatiel', viaExecute / cockatiel, '<=', 0.25, 'x', `ours ${ns(viaExecute)} per refused call, cockatiel ${ns(cockatiel)}`));
  }
  if (has('classify')) {
    for (const id of ['http', 'network', 'message']) {
      const r = row(scenarios, 'classify', id);
      checks.push(target(`Classification: ${r.label}`, r.value, '<', 1000, 'ns', ns(r.value)));
    }
    for (const id of ['rules-http', 'rules-message']) {
      const r = row(scenarios, 'classify', id);
      checks.push(target(`Classification: ${r.label}`, r.value, '<', 5000, 'ns', ns(r.value)));
    }
  }
  if (has('memory')) {
    for (const id of ['ours', 'ours-config']) {
      const r = row(scenarios, 'memory', id);
      checks.push(target(`Idle breaker: ${r.label}`, r.value, '<', 300, 'B', `${Math.round(r.value)} B per breaker over ${r.count.toLocaleString('en-US')}`));
    }
  }
  if (has('execution-memory')) {
    const inFlight = row(scenarios, 'execution-memory', 'in-flight');
    checks.push(target('Memory: an execution in flight, over a bare pending call', inFlight.value, '<=', 1024, 'B',
      `${Math.round(inFlight.value)} B each with ${inFlight.count.toLocaleString('en-US')} in flight`));
    const sequential = row(scenarios, 'execution-memory', 'sequential');
    checks.push(target(`Memory: heap growth after ${sequential.count.toLocaleString('en-US')} executions in a row`, sequential.value, '<', 256 * 1024, 'B',
      `${Math.round(sequential.value).toLocaleString('en-US')} B in all (limit 256 KiB: GC noise, not a leak)`));
  }
  if (has('throughput')) {
    const bare = row(scenarios, 'throughput', 'bare').value;
    const ours = row(scenarios, 'throughput', 'ours').value;
    const byHand = row(scenarios, 'throughput', 'by-hand').value;
    const cockatielWave = row(scenarios, 'throughput', 'cockatiel').value;
    checks.push(target('Throughput: concurrent executions, 30 % transient, vs cockatiel', ours / cockatielWave, '<=', 0.8, 'x',
      `ours ${ns(ours)} per execution, cockatiel ${ns(cockatielWave)}`));
    checks.push(target('Throughput: concurrent executions, 30 % transient, vs bare calls', ours / bare, '<=', 1.5, 'x',
      `ours ${ns(ours)} per execution, bare ${ns(bare)}, a hand-written retry loop ${ns(byHand)} (${(byHand / bare).toFixed(2)}x)`));
  }
  if (has('fleet') && scenarios.find((s) => s.id === 'fleet')!.rows.some((r) => r.id === 'shared-redis')) {
    const added = row(scenarios, 'fleet', 'shared-redis').value - row(scenarios, 'fleet', 'native').value;
    // A loopback round trip to Redis alone costs tens of microseconds: under 1 µs, none is made.
    checks.push(target('Shared breaker on Redis: added cost per call (no network round trip)', added, '<', 1000, 'ns', `${ns(added)} over the native breaker`));
  }
  if (has('propagation')) {
    const r = row(scenarios, 'propagation', 'open-to-all');
    checks.push(target('Open decision reaches all 4 processes', r.value, '<', 50, 'ms', `median ${r.value.toFixed(1)} ms over ${r.count} trials`));
  }
  return checks;
}
