import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // The Hono server answers /api; in development the page is served from Vite's own origin.
  server: { proxy: { "/api": process.env.API_URL ?? "http://localhost:3000" } },
});
