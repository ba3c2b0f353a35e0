import { CONFIG_SCHEMA, patternRule } from './schema.js';

/** One field of the config file, as documented by the JSON Schema. */
export interface ConfigField {
  /** e.g. `consumers[].pipelines[].triggers[] (http).url`. */
  readonly path: string;
  /** What the value may be: a type with its limits, or the allowed values. */
  readonly allowed: string;
  /** The default as JSON; absent for a required field or one without a fixed default. */
  readonly default?: string;
  readonly required: boolean;
  readonly description: string;
}

/** The parts of a JSON Schema node the reference reads. */
interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly allOf?: readonly SchemaNode[];
  readonly $ref?: string;
  readonly if?: SchemaNode;
  readonly then?: SchemaNode;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

/**
 * Every field of the config file, in schema order, read from the JSON Schema. Trigger fields are listed
 * per kind, e.g. `consumers[].pipelines[].triggers[] (k8s).operation`.
 */
export function configFields(schema: object = CONFIG_SCHEMA): ConfigField[] {
  const root = schema as SchemaNode;
  const fields: ConfigField[] = [];

  const walk = (node: SchemaNode, path: string): void => {
    const resolved = deref(root, node);
    const required = new Set(resolved.required ?? []);

    for (const [name, raw] of Object.entries(resolved.properties ?? {})) {
      const property = deref(root, raw);
      const at = path === '' ? name : `${path}.${name}`;
      if (!(path.endsWith(')') && name === 'kind')) {
        fields.push({
          path: at,
          allowed: allowedOf(property),
          ...(property.default === undefined ? {} : { default: JSON.stringify(property.default) }),
          required: required.has(name),
          description: property.description ?? '',
        });
      }
      if (property.type === 'object' && property.properties) walk(property, at);
      if (property.type === 'array' && property.items) walkItems(deref(root, property.items), `${at}[]`);
    }
  };

  const walkItems = (items: SchemaNode, path: string): void => {
    walk(items, path);
    for (const branch of items.allOf ?? []) {
      const kind = branch.if?.properties?.kind?.const;
      if (typeof kind === 'string' && branch.then) walk(branch.then, `${path} (${kind})`);
    }
  };

  walk(root, '');
  return fields;
}

/** The config reference as a Markdown table: field, allowed values, default, description. */
export function configReferenceMarkdown(schema: object = CONFIG_SCHEMA): string {
  const rows = configFields(schema).map((field) => {
    const byDefault = field.required
      ? 'required'
      : field.default === undefined
        ? '–'
        : `\`${field.default}\``;
    return `| \`${field.path}\` | ${field.allowed} | ${byDefault} | ${field.description.replaceAll('|', '\\|')} |`;
  });
  return ['| field | allowed | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Follows a `$ref` (also one wrapped in `allOf` to carry a description); the node's own keys win. */
function deref(root: SchemaNode, node: SchemaNode): SchemaNode {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0]?.$ref : undefined);
  if (ref === undefined) return node;

  const target = root.definitions?.[ref.replace('#/definitions/', '')];
  if (!target) throw new Error(`config schema: unresolved $ref ${ref}`);
  const own = Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$ref' && key !== 'allOf'));
  return { ...deref(root, target), ...own };
}

function allowedOf(property: SchemaNode): string {
  if (property.enum) return property.enum.map((value) => `\`${String(value)}\``).join(', ');

  const noun =
    property.type === 'object' ? 'mapping' : property.type === 'array' ? 'list' : (property.type ?? 'any');
  const limits = [
    property.pattern === undefined ? undefined : (patternRule(property.pattern) ?? `/${property.pattern}/`),
    property.minimum === undefined ? undefined : `≥ ${property.minimum}`,
    property.maximum === undefined ? undefined : `≤ ${property.maximum}`,
    property.maxLength === undefined ? undefined : `≤ ${property.maxLength} chars`,
    property.minItems === undefined ? undefined : `≥ ${property.minItems} entries`,
  ].filter((limit) => limit !== undefined);
  return limits.length > 0 ? `${noun} (${limits.join(', ')})` : noun;
}
