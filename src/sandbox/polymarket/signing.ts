/**
 * V2/V3 order hashing and signature checks with the exchange contract's maker/signer rules:
 * 0 EOA (signer == maker), 1 POLY_PROXY and 2 POLY_GNOSIS_SAFE (maker == CREATE2 wallet of the signer),
 * 3 POLY_1271 (maker == signer == a registered deposit wallet; ERC-7739 wrapped signature of its owner or
 * an approved session signer). https://docs.polymarket.com/developers/CLOB/orders/orders
 */
import { deriveProxyWallet, deriveSafe } from '@polymarket/builder-relayer-client/dist/builder/derive.js';
import {
  encodeAbiParameters,
  getAddress,
  hashTypedData,
  keccak256,
  recoverTypedDataAddress,
  toHex,
  type Hex,
} from 'viem';

export const ORDER_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';
const ORDER_TYPE_HASH = keccak256(toHex(ORDER_TYPE_STRING));
const DOMAIN_TYPE_HASH = keccak256(
  toHex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
);

export const ORDER_TYPES = {
  Order: [
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
  ],
} as const;

const TYPED_DATA_SIGN_TYPES = {
  TypedDataSign: [
    { name: 'contents', type: 'Order' },
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ],
  Order: ORDER_TYPES.Order,
} as const;

/** Polymarket's wallet factories on Polygon (from @polymarket/builder-relayer-client's config). */
export const PROXY_FACTORY = '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052';
export const SAFE_FACTORY = '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b';

export const EXCHANGES = {
  137: {
    exchangeV2: '0xE111180000d2663C0091e4f400237545B87B996B',
    negRiskExchangeV2: '0xe2222d279d744050d28e00520010520000310F59',
    exchangeV3: '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa',
  },
  80002: {
    exchangeV2: '0xE111180000d2663C0091e4f400237545B87B996B',
    negRiskExchangeV2: '0xe2222d279d744050d28e00520010520000310F59',
    exchangeV3: '0x9fE6e61422AdB6F610d8597F9684b16912D50C3D',
  },
} as const;

export interface ExchangeDomain {
  name: 'Polymarket CTF Exchange';
  version: '2' | '3';
  chainId: number;
  verifyingContract: `0x${string}`;
}

/** The domain the client signs against: by /version, and for V2 by the market's neg-risk flag. */
export function exchangeDomain(chainId: 137 | 80002, version: 2 | 3, negRisk: boolean): ExchangeDomain {
  const c = EXCHANGES[chainId];
  const verifyingContract = version === 3 ? c.exchangeV3 : negRisk ? c.negRiskExchangeV2 : c.exchangeV2;
  return { name: 'Polymarket CTF Exchange', version: version === 3 ? '3' : '2', chainId, verifyingContract };
}

/** The signed struct, with the wire's strings already parsed. */
export interface SignedOrderStruct {
  salt: bigint;
  maker: `0x${string}`;
  signer: `0x${string}`;
  tokenId: bigint;
  makerAmount: bigint;
  takerAmount: bigint;
  side: 0 | 1;
  signatureType: number;
  timestamp: bigint;
  metadata: Hex;
  builder: Hex;
}

export function orderHash(order: SignedOrderStruct, domain: ExchangeDomain): Hex {
  return hashTypedData({ domain, types: ORDER_TYPES, primaryType: 'Order', message: order });
}

function orderStructHash(o: SignedOrderStruct): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' },
        { type: 'uint256' }, { type: 'uint256' }, { type: 'uint8' }, { type: 'uint8' }, { type: 'uint256' },
        { type: 'bytes32' }, { type: 'bytes32' },
      ],
      [ORDER_TYPE_HASH, o.salt, o.maker, o.signer, o.tokenId, o.makerAmount, o.takerAmount, o.side,
        o.signatureType, o.timestamp, o.metadata, o.builder],
    ),
  );
}

function domainSeparator(d: ExchangeDomain): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }],
      [DOMAIN_TYPE_HASH, keccak256(toHex(d.name)), keccak256(toHex(d.version)), BigInt(d.chainId), d.verifyingContract],
    ),
  );
}

export interface DepositWalletRecord {
  owner: `0x${string}`;
  sessionSigners: Set<string>;
}

