/**
 * Side-by-side figures: CPU and wall time per operation for ours and a peer,
 * in one process, in alternating rounds (medians of the rounds, the ratio
 * taken per round), and the cold start of a bundle in fresh processes.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export interface PerOp {
  cpuMicros: number;
  wallMicros: number;
}

/** Runs `operation(i)` for i in [0, n) one after the other; CPU (user + system) and wall per call. */
export async function perOperation(
  n: number,
  operation: (i: number) => Promise<unknown>,
): Promise<PerOp> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await operation(i);
  const wall = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { cpuMicros: (user + system) / n, wallMicros: (wall * 1000) / n };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export interface Comparison {
  ours: PerOp;
  peer: PerOp;
  cpuRatio: number;
  wallRatio: number;
}

/**
 * `rounds` rounds of ours then peer (the order alternates per round), each
 * given a fresh slice of inputs through `offset`.
 */
export async function compare(
  rounds: number,
  n: number,
  ours: (i: number) => Promise<unknown>,
  peer: (i: number) => Promise<unknown>,
): Promise<Comparison> {
  const results: { ours: PerOp; peer: PerOp }[] = [];
  for (let round = 0; round < rounds; round++) {
    const offset = round * n;
    const runOurs = () => perOperation(n, (i) => ours(offset + i));
    const runPeer = () => perOperation(n, (i) => peer(offset + i));
    if (round % 2 === 0) {
      const o = await runOurs();
      results.push({ ours: o, peer: await runPeer() });
    } else {
      const p = await runPeer();
      results.push({ ours: await runOurs(), peer: p });
    }
  }
  const pick = (side: 'ours' | 'peer', field: keyof PerOp) =>
    median(results.map((result) => result[side][field]));
  return {
    ours: { cpuMicros: pick('ours', 'cpuMicros'), wallMicros: pick('ours', 'wallMicros') },
    peer: { cpuMicros: pick('peer', 'cpuMicros'), wallMicros: pick('peer', 'wallMicros') },
    cpuRatio: median(results.map((r) => r.ours.cpuMicros / r.peer.cpuMicros)),
    wallRatio: median(results.map((r) => r.ours.wallMicros / r.peer.wallMicros)),
  };
}

/** Milliseconds to import `bundle` in a fresh Node process (its module load, as a cold start). */
export function importMillis(bundle: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(out);
}

/** Median import time of each bundle over `runs` fresh processes, alternating between them. */
export function coldStarts(
  bundles: Record<string, string>,
  runs: number,
  env: Record<string, string>,
): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(bundles).map((name) => [name, []]),
  );
  for (let run = 0; run < runs; run++) {
    for (const [name, bundle] of Object.entries(bundles)) {
      samples[name]?.push(importMillis(bundle, env));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, median(values)]),
  );
}
