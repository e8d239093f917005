import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  root: "web",
  plugins: [react()],
  // Workspace packages are read from their TypeScript sources: no package build step.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  build: { outDir: "../dist/web", emptyOutDir: true },
  server: {
    port: 5173,
    proxy: { "/api": "http://localhost:3050", "/auth": "http://localhost:3050" },
  },
});
