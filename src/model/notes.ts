/** Collects findings about one source object, taking severity and effect from the feature registry. */
import { findingAt, type SourceObject } from '../io/documents.js';
import { feature } from '../report/features.js';
import type { Effect, Finding, JsonPath, Severity } from '../report/finding.js';
import type { ModelPolicy } from './policy.js';

export interface NoteOptions {
  severity?: Severity;
  effect?: Effect;
  /** The node at the path (true) or at the given path was not carried into the output. */
  dropped?: boolean | JsonPath;
}

/** A note decided somewhere in lowering or translation, added to a source's findings later. */
export interface Note {
  code: string;
  path: JsonPath;
  message: string;
  opts?: NoteOptions;
}

/** What lowering one source object gives: its model policies and the notes about it. */
export interface LowerResult {
  status: 'lowered' | 'skipped' | 'invalid';
  policies: ModelPolicy[];
  notes: Notes;
}

export class Notes {
  readonly findings: Finding[] = [];
  constructor(readonly obj: SourceObject) {}

  addNote(n: Note): void {
    this.add(n.code, n.path, n.message, n.opts);
  }

  add(code: string, path: JsonPath, message: string, opts: NoteOptions = {}): void {
    const f = feature(code);
    this.findings.push(
      findingAt(this.obj, path, code, opts.severity ?? f.severity, message, opts.effect ?? f.effect, opts.dropped ?? false),
    );
  }
}
