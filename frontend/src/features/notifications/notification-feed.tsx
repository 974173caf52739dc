import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useToast } from '../../components/toaster';
import {
  ClearNotificationsDocument,
  DeleteNotificationDocument,
  NotificationRaisedDocument,
  NotificationsDocument,
  type NotificationFieldsFragment,
} from '../../gql/graphql';
import { execute, onReconnected } from '../../lib/graphql-client';
import { useSubscription } from '../../lib/use-subscription';

export type Notification = NotificationFieldsFragment;

/** How many notifications the feed reads at first; older ones are read on demand. */
export const FIRST_PAGE = 100;

export interface NotificationFeed {
  /** Newest (last raised) first; undefined until the first answer. */
  notifications?: Notification[];
  hasMore: boolean;
  error?: Error;
  /** How many were raised (or raised again) since the user last looked. */
  unread: number;
  /** When the user last looked, in milliseconds since the epoch. */
  seenAt: number;
  markAllSeen: () => void;
  loadOlder: () => Promise<void>;
  remove: (id: string) => Promise<Error | undefined>;
  clearAll: () => Promise<Error | undefined>;
}

const FeedContext = createContext<NotificationFeed | null>(null);

/**
 * Where "last looked" is kept: per user, in this browser. It is a time, not a secret; the session
 * itself is never stored by the app.
 */
function seenKey(viewer: string): string {
  return `daeploy.notifications.seenAt.${viewer}`;
}

function readSeen(viewer: string): number {
  try {
    return Number(window.localStorage.getItem(seenKey(viewer))) || 0;
  } catch {
    return 0;
  }
}

function byLastRaised(a: Notification, b: Notification): number {
  return b.lastRaisedAt.localeCompare(a.lastRaisedAt);
}

const SEVERITY_TONES = { INFO: 'info', WARNING: 'warn', CRITICAL: 'crit' } as const;

/**
 * The notifications of the whole app, read once and then kept live by the `notifications`
 * subscription, for the header's unread count on every page and for the notifications page. A
 * repeat of a notification replaces it with its new counter and moves it to the top.
 */
export function NotificationFeedProvider({ viewer, children }: { viewer: string; children: ReactNode }) {
  const [notifications, setNotifications] = useState<Notification[]>();
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<Error>();
  const [seenAt, setSeenAt] = useState(() => readSeen(viewer));
  const toast = useToast();
  const raisedSinceRequest = useRef<Notification[] | null>(null);

  const load = useCallback(() => {
    raisedSinceRequest.current = [];
    execute(NotificationsDocument, { first: FIRST_PAGE }).then(
      (data) => {
        const byId = new Map(data.notifications.notifications.map((item) => [item.id, item]));
        for (const raised of raisedSinceRequest.current ?? []) {
          byId.set(raised.id, raised);
        }
        raisedSinceRequest.current = null;
        setNotifications([...byId.values()].sort(byLastRaised));
        setHasMore(data.notifications.hasMore);
        setError(undefined);
      },
      (caught: unknown) => {
        raisedSinceRequest.current = null;
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      },
    );
  }, []);

  useEffect(() => {
    load();
    return onReconnected(load);
  }, [load]);

  useEffect(() => {
    if (!error) {
      return;
    }
    const timer = window.setTimeout(load, 5000);
    return () => window.clearTimeout(timer);
  }, [error, load]);

  useSubscription(NotificationRaisedDocument, undefined, {
    onData: ({ notifications: raised }) => {
      raisedSinceRequest.current?.push(raised);
      setNotifications((current) =>
        current ? [raised, ...current.filter((item) => item.id !== raised.id)].sort(byLastRaised) : current,
      );
      if (raised.severity !== 'INFO') {
        toast({
          tone: SEVERITY_TONES[raised.severity],
          title: `${raised.serviceName}${raised.serviceVersion ? ` ${raised.serviceVersion}` : ''}: ${raised.severity.toLowerCase()}`,
          description: raised.message,
        });
      }
    },
  });

  // "seen" is the newest raise the user was shown, in the manager's clock, so that a browser whose
  // clock is off still counts right
  const newest = notifications?.[0]?.lastRaisedAt;
  const markAllSeen = useCallback(() => {
    const at = newest ? Date.parse(newest) : 0;
    setSeenAt((current) => {
      const next = Math.max(current, at);
      try {
        window.localStorage.setItem(seenKey(viewer), String(next));
      } catch {
        // without storage the count starts again on the next visit
      }
      return next;
    });
  }, [viewer, newest]);

  const loadOlder = useCallback(async () => {
    const last = notifications?.[notifications.length - 1];
    if (!last) {
      return;
    }
    const data = await execute(NotificationsDocument, { first: FIRST_PAGE, before: last.id });
    setNotifications((current) => {
      const byId = new Map((current ?? []).map((item) => [item.id, item]));
      for (const item of data.notifications.notifications) {
        if (!byId.has(item.id)) {
          byId.set(item.id, item);
        }
      }
      return [...byId.values()].sort(byLastRaised);
    });
    setHasMore(data.notifications.hasMore);
  }, [notifications]);

  const remove = useCallback(async (id: string) => {
    try {
      await execute(DeleteNotificationDocument, { input: { id } });
      setNotifications((current) => current?.filter((item) => item.id !== id));
      return undefined;
    } catch (caught) {
      return caught instanceof Error ? caught : new Error(String(caught));
    }
  }, []);

  const clearAll = useCallback(async () => {
    try {
      await execute(ClearNotificationsDocument, {});
      setNotifications([]);
      setHasMore(false);
      return undefined;
    } catch (caught) {
      return caught instanceof Error ? caught : new Error(String(caught));
    }
  }, []);

  const unread = useMemo(
    () => notifications?.filter((item) => Date.parse(item.lastRaisedAt) > seenAt).length ?? 0,
    [notifications, seenAt],
  );

  const value = useMemo<NotificationFeed>(
    () => ({ notifications, hasMore, error, unread, seenAt, markAllSeen, loadOlder, remove, clearAll }),
    [notifications, hasMore, error, unread, seenAt, markAllSeen, loadOlder, remove, clearAll],
  );
  return <FeedContext.Provider value={value}>{children}</FeedContext.Provider>;
}

export function useNotificationFeed(): NotificationFeed {
  const feed = useContext(FeedContext);
  if (!feed) {
    throw new Error('useNotificationFeed needs a NotificationFeedProvider');
  }
  return feed;
}
