import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConnectError } from "@x/client";
import { expect, test } from "vitest";
import { ConnectionRequired } from "./connection-required";
import { createFakeServer, makeConnection, renderWithServer, stubPopup } from "./test-support";

test("turns connection_required into a prompt with a connect button for its provider", async () => {
  const error = new ConnectError("connection_required", "Connect Attio to see your tasks", {
    provider: "attio",
    status: 409,
  });
  renderWithServer(<ConnectionRequired error={error} />);
  expect(screen.getByRole("alert").textContent).toContain("Connect Attio to see your tasks");
  await waitFor(() => expect(screen.getByRole("button").textContent).toBe("Connect Attio"));
});

test("also takes the plain error body of the host's own routes", async () => {
  const body = { code: "reauth_required", message: "Reconnect to continue", provider: "attio" };
  renderWithServer(<ConnectionRequired error={body} />);
  expect(screen.getByRole("alert").textContent).toContain("Reconnect to continue");
});

test("renders nothing for any other error", () => {
  const { container } = renderWithServer(
    <ConnectionRequired error={new ConnectError("forbidden", "No")} />,
  );
  expect(container.innerHTML).toBe("");
});

test("turns insufficient_scope into a re-consent that asks for the scopes it names", async () => {
  const { popup } = stubPopup();
  const server = createFakeServer({
    connections: [makeConnection({ scopes: ["record:read"] })],
  });
  const error = new ConnectError("insufficient_scope", "Attio needs more access for this", {
    provider: "attio",
    status: 403,
    scopes: ["record:read", "record:write"],
  });
  renderWithServer(<ConnectionRequired error={error} />, server);
  expect(screen.getByRole("alert").dataset.error).toBe("insufficient_scope");
  await waitFor(() =>
    expect(screen.getByRole("button").textContent).toBe("Grant Attio more access"),
  );
  await userEvent.click(screen.getByRole("button"));
  await waitFor(() => expect(popup.location.href).toContain("idp.test/authorize"));
  expect(server.requests.find((request) => request.path === "/connect/attio")?.body).toEqual({
    mode: "popup",
    scopes: ["record:read", "record:write"],
  });
});
