import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Where results go: bench/results/ (git-ignored). Each run has a stamp; the
// pgbench scripts of a run are kept in bench/results/<name>-<stamp>/.
export const RESULTS_DIR = join(__dirname, '..', 'results');

export function runStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
}

export function runDir(name: string, stamp: string): string {
  const dir = join(RESULTS_DIR, `${name}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// The p-th percentile (0-100) of values, by nearest rank.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const values = Array.from(sorted);
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length ? values[values.length - 1] : NaN,
    mean: values.length ? sum / values.length : NaN,
  };
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export interface Row {
  [column: string]: string | number;
}

// A markdown table, to paste into bench/README.md.
export function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]);
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n');
}

// The whole result as JSON: bench/results/<name>-<stamp>.json.
export function saveJson(name: string, stamp: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

// The pass/fail of a target, for the table.
export const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
