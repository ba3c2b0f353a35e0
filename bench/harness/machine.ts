import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine a bench ran on, for the header of the results. */
export interface MachineInfo {
  /** Processors available to this process, as `nproc` counts them. */
  readonly nproc: number;
  readonly memoryMb: number;
  readonly cpuModel: string;
  readonly node: string;
  /** ISO 8601 time of the run's start. */
  readonly date: string;
}

/** Describes this machine. */
export function machineInfo(now: Date = new Date()): MachineInfo {
  return {
    nproc: availableParallelism(),
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    cpuModel: cpuModel(),
    node: process.version,
    date: now.toISOString(),
  };
}

/** Renders the machine as a markdown list. */
export function renderMachine(machine: MachineInfo): string {
  return [
    `- date: ${machine.date}`,
    `- nproc: ${machine.nproc}`,
    `- memory: ${machine.memoryMb.toLocaleString('en-US')} MB`,
    `- CPU: ${machine.cpuModel}`,
    `- Node: ${machine.node}`,
  ].join('\n');
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}
