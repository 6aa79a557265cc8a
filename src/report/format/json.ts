/** The machine-readable report; its shape is `schemas/report.schema.json`. */
import type { PipelineResult, SourceStatus, Verdict, Witnesses } from '../../pipeline/types.js';
import { VERSION } from '../../version.js';
import type { Effect, Finding, Severity } from '../finding.js';
import { retainedDiff } from '../retained.js';
import { summarize, type Summary } from '../summary.js';
import { outputName, type ReportOptions } from './common.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface JsonFinding {
  code: string;
  severity: Severity;
  effect: Effect;
  message: string;
  file: string;
  line: number;
  column: number;
  documentIndex: number;
  pointer: string;
  dropped?: string;
  object?: { apiVersion: string; kind: string; namespace?: string; name: string };
}

export interface JsonSource {
  kind: string;
  apiVersion: string;
  /** null for cluster-scoped objects. */
  namespace: string | null;
  name: string;
  file: string;
  line: number;
  column: number;
  status: SourceStatus;
  verdict: Verdict;
  /** `namespace/name` of each NetworkPolicy emitted for this source. */
  outputs: string[];
  findings: JsonFinding[];
  /** Unified diff from the original to the retained view ('' when nothing was removed); null unless requested. */
  diff: string | null;
  /** The verifier's witnesses; null for native sources and with --no-verify. */
  witnesses: Witnesses | null;
}

export interface JsonReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'netpol-migrate'; version: string };
  summary: Summary;
  sources: JsonSource[];
  fileFindings: JsonFinding[];
  /** The verifier's verdict for the whole policy set; null with --no-verify. */
  wholeSet: { verdict: Verdict; witnesses: Witnesses } | null;
}

export function buildJsonReport(result: PipelineResult, opts: ReportOptions): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'netpol-migrate', version: VERSION },
    summary: summarize(result, opts.failOn),
    sources: result.sources.map((s) => ({
      kind: s.ref.kind,
      apiVersion: s.ref.apiVersion,
      namespace: s.ref.namespace ?? null,
      name: s.ref.name,
      file: s.file,
      line: s.line,
      column: s.column,
      status: s.status,
      verdict: s.verdict,
      outputs: s.outputs.map(outputName),
      findings: s.findings.map(jsonFinding),
      diff: opts.diff ? retainedDiff(s) : null,
      witnesses: s.witnesses ? witnessJson(s.witnesses) : null,
    })),
    fileFindings: result.fileFindings.map(jsonFinding),
    wholeSet: result.wholeSet ? { verdict: result.wholeSet.verdict, witnesses: witnessJson(result.wholeSet.witnesses) } : null,
  };
}

export function formatJson(result: PipelineResult, opts: ReportOptions): string {
  return JSON.stringify(buildJsonReport(result, opts), null, 2) + '\n';
}

function witnessJson(w: Witnesses): Witnesses {
  return { narrower: [...w.narrower], wider: [...w.wider], unknown: [...w.unknown], ...(w.incomplete ? { incomplete: w.incomplete } : {}) };
}

/** A finding with a fixed key order, so the output does not depend on where the finding was built. */
function jsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    code: f.code,
    severity: f.severity,
    effect: f.effect,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    documentIndex: f.documentIndex,
    pointer: f.pointer,
  };
  if (f.dropped !== undefined) out.dropped = f.dropped;
  if (f.object) {
    const o = f.object;
    out.object = { apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), name: o.name };
  }
  return out;
}
