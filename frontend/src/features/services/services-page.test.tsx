import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ServicesQuery } from '../../gql/graphql';
import { graphqlResponse, sentOperations, stubFetch, stubOperations } from '../../testing/graphql-fetch';
import { stubSubscriptions } from '../../testing/graphql-socket';
import { renderPage } from '../../testing/render';
import { ServicesPage } from './services-page';
import { row, type Row } from './test-fixtures';

function services(...rows: Row[]) {
  return () => graphqlResponse<ServicesQuery>({ data: { services: rows } });
}

function bodyRows(): HTMLElement[] {
  const [, body] = within(screen.getByRole('table')).getAllByRole('rowgroup');
  return within(body).queryAllByRole('row');
}

describe('ServicesPage', () => {
  it('shows every version with its state, role, uptime, image and both links on this page’s host', async () => {
    stubOperations({
      Services: services(
        row('iris', '1.0.0'),
        row('iris', '1.1.0', {
          main: false,
          state: 'EXITED',
          stateSince: null,
          createdAt: '2026-11-25T08:00:00Z',
        }),
      ),
    });

    renderPage(<ServicesPage />);

    await screen.findByRole('table');
    const [main, shadow] = bodyRows();
    expect(within(main).getByRole('rowheader').textContent).toBe('iris');
    expect(within(main).getByText('★ main')).toBeTruthy();
    expect(within(main).getByText('Running')).toBeTruthy();
    expect(within(main).getByText(/^3 min/)).toBeTruthy();
    expect(within(main).getByText('iris:1.0.0')).toBeTruthy();
    const links = within(main)
      .getAllByRole('link')
      .map((link) => link.getAttribute('href'));
    // the page's own host name (jsdom: localhost) and the services' port, never a configured host
    expect(links).toEqual([
      '/services/iris/1.0.0',
      'http://localhost:5080/services/iris/',
      'http://localhost:5080/services/iris_1.0.0/',
    ]);
    expect(within(shadow).getByText('shadow')).toBeTruthy();
    expect(within(shadow).getByText('Exited')).toBeTruthy();
    expect(within(shadow).queryByText('★ main')).toBeNull();
    expect(
      within(shadow)
        .getAllByRole('link')
        .map((link) => link.getAttribute('href')),
    ).toEqual(['/services/iris/1.1.0', 'http://localhost:5080/services/iris_1.1.0/']);
  });

  it('follows serviceEvents without asking again: deploys, state changes, main switches and kills', async () => {
    const server = stubSubscriptions();
    const fetchMock = stubOperations({ Services: services(row('iris', '1.0.0')) });
    renderPage(<ServicesPage />);
    await screen.findByRole('table');
    await waitFor(() => expect(server.subscriptions('ServiceEvents')).toHaveLength(1));

    server.next('ServiceEvents', {
      serviceEvents: {
        kind: 'DEPLOYED',
        name: 'iris',
        version: '1.1.0',
        service: row('iris', '1.1.0', { main: false }),
      },
    });
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(within(bodyRows()[1]).getByText('Mirroring traffic')).toBeTruthy();

    server.next('ServiceEvents', {
      serviceEvents: { kind: 'MAIN_CHANGED', name: 'iris', version: '1.1.0', service: row('iris', '1.1.0') },
    });
    server.next('ServiceEvents', {
      serviceEvents: {
        kind: 'MAIN_CHANGED',
        name: 'iris',
        version: '1.0.0',
        service: row('iris', '1.0.0', { main: false }),
      },
    });
    await waitFor(() => expect(within(bodyRows()[0]).getByText('1.1.0')).toBeTruthy());
    expect(within(bodyRows()[0]).getByText('★ main')).toBeTruthy();

    server.next('ServiceEvents', {
      serviceEvents: {
        kind: 'STATE_CHANGED',
        name: 'iris',
        version: '1.0.0',
        service: row('iris', '1.0.0', { main: false, state: 'UNKNOWN' }),
      },
    });
    expect(await screen.findByText('Unknown')).toBeTruthy();

    server.next('ServiceEvents', {
      serviceEvents: { kind: 'KILLED', name: 'iris', version: '1.0.0', service: null },
    });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));

    expect(sentOperations(fetchMock, 'Services')).toHaveLength(1);
    expect(screen.getByText('Live')).toBeTruthy();
  });

  it('filters by words and state, and sorts', async () => {
    stubOperations({
      Services: services(
        row('alpha', '1.0.0', { state: 'RUNNING', createdAt: '2026-11-20T00:00:00Z' }),
        row('beta', '2.0.0', { state: 'EXITED', stateSince: null, createdAt: '2026-11-22T00:00:00Z' }),
        row('gamma', '0.1.0', { image: 'registry/gamma-model:0.1.0', createdAt: '2026-11-21T00:00:00Z' }),
      ),
    });
    renderPage(<ServicesPage />);
    await screen.findByRole('table');

    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'model' } });
    expect(bodyRows().map((item) => within(item).getByRole('rowheader').textContent)).toEqual(['gamma']);

    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'not-running' } });
    expect(bodyRows().map((item) => within(item).getByRole('rowheader').textContent)).toEqual(['beta']);

    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'all' } });
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'created' } });
    expect(bodyRows().map((item) => within(item).getByRole('rowheader').textContent)).toEqual([
      'beta',
      'gamma',
      'alpha',
    ]);

    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'state' } });
    expect(within(bodyRows()[0]).getByRole('rowheader').textContent).toBe('beta');

    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'nothing-like-this' } });
    expect(screen.getByText('No version matches the filter.')).toBeTruthy();
  });

  it('opens a version when its row is clicked', async () => {
    stubOperations({ Services: services(row('iris', '1.0.0')) });
    const page = renderPage(<ServicesPage />);
    await screen.findByRole('table');

    fireEvent.click(within(bodyRows()[0]).getByText('iris:1.0.0'));

    expect(page.location()).toBe('/services/iris/1.0.0');
  });

  it('says when nothing is deployed, and where to deploy', async () => {
    stubOperations({ Services: services() });
    renderPage(<ServicesPage />);

    expect(await screen.findByText('No services deployed.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Deploy one' }).getAttribute('href')).toBe('/deploy');
  });

  it('never claims “no services” when the manager does not answer', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    renderPage(<ServicesPage />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the manager does not answer');
    expect(alert.textContent).not.toContain('Failed to fetch');
    expect(screen.queryByText('No services deployed.')).toBeNull();
    expect(screen.queryByText('Live')).toBeNull();
  });
});
