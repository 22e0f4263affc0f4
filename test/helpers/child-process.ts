import type { ChildProcess } from 'node:child_process';

/** Sends `signal` (a database's clean or fast shutdown), SIGKILLs after 5 s, resolves on exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  killer.unref();
  await exited;
  clearTimeout(killer);
}
