import { worstLevel, type HealthLevel } from './health-level.js';
import type { ComponentHealth, SystemHealth } from './health-types.js';

/** The system's health from its components': how many are at each level, and the worst level. */
export function summarizeSystem(components: ComponentHealth[], monitoring: boolean, at: number): SystemHealth {
  const counts = { healthy: 0, degraded: 0, unhealthy: 0, critical: 0 };
  let level: HealthLevel = 'healthy';
  for (const component of components) {
    counts[component.level]++;
    level = worstLevel(level, component.level);
  }
  return { level, counts, components, monitoring, at };
}
