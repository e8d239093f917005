import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";

const TASKR = join(import.meta.dirname, "..", "..", "apps", "taskr");

export type TaskrProcess = {
  url: string;
  /** The offline Attio sandbox the demo started, for its /__sandbox control routes. */
  sandboxUrl: string;
  /** The sandbox MCP server the demo started, to add on its MCP servers page. */
  mcpSandboxUrl: string;
  output(): string;
  stop(): Promise<void>;
};

const STARTED = /Taskr is running at \S+/;
const ATTIO_LINE = /^Attio: .*$/m;
const SANDBOX = /offline sandbox at (http:\/\/\S+)/;
const MCP_SANDBOX = /sandbox MCP server at (http:\/\/\S+)/;

/** The demo exactly as a user starts it, as its own process, on a fresh data folder. */
export async function startTaskr(env: Record<string, string> = {}): Promise<TaskrProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "taskr-e2e-"));
  const url = `http://localhost:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "src/main.ts"], {
    cwd: TASKR,
    env: {
      ...process.env,
      PORT: String(port),
      // Vitest's own BASE_URL ("/") must not leak into the app.
      BASE_URL: url,
      SANDBOX_PORT: "0",
      MCP_SANDBOX_PORT: "0",
      DATA_DIR: dataDir,
      ATTIO_CLIENT_ID: "",
      ATTIO_CLIENT_SECRET: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await waitForStart(child, () => output);
  const sandboxUrl = SANDBOX.exec(output)?.[1] ?? "";
  const mcpSandboxUrl = MCP_SANDBOX.exec(output)?.[1] ?? "";
  return { url, sandboxUrl, mcpSandboxUrl, output: () => output, stop: () => stop(child) };
}

function waitForStart(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Taskr did not start:\n${output()}`)), 90_000);
    const check = () => {
      // Both lines: which Attio (and the sandbox's URL) is printed just after the start.
      if (STARTED.test(output()) && ATTIO_LINE.test(output())) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Taskr exited with ${code}:\n${output()}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}
