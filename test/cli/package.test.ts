/**
 * What `npm publish` would ship, from `npm pack --dry-run --json` against the fresh build (`npm run
 * build` first; .ci/run does): what a user runs and nothing from tests.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function packedFiles(): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  const [pack] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
  return pack!.files.map((file) => file.path).sort();
}

/** Relative module specifiers a built file imports, statically or lazily. */
function relativeImports(source: string): string[] {
  const found = [...source.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return [...new Set(found)];
}

describe('the published package', () => {
  const files = packedFiles();

  it('holds the entry point, the build and the package files, nothing else', () => {
    const outside = files.filter((path) => !path.startsWith('dist/'));
    expect(outside).toEqual(['README.md', 'bin/betmirror', 'package.json']);
    expect(files.filter((path) => !path.endsWith('.js') && path.startsWith('dist/'))).toEqual([]);
  });

  it('ships no test double: only the local venues that `betmirror sandbox` and `mirror --sandbox` run', () => {
    const sandbox = [...new Set(files.filter((path) => path.startsWith('dist/sandbox/')).map((path) => path.split('/')[2]))];
    expect(sandbox).toEqual(['polymarket', 'predictbase']);
    for (const double of ['kalshi', 'relayer', 'bundler', 'doubles', 'test/']) {
      expect(files.filter((path) => path.includes(`sandbox/${double}`) || path.startsWith(double))).toEqual([]);
    }
  });

  it('ships no source map (they would point at src/, which does not ship)', () => {
    expect(files.filter((path) => path.endsWith('.map'))).toEqual([]);
    const withMapComment = files.filter((path) => path.endsWith('.js') && readFileSync(join(root, path), 'utf8').includes('//# sourceMappingURL='));
    expect(withMapComment).toEqual([]);
  });

  it('every module the shipped code imports ships too', () => {
    const shipped = new Set(files);
    const missing: string[] = [];
    for (const path of files.filter((p) => p.endsWith('.js') || p === 'bin/betmirror')) {
      for (const specifier of relativeImports(readFileSync(join(root, path), 'utf8'))) {
        const target = normalize(join(dirname(path), specifier));
        if (!shipped.has(target)) missing.push(`${path} -> ${specifier}`);
      }
    }
    expect(missing).toEqual([]);
    expect(shipped.has('dist/cli/main.js')).toBe(true);
  });
});
