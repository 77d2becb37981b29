/** A tiny benchmark harness: warm up, time each call, print percentiles. */
import { performance } from 'node:perf_hooks';

export interface Figures {
  name: string;
  iterations: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

export async function measure(
  name: string,
  iterations: number,
  operation: (i: number) => Promise<unknown>,
): Promise<Figures> {
  for (let i = 0; i < Math.min(50, Math.ceil(iterations / 10)); i++) await operation(i);
  const durations: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await operation(i);
    durations.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  durations.sort((a, b) => a - b);
  return {
    name,
    iterations,
    opsPerSecond: Math.round((iterations / total) * 1000),
    p50Ms: percentile(durations, 0.5),
    p99Ms: percentile(durations, 0.99),
    maxMs: durations[durations.length - 1] ?? Number.NaN,
  };
}

/** Figures of runs timed one by one (`durations` in ms), for a few slow runs: p99 is the slowest. */
export function figuresOf(name: string, durations: number[]): Figures {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, ms) => sum + ms, 0);
  const last = sorted[sorted.length - 1] ?? Number.NaN;
  return {
    name,
    iterations: sorted.length,
    opsPerSecond: Math.round((sorted.length / total) * 1000 * 100) / 100,
    p50Ms: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    p99Ms: last,
    maxMs: last,
  };
}

export function printTable(rows: Figures[]): void {
  const fixed = (value: number) => value.toFixed(3).padStart(9);
  console.log(
    `${'benchmark'.padEnd(52)} ${'iter'.padStart(6)} ${'ops/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(52)} ${String(row.iterations).padStart(6)} ${String(row.opsPerSecond).padStart(8)} ${fixed(row.p50Ms)} ${fixed(row.p99Ms)} ${fixed(row.maxMs)}`,
    );
  }
}
