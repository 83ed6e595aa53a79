import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/core/errors.js';
import {
  assertCanSignVenueOrder,
  describeSessionPermissions,
  HYBRID_ORDER_ALTERNATIVES,
  POLYMARKET_EXCHANGES,
} from '../../src/custody/index.js';
import { CASHOUT_ADDRESS, editApproval, startCustodyFixture, STRANGER, type CustodyFixture } from './fixture.js';

let fx: CustodyFixture;
beforeAll(async () => {
  fx = await startCustodyFixture();
});
afterAll(() => fx?.close());

describe('permissions report', () => {
  it('says what the session key may do (transfers to X, approvals to Y) and may not (anything else, EIP-1271)', () => {
    const perms = describeSessionPermissions(fx.approved.approval, fx.session.address);
    expect(perms.report.ok).toBe(true);
    expect(perms.report.funder).toBe(fx.approved.smartAccountAddress);
    expect(perms.report.signer).toBe(fx.session.address);
    expect(perms.report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['session-transfers', true],
      ['session-approvals', true],
      ['session-no-other-calls', true],
      ['session-no-eip1271', true],
      ['session-expiry', true],
      ['session-rate-limit', true],
    ]);
    expect(perms.report.checks.slice(4).map((c) => c.detail)).toEqual([
      'expires 2030-06-15T17:46:40Z',
      'at most 2160 operations in all, one every 1 h (24 a day on average) from 2030-03-17T17:46:40Z; unused ones carry over',
    ]);
    expect(perms.may.slice(2)).toEqual([
      'act until 2030-06-15T17:46:40Z',
      'send at most 2160 operations in all, one every 1 h (24 a day on average) from 2030-03-17T17:46:40Z; unused ones carry over',
    ]);
    expect(perms.may[0]).toContain(CASHOUT_ADDRESS);
    for (const exchange of POLYMARKET_EXCHANGES) expect(perms.may[1]).toContain(exchange);
    expect(perms.mayNot.join('\n')).toMatch(/EIP-1271/);
    expect(perms.mayNot.join('\n')).toMatch(/any other contract/);
  });

  it('flags an approval without the signature block as unsafe', () => {
    const unsafe = editApproval(fx.approved.approval, (json) => {
      json.permissionParams.policies = json.permissionParams.policies.filter(
        (p: { policyParams: { type: string } }) => p.policyParams.type !== 'signature-caller',
      );
    });
    const report = describeSessionPermissions(unsafe).report;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'session-no-eip1271')).toMatchObject({ ok: false });
  });

  it('flags an approval without a call policy as unrestricted', () => {
    const open = editApproval(fx.approved.approval, (json) => {
      json.permissionParams.policies = json.permissionParams.policies.filter(
        (p: { policyParams: { type: string } }) => p.policyParams.type !== 'call',
      );
    });
    const check = describeSessionPermissions(open).report.checks.find((c) => c.name === 'session-no-other-calls');
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/any contract/) });
  });

  it('flags an approval that allows other calls', () => {
    const wider = editApproval(fx.approved.approval, (json) => {
      json.permissionParams.policies[0].policyParams.permissions.push({ target: STRANGER, selector: '0x12345678', rules: [] });
    });
    const report = describeSessionPermissions(wider).report;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'session-no-other-calls')!.detail).toContain(STRANGER);
  });
});

describe("refusal of the seed's hybrid (session key signs a Polymarket order with the Kernel account as maker)", () => {
  for (const [signatureType, reason] of [
    [0, /signer to be the maker/],
    [1, /proxy\/Safe of the signer/],
    [2, /proxy\/Safe of the signer/],
    [3, /denied EIP-1271/],
  ] as const) {
    it(`refuses signature type ${signatureType} and names the working alternatives`, () => {
      const order = { venue: 'polymarket', maker: fx.approved.smartAccountAddress, signer: fx.session.address, signatureType };
      let thrown: unknown;
      try {
        assertCanSignVenueOrder(order, fx.approved.smartAccountAddress);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthenticationError);
      expect((thrown as AuthenticationError).message).toMatch(reason);
      expect((thrown as AuthenticationError).hint).toBe(HYBRID_ORDER_ALTERNATIVES);
      expect(HYBRID_ORDER_ALTERNATIVES).toMatch(/deposit wallet \(signature type 3\).*session signer/);
      expect(HYBRID_ORDER_ALTERNATIVES).toMatch(/Safe \(signature type 2\)/);
    });
  }

  it('lets orders whose maker is not the Kernel account through (e.g. a Polymarket deposit wallet)', () => {
    const order = { venue: 'polymarket', maker: STRANGER, signer: STRANGER, signatureType: 3 };
    expect(() => assertCanSignVenueOrder(order, fx.approved.smartAccountAddress)).not.toThrow();
  });
});
