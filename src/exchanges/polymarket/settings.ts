/**
 * What betmirror knows about Polymarket before loading its adapter (settings, secrets, capabilities),
 * and their resolution into one typed configuration. Everything the adapter talks to is configurable so
 * the same code runs against production, Amoy or the local sandbox. Light on purpose (no official
 * client, no viem): the registry and every command's help read it.
 * https://docs.polymarket.com/developers/CLOB/clients
 */
import { BadInputError, ConfigError } from '../../core/errors.js';
import type { SecretSpec, SettingSpec, VenueInfo } from '../adapter.js';

/** CLOB signature types (SignatureTypeV2 of @polymarket/clob-client-v2). */
export type SignatureType = 0 | 1 | 2 | 3;

export const SIGNATURE_TYPE_NAMES: Record<SignatureType, string> = {
  0: 'eoa',
  1: 'proxy',
  2: 'safe',
  3: 'deposit-wallet',
};

export const PRODUCTION = {
  clobUrl: 'https://clob.polymarket.com',
  dataApiUrl: 'https://data-api.polymarket.com',
  gammaUrl: 'https://gamma-api.polymarket.com',
  rtdsUrl: 'wss://ws-live-data.polymarket.com',
  rpcUrl: 'https://polygon-rpc.com',
  relayerUrl: 'https://relayer-v2.polymarket.com',
} as const;

export const POLYMARKET_SETTINGS: readonly SettingSpec[] = [
  { key: 'clobUrl', env: 'POLYMARKET_CLOB_URL', description: 'CLOB REST base URL', default: PRODUCTION.clobUrl },
  { key: 'dataApiUrl', env: 'POLYMARKET_DATA_API_URL', description: 'Data API base URL', default: PRODUCTION.dataApiUrl },
  { key: 'gammaUrl', env: 'POLYMARKET_GAMMA_URL', description: 'Gamma (market metadata) base URL', default: PRODUCTION.gammaUrl },
  { key: 'rtdsUrl', env: 'POLYMARKET_RTDS_URL', description: 'Real-time data websocket URL', default: PRODUCTION.rtdsUrl },
  { key: 'rpcUrl', env: 'POLYGON_RPC_URL', description: 'Polygon JSON-RPC URL (cashout, on-chain balance)', default: PRODUCTION.rpcUrl },
  { key: 'relayerUrl', env: 'POLYMARKET_RELAYER_URL', description: "Polymarket relayer URL (proxy/Safe/deposit-wallet cashouts)", default: PRODUCTION.relayerUrl },
  { key: 'chainId', env: 'POLYMARKET_CHAIN_ID', description: '137 (Polygon) or 80002 (Amoy)', default: '137' },
  {
    key: 'signatureType',
    env: 'POLYMARKET_SIGNATURE_TYPE',
    description: 'Funding mode: eoa | proxy | safe | deposit-wallet (or 0-3)',
    default: 'eoa',
  },
  { key: 'funder', env: 'POLYMARKET_FUNDER', description: 'Address holding the funds (proxy / Safe / deposit wallet); default: derived from the key' },
  {
    key: 'depositWalletOwner',
    env: 'POLYMARKET_DEPOSIT_WALLET_OWNER',
    description: 'Deposit-wallet mode with a session signer: the wallet owner the funder is derived from',
  },
];

export const POLYMARKET_SECRETS: readonly SecretSpec[] = [
  { key: 'privateKey', env: 'POLYMARKET_PRIVATE_KEY', description: 'Signer private key (0x + 64 hex)', required: true },
  { key: 'apiKey', env: 'POLYMARKET_API_KEY', description: 'CLOB L2 API key (issued by `auth`)', required: false },
  { key: 'apiSecret', env: 'POLYMARKET_API_SECRET', description: 'CLOB L2 API secret (issued by `auth`)', required: false },
  { key: 'apiPassphrase', env: 'POLYMARKET_API_PASSPHRASE', description: 'CLOB L2 API passphrase (issued by `auth`)', required: false },
  { key: 'builderApiKey', env: 'POLYMARKET_BUILDER_API_KEY', description: 'Builder API key for the relayer (optional)', required: false },
  { key: 'builderApiSecret', env: 'POLYMARKET_BUILDER_API_SECRET', description: 'Builder API secret for the relayer (optional)', required: false },
  { key: 'builderApiPassphrase', env: 'POLYMARKET_BUILDER_API_PASSPHRASE', description: 'Builder API passphrase (optional)', required: false },
];

