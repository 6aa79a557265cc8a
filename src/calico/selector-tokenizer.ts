/**
 * Tokenizer for the Calico selector language, following the regex-free tokenizer Calico has used since v3.30
 * (calico-semantics §5.1). Every token carries the 0-based offset (UTF-16 code unit index) where it starts, so that
 * the parser can report where a selector went wrong.
 */

/** Calico's `MaxLabelLength`: identifiers longer than this are rejected. Identifiers are ASCII, so chars = bytes. */
export const MAX_LABEL_LENGTH = 512;

export class SelectorSyntaxError extends Error {
  /** 0-based character index in the input where tokenizing or parsing failed (input length = at the end). */
  readonly offset: number;
  readonly selector: string;

  constructor(message: string, selector: string, offset: number) {
    super(`invalid Calico selector ${JSON.stringify(selector)}: ${message} (at offset ${offset})`);
    this.name = 'SelectorSyntaxError';
    this.selector = selector;
    this.offset = offset;
  }
}

export type TokenKind =
  | 'label'
  | 'string'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'eq'
  | 'ne'
  | 'in'
  | 'not'
  | 'notin'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'all'
  | 'has'
  | 'lparen'
  | 'rparen'
  | 'and'
  | 'or'
  | 'global'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Label name (`label`, `has`) or string body (`string`); '' otherwise. */
  value: string;
  /** 0-based offset of the first character of the token (for `eof`, the input length). */
  pos: number;
}

/** `[a-zA-Z0-9_./-]` */
export function isIdentifierChar(c: string | undefined): boolean {
  if (c === undefined || c.length === 0) return false;
  const x = c.charCodeAt(0);
  return (
    (x >= 0x61 && x <= 0x7a) || // a-z
    (x >= 0x41 && x <= 0x5a) || // A-Z
    (x >= 0x30 && x <= 0x39) || // 0-9
    c === '_' ||
    c === '.' ||
    c === '/' ||
    c === '-'
  );
}

/** True when `s` is a complete, legal selector label name (Calico's `ValidLabel`). */
export function isValidSelectorLabel(s: string): boolean {
  if (s.length === 0 || s.length > MAX_LABEL_LENGTH) return false;
  for (const c of s) if (!isIdentifierChar(c)) return false;
  return true;
}

export function tokenizeSelector(input: string): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, at: number): never => {
    throw new SelectorSyntaxError(message, input, at);
  };
  /** Whitespace is only space and tab; a newline is an ordinary (illegal) character. */
  const skipWs = (p: number): number => {
    while (p < input.length && (input[p] === ' ' || input[p] === '\t')) p++;
    return p;
  };
  const isWordBoundary = (p: number): boolean => !isIdentifierChar(input[p]);
  /** Matches the words at p with any amount (including none) of space/tab between them, then a word boundary. */
  const matchWords = (p: number, words: string[]): number | null => {
    // Like Calico's cutMultiWordPrefixCheckBreak, whitespace is skipped after every word (also the last one) and
    // the boundary is checked after that; single-word operators check the boundary right after the word.
    let q = p;
    for (const w of words) {
      if (!input.startsWith(w, q)) return null;
      q += w.length;
      if (words.length > 1) q = skipWs(q);
    }
    return isWordBoundary(q) ? q : null;
  };
  const cutIdentifier = (p: number): number => {
    let q = p;
    while (q < input.length && isIdentifierChar(input[q])) q++;
    if (q === p) fail('expected identifier', p);
    if (q - p > MAX_LABEL_LENGTH) fail(`label too long (${q - p} > ${MAX_LABEL_LENGTH} characters)`, p);
    return q;
  };

  let pos = 0;
  for (;;) {
    pos = skipWs(pos);
    if (pos >= input.length) {
      tokens.push({ kind: 'eof', value: '', pos: input.length });
      return tokens;
    }
    const start = pos;
    const push = (kind: TokenKind, end: number, value = ''): void => {
      tokens.push({ kind, value, pos: start });
      pos = end;
    };
    const c = input[pos]!;
    switch (c) {
      case '(':
        push('lparen', pos + 1);
        break;
      case ')':
        push('rparen', pos + 1);
        break;
      case '{':
        push('lbrace', pos + 1);
        break;
      case '}':
        push('rbrace', pos + 1);
        break;
      case ',':
        push('comma', pos + 1);
        break;
      case '"':
      case "'": {
        // No escapes: the body is everything up to the next identical quote.
        const close = input.indexOf(c, pos + 1);
        if (close < 0) fail('unterminated string', pos);
        push('string', close + 1, input.slice(pos + 1, close));
        break;
      }
      case '=':
        if (input.startsWith('==', pos)) push('eq', pos + 2);
        else fail("expected '=='", pos);
        break;
      case '!':
        if (input.startsWith('!=', pos)) push('ne', pos + 2);
        else push('not', pos + 1);
        break;
      case '&':
        if (input.startsWith('&&', pos)) push('and', pos + 2);
        else fail("expected '&&'", pos);
        break;
      case '|':
        if (input.startsWith('||', pos)) push('or', pos + 2);
        else fail("expected '||'", pos);
        break;
      default: {
        const last = tokens[tokens.length - 1];
        if (last?.kind === 'label') {
          // Right after a label only a word operator can follow (the symbolic ones are handled above).
          const ops: [TokenKind, string[]][] = [
            ['contains', ['contains']],
            ['startswith', ['starts', 'with']],
            ['endswith', ['ends', 'with']],
            ['notin', ['not', 'in']],
            ['in', ['in']],
          ];
          let matched = false;
          for (const [kind, words] of ops) {
            const end = matchWords(pos, words);
            if (end !== null) {
              push(kind, end);
              matched = true;
              break;
            }
          }
          if (!matched) fail(`expected operator after label ${JSON.stringify(last.value)}`, pos);
        } else if (input.startsWith('has(', pos)) {
          let p = skipWs(pos + 4);
          const identStart = p;
          p = cutIdentifier(p);
          const ident = input.slice(identStart, p);
          p = skipWs(p);
          if (input[p] !== ')') fail("no closing ')' after has(", p);
          push('has', p + 1, ident);
        } else if (input.startsWith('all(', pos)) {
          const p = skipWs(pos + 4);
          if (input[p] !== ')') fail("no closing ')' after all(", p);
          push('all', p + 1);
        } else if (input.startsWith('global(', pos)) {
          const p = skipWs(pos + 7);
          if (input[p] !== ')') fail("no closing ')' after global(", p);
          push('global', p + 1);
        } else {
          const end = cutIdentifier(pos);
          push('label', end, input.slice(pos, end));
        }
      }
    }
  }
}
