import { dataKeyCache } from "./data-key-cache";
import type { DataKeyRepository } from "./data-keys";
import { VaultOpenError, VaultUsageError } from "./errors";
import type { KeyProvider } from "./key-provider";
import {
  FORMAT_VERSION,
  LEGACY_FORMAT_VERSION,
  openRecord,
  parseSealed,
  type SealScope,
  sealRecord,
} from "./seal";

/** Where a sealed value belongs: it opens only for the same tenant, record, purpose and bindings. */
export type VaultScope = SealScope;

export type VaultOptions = {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  /** Tenants whose unwrapped data keys stay in memory (default 1,000). */
  cacheSize?: number;
  /** How long the newest data key seals before it is looked up again (default 60 s). */
  sealingKeyMaxAgeMs?: number;
};

export type Vault = {
  seal(scope: VaultScope, plaintext: Uint8Array | string): Promise<string>;
  open(scope: VaultScope, sealed: string): Promise<Uint8Array>;
  openText(scope: VaultScope, sealed: string): Promise<string>;
  sealJson(scope: VaultScope, value: unknown): Promise<string>;
  openJson<T>(scope: VaultScope, sealed: string): Promise<T>;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createVault({
  keys,
  dataKeys,
  cacheSize,
  sealingKeyMaxAgeMs,
}: VaultOptions): Vault {
  const dataKeysByTenant = dataKeyCache({ keys, dataKeys, cacheSize, sealingKeyMaxAgeMs });

  // A warm seal or open awaits nothing but its own promise: the cache is asked synchronously.
  const seal = async (scope: VaultScope, plaintext: Uint8Array | string) => {
    assertScope(scope);
    const bytes = toBytes(plaintext);
    const dataKey =
      dataKeysByTenant.recallForSealing(scope.tenantId) ??
      (await dataKeysByTenant.forSealing(scope.tenantId));
    return sealRecord(dataKey, scope, bytes);
  };

  const open = async (scope: VaultScope, sealed: string) => {
    assertScope(scope);
    const parts = parseSealed(sealed);
    if (parts === null) {
      throw new VaultOpenError(
        `sealed value is not in the ${FORMAT_VERSION} (or ${LEGACY_FORMAT_VERSION}) format`,
      );
    }
    const { tenantId } = scope;
    const dataKey =
      dataKeysByTenant.recallForOpening(tenantId, parts.dataKeyVersion) ??
      (await dataKeysByTenant.forOpening(tenantId, parts.dataKeyVersion));
    if (dataKey === null) {
      throw new VaultOpenError(
        `sealed value does not open: the tenant has no data key version ${parts.dataKeyVersion} (never created, or retired by a data-key rotation)`,
      );
    }
    return openRecord(dataKey, scope, parts);
  };

  const openText = async (scope: VaultScope, sealed: string) => {
    const bytes = await open(scope, sealed);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new VaultOpenError("sealed value is not UTF-8 text");
    }
  };

  // The parser's own errors quote the input, so they are replaced, never chained as a cause.
  const openJson = async <T>(scope: VaultScope, sealed: string): Promise<T> => {
    const text = await openText(scope, sealed);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new VaultOpenError("sealed value is not JSON");
    }
  };

  const sealJson = async (scope: VaultScope, value: unknown) => seal(scope, toJson(value));

  return { seal, open, openText, sealJson, openJson };
}

function assertScope(scope: VaultScope): void {
  if (typeof scope?.tenantId !== "string" || scope.tenantId === "") {
    throw new VaultUsageError("scope.tenantId must be a non-empty string");
  }
  if (typeof scope.recordId !== "string" || scope.recordId === "") {
    throw new VaultUsageError("scope.recordId must be a non-empty string");
  }
  if (scope.purpose !== undefined && typeof scope.purpose !== "string") {
    throw new VaultUsageError("scope.purpose must be a string when given");
  }
  if (scope.bindings !== undefined) {
    if (!Array.isArray(scope.bindings)) {
      throw new VaultUsageError("scope.bindings must be an array of strings when given");
    }
    for (const binding of scope.bindings) {
      if (typeof binding !== "string") {
        throw new VaultUsageError("scope.bindings must be an array of strings when given");
      }
    }
  }
}

function toBytes(plaintext: Uint8Array | string): Uint8Array {
  if (typeof plaintext === "string") return Buffer.from(plaintext, "utf8");
  if (plaintext instanceof Uint8Array) return plaintext;
  throw new VaultUsageError("plaintext must be a string or a Uint8Array");
}

function toJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new VaultUsageError("value cannot be serialised as JSON");
  return json;
}
