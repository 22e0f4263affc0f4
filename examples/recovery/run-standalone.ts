import { pathToFileURL } from 'node:url';
import { formatReport } from '../print-result.js';
import type { ScenarioOptions, ScenarioReport } from '../scenario.js';

/** Runs `scenario` and prints its report when `moduleUrl` is the script node was started with. */
export function runStandalone(moduleUrl: string, scenario: (options: ScenarioOptions) => Promise<ScenarioReport>): void {
  const entry = process.argv[1];
  if (entry === undefined || pathToFileURL(entry).href !== moduleUrl) return;
  scenario({ log: (line) => console.log(line) }).then(
    (report) => {
      console.log(formatReport(report));
      if (!report.passed) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
