/**
 * The maker/signer rules per signature type (VENUES.md 1.4), with funder addresses derived by the
 * official @polymarket/builder-relayer-client helpers, and orders built by the official client.
 */
import { AssetType, Side, SignatureTypeV2 } from '@polymarket/clob-client-v2';
import {
  deriveDepositWallet,
  deriveProxyWallet,
  deriveSafe,
} from '@polymarket/builder-relayer-client/dist/builder/derive.js';
import { Wallet } from '@ethersproject/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { KEYS, USD, officialClient } from './helpers.js';

const PROXY_FACTORY = '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052';
const SAFE_FACTORY = '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b';
const DEPOSIT_FACTORY = '0x00000000000Fb5C9ADea0298D729A0CB3823Cc07';
const DEPOSIT_IMPLEMENTATION = '0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB';

let sandbox: PolymarketSandbox;
let tokenId: string;
const eoa = new Wallet(KEYS[0]).address;
const order = () => ({ tokenID: tokenId, price: 0.3, size: 10, side: Side.BUY });

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
  tokenId = sandbox.markets[1]!.tokens[0].tokenId; // neg-risk market: the client signs for the neg-risk exchange
});
afterAll(() => sandbox.close());

describe('signature types', () => {
  it('type 0 (EOA): maker must be the signer', async () => {
    sandbox.fund(eoa, 10n * USD);
    const ok = await officialClient(sandbox, KEYS[0]);
    expect((await ok.client.createAndPostOrder(order())).status).toBe('live');
    const elsewhere = await officialClient(sandbox, KEYS[0], { funderAddress: deriveSafe(eoa, SAFE_FACTORY) });
    expect(await elsewhere.client.createAndPostOrder(order())).toMatchObject({ error: 'invalid signature', status: 400 });
  });

  it("type 1 (POLY_PROXY): maker must be the signer's proxy wallet, whose balance is read", async () => {
    const proxy = deriveProxyWallet(eoa, PROXY_FACTORY);
    sandbox.fund(proxy, 7n * USD);
    const ok = await officialClient(sandbox, KEYS[0], { signatureType: SignatureTypeV2.POLY_PROXY, funderAddress: proxy });
    expect((await ok.client.createAndPostOrder(order())).status).toBe('live');
    expect(await ok.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toMatchObject({ balance: '7000000' });
    const wrong = await officialClient(sandbox, KEYS[0], { signatureType: SignatureTypeV2.POLY_PROXY, funderAddress: deriveSafe(eoa, SAFE_FACTORY) });
    expect(await wrong.client.createAndPostOrder(order())).toMatchObject({ error: 'invalid signature', status: 400 });
  });

  it("type 2 (POLY_GNOSIS_SAFE): maker must be the signer's Safe", async () => {
    const safe = deriveSafe(eoa, SAFE_FACTORY);
    sandbox.fund(safe, 5n * USD);
    const ok = await officialClient(sandbox, KEYS[0], { signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE, funderAddress: safe });
    expect((await ok.client.createAndPostOrder(order())).status).toBe('live');
    expect(await ok.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toMatchObject({ balance: '5000000' });
    const wrong = await officialClient(sandbox, KEYS[0], { signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE, funderAddress: deriveProxyWallet(eoa, PROXY_FACTORY) });
    expect(await wrong.client.createAndPostOrder(order())).toMatchObject({ error: 'invalid signature', status: 400 });
  });

  describe('type 3 (POLY_1271 deposit wallet, ERC-7739 wrapped)', () => {
    const owner = new Wallet(KEYS[3]).address;
    const session = new Wallet(KEYS[4]).address;
    const wallet = deriveDepositWallet(owner, DEPOSIT_FACTORY, DEPOSIT_IMPLEMENTATION);
    const opts = { signatureType: SignatureTypeV2.POLY_1271, funderAddress: wallet };

    beforeAll(() => {
      sandbox.registerDepositWallet(wallet, owner, [session]);
      sandbox.fund(wallet, 20n * USD);
    });

    it('accepts orders signed by the owner and by an approved session signer', async () => {
      const byOwner = await officialClient(sandbox, KEYS[3], opts);
      const bySession = await officialClient(sandbox, KEYS[4], opts);
      const a = await byOwner.client.createAndPostOrder(order());
      const b = await bySession.client.createAndPostOrder(order());
      expect([a.status, b.status]).toEqual(['live', 'live']);
      const open = await bySession.client.getOpenOrders();
      expect(open.map((o) => o.maker_address)).toEqual([wallet]);
      expect(await bySession.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toMatchObject({ balance: '20000000' });
    });

    it('refuses a key that is neither owner nor session signer, and an unregistered wallet', async () => {
      const stranger = await officialClient(sandbox, KEYS[2], opts);
      expect(await stranger.client.createAndPostOrder(order())).toMatchObject({ error: 'invalid signature', status: 400 });
      const unregistered = await officialClient(sandbox, KEYS[3], { ...opts, funderAddress: deriveSafe(owner, SAFE_FACTORY) });
      expect(await unregistered.client.createAndPostOrder(order())).toMatchObject({ error: 'invalid signature', status: 400 });
    });
  });

  it('in deposit-wallet-only mode (new API users since May 2026) types 0-2 are refused, type 3 passes', async () => {
    const strict = await startPolymarketSandbox({ liquidity: false, depositWalletFlowOnly: true });
    try {
      const owner = new Wallet(KEYS[3]).address;
      const wallet = deriveDepositWallet(owner, DEPOSIT_FACTORY, DEPOSIT_IMPLEMENTATION);
      strict.registerDepositWallet(wallet, owner);
      strict.fund(wallet, 10n * USD);
      strict.fund(eoa, 10n * USD);
      const token = strict.markets[0]!.tokens[0].tokenId;
      const eoaClient = await officialClient(strict, KEYS[0]);
      expect(await eoaClient.client.createAndPostOrder({ tokenID: token, price: 0.3, size: 10, side: Side.BUY })).toMatchObject({
        error: 'maker address not allowed, please use the deposit wallet flow',
        status: 400,
      });
      const depositClient = await officialClient(strict, KEYS[3], { signatureType: SignatureTypeV2.POLY_1271, funderAddress: wallet });
      expect((await depositClient.client.createAndPostOrder({ tokenID: token, price: 0.3, size: 10, side: Side.BUY })).status).toBe('live');
    } finally {
      await strict.close();
    }
  });

  it('on exchange version 3 the client signs for ExchangeV3 and the sandbox verifies it', async () => {
    const v3 = await startPolymarketSandbox({ liquidity: false, exchangeVersion: 3 });
    try {
      v3.fund(eoa, 10n * USD);
      const { client } = await officialClient(v3, KEYS[0]);
      const res = await client.createAndPostOrder({ tokenID: v3.markets[1]!.tokens[0].tokenId, price: 0.3, size: 10, side: Side.BUY });
      expect(res.status).toBe('live');
    } finally {
      await v3.close();
    }
  });
});
