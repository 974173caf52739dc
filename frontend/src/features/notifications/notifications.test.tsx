import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { Toaster } from '../../components/toaster';
import type { NotificationFieldsFragment, NotificationsQuery } from '../../gql/graphql';
import { graphqlResponse, sentOperations, stubOperations } from '../../testing/graphql-fetch';
import { stubSubscriptions } from '../../testing/graphql-socket';
import { NotificationFeedProvider } from './notification-feed';
import { NotificationsBadge } from './notifications-badge';
import { NotificationsPage } from './notifications-page';

function notification(
  id: string,
  overrides: Partial<NotificationFieldsFragment> = {},
): NotificationFieldsFragment {
  return {
    id,
    serviceName: 'iris',
    serviceVersion: '1.0.0',
    message: `message ${id}`,
    severity: 'INFO',
    counter: 1,
    firstRaisedAt: '2026-11-25T09:00:00Z',
    lastRaisedAt: '2026-11-25T09:00:00Z',
    ...overrides,
  };
}

function listed(...items: NotificationFieldsFragment[]) {
  return () =>
    graphqlResponse<NotificationsQuery>({
      data: { notifications: { notifications: items, hasMore: false } },
    });
}

function App({ children, path = '/' }: { children: ReactNode; path?: string }) {
  const memory = memoryLocation({ path });
  return (
    <Router hook={memory.hook}>
      <Toaster>
        <NotificationFeedProvider viewer="alice">{children}</NotificationFeedProvider>
      </Toaster>
    </Router>
  );
}

describe('notifications', () => {
  it('counts what arrives live in the header badge, on any page', async () => {
    const server = stubSubscriptions();
    stubOperations({ Notifications: listed() });
    render(
      <App>
        <NotificationsBadge />
      </App>,
    );
    await waitFor(() => expect(server.subscriptions('NotificationRaised')).toHaveLength(1));
    expect(screen.getByRole('link', { name: 'Notifications' })).toBeTruthy();

    server.next('NotificationRaised', {
      notifications: notification('1', { severity: 'WARNING', lastRaisedAt: new Date().toISOString() }),
    });
    expect(await screen.findByRole('link', { name: 'Notifications, 1 unread' })).toBeTruthy();

    server.next('NotificationRaised', {
      notifications: notification('2', { lastRaisedAt: new Date().toISOString() }),
    });
    expect(await screen.findByRole('link', { name: 'Notifications, 2 unread' })).toBeTruthy();
    expect(screen.getByTestId('unread-count').textContent).toBe('2');
    // a warning also says so in a toast
    expect(screen.getByText('message 1')).toBeTruthy();
  });

  it('lists them newest first with severity and repeat counter, repeats moving up, and marks them read', async () => {
    const server = stubSubscriptions();
    stubOperations({
      Notifications: listed(
        notification('2', {
          message: 'Model drift above 0.3',
          severity: 'WARNING',
          lastRaisedAt: '2026-11-25T09:05:00Z',
        }),
        notification('1', {
          message: 'Traefik crashed',
          serviceName: 'Manager',
          serviceVersion: '',
          severity: 'CRITICAL',
        }),
      ),
    });
    render(
      <App path="/notifications">
        <NotificationsBadge />
        <NotificationsPage />
      </App>,
    );

    const list = await screen.findByRole('list', { name: /newest first/ });
    let items = within(list).getAllByRole('listitem');
    expect(items.map((item) => within(item).getByText(/drift|crashed/).textContent)).toEqual([
      'Model drift above 0.3',
      'Traefik crashed',
    ]);
    expect(items[1].className).toContain('notification--critical');
    await waitFor(() => expect(screen.getByRole('link', { name: 'Notifications' })).toBeTruthy());

    await waitFor(() => expect(server.subscriptions('NotificationRaised')).toHaveLength(1));
    server.next('NotificationRaised', {
      notifications: notification('1', {
        message: 'Traefik crashed',
        serviceName: 'Manager',
        serviceVersion: '',
        severity: 'CRITICAL',
        counter: 3,
        lastRaisedAt: '2026-11-25T09:10:00Z',
      }),
    });
    await waitFor(() => {
      items = within(list).getAllByRole('listitem');
      expect(within(items[0]).getByText('Traefik crashed')).toBeTruthy();
    });
    expect(within(items[0]).getByText('×3')).toBeTruthy();
  });

  it('deletes one, then all after asking', async () => {
    const fetchMock = stubOperations({
      Notifications: listed(notification('1'), notification('2')),
      DeleteNotification: () => graphqlResponse({ data: { deleteNotification: { id: '1' } } }),
      ClearNotifications: () => graphqlResponse({ data: { clearNotifications: { deleted: 1 } } }),
    });
    render(
      <App path="/notifications">
        <NotificationsPage />
      </App>,
    );

    fireEvent.click(await screen.findByRole('button', { name: 'Delete notification: message 1' }));
    await waitFor(() => expect(screen.queryByText('message 1')).toBeNull());
    expect(sentOperations(fetchMock, 'DeleteNotification')[0].body.variables).toEqual({ input: { id: '1' } });

    fireEvent.click(screen.getByRole('button', { name: 'Delete all' }));
    fireEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete all' }),
    );
    expect(await screen.findByText('No notifications.')).toBeTruthy();
    expect(sentOperations(fetchMock, 'ClearNotifications')).toHaveLength(1);
  });
});
