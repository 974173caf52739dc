import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type {
  AssignMainVersionMutation,
  KillServiceMutation,
  ServiceInspectionQuery,
  ServicesQuery,
  ServiceTrafficQuery,
} from '../../gql/graphql';
import { graphqlResponse, sentOperations, stubOperations } from '../../testing/graphql-fetch';
import { stubSubscriptions } from '../../testing/graphql-socket';
import { renderPage } from '../../testing/render';
import { ServicePage } from './service-page';
import { row, type Row } from './test-fixtures';

function traffic(version: string, main: boolean, requests: number, p50Ms: number | null) {
  return {
    name: 'iris',
    version,
    main,
    traffic: {
      requests,
      mirrored: main ? 0 : requests,
      serverErrors: main ? 0 : 2,
      p50Ms,
      p90Ms: p50Ms && p50Ms * 2,
      p99Ms: p50Ms && p50Ms * 3,
      lastRequestAt: requests ? '2026-11-25T09:00:00Z' : null,
      since: '2026-11-25T07:00:00Z',
    },
  };
}

const inspection: ServiceInspectionQuery = {
  service: {
    name: 'iris',
    version: '1.0.0',
    port: 8000,
    inspection: {
      containerId: '0123456789abcdef0123',
      containerName: 'daeploy-iris-1.0.0',
      imageId: 'sha256:feedfacecafe0000',
      status: 'RUNNING',
      running: true,
      startedAt: '2026-11-25T07:17:42Z',
      finishedAt: null,
      exitCode: 0,
      error: null,
      restartCount: 1,
      oomKilled: false,
      publishedAddress: '127.0.0.1:49153',
      restartPolicy: 'UNLESS_STOPPED',
      command: ['/bin/busybox', 'httpd', '-f'],
      env: [
        { name: 'GREETING', value: 'hej', secret: false },
        { name: 'API_KEY', value: '********', secret: true },
        { name: 'daeploy.auth', value: '********', secret: true },
      ],
      labels: [{ key: 'daeploy.name', value: 'iris' }],
    },
  },
};

function stubService(rows: Row[], extra: Record<string, () => Response> = {}) {
  return stubOperations({
    Services: () => graphqlResponse<ServicesQuery>({ data: { services: rows } }),
    ServiceTraffic: () =>
      graphqlResponse<ServiceTrafficQuery>({
        data: { services: [traffic('1.0.0', true, 120, 3.2), traffic('1.1.0', false, 118, 4.5)] },
      }),
    ServiceInspection: () => graphqlResponse<ServiceInspectionQuery>({ data: inspection }),
    ...extra,
  });
}

const versions = () => [
  row('iris', '1.0.0'),
  row('iris', '1.1.0', { main: false, createdAt: '2026-11-25T08:00:00Z' }),
];

describe('ServicePage', () => {
  it('shows the versions, main’s and the shadow’s traffic side by side, and the main version in detail', async () => {
    stubService(versions());

    renderPage(<ServicePage name="iris" />);

    expect(await screen.findByRole('heading', { level: 1, name: /iris/ })).toBeTruthy();
    const figures = await screen.findByRole('table', { name: /traffic of each version/i });
    const header = within(figures)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent);
    expect(header).toEqual(['Figure', '1.0.0 main', '1.1.0 shadow']);
    const requests = within(figures).getByRole('row', { name: /^Requests/ });
    expect(
      within(requests)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['120', '118']);
    const p50 = within(figures).getByRole('row', { name: /p50/ });
    expect(
      within(p50)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['3.2 ms', '4.5 ms']);
    const errors = within(figures).getByRole('row', { name: /5xx/ });
    expect(within(errors).getAllByRole('cell')[1].textContent).toBe('2 (1.7 %)');

    // the main version's details: inspection and environment, secrets masked
    expect(await screen.findByText('daeploy-iris-1.0.0')).toBeTruthy();
    expect(screen.getByText('127.0.0.1:49153', { exact: false })).toBeTruthy();
    const env = screen.getByRole('row', { name: /API_KEY/ });
    expect(within(env).getByText('********')).toBeTruthy();
    expect(within(env).getByText('secret')).toBeTruthy();
    expect(screen.queryByText('hunter2')).toBeNull();
    // and its live log
    expect(screen.getByRole('region', { name: 'Log of iris 1.0.0' })).toBeTruthy();
  });

  it('shows a container’s log lines as they arrive, several to a message', async () => {
    const server = stubSubscriptions();
    stubService(versions());
    renderPage(<ServicePage name="iris" version="1.0.0" />);
    await waitFor(() => expect(server.subscriptions('ServiceLogStream')).toHaveLength(1));
    expect(server.subscriptions('ServiceLogStream')[0].variables).toEqual({
      name: 'iris',
      version: '1.0.0',
      tail: 1000,
    });

    server.next('ServiceLogStream', {
      serviceLogBatches: [
        { timestamp: '2026-11-25T09:00:00.123Z', stream: 'STDOUT', line: 'GET /predict 200' },
        { timestamp: '2026-11-25T09:00:00.124Z', stream: 'STDERR', line: 'model reloaded' },
      ],
    });

    expect(await screen.findByText('GET /predict 200')).toBeTruthy();
    expect(await screen.findByText('model reloaded')).toBeTruthy();
  });

  it('makes a shadow main', async () => {
    const fetchMock = stubService(versions(), {
      AssignMainVersion: () =>
        graphqlResponse<AssignMainVersionMutation>({
          data: {
            assignMainVersion: {
              main: { name: 'iris', version: '1.1.0' },
              previousMain: { version: '1.0.0' },
            },
          },
        }),
    });
    renderPage(<ServicePage name="iris" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Make 1.1.0 main' }));

    await waitFor(() => expect(sentOperations(fetchMock, 'AssignMainVersion')).toHaveLength(1));
    expect(sentOperations(fetchMock, 'AssignMainVersion')[0].body.variables).toEqual({
      input: { name: 'iris', version: '1.1.0' },
    });
    expect(await screen.findByText('iris 1.1.0 is main now')).toBeTruthy();
  });

  it('asks before killing the main version, and for the version that takes over', async () => {
    const fetchMock = stubService(versions(), {
      KillService: () =>
        graphqlResponse<KillServiceMutation>({
          data: { killService: { name: 'iris', version: '1.0.0', imageRemoved: false } },
        }),
    });
    const page = renderPage(<ServicePage name="iris" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Kill' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Kill iris 1.0.0?' });
    const confirm = within(dialog).getByRole('button', { name: 'Kill 1.0.0' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));

    fireEvent.change(within(dialog).getByLabelText(/new main version/i), { target: { value: '1.1.0' } });
    fireEvent.click(confirm);

    await waitFor(() => expect(sentOperations(fetchMock, 'KillService')).toHaveLength(1));
    expect(sentOperations(fetchMock, 'KillService')[0].body.variables).toEqual({
      input: { name: 'iris', version: '1.0.0', removeImage: false, newMain: '1.1.0' },
    });
    await waitFor(() => expect(page.location()).toBe('/services/iris'));
  });

  it('says so when no version of the service is deployed', async () => {
    stubService([]);
    renderPage(<ServicePage name="nope" />);

    expect(await screen.findByRole('heading', { name: 'No service “nope”' })).toBeTruthy();
  });

  it('says so when the version asked for is not deployed', async () => {
    stubService(versions());
    renderPage(<ServicePage name="iris" version="9.9.9" />);

    expect(await screen.findByText(/Version “9.9.9” of iris is not deployed/)).toBeTruthy();
  });
});
