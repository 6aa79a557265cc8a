/** The tool version written into every output's annotations (kept equal to package.json by a test). */
export const VERSION = '0.1.0';
