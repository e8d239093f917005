import { answerConsent, type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dataKeysRepository } from "../store/data-keys-repository";
import { createPostgresStore } from "../store/postgres-store";
import type { Database, DatabaseStore } from "../store/store";
import { startTestFlow } from "../testing/flows";
import { sandboxAttio, TEST_KEYS } from "../testing/harness";
import { type OutageProxy, outageProxy } from "../testing/outage-proxy";
import { createScratchDatabase } from "../testing/postgres";
import { createVault, envKeyProvider, parseKeyring, type Vault } from "../vault";
import { FlowError, finishConnect } from "./finish";
import { findFlow } from "./flows-repository";

const REDIRECT_URI = "http://localhost:3050/api/connections/callback";
const identity = { tenantId: "acme", userId: "alice", role: "member" as const };

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let proxy: OutageProxy;
let sandbox: Sandbox;
let provider: ReturnType<typeof sandboxAttio>;
/** Two handles on one database: straight to PostgreSQL, and through the proxy that can go away. */
let direct: ReturnType<typeof createPostgresStore>;
let proxied: ReturnType<typeof createPostgresStore>;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  proxy = await outageProxy(new URL(scratch.url));
  sandbox = await startSandbox();
  provider = sandboxAttio(sandbox.url);
  direct = createPostgresStore({ url: scratch.url, max: 2 });
  proxied = createPostgresStore({ url: proxy.url, max: 2 });
  await direct.open();
  await proxied.open();
});

afterAll(async () => {
  await proxied?.close();
  await direct?.close();
  await proxy?.close();
  await sandbox?.close();
  await scratch?.drop();
});

/** A vault, as one instance has it: its own memory of data keys, read from `store`. */
const vaultOver = (store: DatabaseStore) =>
  createVault({
    keys: envKeyProvider(parseKeyring(TEST_KEYS)),
    dataKeys: dataKeysRepository(() => store.open()),
  });

/** A flow started and consented to at the sandbox: what the callback receives. */
async function consented(db: Database, vault: Vault) {
  const started = await startTestFlow(db, vault, provider, identity);
  return { flowId: started.flowId, callbackUrl: await answerConsent(started.authorizeUrl) };
}

function complete(
  db: Database,
  vault: Vault,
  callbackUrl: URL,
  findProvider = async () => provider,
) {
  const deps = {
    db: async () => db,
    vault,
    findProvider,
    redirectUri: REDIRECT_URI,
    timeoutMs: 5_000,
    schedule: { refreshSkewMs: 5 * 60_000, checkIntervalMs: 60 * 60_000 },
    onConnected: () => {},
  };
  return finishConnect(deps, { callbackUrl, arrivedKey: null, identity }).then(
    () => new Error("the flow completed"),
    (error: unknown) => error,
  );
}

it("the database lost after the callback consumed its state: the flow fails as store_unavailable, not the provider's fault, though it cannot be recorded", async () => {
  const db = await proxied.open();
  const { flowId, callbackUrl } = await consented(db, vaultOver(direct));
  // Looked up right after the state is consumed: from here on the save has no database.
  const failure = await complete(db, vaultOver(direct), callbackUrl, async () => {
    proxy.down();
    return provider;
  });
  await proxy.up();
  expect(failure).toBeInstanceOf(FlowError);
  expect(failure).toMatchObject({
    code: "store_unavailable",
    message: "The connections database is unavailable right now; try again shortly",
    flow: { id: flowId },
  });
});

it("the database back in time for the flow's bookkeeping: the flow records store_unavailable, not provider_error", async () => {
  const db = await direct.open();
  const { flowId, callbackUrl } = await consented(db, vaultOver(direct));
  proxy.down();
  // The callback lands on another instance, whose vault has not read acme's data key yet and
  // cannot now; the flows table is still reachable.
  const failure = await complete(db, vaultOver(proxied), callbackUrl);
  await proxy.up();
  expect(failure).toMatchObject({ code: "store_unavailable", flow: { id: flowId } });
  expect(await findFlow(db, flowId)).toMatchObject({
    status: "error",
    errorCode: "store_unavailable",
  });
});
