/**
 * The base class of every "these tools cannot reproduce Argo here" error: syntax or features that Argo
 * Events accepts but that the evaluators in `src/tools/` do not implement. Catch it to report
 * "cannot simulate" rather than guess.
 */
export class UnsupportedSyntaxError extends Error {
  override readonly name: string = 'UnsupportedSyntaxError';
}
