import { createDataKey, type DataKeyRepository, unwrapDataKey } from "../vault/data-keys";
import type { KeyProvider } from "../vault/key-provider";
import { aeadSeal, associatedData } from "../vault/seal";

/**
 * Seals the way the kit did before xv2, for tests of databases written then: `xv1.<nonce>.<box>`
 * under the tenant's data key version 1, associated data binding tenant, record and purpose only.
 */
export async function sealAsXv1(
  deps: { keys: KeyProvider; dataKeys: DataKeyRepository },
  scope: { tenantId: string; recordId: string; purpose: string },
  plaintext: string,
): Promise<string> {
  const stored = await deps.dataKeys.get(scope.tenantId, 1);
  const key = stored
    ? await unwrapDataKey(deps.keys, stored)
    : (await createDataKey(deps.keys, deps.dataKeys, scope.tenantId, 1)).key;
  const ad = associatedData("xv1", "record", scope.tenantId, scope.recordId, scope.purpose);
  const box = aeadSeal(key, Buffer.from(plaintext, "utf8"), ad);
  return `xv1.${box.subarray(0, 12).toString("base64url")}.${box.subarray(12).toString("base64url")}`;
}
