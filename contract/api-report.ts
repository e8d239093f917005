import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
} from "@microsoft/api-extractor";

/**
 * The API reports: one per published entry point (every `exports` entry with types, of every
 * public package), made by API Extractor from the built declarations. `pnpm api` writes them to
 * etc/api; `pnpm api:check` (CI) writes them to a temporary folder and fails when one differs, so
 * a change of anything public is a diff someone reviews. Both scripts build first.
 */
const root = new URL("..", import.meta.url).pathname;
const reportFolder = join(root, "etc/api");
const configFile = join(root, "contract/api-extractor.json");
const check = process.argv.includes("--check");

type Manifest = {
  name: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string }>;
};
type EntryPoint = { report: string; packageFolder: string; declarations: string };

const entryPoints = (): EntryPoint[] =>
  readdirSync(join(root, "packages")).flatMap((folder) => {
    const packageFolder = join(root, "packages", folder);
    const manifestFile = join(packageFolder, "package.json");
    if (!existsSync(manifestFile)) return [];
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    if (manifest.private) return [];
    const unscoped = manifest.name.replace(/^@[^/]+\//, "");
    return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) =>
      typeof target === "object" && target.types
        ? [
            {
              // "@x/server" "./mcp": server-mcp.api.md
              report:
                subpath === "." ? unscoped : `${unscoped}-${subpath.slice(2).replaceAll("/", "-")}`,
              packageFolder,
              declarations: join(packageFolder, target.types),
            },
          ]
        : [],
    );
  });

const entries = entryPoints();
const missing = entries.filter((entry) => !existsSync(entry.declarations));
if (missing.length > 0) {
  console.error(`Not built: ${missing.map((entry) => entry.declarations).join(", ")} (pnpm build)`);
  process.exit(1);
}

if (!check) mkdirSync(reportFolder, { recursive: true });
const base = ExtractorConfig.loadFile(configFile);
const temporaryFolder = mkdtempSync(join(tmpdir(), "x-api-"));
const configs = entries.map((entry) =>
  ExtractorConfig.prepare({
    configObject: {
      ...base,
      projectFolder: entry.packageFolder,
      mainEntryPointFilePath: entry.declarations,
      apiReport: {
        ...base.apiReport,
        enabled: true,
        reportFileName: entry.report,
        reportFolder,
        reportTempFolder: temporaryFolder,
      },
    },
    configObjectFullPath: configFile,
    packageJsonFullPath: join(entry.packageFolder, "package.json"),
  }),
);

// One TypeScript program for every entry point: each would otherwise parse zod, hono and React's
// declarations again.
const [first] = configs;
const compilerState =
  first &&
  CompilerState.create(first, {
    additionalEntryPoints: configs.map((config) => config.mainEntryPointFilePath),
  });

const quiet = new Set<string>(["console-preamble", "console-api-report-not-copied"]);
let changed = 0;
let failed = 0;
for (const [index, config] of configs.entries()) {
  const result = Extractor.invoke(config, {
    compilerState,
    // A local build copies a changed report into etc/api; otherwise it is only compared.
    localBuild: !check,
    printApiReportDiff: check,
    messageCallback: (message) => {
      // Which TypeScript it analyses with, on every entry point; and, for a changed report, how
      // to update it by hand: the message at the end says how, once.
      if (quiet.has(message.messageId)) message.logLevel = ExtractorLogLevel.None;
    },
  });
  if (result.apiReportChanged) {
    changed += 1;
    if (check) console.error(`etc/api/${entries[index]?.report}.api.md is out of date`);
  }
  if (result.errorCount > 0) failed += 1;
}

// A report no entry point wrote any more is an entry point (or a package) no longer published.
const written = new Set(entries.map((entry) => `${entry.report}.api.md`));
const stale = (existsSync(reportFolder) ? readdirSync(reportFolder) : []).filter(
  (file) => file.endsWith(".api.md") && !written.has(file),
);
for (const file of stale) {
  if (check) console.error(`etc/api/${file}: no published entry point has this report any more`);
  else rmSync(join(reportFolder, file));
}
rmSync(temporaryFolder, { recursive: true, force: true });

if (failed > 0) {
  console.error(`API Extractor failed on ${failed} entry point(s): see the errors above.`);
  process.exit(1);
}
if (check && (changed > 0 || stale.length > 0)) {
  console.error("\nThe public API changed: run pnpm api and commit etc/api.");
  process.exit(1);
}
console.log(
  check
    ? `The public API is etc/api's (${configs.length} entry points).`
    : `etc/api: ${configs.length} entry points, ${changed + stale.length} report(s) changed.`,
);