export const polymarketInfo: VenueInfo = {
  id: 'polymarket',
  title: 'Polymarket',
  has: {
    cashout: true,
    orderBook: true,
    positions: true,
    openOrders: true,
    fetchOrder: true,
    marketableOrders: true,
    expiringOrders: true,
    // place.ts calls onSigned with the order hash before POST /order.
    orderIdBeforeSend: true,
  },
  settings: POLYMARKET_SETTINGS,
  secrets: POLYMARKET_SECRETS,
};

export interface ApiCredentials {
  key: string;
  secret: string;
  passphrase: string;
}

export interface PolymarketConfig {
  clobUrl: string;
  dataApiUrl: string;
  gammaUrl: string;
  rtdsUrl: string;
  rpcUrl: string;
  relayerUrl: string;
  chainId: 137 | 80002;
  signatureType: SignatureType;
  /** As configured; undefined means "derive from the signer for this signature type". */
  funder?: `0x${string}`;
  depositWalletOwner?: `0x${string}`;
  privateKey?: `0x${string}`;
  creds?: ApiCredentials;
  builderCreds?: ApiCredentials;
}

export function parseSignatureType(value: string | undefined): SignatureType {
  const text = (value ?? 'eoa').trim().toLowerCase();
  const byName: Record<string, SignatureType> = {
    eoa: 0,
    '0': 0,
    proxy: 1,
    'poly-proxy': 1,
    '1': 1,
    safe: 2,
    'gnosis-safe': 2,
    '2': 2,
    'deposit-wallet': 3,
    deposit: 3,
    '1271': 3,
    'poly-1271': 3,
    '3': 3,
  };
  const type = byName[text];
  if (type === undefined) {
    throw new BadInputError(`unknown Polymarket signature type "${value}"`, {
      hint: 'use eoa, proxy, safe, deposit-wallet (or 0-3)',
    });
  }
  return type;
}

export function parseAddress(value: string | undefined, what: string): `0x${string}` | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new BadInputError(`${what} is not an address: "${text}"`);
  return text as `0x${string}`;
}

function parseChainId(value: string | undefined): 137 | 80002 {
  const id = Number(value ?? '137');
  if (id !== 137 && id !== 80002) {
    throw new BadInputError(`POLYMARKET_CHAIN_ID must be 137 or 80002, got "${value}"`);
  }
  return id;
}

function parsePrivateKey(value: string | undefined): `0x${string}` | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim().startsWith('0x') ? value.trim() : `0x${value.trim()}`;
  // The message never repeats the value: it is a secret even when malformed.
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new ConfigError('the Polymarket private key is malformed (expected 0x + 64 hex digits)');
  return text as `0x${string}`;
}

function credentials(key?: string, secret?: string, passphrase?: string): ApiCredentials | undefined {
  if (!key || !secret || !passphrase) return undefined;
  return { key, secret, passphrase };
}

export function resolveConfig(
  settings: Readonly<Record<string, string | undefined>>,
  secrets: Readonly<Record<string, string | undefined>>,
): PolymarketConfig {
  const setting = (key: keyof typeof PRODUCTION) => (settings[key]?.trim() || PRODUCTION[key]).replace(/\/+$/, '');
  return {
    clobUrl: setting('clobUrl'),
    dataApiUrl: setting('dataApiUrl'),
    gammaUrl: setting('gammaUrl'),
    rtdsUrl: setting('rtdsUrl'),
    rpcUrl: setting('rpcUrl'),
    relayerUrl: setting('relayerUrl'),
    chainId: parseChainId(settings.chainId),
    signatureType: parseSignatureType(settings.signatureType),
    funder: parseAddress(settings.funder, 'POLYMARKET_FUNDER'),
    depositWalletOwner: parseAddress(settings.depositWalletOwner, 'POLYMARKET_DEPOSIT_WALLET_OWNER'),
    privateKey: parsePrivateKey(secrets.privateKey),
    creds: credentials(secrets.apiKey, secrets.apiSecret, secrets.apiPassphrase),
    builderCreds: credentials(secrets.builderApiKey, secrets.builderApiSecret, secrets.builderApiPassphrase),
  };
}
