import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import * as server from "@x/server";
import {
  type Measure,
  measure,
  nanosecondsPerAsyncCall,
  nanosecondsPerCall,
} from "./support/measure";

const PAYLOAD = randomBytes(1024);
const CONTEXT = Buffer.from("bench\0tenant-1\0connection-1\0credential");
const RUNS = { iterations: 20_000, batches: 7 };

type SealOpen = {
  how: string;
  seal(): Promise<Uint8Array | string>;
  open(sealed: Uint8Array | string): Promise<Uint8Array>;
};

/**
 * 1 KB through the vault's AES-256-GCM, sealed and opened, in operations per second, against
 * bare node:crypto AES-256-GCM with a fixed key (a counter nonce, the same associated data).
 * `createVault` is not a public export, so this goes through the exported key provider
 * (`envKeyProvider`), whose wrap/unwrap are the vault's own seal and open routines; should
 * `createVault` ever be exported, the whole vault (data-key cache, record format) is measured.
 */
export async function vaultSealOpen(): Promise<Measure[]> {
  const subject = (await wholeVault()) ?? keyProvider();
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
      baseline: `bare node:crypto AES-256-GCM, fixed key, 1 KB (vault measured ${subject.how})`,
      baselineValue: perSecond(bareSealNs),
    }),
    measure({
      name: "vault.open",
      value: perSecond(openNs),
      unit: "ops/s",
      baseline: `bare node:crypto AES-256-GCM, fixed key, 1 KB (vault measured ${subject.how})`,
      baselineValue: perSecond(bareOpenNs),
    }),
  ];
}

const newKeyProvider = () =>
  server.envKeyProvider(server.parseKeyring(`v1:${randomBytes(32).toString("base64")}`, "bench"));

function keyProvider(): SealOpen {
  const keys = newKeyProvider();
  return {
    how: "through envKeyProvider wrap/unwrap",
    seal: async () => (await keys.wrap(PAYLOAD, CONTEXT)).wrapped,
    open: (sealed) => keys.unwrap("v1", sealed as Uint8Array, CONTEXT),
  };
}

type VaultModule = {
  createVault?: (options: { keys: server.KeyProvider; dataKeys: unknown }) => {
    seal(scope: object, plaintext: Uint8Array): Promise<string>;
    open(scope: object, sealed: string): Promise<Uint8Array>;
  };
};

/** The whole vault, once (if ever) @x/server exports createVault; the data keys stay in memory. */
async function wholeVault(): Promise<SealOpen | undefined> {
  const { createVault } = server as unknown as VaultModule;
  if (!createVault) return undefined;
  const stored = new Map<string, { tenantId: string; kekVersion: string; wrapped: Uint8Array }>();
  const vault = createVault({
    keys: newKeyProvider(),
    dataKeys: {
      get: async (tenantId: string) => stored.get(tenantId) ?? null,
      insertIfAbsent: async (key: {
        tenantId: string;
        kekVersion: string;
        wrapped: Uint8Array;
      }) => {
        if (!stored.has(key.tenantId)) stored.set(key.tenantId, key);
        return stored.get(key.tenantId);
      },
      replace: async () => false,
      listNotUnder: async () => [],
      countByKekVersion: async () => ({}),
    },
  });
  const scope = { tenantId: "tenant-1", recordId: "connection-1", purpose: "credential" };
  return {
    how: "through createVault",
    seal: () => vault.seal(scope, PAYLOAD),
    open: (sealed) => vault.open(scope, sealed as string),
  };
}
