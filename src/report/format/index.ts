/** Entry points of the report formatters (`netpol-migrate report -o …` and `netpol-migrate features -o …`). */
import type { PipelineResult } from '../../pipeline/types.js';
import type { ReportFormat, ReportOptions } from './common.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

export type { ReportFormat, ReportOptions } from './common.js';
export { formatFeatures } from './features.js';
export { buildJsonReport, formatJson, REPORT_SCHEMA_VERSION, type JsonReport, type JsonSource, type JsonFinding } from './json.js';
export { formatMarkdown } from './markdown.js';
export { formatText } from './text.js';

export function formatReport(result: PipelineResult, format: ReportFormat, opts: ReportOptions): string {
  switch (format) {
    case 'text':
      return formatText(result, opts);
    case 'json':
      return formatJson(result, opts);
    case 'markdown':
      return formatMarkdown(result, opts);
  }
}
