/** Built-in sandbox markets, with ids derived like the real ones (uint256 token ids, bytes32 condition ids). */
import { hexToBigInt, keccak256, toHex } from 'viem';
import type { SandboxMarket } from './types.js';

interface MarketSeed {
  slug: string;
  eventSlug: string;
  question: string;
  tickSize: string;
  negRisk?: boolean;
  closed?: boolean;
  /** Taker fee rate of the market's schedule (0 or absent: fee-free). */
  feeRate?: number;
  feeExponent?: number;
}

/** Deterministic ids so a restarted sandbox shows the same markets (handy for users' configs). */
export function makeMarket(seed: MarketSeed): SandboxMarket {
  const conditionId = keccak256(toHex(`betmirror-sandbox:${seed.slug}`));
  const token = (outcome: string) =>
    hexToBigInt(keccak256(toHex(`betmirror-sandbox:${seed.slug}:${outcome}`))).toString();
  return {
    conditionId,
    question: seed.question,
    slug: seed.slug,
    eventSlug: seed.eventSlug,
    tokens: [
      { tokenId: token('Yes'), outcome: 'Yes' },
      { tokenId: token('No'), outcome: 'No' },
    ],
    tickSize: seed.tickSize,
    minOrderSize: 5,
    negRisk: seed.negRisk ?? false,
    active: true,
    closed: seed.closed ?? false,
    ...(seed.feeRate ? { feeRate: seed.feeRate, feeExponent: seed.feeExponent ?? 1 } : {}),
  };
}

export function defaultMarkets(): SandboxMarket[] {
  return [
    makeMarket({
      slug: 'will-it-rain-in-sandbox-city-tomorrow',
      eventSlug: 'sandbox-weather',
      question: 'Will it rain in Sandbox City tomorrow?',
      tickSize: '0.01',
    }),
    makeMarket({
      slug: 'sandbox-election-candidate-a-wins',
      eventSlug: 'sandbox-election',
      question: 'Will Candidate A win the Sandbox election?',
      tickSize: '0.01',
      negRisk: true,
    }),
    makeMarket({
      slug: 'sandbox-coin-above-100k-by-december',
      eventSlug: 'sandbox-coin-price',
      question: 'Will SandboxCoin close above $100k by December?',
      tickSize: '0.001',
    }),
    makeMarket({
      slug: 'sandbox-cup-final-team-b',
      eventSlug: 'sandbox-cup',
      question: 'Did Team B win the Sandbox Cup final?',
      tickSize: '0.01',
      closed: true,
    }),
  ];
}

export const VALID_TICK_SIZES = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'] as const;
