import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { answerConsent, type Sandbox, startSandbox } from "@x/sandbox";
import { type Instance, startInstance } from "../../support/instances";
import { createScratchDatabase } from "../../support/scratch-database";

export type User = { tenantId: string; userId: string };

export type Read =
  | { status: 200; tokenHash: string }
  | { status: number; code: string | undefined; body: string };

// Every token the sandbox issues starts with one of these; none may reach a log or a response.
const TOKEN_PREFIX = /sbx_(at|rt|ac)_/;

/** Each instance gives up on a provider request after this long. */
export const PROVIDER_TIMEOUT_MS = 4_000;

// Far above any wait the kit allows itself (a refresh waiter gives up after two leases and a
// provider timeout): a request still open after this has hung, and fails as such.
const HANG_MS = 30_000;

/** A connect flow step that did not answer 200, with what it answered instead. */
export class ConnectFailed extends Error {
  constructor(
    readonly step: "start" | "callback",
    readonly status: number,
    readonly body: string,
  ) {
    super(`connect ${step} ${status}: ${body}`);
  }
}

/** The error code of a JSON error body; undefined for anything else (e.g. a bare 500 page). */
export function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

const run = promisify(execFile);

/**
 * Four @x/server processes on one scratch PostgreSQL database, the sandbox provider in this
 * process, and a record of every place a token could leak: each response body the test reads
 * from an instance is checked as it arrives, each instance's output at the end.
 */
export async function startFleet(size = 4) {
  const sandbox: Sandbox = await startSandbox();
  const database = createScratchDatabase();
  const env = {
    DATABASE_URL: database.url,
    SANDBOX_URL: sandbox.url,
    X_VAULT_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
  };
  const instances: Instance[] = [];
  try {
    // The first instance migrates; the others start against a ready schema, as in a rollout.
    instances.push(await startInstance(env));
    const rest = await Promise.allSettled(
      Array.from({ length: size - 1 }, () => startInstance(env)),
    );
    for (const started of rest) if (started.status === "fulfilled") instances.push(started.value);
    const failed = rest.find((started) => started.status === "rejected");
    if (failed) throw failed.reason;
  } catch (error) {
    await Promise.all(instances.map((instance) => instance.stop()));
    await sandbox.close();
    database.drop();
    throw error;
  }
  const leaks: string[] = [];
  let bodiesChecked = 0;

  const checkBody = (where: string, body: string) => {
    bodiesChecked += 1;
    if (TOKEN_PREFIX.test(body)) leaks.push(`${where}: ${body.slice(0, 200)}`);
  };

  const headers = (user: User) => ({
    "x-test-user": `${user.tenantId}:${user.userId}`,
    "x-connect-request": "1",
    "content-type": "application/json",
  });

  /** The whole connect flow over HTTP: start on `instance`, consent at the sandbox, callback. */
  async function connect(instance: Instance, user: User): Promise<void> {
    const started = await fetch(`${instance.url}/api/connections/connect/attio`, {
      method: "POST",
      headers: headers(user),
      body: "{}",
      signal: AbortSignal.timeout(HANG_MS),
    });
    const startBody = await started.text();
    checkBody("connect start", startBody);
    if (started.status !== 200) throw new ConnectFailed("start", started.status, startBody);
    const { authorizeUrl } = JSON.parse(startBody) as { authorizeUrl: string };
    const callback = await answerConsent(authorizeUrl);
    const landed = await fetch(`${instance.url}${callback.pathname}${callback.search}`, {
      headers: headers(user),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const landedBody = await landed.text();
    checkBody("callback", landedBody);
    if (landed.status !== 200) throw new ConnectFailed("callback", landed.status, landedBody);
  }

  /** One credential read through `instance`; the route answers a SHA-256 of the token. */
  async function read(instance: Instance, user: User): Promise<Read> {
    const query = new URLSearchParams({ tenant: user.tenantId, user: user.userId });
    const response = await fetch(`${instance.url}/credential?${query}`, {
      signal: AbortSignal.timeout(HANG_MS),
    });
    const body = await response.text();
    checkBody("credential", body);
    if (response.status === 200) {
      return { status: 200, tokenHash: (JSON.parse(body) as { tokenHash: string }).tokenHash };
    }
    return { status: response.status, code: errorCode(body), body };
  }

  return {
    sandbox,
    database,
    instances,
    connect,
    read,
    /** SQL without blocking the event loop: the sandbox answers from this process meanwhile. */
    async sql(query: string): Promise<string> {
      const { stdout } = await run("psql", [database.url, "-qAtc", query]);
      return stdout.trim();
    },
    /** Every leak found: response bodies as they arrived, and the instances' output now. */
    leaks(): { found: string[]; bodiesChecked: number; outputChars: number } {
      const found = [...leaks];
      let outputChars = 0;
      instances.forEach((instance, index) => {
        const output = instance.output();
        outputChars += output.length;
        const line = output.split("\n").find((text) => TOKEN_PREFIX.test(text));
        if (line) found.push(`instance ${index} output: ${line.slice(0, 200)}`);
      });
      return { found, bodiesChecked, outputChars };
    },
    async close(): Promise<void> {
      await Promise.all(instances.map((instance) => instance.stop()));
      await sandbox.close();
      database.drop();
    },
  };
}

export type Fleet = Awaited<ReturnType<typeof startFleet>>;

/** `user-7` lives in `tenant-2` when there are five tenants; the test can always say whose it is. */
export function userAt(index: number, tenants: number): User {
  return { tenantId: `tenant-${index % tenants}`, userId: `user-${index}` };
}

export const keyOf = (user: User) => `${user.tenantId}:${user.userId}`;
