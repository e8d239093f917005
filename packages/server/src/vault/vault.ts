import { dataKeyCache } from "./data-key-cache";
import type { DataKeyRepository } from "./data-keys";
import { VaultOpenError, VaultUsageError } from "./errors";
import type { KeyProvider } from "./key-provider";
import { openRecord, type SealScope, sealRecord } from "./seal";

/** Where a sealed value belongs: it opens only for the same tenant, record and purpose. */
export type VaultScope = SealScope;

export type VaultOptions = {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  /** Tenants whose unwrapped data key stays in memory (default 1,000). */
  cacheSize?: number;
};

export type Vault = {
  seal(scope: VaultScope, plaintext: Uint8Array | string): Promise<string>;
  open(scope: VaultScope, sealed: string): Promise<Uint8Array>;
  openText(scope: VaultScope, sealed: string): Promise<string>;
  sealJson(scope: VaultScope, value: unknown): Promise<string>;
  openJson<T>(scope: VaultScope, sealed: string): Promise<T>;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createVault({ keys, dataKeys, cacheSize }: VaultOptions): Vault {
  const dataKeysByTenant = dataKeyCache({ keys, dataKeys, cacheSize });

  const seal = async (scope: VaultScope, plaintext: Uint8Array | string) => {
    assertScope(scope);
    const bytes = toBytes(plaintext);
    return sealRecord(await dataKeysByTenant.forSealing(scope.tenantId), scope, bytes);
  };

  const open = async (scope: VaultScope, sealed: string) => {
    assertScope(scope);
    const dataKey = await dataKeysByTenant.forOpening(scope.tenantId);
    if (dataKey === null)
      throw new VaultOpenError("sealed value does not open: the tenant has no data key");
    return openRecord(dataKey, scope, sealed);
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
  for (const field of ["tenantId", "recordId"] as const) {
    if (typeof scope?.[field] !== "string" || scope[field] === "") {
      throw new VaultUsageError(`scope.${field} must be a non-empty string`);
    }
  }
  if (scope.purpose !== undefined && typeof scope.purpose !== "string") {
    throw new VaultUsageError("scope.purpose must be a string when given");
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
