import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { LiveTag } from '../../components/live-tag';
import type { Severity } from '../../gql/graphql';
import { isUnreachable } from '../../lib/graphql-client';
import { usePageTitle } from '../../lib/use-page-title';
import { useNotificationFeed, type Notification } from './notification-feed';
import './notifications.css';

const SEVERITIES: Array<{ severity: Severity; label: string }> = [
  { severity: 'CRITICAL', label: 'Critical' },
  { severity: 'WARNING', label: 'Warning' },
  { severity: 'INFO', label: 'Info' },
];

/**
 * Notifications live, newest first: what services (and the manager itself) raised, how often, and
 * when; delete one or all. Opening the page marks them read.
 */
export function NotificationsPage() {
  usePageTitle('Notifications');
  const feed = useNotificationFeed();
  const { notifications, markAllSeen } = feed;
  const [shown, setShown] = useState<Set<Severity>>(new Set(['CRITICAL', 'WARNING', 'INFO']));
  const [failure, setFailure] = useState<Error | null>(null);
  const [seenBefore] = useState(feed.seenAt);
  const [loadingOlder, setLoadingOlder] = useState(false);

  // what is on screen while the page is open is read
  useEffect(() => {
    markAllSeen();
  }, [notifications, markAllSeen]);

  const list = notifications?.filter((item) => shown.has(item.severity));

  return (
    <section className="panel" aria-labelledby="notifications-heading">
      <header className="panel__header panel__header--wrap">
        <h1 id="notifications-heading" className="panel__title">
          Notifications
          {notifications && <span className="panel__count">{notifications.length}</span>}
        </h1>
        <div className="panel__header-actions">
          <LiveTag live={notifications !== undefined && !feed.error} />
          <ConfirmDialog
            trigger={
              <button type="button" className="button button--danger" disabled={!notifications?.length}>
                Delete all
              </button>
            }
            title="Delete every notification?"
            confirmLabel="Delete all"
            onConfirm={async () => setFailure((await feed.clearAll()) ?? null)}
          >
            <p>They are gone for everyone. Services raise new ones as things happen.</p>
          </ConfirmDialog>
        </div>
      </header>
      <p className="panel__intro">
        Alerts services raise through the SDK’s <code>notify()</code>, and the manager’s own (service
        “Manager”).
      </p>

      <div className="chips" role="group" aria-label="Severities shown">
        {SEVERITIES.map(({ severity, label }) => (
          <button
            key={severity}
            type="button"
            className={`chip chip--${severity.toLowerCase()}`}
            aria-pressed={shown.has(severity)}
            onClick={() => {
              const next = new Set(shown);
              if (next.has(severity)) {
                next.delete(severity);
              } else {
                next.add(severity);
              }
              setShown(next);
            }}
          >
            {label}
          </button>
        ))}
      </div>

      {failure && <ErrorMessage title="That did not work" error={failure} />}
      {feed.error && (
        <ErrorMessage
          title={
            isUnreachable(feed.error)
              ? 'Cannot read the notifications: the manager does not answer. Trying again…'
              : 'Could not read the notifications'
          }
          error={feed.error}
        />
      )}

      {list === undefined ? (
        !feed.error && (
          <p className="panel__note" role="status">
            Loading notifications…
          </p>
        )
      ) : notifications?.length === 0 ? (
        <p className="panel__note">No notifications.</p>
      ) : list.length === 0 ? (
        <p className="panel__note">None of the chosen severities.</p>
      ) : (
        <ol className="notifications" aria-label="Notifications, newest first">
          {list.map((item) => (
            <NotificationItem
              key={item.id}
              notification={item}
              unread={Date.parse(item.lastRaisedAt) > seenBefore}
              onDelete={async () => setFailure((await feed.remove(item.id)) ?? null)}
            />
          ))}
        </ol>
      )}
      {feed.hasMore && (
        <button
          type="button"
          className="button"
          disabled={loadingOlder}
          onClick={async () => {
            setLoadingOlder(true);
            try {
              await feed.loadOlder();
            } catch (caught) {
              setFailure(caught instanceof Error ? caught : new Error(String(caught)));
            } finally {
              setLoadingOlder(false);
            }
          }}
        >
          {loadingOlder ? 'Loading…' : 'Show older'}
        </button>
      )}
    </section>
  );
}

function NotificationItem({
  notification,
  unread,
  onDelete,
}: {
  notification: Notification;
  unread: boolean;
  onDelete: () => void;
}) {
  const severity = notification.severity.toLowerCase();
  return (
    <li className={`notification notification--${severity}${unread ? ' notification--unread' : ''}`}>
      <div className="notification__main">
        <p className="notification__message">{notification.message}</p>
        <p className="notification__meta">
          <span className={`tag tag--${severity}`}>{severity}</span>
          <span>
            {notification.serviceName}
            {notification.serviceVersion && <span className="mono"> {notification.serviceVersion}</span>}
          </span>
          {notification.counter > 1 && (
            <span className="notification__counter" title={`Raised ${notification.counter} times`}>
              ×{notification.counter}
            </span>
          )}
          <DateTime value={notification.lastRaisedAt} />
          {notification.counter > 1 && (
            <span className="muted">
              first <DateTime value={notification.firstRaisedAt} />
            </span>
          )}
          {unread && <span className="notification__new">new</span>}
        </p>
      </div>
      <button
        type="button"
        className="button button--small"
        aria-label={`Delete notification: ${notification.message}`}
        onClick={onDelete}
      >
        Delete
      </button>
    </li>
  );
}
