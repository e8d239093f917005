/**
 * Keeps a refresh lease while its holder works: renews it every `everyMs` until stopped, or until
 * a renewal finds it is no longer ours (it lapsed and another instance took it, or the row
 * changed). A renewal that fails (the database is away) is tried again at the next beat; the
 * lease may lapse meanwhile, which the commit's compare-and-set on the revision makes safe.
 * Returns the stop.
 */
export function keepLease(renew: () => Promise<boolean>, everyMs: number): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const beat = async () => {
    let ours = true;
    try {
      ours = await renew();
    } catch {
      // Unreachable for a moment: the next beat tries again.
    }
    if (ours && !stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(beat, everyMs);
    // A beat never keeps a process alive: the call it guards does, while it runs.
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
