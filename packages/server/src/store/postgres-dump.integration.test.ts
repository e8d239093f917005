import { execFileSync } from "node:child_process";
import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { asUser, consent, createHost, json, MOUNT } from "../testing/harness";
import { createScratchDatabase } from "../testing/postgres";
import { encodingsOf, SANDBOX_TOKEN_MARKERS } from "../testing/token-encodings";
import { createPostgresStore } from "./postgres-store";

let sandbox: Sandbox;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  [sandbox, scratch] = await Promise.all([startSandbox(), createScratchDatabase()]);
  host = createHost({ store: createPostgresStore({ url: scratch.url }), sandboxUrl: sandbox.url });
  await host.connections.ready();
});

afterAll(async () => {
  await host?.connections.close();
  await Promise.all([sandbox?.close(), scratch?.drop()]);
});

it("pg_dump of a database holding OAuth tokens and a secret contains none of them, in any encoding", async () => {
  const started = await host.app.request(
    `${MOUNT}/connect/attio`,
    asUser("acme:alice", { method: "POST", body: "{}" }),
  );
  const callback = await consent((await json(started)).authorizeUrl);
  await host.app.request(`${callback.pathname}${callback.search}`, asUser("acme:alice"));
  const apiKey = "mail-sequencer-key-0123456789abcdef";
  const saved = await host.app.request(
    `${MOUNT}/connections`,
    asUser("acme:alice", {
      method: "POST",
      body: JSON.stringify({ provider: "mail-sequencer", secret: apiKey }),
    }),
  );
  expect(saved.status).toBe(201);

  const credential = await host.connections.getCredential({
    provider: "attio",
    tenantId: "acme",
    userId: "alice",
  });
  if (credential.type !== "oauth2") throw new Error("expected an OAuth credential");
  const dump = execFileSync("pg_dump", ["--data-only", scratch.url], { encoding: "utf8" });
  expect(dump).toContain("x_connections");
  for (const leaked of [
    ...encodingsOf(credential.accessToken),
    ...encodingsOf(apiKey),
    ...SANDBOX_TOKEN_MARKERS,
  ]) {
    expect(dump).not.toContain(leaked);
  }
});
