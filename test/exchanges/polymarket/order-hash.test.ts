/**
 * orderHash spells out EIP-712 for the one Order struct (a hot-path saving): it must give exactly what
 * the generic implementation (viem's hashTypedData, what signTypedData hashes) gives, for every
 * exchange contract and for extreme field values.
 */
import { hashTypedData } from 'viem';
import { describe, expect, it } from 'vitest';
import { exchangeFor, orderHash } from '../../../src/exchanges/polymarket/orders.js';

const FIELDS = [
  { name: 'salt', type: 'uint256' },
  { name: 'maker', type: 'address' },
  { name: 'signer', type: 'address' },
  { name: 'tokenId', type: 'uint256' },
  { name: 'makerAmount', type: 'uint256' },
  { name: 'takerAmount', type: 'uint256' },
  { name: 'side', type: 'uint8' },
  { name: 'signatureType', type: 'uint8' },
  { name: 'timestamp', type: 'uint256' },
  { name: 'metadata', type: 'bytes32' },
  { name: 'builder', type: 'bytes32' },
] as const;

const MAX = (2n ** 256n - 1n).toString();
const orders = [
  {
    salt: '479249096354',
    maker: '0x6e0c80c90ea6c15917308F820Eac91Ce2724B5b5',
    signer: '0x6e0c80c90ea6c15917308F820Eac91Ce2724B5b5',
    tokenId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
    makerAmount: '5100000',
    takerAmount: '10000000',
    side: 'BUY',
    signatureType: 0,
    timestamp: '1767614400000',
    metadata: `0x${'00'.repeat(32)}`,
    builder: `0x${'00'.repeat(32)}`,
  },
  {
    salt: MAX,
    maker: '0xffffffffffffffffffffffffffffffffffffffff',
    signer: '0x0000000000000000000000000000000000000001',
    tokenId: MAX,
    makerAmount: MAX,
    takerAmount: '0',
    side: 1,
    signatureType: 2,
    timestamp: '0',
    metadata: `0x${'ab'.repeat(32)}`,
    builder: `0x${'ff'.repeat(31)}01`,
  },
  { salt: '1', maker: '0x00000000000000000000000000000000000000aa', signer: '0x00000000000000000000000000000000000000bb', tokenId: '2', makerAmount: '3', takerAmount: '4', side: 'SELL', signatureType: 1, timestamp: '5', metadata: `0x${'01'.repeat(32)}`, builder: `0x${'02'.repeat(32)}` },
];

describe('orderHash', () => {
  for (const chainId of [137, 80002] as const) {
    for (const version of [2, 3] as const) {
      for (const negRisk of [false, true]) {
        it(`equals hashTypedData on chain ${chainId}, version ${version}, neg risk ${negRisk}`, () => {
          for (const order of orders) {
            const generic = hashTypedData({
              domain: { name: 'Polymarket CTF Exchange', version: String(version), chainId, verifyingContract: exchangeFor(chainId, version, negRisk) },
              types: { Order: FIELDS },
              primaryType: 'Order',
              message: {
                salt: BigInt(order.salt),
                maker: order.maker as `0x${string}`,
                signer: order.signer as `0x${string}`,
                tokenId: BigInt(order.tokenId),
                makerAmount: BigInt(order.makerAmount),
                takerAmount: BigInt(order.takerAmount),
                side: order.side === 'BUY' || order.side === 0 ? 0 : 1,
                signatureType: order.signatureType,
                timestamp: BigInt(order.timestamp),
                metadata: order.metadata as `0x${string}`,
                builder: order.builder as `0x${string}`,
              },
            });
            expect(orderHash(order, { chainId, version, negRisk })).toBe(generic);
          }
        });
      }
    }
  }
  it('a known order keeps the id the generic implementation gave it', () => {
    expect(orderHash(orders[0]!, { chainId: 137, version: 2, negRisk: false })).toBe('0x7f8ded599f786a9dbadbd478ade19baec41de9537afa70d0f9e46f4b087803a9');
  });
});
