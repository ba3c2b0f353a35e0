/** Whether a target was reached. */
export type Verdict = 'MET' | 'MISSED' | 'not measured';

/** One target of the issue and how this run did against it. */
export interface TargetResult {
  /** What the target asks, e.g. `full synth of 1,000 pipelines under 3 s`. */
  readonly target: string;
  readonly verdict: Verdict;
  /** The figure the verdict rests on, or why nothing was measured. */
  readonly detail: string;
}

/** A markdown table. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** What one part of the bench (synth, publisher, backlog) reports. */
export interface Section {
  readonly title: string;
  /** How the figures were taken, one sentence per entry. */
  readonly method: readonly string[];
  readonly tables: readonly Table[];
  readonly targets: readonly TargetResult[];
  /** Anything not measured, and why; printed as `not measured: …` lines. */
  readonly notMeasured: readonly string[];
}

/** Builds a target verdict from a measured value, or `not measured` when the value is absent. */
export function judge(
  target: string,
  value: number | undefined,
  met: (value: number) => boolean,
  describe: (value: number) => string,
  missingReason: string,
): TargetResult {
  if (value === undefined || Number.isNaN(value)) {
    return { target, verdict: 'not measured', detail: missingReason };
  }
  return { target, verdict: met(value) ? 'MET' : 'MISSED', detail: describe(value) };
}

/** Renders a markdown table with escaped cells. */
export function renderTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}

/** Renders one section: title, method, tables, targets and what was not measured. */
export function renderSection(section: Section): string {
  const parts = [`## ${section.title}`, section.method.map((m) => `- ${m}`).join('\n')];
  parts.push(...section.tables.map(renderTable));
  if (section.targets.length > 0) {
    parts.push(
      renderTable({
        header: ['target', 'verdict', 'figure'],
        rows: section.targets.map((t) => [t.target, t.verdict, t.detail]),
      }),
    );
  }
  if (section.notMeasured.length > 0) {
    parts.push(section.notMeasured.map((reason) => `- not measured: ${reason}`).join('\n'));
  }
  return parts.join('\n\n');
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
