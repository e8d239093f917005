import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ClientRegistry, SandboxClient } from "./clients";
import { SandboxConfigError } from "./errors";
import type { GrantSnapshot, GrantStore } from "./oauth/grants";

/** One sandbox's clients registered at run time, grants and tokens (tokens by hash only). */
export type SandboxState = { clients: SandboxClient[]; grants: GrantSnapshot };

/**
 * Every sandbox of the file under its issuer: tokens are good only where they were issued, so
 * a sandbox started on another port starts empty instead of honouring another's tokens. The
 * Attio sandbox and the MCP sandbox of `npx @x/sandbox` share one file this way.
 */
type StateFile = { version: 1; sandboxes: Record<string, SandboxState> };

export function readState(path: string, issuer: string): SandboxState | undefined {
  return readStateFile(path).sandboxes[issuer];
}

export function writeState(path: string, issuer: string, state: SandboxState): void {
  const file = readStateFile(path);
  file.sandboxes[issuer] = state;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  // Client secrets are in it; and a rename swaps the whole file, so a crash never leaves half.
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

function readStateFile(path: string): StateFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, sandboxes: {} };
    throw error;
  }
  const file = (() => {
    try {
      return JSON.parse(text) as Partial<StateFile>;
    } catch {
      return null;
    }
  })();
  if (file?.version !== 1 || typeof file.sandboxes !== "object" || file.sandboxes === null) {
    throw new SandboxConfigError(`${path} is not a sandbox state file; delete it or pick another`);
  }
  return file as StateFile;
}

/** What a sandbox keeps across a restart: the clients not configured at start, every grant. */
export function stateOf(
  clients: ClientRegistry,
  configured: readonly SandboxClient[],
  store: GrantStore,
): SandboxState {
  const configuredIds = new Set(configured.map((client) => client.clientId));
  return {
    clients: [...clients.values()].filter((client) => !configuredIds.has(client.clientId)),
    grants: store.snapshot(),
  };
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Writes the sandbox's state once a request has changed it, before the answer leaves: the
 * tokens a client is handed are on disk by the time it holds them.
 */
export function persistingFetch(
  path: string,
  issuer: string,
  sandbox: { fetch: FetchHandler; state(): SandboxState },
): FetchHandler {
  let written = JSON.stringify(sandbox.state());
  return async (request) => {
    const response = await sandbox.fetch(request);
    const state = sandbox.state();
    const serialized = JSON.stringify(state);
    if (serialized !== written) {
      writeState(path, issuer, state);
      written = serialized;
    }
    return response;
  };
}
