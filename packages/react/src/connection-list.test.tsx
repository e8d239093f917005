import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test } from "vitest";
import { ConnectionList } from "./connection-list";
import { createFakeServer, makeConnection, renderWithServer, stubPopup } from "./test-support";

const seeded = () =>
  createFakeServer({
    connections: [
      makeConnection({ id: "mine", name: "Acme CRM", handle: "ada@acme.test" }),
      makeConnection({
        id: "shared",
        visibility: "workspace",
        name: null,
        handle: "ops@acme.test",
        status: "auth_failed",
      }),
      makeConnection({
        id: "old",
        provider: "github",
        visibility: "workspace",
        name: "Old repo",
        status: "revoked",
      }),
    ],
  });

const row = (name: string) => screen.getByText(name).closest("li")!;

describe("ConnectionList", () => {
  test("empty: says so", async () => {
    renderWithServer(<ConnectionList />);
    expect(await screen.findByText("No connections yet")).toBeTruthy();
    expect(screen.queryByRole("region")).toBeNull();
  });

  test("sections: user connections apart from workspace ones, each with icon, name, handle and badge", async () => {
    renderWithServer(<ConnectionList />, seeded());
    const yours = await screen.findByRole("region", { name: "Your connections" });
    const workspace = screen.getByRole("region", { name: "Workspace connections" });
    expect(within(yours).getAllByRole("listitem")).toHaveLength(1);
    expect(within(workspace).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.queryByText("No connections yet")).toBeNull();

    const mine = within(row("Acme CRM"));
    expect(mine.getByRole("img", { name: "Attio" }).textContent).toBe("A");
    expect(mine.getByText("ada@acme.test")).toBeTruthy();
    expect(mine.getByText("Active")).toBeTruthy();
    expect(mine.queryByRole("button", { name: "Reconnect" })).toBeNull();

    // No name yet: the provider's display name stands in.
    const shared = within(row("ops@acme.test"));
    expect(shared.getByText("Attio")).toBeTruthy();
    expect(shared.getByText("Needs reconnect")).toBeTruthy();

    const old = within(row("Old repo"));
    expect(old.getByText("Revoked")).toBeTruthy();
    expect(old.getByRole("img", { name: "GitHub" }).getAttribute("src")).toBe(
      "https://icons.test/github.svg",
    );
  });

  test("hints at providers that need a server admin", async () => {
    renderWithServer(<ConnectionList />);
    expect(await screen.findByText("GitHub: needs server admin")).toBeTruthy();
    expect(screen.queryByText(/Attio: needs/)).toBeNull();
  });

  test("rename: Enter saves through PATCH, Escape cancels", async () => {
    const user = userEvent.setup();
    const { server } = renderWithServer(<ConnectionList />, seeded());
    await user.click(await screen.findByRole("button", { name: "Rename Acme CRM" }));
    const input = screen.getByRole("textbox", { name: "Name of Acme CRM" });
    expect(document.activeElement).toBe(input);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(server.requests.some((request) => request.method === "PATCH")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Rename Acme CRM" }));
    await user.clear(screen.getByRole("textbox"));
    await user.keyboard("Sales CRM{Enter}");
    expect(await screen.findByText("Sales CRM")).toBeTruthy();
    expect(server.requests.find((request) => request.method === "PATCH")).toEqual({
      method: "PATCH",
      path: "/connections/mine",
      body: { name: "Sales CRM" },
    });
  });

  test("disconnect: asks first; Cancel keeps it, Yes calls DELETE and removes the row", async () => {
    const user = userEvent.setup();
    const server = createFakeServer({ connections: [makeConnection({ id: "mine" })] });
    renderWithServer(<ConnectionList />, server);
    await user.click(await screen.findByRole("button", { name: "Disconnect Acme CRM" }));
    expect(screen.getByRole("group", { name: "Disconnect Acme CRM?" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("group")).toBeNull();
    expect(server.requests.some((request) => request.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Disconnect Acme CRM" }));
    await user.click(screen.getByRole("button", { name: "Yes" }));
    expect(await screen.findByText("No connections yet")).toBeTruthy();
    expect(server.requests.filter((request) => request.method === "DELETE")).toEqual([
      { method: "DELETE", path: "/connections/mine", body: undefined },
    ]);
  });

  test("a refused disconnect shows the server's message", async () => {
    const user = userEvent.setup();
    const server = seeded();
    server.failWith("DELETE /connections/shared", {
      status: 403,
      code: "forbidden",
      message: "Admins only",
    });
    renderWithServer(<ConnectionList />, server);
    await user.click(await screen.findByRole("button", { name: "Disconnect Attio" }));
    await user.click(screen.getByRole("button", { name: "Yes" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Admins only");
    expect(row("ops@acme.test")).toBeTruthy();
  });

  test("reconnect: an auth_failed row reconnects with its own visibility", async () => {
    const user = userEvent.setup();
    const { open, popup } = stubPopup();
    const { server } = renderWithServer(<ConnectionList />, seeded());
    await user.click(await screen.findByRole("button", { name: "Reconnect" }));
    expect(open).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(popup.location.href).toBe("https://idp.test/authorize?flow=1"));
    expect(server.requests.find((request) => request.path === "/connect/attio")?.body).toEqual({
      mode: "popup",
      visibility: "workspace",
    });
    expect(screen.getByRole("button", { name: "Reconnect" }).getAttribute("aria-busy")).toBe(
      "true",
    );
  });

  test("read-only rows: canManage hides reconnect, rename and disconnect, and keeps the badge", async () => {
    renderWithServer(
      <ConnectionList canManage={(connection) => connection.visibility === "user"} />,
      seeded(),
    );
    const mine = within(await screen.findByRole("region", { name: "Your connections" }));
    expect(mine.getByRole("button", { name: "Disconnect Acme CRM" })).toBeTruthy();
    const shared = within(row("ops@acme.test"));
    expect(shared.getByText("Needs reconnect")).toBeTruthy();
    expect(shared.queryByRole("button")).toBeNull();
  });
});
