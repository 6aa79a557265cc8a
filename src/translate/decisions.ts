/** What the translator decided about one node of a source, as a finding to report. */
export type { Note as Decision } from '../model/notes.js';
