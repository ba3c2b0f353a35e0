/**
 * Trigger parameter resolution as Argo Events (v1.9) does it (`pkg/sensors/triggers/params.go`):
 * each parameter's `src` is resolved against the events of the dependencies that fired, then set at
 * its `dest` (an sjson path) in the trigger's resource or payload.
 */
import type { ArgoEvent, ArgoTriggerParameter, ArgoTriggerParameterSource } from './argo.js';
import { gjsonGet, gjsonString, sjsonSet } from './gjson.js';
import { UnsupportedTemplateError, executeGoTemplate } from './go-template.js';

/** Thrown where Argo fails to apply a parameter, so the trigger does not run. */
export class TriggerParameterError extends Error {
  override readonly name = 'TriggerParameterError';
}

/** A resolved parameter value, with gjson's type name (`String` unless a raw JSON block). */
interface ResolvedValue {
  readonly text: string;
  readonly type: string;
}

const STRING_TYPE = 'String';

/**
 * Applies parameters to `target` in order, as Argo's `ApplyParams` does; returns the new target and
 * the value set at each `dest`. Throws {@link TriggerParameterError} where Argo would fail.
 */
export function applyParameters(
  target: unknown,
  parameters: readonly ArgoTriggerParameter[],
  events: ReadonlyMap<string, ArgoEvent>,
): { readonly result: unknown; readonly values: Record<string, unknown> } {
  let result = target;
  const values: Record<string, unknown> = {};
  for (const parameter of parameters) {
    if (parameter.src === undefined) continue;
    const resolved = resolveParameterValue(parameter.src, events);
    if (resolved === undefined) continue;

    let { text, type } = resolved;
    const operation = parameter.operation ?? '';
    if (operation === 'append' || operation === 'prepend') {
      const current = gjsonGet(result, parameter.dest);
      if (current.exists) {
        type = STRING_TYPE;
        text = operation === 'append' ? gjsonString(current) + text : text + gjsonString(current);
      }
    } else if (operation !== 'overwrite' && operation !== '') {
      throw new TriggerParameterError(`unsupported trigger parameter operation: ${operation}`);
    }

    const value: unknown =
      type !== STRING_TYPE && parameter.src.useRawData === true ? JSON.parse(text) : text;
    result = sjsonSet(result, parameter.dest, value);
    values[parameter.dest] = value;
  }
  return { result, values };
}

/**
 * Resolves one parameter source (Argo's `ResolveParamValue`): the default `value` when no key or
 * template is given, else the whole event; a `dataTemplate`/`contextTemplate`, then the key, then the
 * default; `undefined` when the dependency did not fire and there is no default.
 */
export function resolveParameterValue(
  src: ArgoTriggerParameterSource,
  events: ReadonlyMap<string, ArgoEvent>,
): ResolvedValue | undefined {
  const event = events.get(src.dependencyName);
  if (event === undefined)
    return src.value === undefined ? undefined : { text: src.value, type: STRING_TYPE };

  const useData = Boolean(src.dataKey || src.dataTemplate);
  const useContext = Boolean(src.contextKey || src.contextTemplate);
  if (!useData && !useContext) {
    return { text: src.value ?? wholeEventJson(event), type: STRING_TYPE };
  }

  const payload = useData ? event.data : event.context;
  const template = useData ? src.dataTemplate : src.contextTemplate;
  const key = useData ? src.dataKey : src.contextKey;
  if (template) {
    const text = tryTemplate(template, payload);
    if (text !== undefined) return { text, type: STRING_TYPE };
  }
  if (key) {
    const found = gjsonGet(payload, key);
    if (found.exists) {
      if (found.type === 'JSON' || found.type === 'Null') return { text: found.raw, type: found.type };
      return { text: gjsonString(found), type: found.type };
    }
  }
  if (src.value !== undefined) return { text: src.value, type: STRING_TYPE };
  throw new TriggerParameterError(`unable to resolve '${src.dependencyName}' parameter value. err: <nil>`);
}

/** `json.Marshal` of an Argo `Event`: the context, and the data bytes in base64. */
export function wholeEventJson(event: ArgoEvent): string {
  const { id, source, specversion, type, datacontenttype, subject, time } = event.context;
  return JSON.stringify({
    context: { id, source, specversion, type, datacontenttype, subject, time },
    data: Buffer.from(JSON.stringify(event.data)).toString('base64'),
  });
}

function tryTemplate(template: string, input: unknown): string | undefined {
  try {
    const out = executeGoTemplate(template, input);
    return out === '' || out === '<no value>' ? undefined : out;
  } catch (err) {
    if (err instanceof UnsupportedTemplateError) throw err;
    return undefined;
  }
}
