import { createRequire } from "node:module";
import { dirname } from "node:path";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const fromReact18 = createRequire(new URL("packages/react/react-18/", import.meta.url));
/** A package's folder as resolved against React 18; subpaths (react/jsx-runtime) follow it. */
const react18 = (name: string) => ({
  find: new RegExp(`^${name}(/.*)?$`),
  replacement: `${dirname(fromReact18.resolve(`${name}/package.json`))}$1`,
});

// "source" resolves workspace packages to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ["source", ...defaultClientConditions] },
  // Without Vite's "module" condition, which Node ignores: packages resolve as in production
  // (@opentelemetry/api's "module" build has imports Node cannot load).
  ssr: {
    resolve: {
      conditions: ["source", ...defaultServerConditions.filter((name) => name !== "module")],
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["packages/{server,sandbox}/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "dom",
          include: [
            "packages/{client,react}/src/**/*.test.{ts,tsx}",
            "apps/*/web/**/*.test.{ts,tsx}",
          ],
          environment: "jsdom",
        },
      },
      {
        // The wire contract's assertions are types: tsc runs them, so drift fails this run too.
        extends: true,
        test: {
          name: "contract",
          typecheck: {
            enabled: true,
            only: true,
            include: ["contract/*.test.ts"],
            tsconfig: "contract/tsconfig.json",
          },
        },
      },
      {
        // @x/react supports React 18 too: its tests again, with React and every library that
        // renders with it (Testing Library, TanStack Query) resolved against React 18.
        extends: true,
        resolve: {
          alias: ["react", "react-dom", "@tanstack/react-query", "@testing-library/react"].map(
            react18,
          ),
        },
        test: {
          name: "dom-react-18",
          include: ["packages/react/src/**/*.test.tsx"],
          environment: "jsdom",
        },
      },
    ],
    // eventsource-parser (under the MCP SDK's client) publishes a "source" condition pointing
    // at its TypeScript; inlined, Vite compiles it instead of Node refusing the .ts file.
    server: { deps: { inline: ["@modelcontextprotocol/sdk", "eventsource-parser"] } },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
