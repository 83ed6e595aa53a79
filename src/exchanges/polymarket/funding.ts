/**
 * Funding modes: which address holds the money (the order's maker / funder) for each signature type,
 * and whether a signer / funder pair is one the CTF exchange contract accepts. Pure: no network.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order#signature-types
 */
import { deriveDepositWallet, deriveProxyWallet, deriveSafe } from '@polymarket/builder-relayer-client';
import { getAddress, isAddressEqual } from 'viem';
import type { PermissionCheck } from '../../core/types.js';
import { SIGNATURE_TYPE_NAMES, type SignatureType } from './settings.js';

/** Factories from @polymarket/builder-relayer-client's config (identical on 137 and 80002 where present). */
export const RELAYER_CONTRACTS = {
  137: {
    proxyFactory: '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052',
    relayHub: '0xD216153c06E857cD7f72665E0aF1d7D82172F494',
    safeFactory: '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b',
    safeMultisend: '0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761',
    depositWalletFactory: '0x00000000000Fb5C9ADea0298D729A0CB3823Cc07',
    depositWalletImplementation: '0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB',
  },
  80002: {
    proxyFactory: '',
    relayHub: '',
    safeFactory: '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b',
    safeMultisend: '0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761',
    depositWalletFactory: '0x00000000000Fb5C9ADea0298D729A0CB3823Cc07',
    depositWalletImplementation: '0x50a88fE9a441cB4c9c2aD6A2207CE2795C7D7Fbd',
  },
} as const;

/** The explanation VENUES.md section 2 gives for the seed's "hybrid authentication". */
export const HYBRID_EXPLANATION =
  'signature type 0 (EOA) requires the funder to be the signing key itself (signer == maker); the CTF exchange ' +
  'contract refuses an order signed by a session EOA as type 0 while a different wallet or smart account holds ' +
  'the funds ("invalid signature"). Working alternatives: type 3 (deposit-wallet) with a Polymarket deposit ' +
  'wallet and an approved session signer, or type 2 (safe) with a Polymarket Safe owned by the key.';

/** The funder a signer gets for a signature type when none is configured, or undefined if it cannot be derived. */
export function derivedFunder(type: SignatureType, signer: `0x${string}`, chainId: 137 | 80002): `0x${string}` | undefined {
  const contracts = RELAYER_CONTRACTS[chainId];
  switch (type) {
    case 0:
      return signer;
    case 1:
      return contracts.proxyFactory ? (deriveProxyWallet(signer, contracts.proxyFactory) as `0x${string}`) : undefined;
    case 2:
      return deriveSafe(signer, contracts.safeFactory) as `0x${string}`;
    case 3:
      return deriveDepositWallet(signer, contracts.depositWalletFactory, contracts.depositWalletImplementation) as `0x${string}`;
  }
}

export interface FundingInput {
  signatureType: SignatureType;
  signer: `0x${string}`;
  /** Configured funder, if any. */
  funder?: `0x${string}`;
  /** Deposit-wallet mode with a session signer: the wallet's owner. */
  depositWalletOwner?: `0x${string}`;
  chainId: 137 | 80002;
}

export interface FundingResolution {
  ok: boolean;
  /** The maker address orders will carry and the address whose collateral is spent. */
  funder?: `0x${string}`;
  check: PermissionCheck;
  hint?: string;
}

/**
 * Checks, before anything is sent, that the exchange contract would accept orders signed by `signer`
 * for `funder` under the chosen signature type; resolves the funder when it is not configured.
 */
export function resolveFunding(input: FundingInput): FundingResolution {
  const { signatureType: type, signer, chainId } = input;
  const name = `signer/funder pair (type ${type} ${SIGNATURE_TYPE_NAMES[type]})`;
  const fail = (detail: string, hint?: string): FundingResolution => ({ ok: false, check: { name, ok: false, detail }, hint });
  const pass = (funder: `0x${string}`, detail: string): FundingResolution => ({
    ok: true,
    funder: getAddress(funder),
    check: { name, ok: true, detail },
  });

  if (type === 0) {
    if (input.funder && !isAddressEqual(input.funder, signer)) {
      return fail(
        `refused hybrid: key ${signer} would sign as type 0 for funder ${input.funder}. ${HYBRID_EXPLANATION}`,
        'set POLYMARKET_SIGNATURE_TYPE=deposit-wallet (with a deposit wallet that approves this key as session signer) or safe',
      );
    }
    return pass(signer, `type 0: the key ${signer} signs and holds the funds itself`);
  }

  if (type === 3 && input.depositWalletOwner && !isAddressEqual(input.depositWalletOwner, signer)) {
    const owners = derivedFunder(3, input.depositWalletOwner, chainId)!;
    const funder = input.funder ?? owners;
    if (!isAddressEqual(funder, owners)) {
      return fail(`funder ${funder} is not the deposit wallet of owner ${input.depositWalletOwner} (expected ${owners})`);
    }
    return pass(
      funder,
      `type 3: deposit wallet ${funder} of owner ${input.depositWalletOwner}; ${signer} signs as a session signer ` +
        '(the wallet must have approved it; the venue checks this when the order arrives)',
    );
  }

  const expected = derivedFunder(type, signer, chainId);
  if (!expected) {
    return fail(`signature type ${type} (${SIGNATURE_TYPE_NAMES[type]}) is not available on chain ${chainId}`);
  }
  const funder = input.funder ?? expected;
  if (!isAddressEqual(funder, expected)) {
    const what = { 1: 'Polymarket proxy wallet', 2: 'Polymarket Safe', 3: 'deposit wallet' }[type];
    return fail(
      `funder ${funder} does not belong to signer ${signer}: the ${what} of this key is ${expected}, and the ` +
        `exchange contract only accepts type ${type} orders whose maker is the ${what} of the signer`,
      type === 3
        ? 'if this key is a session signer of someone else\'s deposit wallet, set POLYMARKET_DEPOSIT_WALLET_OWNER'
        : `use POLYMARKET_FUNDER=${expected}, or the key that owns ${funder}`,
    );
  }
  return pass(funder, `type ${type}: funder ${funder} is the ${SIGNATURE_TYPE_NAMES[type]} of signer ${signer}`);
}
