import type { RuntimeQuery } from '../gql/graphql';

interface ConnectionBannerProps {
  reachable: boolean;
  runtime?: RuntimeQuery['runtime'];
}

/**
 * Says, on every page, when the manager does not answer or its container engine does not: what is
 * shown may be stale, and what cannot work now.
 */
export function ConnectionBanner({ reachable, runtime }: ConnectionBannerProps) {
  if (!reachable) {
    return (
      <div className="banner banner--crit" role="alert">
        <strong>The manager does not answer.</strong> What you see may be out of date; the page reconnects by
        itself as soon as it answers again.
      </div>
    );
  }
  if (runtime && !runtime.available) {
    return (
      <div className="banner banner--warn" role="alert">
        <strong>The {runtime.kind} engine does not answer.</strong> States show as Unknown and deploys fail
        until it does{runtime.message ? `: ${runtime.message}` : '.'}
      </div>
    );
  }
  return null;
}
