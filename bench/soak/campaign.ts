/**
 * The crash campaign: scripted whales trade on the local Polymarket stand-in at random 0.3-1.5 s
 * intervals while the mirror runs as a child process on one state dir and is killed with SIGKILL at
 * random moments (during startup, while running, with an order in flight before or after the venue
 * took it) and restarted at once. The last mirror stops cleanly; then `audit` compares with the venue.
 * Every wait is bounded in time, every loop in count; everything listens on 127.0.0.1 only.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { MICRO } from '../../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../../src/core/runtime.js';
import { polymarketVenue } from '../../src/exchanges/polymarket/index.js';
import type { MirrorSummary } from '../../src/mirror/engine.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { prng } from '../../src/sandbox/polymarket/whales.js';
import { audit, type AuditResult } from './audit.js';
import type { SoakChildConfig } from './child.js';
import { sleep, spawnMirror, until, type MirrorLife } from './mirror-process.js';
import { startClobProxy, type ClobProxy, type OrderTrap } from './proxy.js';

export interface SoakOptions {
  kills: number;
  /** Minimum length of the whale timeline (s); it runs on until the last kill if that takes longer. */
  seconds: number;
  seed: number;
  whales: number;
  /** The mirror's starting pUSD. */
  fundUsd: number;
  /** Keep the temp dir (state dir, order trace) and print its path. */
  keep: boolean;
  /** Progress chatter (stderr). */
  progress: (line: string) => void;
  /** Set by the entry point on Ctrl-C: loops stop at their next check. */
  cancelled: () => boolean;
}

export type KillPlan = 'startup' | 'running' | OrderTrap;

export interface LifeRecord {
  plan: KillPlan;
  spawnedAt: number;
  startedAt: number | undefined;
  endedAt: number;
  /** How the life ended: our SIGKILL by timer or by an order trap, or the child's own exit. */
  end: 'timer' | OrderTrap | 'self-exit' | 'sigterm';
  started: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stderrTail: string[];
}

export interface SoakResult {
  options: Omit<SoakOptions, 'progress' | 'cancelled'>;
  lives: LifeRecord[];
  kills: number;
  timelineMs: number;
  tokens: number;
  summary: MirrorSummary | undefined;
  audit: AuditResult;
  keptDir: string | undefined;
}

