/** What the translator decided about one node of a source, as a finding to report. */
import type { NoteOptions } from '../model/notes.js';
import type { JsonPath } from '../report/finding.js';

export interface Decision {
  code: string;
  path: JsonPath;
  message: string;
  opts?: NoteOptions;
}
