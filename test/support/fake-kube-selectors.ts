/**
 * Evaluates a Kubernetes label selector (equality- and set-based: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`, comma-separated) against an object's labels.
 */
export function matchesLabelSelector(
  selector: string | undefined,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  if (selector === undefined || selector.trim() === '') return true;
  return splitRequirements(selector).every((requirement) => matches(requirement.trim(), labels));
}

function matches(requirement: string, labels: Readonly<Record<string, string>>): boolean {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
  if (set !== null) {
    const values = (set[3] as string).split(',').map((v) => v.trim());
    const value = labels[set[1] as string];
    return set[2] === 'in'
      ? value !== undefined && values.includes(value)
      : value === undefined || !values.includes(value);
  }
  const inequality = /^([^!=]+)!=(.*)$/.exec(requirement);
  if (inequality !== null)
    return labels[(inequality[1] as string).trim()] !== (inequality[2] as string).trim();
  const equality = /^([^!=]+)==?(.*)$/.exec(requirement);
  if (equality !== null) return labels[(equality[1] as string).trim()] === (equality[2] as string).trim();
  if (requirement.startsWith('!')) return !(requirement.slice(1).trim() in labels);
  return requirement in labels;
}

function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
