import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TASKR = join(import.meta.dirname, "..", "..", "apps", "taskr");

export type TaskrProcess = { url: string; output(): string; stop(): Promise<void> };

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
  return { url, output: () => output, stop: () => stop(child) };
}

function waitForStart(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Taskr did not start:\n${output()}`)), 90_000);
    const check = () => {
      if (output().includes("Taskr is running at")) {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
