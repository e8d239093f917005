import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  createVault,
  type DataKeyRepository,
  envKeyProvider,
  parseKeyring,
  type WrappedDataKey,
} from "@x/server";
import {
  type Measure,
  measure,
  nanosecondsPerAsyncCall,
  nanosecondsPerCall,
} from "./support/measure";

const PAYLOAD = randomBytes(1024);
const CONTEXT = Buffer.from(
  "bench\0tenant-1\0connection-1\0credential\0attio\0user\0user-1\0epoch-0123456789ab",
);
const RUNS = { iterations: 20_000, batches: 7 };

type SealOpen = {
  seal(): Promise<Uint8Array | string>;
  open(sealed: Uint8Array | string): Promise<Uint8Array>;
};

/**
 * 1 KB through the vault's AES-256-GCM, sealed and opened, in operations per second, against
 * bare node:crypto AES-256-GCM with a fixed key (a counter nonce, the same associated data).
 * The vault's cost over the cipher is its record format and the warm data-key lookup.
 */
export async function vaultSealOpen(): Promise<Measure[]> {
  const subject = wholeVault();
  const sealed = await subject.seal();
  if (Buffer.compare(Buffer.from(await subject.open(sealed)), PAYLOAD) !== 0) {
    throw new Error("vault round trip changed the payload");
  }
  const sealNs = await nanosecondsPerAsyncCall(async (iterations) => {
    for (let index = 0; index < iterations; index++) await subject.seal();
  }, RUNS);
  const openNs = await nanosecondsPerAsyncCall(async (iterations) => {
    for (let index = 0; index < iterations; index++) await subject.open(sealed);
  }, RUNS);

  const key = randomBytes(32);
  let counter = 0n;
  const bareSeal = () => {
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(counter++, 4);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(CONTEXT);
    return Buffer.concat([nonce, cipher.update(PAYLOAD), cipher.final(), cipher.getAuthTag()]);
  };
  const box = bareSeal();
  const bareOpen = () => {
    const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, 12));
    decipher.setAAD(CONTEXT);
    decipher.setAuthTag(box.subarray(box.length - 16));
    return Buffer.concat([decipher.update(box.subarray(12, -16)), decipher.final()]);
  };
  const bareSealNs = nanosecondsPerCall((iterations) => {
    for (let index = 0; index < iterations; index++) bareSeal();
  }, RUNS);
  const bareOpenNs = nanosecondsPerCall((iterations) => {
    for (let index = 0; index < iterations; index++) bareOpen();
  }, RUNS);

  const perSecond = (ns: number) => 1e9 / ns;
  return [
    measure({
      name: "vault.seal",
      value: perSecond(sealNs),
      unit: "ops/s",
      baseline: "bare node:crypto AES-256-GCM, fixed key, 1 KB",
      baselineValue: perSecond(bareSealNs),
    }),
    measure({
      name: "vault.open",
      value: perSecond(openNs),
      unit: "ops/s",
      baseline: "bare node:crypto AES-256-GCM, fixed key, 1 KB",
      baselineValue: perSecond(bareOpenNs),
    }),
  ];
}

/** The whole vault (data-key cache, record format, associated data); data keys kept in memory. */
function wholeVault(): SealOpen {
  const stored = new Map<string, WrappedDataKey>();
  const dataKeys: DataKeyRepository = {
    get: async (tenantId) => stored.get(tenantId) ?? null,
    insertIfAbsent: async (key) => {
      if (!stored.has(key.tenantId)) stored.set(key.tenantId, key);
      return stored.get(key.tenantId)!;
    },
    replace: async () => false,
    listNotUnder: async () => [],
    countByKekVersion: async () => ({}),
    newestByKekVersion: async () => [],
    listTenants: async () => [],
    deleteOlderThan: async () => 0,
  };
  const vault = createVault({
    keys: envKeyProvider(parseKeyring(`v1:${randomBytes(32).toString("base64")}`, "bench")),
    dataKeys,
  });
  // What a connection's credential binds: provider, visibility, owner and its sealed epoch.
  const scope = {
    tenantId: "tenant-1",
    recordId: "connection-1",
    purpose: "credential",
    bindings: ["attio", "user", "user-1", "AbCdEfGhIjKlMnOp"],
  };
  return {
    seal: () => vault.seal(scope, PAYLOAD),
    open: (sealed) => vault.open(scope, sealed as string),
  };
}
