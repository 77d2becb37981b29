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
