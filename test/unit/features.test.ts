import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURES, feature } from '../../src/report/features.js';
import { formatFeatures } from '../../src/report/format/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const f = join(dir, n);
    return statSync(f).isDirectory() ? files(f, ext) : ext.test(n) ? [f] : [];
  });
}

describe('feature registry', () => {
  it('has unique codes with a family prefix', () => {
    const codes = FEATURES.map((f) => f.code);
    expect(new Set(codes).size).to.equal(codes.length);
    for (const c of codes) expect(c).to.match(/^(input|calico|cilium|native|output|vpc-cni|inventory)\/[a-z0-9-]+$/);
  });

  it('refuses codes that are not registered', () => {
    expect(() => feature('calico/no-such-thing')).to.throw(/not in the feature registry/);
  });

  it('docs/features.md is the generated table (regenerate with `netpol-migrate features -o markdown`)', () => {
    expect(readFileSync(join(root, 'docs', 'features.md'), 'utf8')).to.equal(formatFeatures('markdown'));
  });

  it('every code is exercised by a test or a golden sample', () => {
    const corpus = [...files(join(root, 'test'), /\.ts$/), ...files(join(root, 'samples'), /^expected-report\.json$/)]
      .filter((f) => !f.endsWith('features.test.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const missing = FEATURES.map((f) => f.code).filter((c) => !corpus.includes(`'${c}'`) && !corpus.includes(`"${c}"`));
    expect(missing, 'codes no test or sample mentions').to.deep.equal([]);
  });
});
