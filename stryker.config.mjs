// Mutation testing of the money path (`npm run test:mutation`): sizing, the copy decision, our books,
// reconciliation with the venue, the store, and the venues' fill parsing (filled size, value, fee).
// https://stryker-mutator.io/docs/stryker-js/configuration/
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Line ranges of the named top-level functions of a venue file ("file:start-end"), so only the code
 * that turns a venue's answer into a fill is mutated (not order signing or error wording) and the
 * ranges follow the functions when the file is edited.
 */
function functions(file, names) {
  const lines = readFileSync(file, 'utf8').split('\n');
  return names.map((name) => {
    const start = lines.findIndex((line) => new RegExp(`^(export )?(async )?function ${name}\\b`).test(line));
    if (start < 0) throw new Error(`stryker.config.mjs: no function ${name} in ${file}`);
    const end = lines.findIndex((line, index) => index > start && line === '}');
    return `${file}:${start + 1}-${end + 1}`;
  });
}

/**
 * The tests that exercise these modules in milliseconds: unit tests and the adapters against the
 * in-process venues. Left out: spawned binaries, the local chain (anvil), the crash test that kills a
 * child process, the CLI-level mirror runs on wall-clock timers, and the sandboxes' own test suites.
 */
const SLOW = [/\.e2e\.test\.ts$/, /\/e2e\.test\.ts$/, /^test\/mirror\/(command|onchain)\.test\.ts$/];
/**
 * The vitest runner always runs tests in worker threads (`pool: 'threads'`), where process-wide calls
 * such as process.umask() and process.chdir() throw; files that make them need the default forks pool.
 */
const NEEDS_OWN_PROCESS = /process\.(umask|chdir)\(/;
function fastTests(dirs) {
  return dirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true })
      .map((name) => join(dir, String(name)))
      .filter((file) => file.endsWith('.test.ts') && !SLOW.some((pattern) => pattern.test(file)))
      .filter((file) => !NEEDS_OWN_PROCESS.test(readFileSync(file, 'utf8'))),
  );
}

// The property suite (test/mirror/money.property.test.ts) drives the real engine through 40 random
// scenarios by default, seconds for every mutant it covers (most of the money path). A few scenarios from
// a fixed seed keep it in the run at a fraction of the cost, and make the score reproducible.
process.env.PROPERTY_RUNS ??= '4';
process.env.PROPERTY_SEED ??= '20260105';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  mutate: [
    'src/core/money.ts',
    'src/mirror/sizing.ts',
    'src/mirror/decide.ts',
    'src/mirror/pricing.ts',
    'src/mirror/fill-bounds.ts',
    'src/mirror/portfolio.ts',
    'src/mirror/books.ts',
    'src/mirror/reconcile.ts',
    'src/mirror/store.ts',
    ...functions('src/exchanges/polymarket/orders.ts', ['venueMicros', 'filledAmounts', 'assertFillWithinSigned', 'marketBuyAmount', 'isComplete', 'orderStatus']),
    ...functions('src/exchanges/polymarket/wire.ts', ['orderResultOf', 'assertRecordWithinSize', 'numberMicros']),
    ...functions('src/exchanges/polymarket/fees.ts', ['chargesFees', 'takerFee', 'takerFillsOf', 'totalShares', 'roundDown']),
    ...functions('src/exchanges/kalshi/wire.ts', ['fromYesBook', 'outcomePrice', 'parseFixed', 'feePaid', 'centsToMicros']),
    ...functions('src/exchanges/kalshi/orders.ts', ['createdStatus', 'createResult', 'bookSideOf', 'openOrderFrom', 'orderResultFrom']),
  ],
  testFiles: fastTests(['test/core', 'test/mirror', 'test/exchanges']),
  // The sandbox is a copy of the repo with node_modules symlinked, so better-sqlite3's native binding
  // and vitest's TypeScript transform work there as they do here; build output is not needed.
  ignorePatterns: ['dist', 'bench', 'coverage', '.betmirror-test-*'],
  // Other people run tests on this 2-core machine too.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