export type SignatureCheck =
  | { ok: true; /** The EOA whose key signed (for type 3: the owner or session signer). */ signingEoa: `0x${string}` }
  | { ok: false; reason: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Applies the exchange contract's rules for the order's signature type. */
export async function checkOrderSignature(
  order: SignedOrderStruct,
  signature: Hex,
  domain: ExchangeDomain,
  depositWallets: ReadonlyMap<string, DepositWalletRecord>,
): Promise<SignatureCheck> {
  if (order.signatureType === 3) return checkDepositWalletSignature(order, signature, domain, depositWallets);
  let recovered: `0x${string}`;
  try {
    recovered = await recoverTypedDataAddress({ domain, types: ORDER_TYPES, primaryType: 'Order', message: order, signature });
  } catch {
    return { ok: false, reason: 'signature does not parse' };
  }
  if (!same(recovered, order.signer)) return { ok: false, reason: 'signature does not recover to signer' };
  switch (order.signatureType) {
    case 0:
      return same(order.maker, order.signer) ? { ok: true, signingEoa: recovered } : { ok: false, reason: 'EOA order needs maker == signer' };
    case 1:
      return same(order.maker, deriveProxyWallet(order.signer, PROXY_FACTORY))
        ? { ok: true, signingEoa: recovered }
        : { ok: false, reason: "maker is not the signer's Polymarket proxy wallet" };
    case 2:
      return same(order.maker, deriveSafe(order.signer, SAFE_FACTORY))
        ? { ok: true, signingEoa: recovered }
        : { ok: false, reason: "maker is not the signer's Polymarket Safe" };
    default:
      return { ok: false, reason: `unknown signature type ${order.signatureType}` };
  }
}

/**
 * Type 3: what the deposit wallet's ERC-7739 `isValidSignature` checks. Wire layout:
 * inner(65) || app domain separator(32) || contents hash(32) || contents type string || uint16 length.
 */
async function checkDepositWalletSignature(
  order: SignedOrderStruct,
  signature: Hex,
  domain: ExchangeDomain,
  depositWallets: ReadonlyMap<string, DepositWalletRecord>,
): Promise<SignatureCheck> {
  if (!same(order.maker, order.signer)) return { ok: false, reason: 'POLY_1271 order needs maker == signer' };
  const wallet = depositWallets.get(order.maker.toLowerCase());
  if (!wallet) return { ok: false, reason: 'maker is not a deposit wallet' };
  const bytes = Buffer.from(signature.slice(2), 'hex');
  const typeLength = ORDER_TYPE_STRING.length;
  if (bytes.length !== 65 + 32 + 32 + typeLength + 2) return { ok: false, reason: 'not an ERC-7739 wrapped signature' };
  const inner = `0x${bytes.subarray(0, 65).toString('hex')}` as Hex;
  const appSeparator = `0x${bytes.subarray(65, 97).toString('hex')}`;
  const contents = `0x${bytes.subarray(97, 129).toString('hex')}`;
  const typeString = bytes.subarray(129, 129 + typeLength).toString('utf8');
  const declaredLength = bytes.readUInt16BE(129 + typeLength);
  if (appSeparator !== domainSeparator(domain).toLowerCase()) return { ok: false, reason: 'wrong exchange domain' };
  if (contents !== orderStructHash(order).toLowerCase()) return { ok: false, reason: 'contents hash mismatch' };
  if (typeString !== ORDER_TYPE_STRING || declaredLength !== typeLength) return { ok: false, reason: 'wrong contents type' };
  let recovered: `0x${string}`;
  try {
    recovered = await recoverTypedDataAddress({
      domain,
      types: TYPED_DATA_SIGN_TYPES,
      primaryType: 'TypedDataSign',
      message: {
        contents: order,
        name: 'DepositWallet',
        version: '1',
        chainId: BigInt(domain.chainId),
        verifyingContract: getAddress(order.maker),
        salt: `0x${'00'.repeat(32)}`,
      },
      signature: inner,
    });
  } catch {
    return { ok: false, reason: 'inner signature does not parse' };
  }
  if (same(recovered, wallet.owner) || wallet.sessionSigners.has(recovered.toLowerCase())) {
    return { ok: true, signingEoa: recovered };
  }
  return { ok: false, reason: 'inner signature is not from the owner or an approved session signer' };
}

export function proxyWalletOf(eoa: string): `0x${string}` {
  return deriveProxyWallet(eoa, PROXY_FACTORY) as `0x${string}`;
}

export function safeOf(eoa: string): `0x${string}` {
  return deriveSafe(eoa, SAFE_FACTORY) as `0x${string}`;
}
