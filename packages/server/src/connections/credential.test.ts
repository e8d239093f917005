import { describe, expect, it } from "vitest";
import { secret } from "../providers/secret";
import { dataKeysRepository } from "../store/data-keys-repository";
import { asUser, createHost, json, MOUNT, TEST_KEYS } from "../testing/harness";
import { sealAsXv1 } from "../testing/legacy-vault";
import { pgliteForFile } from "../testing/pglite";
import { envKeyProvider, parseKeyring } from "../vault";

const fixture = pgliteForFile(["x_connections", "x_data_keys"]);
const ALICE_KEY = "alice-mail-key-0123456789";

function host() {
  const made = createHost({
    store: fixture.store,
    sandboxUrl: "http://127.0.0.1:9",
    providers: [secret({ name: "mail-sequencer" }), secret({ name: "crm-key" })],
  });
  fixture.closers.push(() => made.connections.close());
  return made;
}

async function saveSecret(app: ReturnType<typeof host>["app"], user: string, value: string) {
  const response = await app.request(
    `${MOUNT}/connections`,
    asUser(user, {
      method: "POST",
      body: JSON.stringify({ provider: "mail-sequencer", secret: value }),
    }),
  );
  expect(response.status).toBeLessThan(300);
  return (await json(response)).connection.id as string;
}

/** What a reader gets, or the error it throws: never alice's key for anyone but alice. */
async function readAs(
  connections: ReturnType<typeof host>["connections"],
  request: { provider: string; userId?: string },
) {
  return connections.getCredential({ tenantId: "acme", ...request }).then(
    (credential) => (credential.type === "secret" ? credential.secret : credential.accessToken),
    (error: Error) => {
      expect(`${error.message} ${String(error.cause ?? "")}`).not.toContain(ALICE_KEY);
      return error;
    },
  );
}

const query = (sql: string, parameters: unknown[] = []) => fixture.client.query(sql, parameters);

describe("a sealed credential is bound to its row: tenant, id, provider, visibility, owner, epoch", () => {
  it("does not open for another user when a database writer moves the row to them", async () => {
    const { app, connections } = host();
    const id = await saveSecret(app, "acme:alice", ALICE_KEY);
    await connections.ready();
    expect(await readAs(connections, { provider: "mail-sequencer", userId: "alice" })).toBe(
      ALICE_KEY,
    );
    await query("update x_connections set owner_key = 'bob', user_id = 'bob' where id = $1", [id]);
    expect(await readAs(connections, { provider: "mail-sequencer", userId: "bob" })).toBeInstanceOf(
      Error,
    );
  });

  it("does not open as the tenant's workspace connection when relabelled workspace", async () => {
    const { app, connections } = host();
    const id = await saveSecret(app, "acme:alice", ALICE_KEY);
    await query("update x_connections set visibility = 'workspace', owner_key = '' where id = $1", [
      id,
    ]);
    expect(await readAs(connections, { provider: "mail-sequencer" })).toBeInstanceOf(Error);
  });

  it("does not open for another provider when relabelled", async () => {
    const { app, connections } = host();
    const id = await saveSecret(app, "acme:alice", ALICE_KEY);
    await query("update x_connections set provider = 'crm-key' where id = $1", [id]);
    expect(await readAs(connections, { provider: "crm-key", userId: "alice" })).toBeInstanceOf(
      Error,
    );
  });

  it("does not open an older sealed value put back over a newer one (rollback)", async () => {
    const { app, connections } = host();
    const id = await saveSecret(app, "acme:alice", "alice-old-key-revoked");
    const [before] = (await query("select sealed, sealed_epoch from x_connections")).rows as {
      sealed: string;
      sealed_epoch: string;
    }[];
    expect(await saveSecret(app, "acme:alice", ALICE_KEY)).toBe(id);
    await query("update x_connections set sealed = $1 where id = $2", [before!.sealed, id]);
    expect(
      await readAs(connections, { provider: "mail-sequencer", userId: "alice" }),
    ).toBeInstanceOf(Error);

    // The limit: the whole row put back, sealed value and epoch together, is a restored backup.
    await query("update x_connections set sealed_epoch = $1 where id = $2", [
      before!.sealed_epoch,
      id,
    ]);
    expect(await readAs(connections, { provider: "mail-sequencer", userId: "alice" })).toBe(
      "alice-old-key-revoked",
    );
  });

  it("still opens an xv1 credential stored before this format, with its legacy binding", async () => {
    const { app, connections } = host();
    const id = await saveSecret(app, "acme:alice", "replaced below");
    const legacy = await sealAsXv1(
      {
        keys: envKeyProvider(parseKeyring(TEST_KEYS)),
        dataKeys: dataKeysRepository(() => fixture.store.open()),
      },
      { tenantId: "acme", recordId: id, purpose: "credential" },
      JSON.stringify({ type: "secret", secret: ALICE_KEY }),
    );
    await query("update x_connections set sealed = $1, sealed_epoch = '' where id = $2", [
      legacy,
      id,
    ]);
    expect(await readAs(connections, { provider: "mail-sequencer", userId: "alice" })).toBe(
      ALICE_KEY,
    );
  });
});
