/**
 * validatePermissions: funds and approvals are warnings (a new user can still run `auth`), the
 * signer/funder pair and the API credentials are errors, and the allowances checked follow /version.
 */
import type { BalanceAllowanceResponse } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionChecksOf } from '../../../src/exchanges/polymarket/wire.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey } from './helpers.js';

let sandbox: PolymarketSandbox;

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('validatePermissions for a new user', () => {
  it('$0 on the funder is a warning: the report is ok and the pair and credentials are errors-grade checks that passed', async () => {
    const { key } = newKey();
    const report = await adapterFor({ clobUrl: sandbox.clobUrl }, { privateKey: key }).validatePermissions();
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'collateral balance')).toMatchObject({ ok: false, severity: 'warning' });
    for (const name of ['API credentials']) {
      expect(report.checks.find((c) => c.name === name)).toMatchObject({ ok: true });
      expect(report.checks.find((c) => c.name === name)?.severity).not.toBe('warning');
    }
  });

  it('wrong stored credentials still fail the report', async () => {
    const { key } = newKey();
    const report = await adapterFor({ clobUrl: sandbox.clobUrl }, { privateKey: key, apiKey: 'k', apiSecret: 'c2VjcmV0c2VjcmV0', apiPassphrase: 'p' }).validatePermissions();
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'API credentials')).toMatchObject({ ok: false });
  });

  it('a funder that does not belong to the signer still fails the report, before anything is sent', async () => {
    const { key } = newKey();
    const report = await adapterFor({ clobUrl: sandbox.clobUrl, signatureType: 'proxy', funder: newKey().address }, { privateKey: key }).validatePermissions();
    expect(report.ok).toBe(false);
  });

  it('on an exchange at version 3, the V3 exchange allowance is the one checked', async () => {
    const v3 = await startPolymarketSandbox({ exchangeVersion: 3, liquidity: false });
    try {
      const { key, address } = newKey();
      v3.fund(address, 1_000_000n);
      const report = await adapterFor({ clobUrl: v3.clobUrl }, { privateKey: key }).validatePermissions();
      expect(report.checks.filter((c) => c.name.startsWith('allowance')).map((c) => [c.name, c.ok])).toEqual([['allowance (CTF exchange V3)', true]]);
      expect(report.checks.find((c) => c.name.startsWith('allowance'))?.detail).toContain('0xe3333700cA9d93003F00f0F71f8515005F6c00Aa');
    } finally {
      await v3.close();
    }
  });
});

describe('permissionChecksOf', () => {
  it('missing allowances and no balance are warnings, never errors', () => {
    const response = { balance: '0', allowances: {} } as unknown as BalanceAllowanceResponse;
    for (const version of [2, 3]) {
      const checks = permissionChecksOf(response, 137, '0x0000000000000000000000000000000000000001', version);
      expect(checks.length).toBeGreaterThan(1);
      expect(checks.every((c) => !c.ok && c.severity === 'warning')).toBe(true);
    }
  });
});
