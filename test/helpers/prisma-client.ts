/**
 * A real Prisma Client, generated for a test's schema into a temp dir, offline.
 *
 * Prisma 7's `prisma-client` generator with a driver adapter (`@prisma/adapter-pg` over `pg`)
 * runs queries through the query compiler (WebAssembly inside @prisma/client): no Rust query
 * engine. `prisma generate` itself needs no engine either (it reads the schema with WebAssembly),
 * but the CLI downloads the schema engine (used by `migrate` and `db push`) from
 * binaries.prisma.sh before any command, and fails where that host cannot be reached.
 * `PRISMA_SCHEMA_ENGINE_BINARY` names a local schema engine instead: here a stub that refuses to
 * run, which proves `generate` never starts it. Tables are created with `pg`, not `db push`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The packages a generated client needs, as the test would install them. */
export const PRISMA_PACKAGES = ['prisma@7.10.1', '@prisma/client@7.10.0', '@prisma/adapter-pg@7.10.1'] as const;

/** How to run the Prisma suite where those packages are missing. */
export const ENABLE_PRISMA_SUITE = `install them (npm install -D ${PRISMA_PACKAGES.join(' ')}; no engine download is needed) and run npm test again`;

/** Where an installed package lives (looked up as Node does; some packages export no package.json). */
function packageDir(name: string): string | undefined {
  const found = (require.resolve.paths(name) ?? []).map((modules) => join(modules, name)).find((dir) => existsSync(join(dir, 'package.json')));
  return found === undefined ? undefined : realpathSync(found);
}

/** The packages of {@link PRISMA_PACKAGES} that cannot be resolved from here. */
export function missingPrismaPackages(): string[] {
  return PRISMA_PACKAGES.map((spec) => spec.slice(0, spec.lastIndexOf('@'))).filter((name) => packageDir(name) === undefined);
}

/** The pg driver adapter's class: `new PrismaPg({ connectionString, ...pg.PoolConfig })`. */
export type PrismaPgAdapter = new (config: { connectionString: string } & Record<string, unknown>) => unknown;

/**
 * `@prisma/adapter-pg`'s `PrismaPg`. Imported by a name held in a variable, so the type checker
 * does not look for the package where it is not installed (the suite then skips).
 */
export async function loadPrismaPg(): Promise<PrismaPgAdapter> {
  const adapter = '@prisma/adapter-pg';
  return ((await import(/* @vite-ignore */ adapter)) as { PrismaPg: PrismaPgAdapter }).PrismaPg;
}

/** A generated client: its module (`PrismaClient`, `Prisma`) and `remove()`, which deletes the dir. */
export interface GeneratedPrismaClient {
  readonly module: Record<string, unknown>;
  remove(): void;
}

/** Writes `models` under a PostgreSQL datasource, runs `prisma generate` and imports the client. */
export async function generatePrismaClient(models: string): Promise<GeneratedPrismaClient> {
  const dir = mkdtempSync(join(tmpdir(), 'self-healing-prisma-'));
  try {
    // The generated client imports @prisma/client/runtime/*: resolve it from where it is installed.
    symlinkSync(dirname(dirname(packageDir('@prisma/client')!)), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'schema.prisma'), `generator client {\n  provider = "prisma-client"\n  output   = "./client"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n${models}\n`);
    const stub = join(dir, 'schema-engine-stub');
    writeFileSync(stub, '#!/bin/sh\necho "the schema engine is not available offline; prisma generate does not need it" >&2\nexit 1\n');
    chmodSync(stub, 0o755);
    const cli = join(packageDir('prisma')!, 'build', 'index.js');
    const generate = spawnSync(process.execPath, [cli, 'generate', '--schema', join(dir, 'schema.prisma')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      // No telemetry (checkpoint.prisma.io) and no update check: the run stays offline.
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
    if (generate.status !== 0) throw new Error(`prisma generate failed (${generate.status}): ${generate.stderr}${generate.stdout}`);
    const module = (await import(pathToFileURL(join(dir, 'client', 'client.ts')).href)) as Record<string, unknown>;
    return { module, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
