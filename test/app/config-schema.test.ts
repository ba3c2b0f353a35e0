import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_DEFAULTS, CONFIG_SCHEMA, patternRule, loadConfigFile } from 'kfp-events';

type Schema = Record<string, unknown>;

/** Every sub-schema that describes a field (not the `if` conditions), with its dotted location. */
function properties(schema: Schema, at = ''): [string, Schema][] {
  const found: [string, Schema][] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (value === null || typeof value !== 'object' || key === 'if') continue;
    if (key === 'properties') {
      for (const [name, property] of Object.entries(value as Record<string, Schema>)) {
        found.push([`${at}.${name}`, property], ...properties(property, `${at}.${name}`));
      }
    } else {
      found.push(...properties(value as Schema, `${at}.${key}`));
    }
  }
  return found;
}

function definition(name: string): Schema {
  return (CONFIG_SCHEMA.definitions as Record<string, Schema>)[name]!;
}

function defaultOf(def: string, ...path: string[]): unknown {
  let node: Schema = definition(def);
  for (const key of path) node = (node.properties as Record<string, Schema>)[key]!;
  return node.default;
}

describe('config JSON Schema', () => {
  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv({ strict: true });

    expect(CONFIG_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(CONFIG_SCHEMA)).toBe(true);
    expect(ajv.errors).toBeNull();
  });

  it('describes every field', () => {
    const undocumented = properties(CONFIG_SCHEMA)
      .filter(([, schema]) => typeof schema.description !== 'string' && typeof schema.$ref !== 'string')
      .map(([at]) => at);

    expect(undocumented).toEqual([]);
  });

  it('explains every pattern it uses in error messages', () => {
    const patterns = JSON.stringify(CONFIG_SCHEMA).match(/"pattern":"((?:[^"\\]|\\.)*)"/g) ?? [];
    const unexplained = patterns
      .map((entry) => JSON.parse(`{${entry}}`) as { pattern: string })
      .filter(({ pattern }) => patternRule(pattern) === undefined);

    expect(patterns.length).toBeGreaterThan(5);
    expect(unexplained).toEqual([]);
  });

  it('documents the same defaults the config applies', () => {
    expect(defaultOf('bus', 'name')).toBe(CONFIG_DEFAULTS.bus.name);
    expect(defaultOf('bus', 'kind')).toBe(CONFIG_DEFAULTS.bus.kind);
    expect(defaultOf('bus', 'replicas')).toBe(CONFIG_DEFAULTS.bus.replicas);
    expect(defaultOf('bus', 'auth')).toBe(CONFIG_DEFAULTS.bus.auth);
    expect(defaultOf('bus', 'jetstreamVersion')).toBe(CONFIG_DEFAULTS.bus.jetstreamVersion);
    expect(defaultOf('bus', 'persistence', 'size')).toBe(CONFIG_DEFAULTS.bus.persistenceSize);
    expect(definition('consumerBus').properties).toEqual({
      ...(definition('bus').properties as object),
      name: undefined,
    });
    for (const key of Object.keys(CONFIG_DEFAULTS.publisher) as (keyof typeof CONFIG_DEFAULTS.publisher)[]) {
      expect(defaultOf('publisher', key), `publisher.${key}`).toEqual(CONFIG_DEFAULTS.publisher[key]);
    }
    expect(defaultOf('consumer', 'eventSource', 'name')).toBe(CONFIG_DEFAULTS.eventSource.name);
    expect(defaultOf('consumer', 'eventSource', 'connectionBackoff')).toEqual(
      CONFIG_DEFAULTS.eventSource.connectionBackoff,
    );
    expect(defaultOf('pipeline', 'status')).toBe(CONFIG_DEFAULTS.pipeline.status);
    expect(definition('retry').default).toEqual(CONFIG_DEFAULTS.trigger.retry);
    expect(defaultOf('httpTrigger', 'method')).toBe(CONFIG_DEFAULTS.trigger.httpMethod);
    expect(defaultOf('httpTrigger', 'atLeastOnce')).toBe(CONFIG_DEFAULTS.trigger.atLeastOnce);
    expect(defaultOf('k8sTrigger', 'operation')).toBe(CONFIG_DEFAULTS.trigger.k8sOperation);
    expect(defaultOf('k8sTrigger', 'patchStrategy')).toBe(CONFIG_DEFAULTS.trigger.patchStrategy);
    expect(defaultOf('parameter', 'index')).toBe(CONFIG_DEFAULTS.parameter.index);
  });

  it('accepts the example config, which names the schema for editors', () => {
    const text = readFileSync('kfp-events.yaml', 'utf8');

    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./src/schemas/config.schema.json');
    expect(new Ajv({ strict: true }).validate(CONFIG_SCHEMA, parse(text))).toBe(true);
    expect(loadConfigFile('kfp-events.yaml').platform.namespace).toBe('kfp-operator');
  });
});
