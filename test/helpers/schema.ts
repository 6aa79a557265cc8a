/** The JSON report's schema, compiled with ajv, for tests that check reports produced by the CLI or the pipeline. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';
import { ROOT } from './cli.js';

// ajv is a CommonJS module whose class is both `module.exports` and `module.exports.default`.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;

let compiled: ValidateFunction | undefined;

export function reportValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'report.schema.json'), 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return compiled;
}

/** Schema errors of a parsed report, as one readable string ('' when it is valid). */
export function reportSchemaErrors(report: unknown): string {
  const validate = reportValidator();
  if (validate(report)) return '';
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}
