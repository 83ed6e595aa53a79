/**
 * The part of a Kernel v3.1 account's state its validation depends on, kept by the bundler stand-in
 * for each sender, so that what it accepts changes what it accepts next as on chain: the validator
 * nonce and the revocation floor (currentNonce, validNonceFrom), the permissions installed by enable
 * mode and removed by uninstallValidation, and the state of their timestamp and rate-limit policies.
 * Rules from Kernel v3.1 (src/Kernel.sol validateUserOp, src/core/ValidationManager.sol) and ZeroDev's
 * TimestampPolicy and RateLimitPolicy. An operation is checked with `check*` (also at gas estimation)
 * and its effects applied with `apply*` only once the stand-in accepts it (as if included).
 */
import type { Address, Hex } from 'viem';
import type { PolicyLimits } from './decode.js';

/** Kernel's MAX_NONCE_INCREMENT_SIZE: invalidateNonce may move the nonce this far at once. */
const MAX_NONCE_INCREMENT = 10;

export interface InstalledPermission {
  permissionId: Hex;
  /** Kernel's ValidationConfig.nonce: currentNonce when it was enabled. */
  nonce: number;
  enableData: Hex;
  signerKey: Address;
  /** Policies + signer, as uninstallValidation's deinit data must count them. */
  modules: number;
  timestamp?: { validAfter: number; validUntil: number };
  /** Remaining operations and the next one's earliest time (RateLimitPolicy's count and startAt). */
  rateLimit?: { interval: number; remaining: number; nextAt: number };
}

/** What the account would answer; `reason` is Kernel's or EntryPoint's error. */
export type Verdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): Verdict => ({ ok: false, reason });
const OK: Verdict = { ok: true };

export class KernelAccountModel {
  currentNonce = 1;
  validNonceFrom = 0;
  readonly permissions = new Map<Hex, InstalledPermission>();
  /** Permissions uninstalled, by id, with the nonce they had (their ValidationConfig.nonce stays). */
  private readonly configNonces = new Map<Hex, number>();

  installed(permissionId: Hex): InstalledPermission | undefined {
    return this.permissions.get(permissionId.toLowerCase() as Hex);
  }

  /** Enable mode for a permission not installed: Kernel's _installValidation nonce rule. */
  checkEnable(permissionId: Hex): Verdict {
    const previous = this.configNonces.get(permissionId.toLowerCase() as Hex) ?? 0;
    // The digest was made for currentNonce; a replayed enable of a permission that already had that
    // nonce bumps currentNonce first, and then no longer matches.
    if (previous === this.currentNonce) return refuse('InvalidNonce(): this enable data was already used at this validator nonce');
    return OK;
  }

  applyEnable(permission: Omit<InstalledPermission, 'nonce'>): void {
    const id = permission.permissionId.toLowerCase() as Hex;
    this.permissions.set(id, { ...permission, permissionId: id, nonce: this.currentNonce });
    this.configNonces.set(id, this.currentNonce);
  }

  /**
   * validateUserOp for a permission: installed (or being installed by this operation: `permission`
   * is then what it installs), not revoked by nonce, within its policies' limits.
   */
  checkPermissionOperation(permission: InstalledPermission | undefined, nowSeconds: number): Verdict {
    if (!permission) return refuse('InvalidValidator(): the permission is not installed (never enabled, or uninstalled)');
    if (permission.nonce < this.validNonceFrom) {
      return refuse(`InvalidNonce(): the permission was enabled at validator nonce ${permission.nonce}, revoked below ${this.validNonceFrom}`);
    }
    const { timestamp, rateLimit } = permission;
    if (timestamp && (nowSeconds < timestamp.validAfter || (timestamp.validUntil !== 0 && nowSeconds > timestamp.validUntil))) {
      return refuse(`AA22 expired or not due (TimestampPolicy: valid ${timestamp.validAfter} to ${timestamp.validUntil}, now ${nowSeconds})`);
    }
    if (rateLimit) {
      if (rateLimit.remaining === 0) return refuse('AA24 signature error (RateLimitPolicy: no operation left)');
      if (nowSeconds < rateLimit.nextAt) return refuse(`AA22 expired or not due (RateLimitPolicy: next operation from ${rateLimit.nextAt}, now ${nowSeconds})`);
    }
    return OK;
  }

  applyPermissionOperation(permissionId: Hex): void {
    const rateLimit = this.installed(permissionId)?.rateLimit;
    if (rateLimit) {
      rateLimit.remaining -= 1;
      rateLimit.nextAt += rateLimit.interval;
    }
  }

  checkInvalidateNonce(nonce: number): Verdict {
    if (this.currentNonce + MAX_NONCE_INCREMENT < nonce) return refuse(`NonceInvalidationError(): ${nonce} is more than ${MAX_NONCE_INCREMENT} above ${this.currentNonce}`);
    if (nonce <= this.validNonceFrom) return refuse(`InvalidNonce(): ${nonce} is not above validNonceFrom ${this.validNonceFrom}`);
    return OK;
  }

  applyInvalidateNonce(nonce: number): void {
    this.validNonceFrom = nonce;
    if (this.currentNonce < nonce) this.currentNonce = nonce;
  }

  checkUninstall(permissionId: Hex, deinitEntries: number): Verdict {
    const permission = this.installed(permissionId);
    // _uninstallPermission compares the deinit data with the policies stored for the id (none: 0).
    const modules = permission?.modules ?? 1;
    if (deinitEntries !== modules) return refuse(`PermissionDataLengthMismatch(): ${deinitEntries} entries for ${modules} installed modules`);
    return OK;
  }

  applyUninstall(permissionId: Hex): void {
    this.permissions.delete(permissionId.toLowerCase() as Hex);
  }
}

/** A permission's policy state as installed: the rate limit's count and first slot. */
export function installedLimits(limits: PolicyLimits): Pick<InstalledPermission, 'timestamp' | 'rateLimit'> {
  return {
    ...(limits.timestamp ? { timestamp: limits.timestamp } : {}),
    ...(limits.rateLimit ? { rateLimit: { interval: limits.rateLimit.interval, remaining: limits.rateLimit.count, nextAt: limits.rateLimit.startAt } } : {}),
  };
}
