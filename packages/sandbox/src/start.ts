import type { Hono } from "hono";
import { createSandboxApp } from "./app";
import type { SandboxClient } from "./clients";
import type { SandboxKnobs } from "./knobs";
import { listenThenServe } from "./listener";
import { persistingFetch, readState } from "./state-file";
import type { SandboxStats } from "./stats";

export type StartSandboxOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  clients?: SandboxClient[];
  knobs?: Partial<SandboxKnobs>;
  workspaceName?: string;
  /**
   * A JSON file that keeps registered clients, grants and tokens across restarts, so the
   * connections an app made keep working. Needs a fixed `port`: state is kept per issuer.
   */
  statePath?: string;
};

export type Sandbox = {
  /** "http://127.0.0.1:<port>"; also the issuer. */
  url: string;
  issuer: string;
  /** Mutable: changes apply to the next request. */
  knobs: SandboxKnobs;
  /** Live counters. */
  stats: SandboxStats;
  app: Hono;
  /** Invalidates every access and refresh token, as if the user removed the app in Attio. */
  revokeAll(): void;
  expireAccessTokens(): void;
  close(): Promise<void>;
};

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const {
    app: sandbox,
    origin,
    close,
  } = await listenThenServe(options, (issuer) => {
    const { statePath } = options;
    const built = createSandboxApp({
      issuer,
      clients: options.clients,
      knobs: options.knobs,
      workspaceName: options.workspaceName,
      savedState: statePath ? readState(statePath, issuer) : undefined,
    });
    const fetch = (request: Request) => built.app.fetch(request);
    return {
      app: built,
      fetch: statePath ? persistingFetch(statePath, issuer, { fetch, state: built.state }) : fetch,
    };
  });
  return { ...sandbox, url: origin, close };
}
