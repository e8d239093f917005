import type { Connection, Provider } from "@x/client";
import { useState } from "react";
import { useConnect, useConnections, useDisconnect, useProviders, useRename } from "./hooks";

const badges: Record<Connection["status"], string> = {
  active: "Active",
  auth_failed: "Needs reconnect",
  revoked: "Revoked",
};

const ProviderIcon = ({ provider, name }: { provider?: Provider; name: string }) =>
  provider?.iconUrl ? (
    <img data-x-connect="icon" src={provider.iconUrl} alt={name} width={20} height={20} />
  ) : (
    <span data-x-connect="icon" role="img" aria-label={name}>
      {name[0]?.toUpperCase()}
    </span>
  );

// Module-level so React calls it once on mount, not on every render (which would reselect
// the text under a typing user whenever the list refetches).
const focusField = (input: HTMLInputElement | null) => {
  input?.focus();
  input?.select();
};

const ConnectionRow = ({
  connection,
  provider,
  manageable,
}: {
  connection: Connection;
  provider?: Provider;
  manageable: boolean;
}) => {
  const [step, setStep] = useState<"idle" | "confirm" | "rename">("idle");
  const disconnect = useDisconnect();
  const rename = useRename();
  const { connect, isPending: connecting, error: connectError } = useConnect();
  const displayName = provider?.displayName ?? connection.provider;
  const name = connection.name ?? displayName;
  const error = disconnect.error ?? rename.error ?? connectError;

  return (
    <li data-x-connect="row" data-status={connection.status}>
      <ProviderIcon provider={provider} name={displayName} />
      {step === "rename" ? (
        <input
          aria-label={`Name of ${name}`}
          defaultValue={name}
          ref={focusField}
          onKeyDown={(event) => {
            if (event.key === "Escape") setStep("idle");
            if (event.key !== "Enter") return;
            const value = event.currentTarget.value.trim();
            if (value) rename.mutate({ id: connection.id, name: value });
            setStep("idle");
          }}
        />
      ) : (
        <span data-x-connect="name">{name}</span>
      )}
      {connection.handle && <span data-x-connect="handle">{connection.handle}</span>}
      <span data-x-connect="badge" data-status={connection.status}>
        {badges[connection.status]}
      </span>
      {manageable && connection.status === "auth_failed" && (
        <button
          type="button"
          aria-busy={connecting || undefined}
          onClick={() => connect(connection.provider, { visibility: connection.visibility })}
        >
          Reconnect
        </button>
      )}
      {!manageable ? null : step === "confirm" ? (
        <fieldset aria-label={`Disconnect ${name}?`}>
          Disconnect?{" "}
          <button type="button" onClick={() => disconnect.mutate(connection.id)}>
            Yes
          </button>
          <button type="button" onClick={() => setStep("idle")}>
            Cancel
          </button>
        </fieldset>
      ) : (
        <>
          <button type="button" aria-label={`Rename ${name}`} onClick={() => setStep("rename")}>
            Rename
          </button>
          <button
            type="button"
            aria-label={`Disconnect ${name}`}
            onClick={() => setStep("confirm")}
          >
            Disconnect
          </button>
        </>
      )}
      {error && <span role="alert">{error.message}</span>}
    </li>
  );
};

const sections = [
  ["user", "Your connections"],
  ["workspace", "Workspace connections"],
] as const;

export type ConnectionListProps = {
  className?: string;
  /**
   * Which rows this user may reconnect, rename and disconnect; the others are read-only (e.g. a
   * member's view of workspace connections, which only an admin may change). Default: all.
   */
  canManage?: (connection: Connection) => boolean;
};

export const ConnectionList = ({ className, canManage }: ConnectionListProps) => {
  const { data: connections, error } = useConnections();
  const { data: providers = [] } = useProviders();
  const providerOf = (name: string) => providers.find((provider) => provider.name === name);
  const unconfigured = providers.filter((provider) => !provider.configured);

  return (
    <div className={className} data-x-connect="list" aria-busy={!connections || undefined}>
      {error && <p role="alert">{error.message}</p>}
      {connections?.length === 0 && <p data-x-connect="empty">No connections yet</p>}
      {sections.map(([visibility, title]) => {
        const rows = connections?.filter((connection) => connection.visibility === visibility);
        return rows?.length ? (
          <section key={visibility} aria-label={title} data-visibility={visibility}>
            <h3>{title}</h3>
            <ul>
              {rows.map((connection) => (
                <ConnectionRow
                  key={connection.id}
                  connection={connection}
                  provider={providerOf(connection.provider)}
                  manageable={canManage?.(connection) ?? true}
                />
              ))}
            </ul>
          </section>
        ) : null;
      })}
      {unconfigured.map((provider) => (
        <p key={provider.name} data-x-connect="hint">
          {provider.displayName}: needs server admin
        </p>
      ))}
    </div>
  );
};
