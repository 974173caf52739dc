import { Link, useLocation } from 'wouter';
import { useNotificationFeed } from './notification-feed';

/** The header's way to the notifications, with how many are unread. */
export function NotificationsBadge() {
  const { unread } = useNotificationFeed();
  const [location] = useLocation();
  const label = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;
  return (
    <Link
      href="/notifications"
      className="bell"
      aria-label={label}
      title={label}
      aria-current={location === '/notifications' ? 'page' : undefined}
    >
      <svg className="bell__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M12 3a6 6 0 0 0-6 6v3.6l-1.7 2.9A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm0 19a3 3 0 0 0 2.8-2H9.2A3 3 0 0 0 12 22Z"
          fill="currentColor"
        />
      </svg>
      {unread > 0 && (
        <span className="bell__count" data-testid="unread-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}
