import "@x/react/styles.css";
import "./taskr.css";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConnectionsProvider } from "@x/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ConnectionsProvider baseUrl="/api/connections">
        <App />
      </ConnectionsProvider>
    </QueryClientProvider>
  </StrictMode>,
);
