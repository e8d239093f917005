import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./free-port";

const SERVER = join(import.meta.dirname, "instance-server.ts");

export type Instance = {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
};

/** Starts one @x/server instance in its own process and waits until it serves. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", SERVER], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 90_000);
    child.stdout?.on("data", () => {
      if (output.includes("instance ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