/** Whale pause range (ms): often enough that kills land near trades. */
const WHALE_PAUSE_MS: [number, number] = [300, 1500];
const START_TIMEOUT_MS = 30_000;
const TRAP_TIMEOUT_MS = 5_000;
const EXIT_TIMEOUT_MS = 15_000;
/** The last mirror runs at least this long after it started before whales stop. */
const LAST_LIFE_MIN_MS = 3_000;
/** After the whales stop: the mirror is settled when it has said nothing for this long. */
const QUIET_MS = 3_000;
const SETTLE_TIMEOUT_MS = 20_000;
/** Shares each whale starts with in every open token, so sells happen from the start. */
const WHALE_BOOK = 200n * MICRO;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'betmirror-soak-'));
  const killRandom = prng(options.seed * 7919 + 1);
  const whaleRandom = prng(options.seed * 7919 + 2);
  let sandbox: PolymarketSandbox | undefined;
  let proxy: ClobProxy | undefined;
  let current: MirrorLife | undefined;
  try {
    // Only the scripted whales sleep on the stand-in's clock: each of their pauses is a random 0.3-1.5 s.
    const jittered: Clock = {
      ...systemClock,
      sleep: (_ms, signal) => systemClock.sleep(between(whaleRandom, ...WHALE_PAUSE_MS), signal),
    };
    sandbox = await startPolymarketSandbox({
      seed: options.seed,
      clock: jittered,
      whales: { count: options.whales, autoStart: false },
      maxRecordedRequests: 10_000_000,
    });
    const open = sandbox.markets.filter((m) => m.active && !m.closed);
    for (const whale of sandbox.whales) for (const m of open) for (const t of m.tokens) sandbox.setShares(whale, t.tokenId, WHALE_BOOK);
    const privateKey = keccak256(toHex(`betmirror-soak:${options.seed}`));
    const address = privateKeyToAccount(privateKey).address;
    sandbox.fund(address, BigInt(Math.round(options.fundUsd * 1e6)));
    proxy = await startClobProxy(sandbox.clobUrl);

    const config: SoakChildConfig = {
      clobUrl: proxy.url,
      dataApiUrl: sandbox.dataApiUrl,
      gammaUrl: sandbox.gammaUrl,
      rtdsUrl: sandbox.rtdsUrl,
      privateKey,
      stateDir: join(dir, 'state'),
      wallets: sandbox.whales,
      sources: ['rtds', 'data-api'],
      pollIntervalMs: 250,
      fixedUsd: 5,
      tracePath: join(dir, 'orders.ndjson'),
    };

    const lives: LifeRecord[] = [];
    const uptime: Array<[number, number]> = [];
    let whalesAt: number | undefined;
    let kills = 0;
    const maxLives = options.kills * 2 + 10;
    for (let i = 0; kills < options.kills && i < maxLives && !options.cancelled(); i++) {
      // The first mirror always gets to start: whales begin once it runs, so no fill is history.
      const plan: KillPlan = whalesAt === undefined ? 'running' : pickPlan(killRandom);
      current = spawnMirror(config);
      const record = await live(current, plan, proxy, killRandom, () => {
        if (whalesAt !== undefined) return;
        sandbox!.startWhales();
        whalesAt = Date.now();
      });
      if (record.startedAt !== undefined) uptime.push([record.startedAt, record.endedAt]);
      lives.push(record);
      if (record.end !== 'self-exit') kills++;
      if (record.end === 'self-exit') options.progress(`soak: mirror ${i + 1} exited by itself (${exitText(record.exit)})`);
      if (kills % 10 === 0 && record.end !== 'self-exit') options.progress(`soak: ${kills}/${options.kills} kills`);
    }

    // The last mirror: runs out the timeline, settles after the whales stop, then stops cleanly.
    current = spawnMirror(config);
    const started = await until(() => current!.startedAt !== undefined || !current!.isAlive(), START_TIMEOUT_MS);
    if (started && whalesAt === undefined && current.startedAt !== undefined) {
      sandbox.startWhales();
      whalesAt = Date.now();
    }
    const timelineEnd = Math.max((whalesAt ?? Date.now()) + options.seconds * 1000, (current.startedAt ?? Date.now()) + LAST_LIFE_MIN_MS);
    await until(() => !current!.isAlive() || options.cancelled(), Math.max(0, timelineEnd - Date.now()));
    sandbox.stopWhales();
    const timelineMs = whalesAt === undefined ? 0 : Date.now() - whalesAt;
    await until(() => !current!.isAlive() || Date.now() - current!.lastEventAt >= QUIET_MS, SETTLE_TIMEOUT_MS);
    current.child.kill('SIGTERM');
    const exited = await Promise.race([current.exited, sleep(EXIT_TIMEOUT_MS).then(() => undefined)]);
    current.kill();
    const exit = exited ?? (await current.exited);
    if (current.startedAt !== undefined) uptime.push([current.startedAt, Date.now()]);
    lives.push(lifeRecord(current, 'running', 'sigterm', exit));
    // For a post-mortem with --keep: when each mirror ran, next to its state dir and order trace.
    for (const life of lives) appendFileSync(join(dir, 'lives.ndjson'), `${JSON.stringify(life)}\n`);
    const summary = current.events.find((e) => e.type === 'summary')?.summary as MirrorSummary | undefined;

    options.progress('soak: auditing against the stand-in');
    const adapter = polymarketVenue.create({
      settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, chainId: '137', signatureType: 'eoa' },
      secrets: { privateKey },
      fetch: globalThis.fetch,
      clock: systemClock,
      logger: silentLogger,
    });
    const result = await audit({ sandbox, adapter, address, stateDir: config.stateDir, tracePath: config.tracePath, summary, uptime });
    const tokens = new Set(result.verdicts.map((v) => v.fill.token)).size;
    const { progress: _p, cancelled: _c, ...shown } = options;
    return { options: shown, lives, kills, timelineMs, tokens, summary, audit: result, keptDir: options.keep ? dir : undefined };
  } finally {
    proxy?.disarm();
    current?.kill();
    if (current) await Promise.race([current.exited, sleep(EXIT_TIMEOUT_MS)]);
    await proxy?.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** 15% during startup, 35% at a random moment while running, 35% right after the venue took an order, 15% just before. */
function pickPlan(random: () => number): KillPlan {
  const r = random();
  if (r < 0.15) return 'startup';
  if (r < 0.5) return 'running';
  if (r < 0.85) return 'after-venue';
  return 'before-venue';
}

/** Runs one mirror life to its SIGKILL (or its own exit), bounded in time. */
async function live(life: MirrorLife, plan: KillPlan, proxy: ClobProxy, random: () => number, onStarted: () => void): Promise<LifeRecord> {
  let end: LifeRecord['end'] = 'timer';
  if (plan === 'startup') {
    await until(() => !life.isAlive(), between(random, 50, 1500));
  } else {
    await until(() => life.startedAt !== undefined || !life.isAlive(), START_TIMEOUT_MS);
    if (life.startedAt !== undefined) onStarted();
    if (plan === 'running') {
      await until(() => !life.isAlive(), between(random, 0, 2500));
    } else if (life.isAlive()) {
      let sprung = false;
      proxy.arm(plan, () => {
        sprung = true;
        life.kill();
      });
      await until(() => !life.isAlive(), TRAP_TIMEOUT_MS);
      proxy.disarm();
      if (sprung) end = plan;
    }
  }
  if (!life.isAlive() && end === 'timer') end = 'self-exit';
  life.kill();
  const exit = await life.exited;
  return lifeRecord(life, plan, end, exit);
}

function lifeRecord(life: MirrorLife, plan: KillPlan, end: LifeRecord['end'], exit: LifeRecord['exit']): LifeRecord {
  return {
    plan,
    spawnedAt: life.spawnedAt,
    startedAt: life.startedAt,
    endedAt: Date.now(),
    end,
    started: life.startedAt !== undefined,
    exit,
    stderrTail: [...life.stderrTail],
  };
}

function between(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

export const exitText = (exit: LifeRecord['exit']) => (exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`);
