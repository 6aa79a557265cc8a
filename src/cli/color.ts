/**
 * Colour only on a terminal: `--no-color` and `NO_COLOR` (any value) turn it off, `FORCE_COLOR` (not 0) turns it on
 * (style-and-cli §2.4).
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false; // no-color.org: an empty value is ignored
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
