import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startMcpSandbox } from "./mcp";
import { type Sandbox, startSandbox } from "./start";
import { connect, getApi, refresh } from "./test-support";

const opened: { close(): Promise<void> }[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const sandbox of opened.splice(0)) await sandbox.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const statePath = () => {
  folders.push(mkdtempSync(join(tmpdir(), "sandbox-state-")));
  return join(folders.at(-1)!, "state.json");
};

/** A port that is free now: a restarted sandbox must come back on the same one. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * Closes the newest sandbox. fetch keeps a socket to it alive; the pause lets that socket see
 * the close, or the next request, to a new listener on the same port, would be sent down it.
 */
async function restart() {
  await opened.pop()?.close();
  await setTimeout(100);
}

async function open(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  opened.push(sandbox);
  return sandbox;
}

describe("statePath", () => {
  it("keeps grants across a restart: the access token still answers, the refresh token rotates", async () => {
    const path = statePath();
    const port = await freePort();
    const first = await open({ port, statePath: path });
    const tokens = await connect(first);
    await restart();

    const second = await open({ port, statePath: path });
    expect((await getApi(second, "/v2/self", tokens.access_token)).status).toBe(200);
    expect((await refresh(second, tokens.refresh_token!)).status).toBe(200);
    // The refresh rotated the token; a restart must not bring the old one back.
    await restart();
    const third = await open({ port, statePath: path });
    expect((await refresh(third, tokens.refresh_token!)).status).toBe(400);
  });

  it("holds token hashes only, in a file only its owner can read", async () => {
    const path = statePath();
    const tokens = await connect(await open({ statePath: path }));
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(tokens.access_token);
    expect(text).not.toContain(tokens.refresh_token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("keeps each sandbox under its issuer: one on another port starts empty", async () => {
    const path = statePath();
    const tokens = await connect(await open({ statePath: path }));
    const other = await open({ statePath: path });
    expect((await getApi(other, "/v2/self", tokens.access_token)).status).toBe(401);
  });

  it("keeps the MCP sandbox's registered clients beside the Attio sandbox's grants", async () => {
    const path = statePath();
    const port = await freePort();
    const attio = await open({ statePath: path });
    const tokens = await connect(attio);
    const mcp = await startMcpSandbox({ port, statePath: path });
    opened.push(mcp);
    const registration = await fetch(`${mcp.issuer}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["http://localhost:3050/callback"] }),
    });
    const { client_id } = (await registration.json()) as { client_id: string };
    await restart();

    const restarted = await startMcpSandbox({ port, statePath: path });
    opened.push(restarted);
    expect(restarted.clients.get(client_id)?.redirectUris).toEqual([
      "http://localhost:3050/callback",
    ]);
    expect((await getApi(attio, "/v2/self", tokens.access_token)).status).toBe(200);
  });

  it("refuses a file that is not its own, naming it, and frees the port", async () => {
    const path = statePath();
    writeFileSync(path, "{ not json");
    const port = await freePort();
    await expect(startSandbox({ port, statePath: path })).rejects.toThrow(path);
    const sandbox = await open({ port });
    expect(sandbox.url).toContain(String(port));
  });
});
