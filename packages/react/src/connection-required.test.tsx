import { screen, waitFor } from "@testing-library/react";
import { ConnectError } from "@x/client";
import { expect, test } from "vitest";
import { ConnectionRequired } from "./connection-required";
import { renderWithServer } from "./test-support";

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
