/**
 * Funding modes: the signer/funder pairs the exchange contract accepts, the seed's refused hybrid, and
 * validatePermissions refusing locally (no request at all) when the pair cannot trade.
 */
import { deriveDepositWallet, deriveProxyWallet, deriveSafe } from '@polymarket/builder-relayer-client';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadInputError } from '../../../src/core/errors.js';
import { parseSignatureType } from '../../../src/exchanges/polymarket/settings.js';
import { HYBRID_EXPLANATION, resolveFunding } from '../../../src/exchanges/polymarket/funding.js';
import { adapterFor, countingServer, newKey, refusingFetch } from './helpers.js';

const POLYGON = {
  proxyFactory: '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052',
  safeFactory: '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b',
  depositFactory: '0x00000000000Fb5C9ADea0298D729A0CB3823Cc07',
  depositImplementation: '0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB',
};

describe('signature type parsing', () => {
  it.each([
    ['eoa', 0], ['0', 0], ['proxy', 1], ['1', 1], ['safe', 2], ['2', 2], ['deposit-wallet', 3], ['3', 3], ['DEPOSIT-WALLET', 3],
  ] as const)('%s -> %i', (text, type) => expect(parseSignatureType(text)).toBe(type));

  it('refuses an unknown mode', () => expect(() => parseSignatureType('kernel')).toThrow(BadInputError));
});

describe('resolveFunding', () => {
  const { address: signer } = newKey();

  it('type 0: the funder is the signer', () => {
    const r = resolveFunding({ signatureType: 0, signer, chainId: 137 });
    expect(r).toMatchObject({ ok: true, funder: signer });
  });

  it('type 0 with a different funder is the refused hybrid, explained with the working alternatives', () => {
    const smartAccount = newKey().address;
    const r = resolveFunding({ signatureType: 0, signer, funder: smartAccount, chainId: 137 });
    expect(r.ok).toBe(false);
    expect(r.check.detail).toContain('refused hybrid');
    expect(r.check.detail).toContain(HYBRID_EXPLANATION);
    expect(HYBRID_EXPLANATION).toMatch(/type 3 \(deposit-wallet\).*session signer.*type 2 \(safe\)/s);
  });

  it.each([
    [1, deriveProxyWallet(signer, POLYGON.proxyFactory)],
    [2, deriveSafe(signer, POLYGON.safeFactory)],
    [3, deriveDepositWallet(signer, POLYGON.depositFactory, POLYGON.depositImplementation)],
  ] as const)('type %i derives the funder with the official derivation', (type, expected) => {
    expect(resolveFunding({ signatureType: type, signer, chainId: 137 })).toMatchObject({ ok: true, funder: expected });
    expect(resolveFunding({ signatureType: type, signer, funder: expected.toLowerCase() as `0x${string}`, chainId: 137 }).ok).toBe(true);
  });

  it.each([1, 2, 3] as const)('type %i refuses a funder that does not belong to the signer', (type) => {
    const someoneElses = newKey().address;
    const r = resolveFunding({ signatureType: type, signer, funder: someoneElses, chainId: 137 });
    expect(r.ok).toBe(false);
    expect(r.check.detail).toContain(`funder ${someoneElses} does not belong to signer ${signer}`);
  });

  it('type 3 with a session signer: the funder must be the deposit wallet of the named owner', () => {
    const owner = newKey().address;
    const wallet = deriveDepositWallet(owner, POLYGON.depositFactory, POLYGON.depositImplementation) as `0x${string}`;
    expect(resolveFunding({ signatureType: 3, signer, depositWalletOwner: owner, chainId: 137 })).toMatchObject({ ok: true, funder: wallet });
    const wrong = resolveFunding({ signatureType: 3, signer, funder: newKey().address, depositWalletOwner: owner, chainId: 137 });
    expect(wrong.ok).toBe(false);
  });

  it('proxy wallets do not exist on Amoy', () => {
    expect(resolveFunding({ signatureType: 1, signer, chainId: 80002 }).ok).toBe(false);
  });
});

describe('validatePermissions refuses locally, before anything is sent', () => {
  const venue = countingServer();

  const settings = (extra: Record<string, string>) => ({ clobUrl: venue.url(), dataApiUrl: venue.url(), rpcUrl: venue.url(), relayerUrl: venue.url(), ...extra });

  it('the hybrid: report not ok, with the explanation, and no request', async () => {
    const { key } = newKey();
    const net = refusingFetch();
    const adapter = adapterFor(settings({ signatureType: 'eoa', funder: newKey().address }), { privateKey: key }, { fetch: net.fetch });
    const report = await adapter.validatePermissions();
    expect(report.ok).toBe(false);
    expect(report.checks[0]!.detail).toContain(HYBRID_EXPLANATION);
    expect(venue.hits()).toBe(0);
    expect(net.calls).toEqual([]);
  });

  it('a Safe that is not the signer\'s: report not ok, no request; trading calls throw AuthenticationError', async () => {
    const { key } = newKey();
    const adapter = adapterFor(settings({ signatureType: 'safe', funder: newKey().address }), { privateKey: key });
    const report = await adapter.validatePermissions();
    expect(report.ok).toBe(false);
    expect(report.checks[0]!.detail).toMatch(/does not belong to signer/);
    await expect(adapter.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(
      adapter.createOrder({ market: '1', side: 'buy', size: 5_000_000n, price: 500_000n, type: 'GTC' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(venue.hits()).toBe(0);
  });

  it('no private key: report not ok without a request', async () => {
    const report = await adapterFor(settings({}), {}).validatePermissions();
    expect(report).toMatchObject({ ok: false, checks: [{ name: 'private key', ok: false }] });
    expect(venue.hits()).toBe(0);
  });
});
