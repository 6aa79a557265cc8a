/** A command-line mistake: reported in one line with a hint, exit code 2. */
export class UsageError extends Error {}
