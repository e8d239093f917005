import { useQueryClient } from "@tanstack/react-query";
import { clearConnectResult, readConnectResult, useProviders } from "@x/react";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { type ConnectOutcome, connectNotice, outcomeOfRedirect } from "./connect-notice";

type Report = (outcome: ConnectOutcome | null) => void;

const NoticeContext = createContext<Report>(() => {});

/** Report a connect's outcome; the banner above the page says what happened. */
export const useReportConnect = () => useContext(NoticeContext);

/**
 * Holds the latest connect outcome. A redirect-mode connect comes back as `?x_connect=…` on the
 * page it left: read once, then removed so a reload or a shared link does not replay it.
 */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [outcome, setOutcome] = useState(() => outcomeOfRedirect(readConnectResult()));
  const queryClient = useQueryClient();
  useEffect(() => {
    if (readConnectResult()) clearConnectResult();
  }, []);
  const report = useCallback<Report>(
    (next) => {
      setOutcome(next);
      // A new or replaced connection: tasks fetched with the old one are no longer the truth.
      if (next?.status === "success") void queryClient.invalidateQueries({ queryKey: ["taskr"] });
    },
    [queryClient],
  );
  return (
    <NoticeContext value={report}>
      {outcome ? <Banner outcome={outcome} onDismiss={() => setOutcome(null)} /> : null}
      {children}
    </NoticeContext>
  );
}

function Banner({ outcome, onDismiss }: { outcome: ConnectOutcome; onDismiss: () => void }) {
  // Until the server has listed its providers, no name from the address bar can be trusted.
  const providers = useProviders();
  const notice = providers.data ? connectNotice(outcome, providers.data) : null;
  if (!notice) return null;
  return (
    <div
      className={`taskr-notice taskr-notice-${notice.tone}`}
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid="connect-notice"
    >
      <span>{notice.text}</span>
      <button type="button" className="taskr-link" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
