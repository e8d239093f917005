import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { REPOSITORY, type Tarball } from "./tarballs";

const TEMPLATE = join(import.meta.dirname, "template");

/** The stranger's app: the template's files and the tarballs as its @x/* dependencies. */
export function createApp(folder: string, tarballs: Tarball[]): string {
  cpSync(TEMPLATE, folder, { recursive: true });
  const manifestPath = join(folder, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  for (const { directory, file } of tarballs) {
    // As the READMEs say: the sandbox is a development dependency.
    manifest[directory === "sandbox" ? "devDependencies" : "dependencies"][`@x/${directory}`] =
      file;
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return folder;
}

/**
 * A stranger's shell: without what `pnpm test:adoption` adds (npm_config_* settings, which the
 * app's npm would obey, and the workspace's node_modules/.bin on PATH).
 */
export function strangerEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)),
  );
  environment.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => !entry.startsWith(REPOSITORY))
    .join(delimiter);
  return { ...environment, ...extra };
}

/** npx may run only what the app installed: never a package of that name from the registry. */
const installedOnly = { npm_config_yes: "false" };

/**
 * Plain npm, once. --prefer-offline reuses npm's cache (~/.npm), so a second run downloads
 * nothing new; the registry is still asked when the cache lacks a version.
 */
export async function npmInstall(app: string): Promise<void> {
  await promisify(execFile)(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
    { cwd: app, env: strangerEnvironment(), maxBuffer: 16 * 1024 * 1024 },
  );
}

export type Running = { output(): string; stop(): Promise<void> };

/**
 * A command of the app (npx …), in its own process group so stopping it stops what npx
 * started too; resolves once its output matches `ready`, with that match.
 */
export async function start(
  app: string,
  args: string[],
  options: { env?: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<Running & { ready: RegExpExecArray }> {
  const child = spawn("npx", args, {
    cwd: app,
    env: strangerEnvironment({ ...installedOnly, ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npx ${args.join(" ")} did not start:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const watch = () => {
      // Under CI=true, tools colour their output: "Local" arrives wrapped in escape codes.
      const match = options.ready.exec(stripVTControlCharacters(output));
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off("data", watch);
      resolve(match);
    };
    child.stdout?.on("data", watch);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npx ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
  return { ready, output: () => output, stop: () => stopGroup(child) };
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  const group = -child.pid;
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    process.kill(group, "SIGTERM");
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(group, "SIGKILL");
    }, 5_000).unref();
  });
}

/** Runs one npx command to its end; rejects with its output when it fails. */
export async function runInApp(app: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout } = await promisify(execFile)("npx", args, {
      cwd: app,
      env: strangerEnvironment({ ...installedOnly, ...env }),
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw Object.assign(new Error(`npx ${args.join(" ")} failed`), { output: stdout + stderr });
  }
}
