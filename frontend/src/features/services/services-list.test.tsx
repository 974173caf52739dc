import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ServicesQuery } from '../../gql/graphql';
import { graphqlResponse, sentRequest, stubFetch } from '../../testing/graphql-fetch';
import { ServicesList } from './services-list';

const mainVersion: ServicesQuery['services'][number] = {
  name: 'iris_classifier',
  version: '1.0.0',
  main: true,
  state: 'RUNNING',
  image: 'iris_classifier:1.0.0',
  url: 'http://localhost:5080/services/iris_classifier_1.0.0/',
  createdAt: '2026-11-25T07:17:41.123Z',
};

const shadowVersion: ServicesQuery['services'][number] = {
  name: 'iris_classifier',
  version: '1.1.0-rc.1',
  main: false,
  state: 'EXITED',
  image: 'iris_classifier:1.1.0-rc.1',
  url: 'http://localhost:5080/services/iris_classifier_1.1.0-rc.1/',
  createdAt: '2026-11-25T08:02:00Z',
};

function services(...items: ServicesQuery['services']): () => Response {
  return () => graphqlResponse<ServicesQuery>({ data: { services: items } });
}

function bodyRows(): HTMLElement[] {
  const table = screen.getByRole('table');
  const [, body] = within(table).getAllByRole('rowgroup');
  return within(body).queryAllByRole('row');
}

describe('ServicesList', () => {
  it('asks the manager for its services and shows one row per version', async () => {
    const fetchMock = stubFetch(services(mainVersion, shadowVersion));

    render(<ServicesList />);

    await screen.findByRole('table');
    const request = sentRequest(fetchMock, 0);
    expect(request.url).toBe('/graphql');
    expect(request.method).toBe('POST');
    expect(request.body.query).toMatch(/query Services\b/);

    const rows = bodyRows();
    expect(rows).toHaveLength(2);

    const main = within(rows[0]);
    expect(main.getByRole('rowheader').textContent).toBe('iris_classifier');
    expect(main.getByText('1.0.0')).toBeTruthy();
    expect(main.getByText('★ main')).toBeTruthy();
    expect(main.getByText('Running')).toBeTruthy();
    expect(main.getByText('iris_classifier:1.0.0')).toBeTruthy();
    const mainLink = main.getByRole('link');
    expect(mainLink.getAttribute('href')).toBe(mainVersion.url);
    expect(mainLink.textContent).toBe('/services/iris_classifier_1.0.0/');
    expect(rows[0].querySelector('time')?.getAttribute('dateTime')).toBe(mainVersion.createdAt);

    const shadow = within(rows[1]);
    expect(shadow.getByText('1.1.0-rc.1')).toBeTruthy();
    expect(shadow.getByText('shadow')).toBeTruthy();
    expect(shadow.queryByText('★ main')).toBeNull();
    expect(shadow.getByText('Exited')).toBeTruthy();
    expect(shadow.getByRole('link').getAttribute('href')).toBe(shadowVersion.url);

    expect(screen.getByRole('heading', { name: /services/i }).textContent).toBe('Services2');
    expect(screen.queryByText('No services deployed.')).toBeNull();
  });

  it('shows a loading note until the answer arrives', async () => {
    stubFetch(services());

    render(<ServicesList />);

    expect(screen.getByText('Loading services…')).toBeTruthy();
    await screen.findByText('No services deployed.');
    expect(screen.queryByText('Loading services…')).toBeNull();
  });

  it('says so when no service is deployed', async () => {
    stubFetch(services());

    render(<ServicesList />);

    expect(await screen.findByText('No services deployed.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the messages of GraphQL errors', async () => {
    stubFetch(() =>
      graphqlResponse<ServicesQuery>({
        data: null,
        errors: [
          {
            message: 'The Docker engine does not answer at unix:///var/run/docker.sock',
            extensions: { code: 'RUNTIME_UNAVAILABLE', classification: 'INTERNAL_ERROR' },
          },
        ],
      }),
    );

    render(<ServicesList />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load services');
    expect(alert.textContent).toContain('The Docker engine does not answer at unix:///var/run/docker.sock');
    expect(alert.textContent).toContain('RUNTIME_UNAVAILABLE');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByText('Loading services…')).toBeNull();
  });

  it('reports an HTTP failure that carries no GraphQL body', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));

    render(<ServicesList />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The manager answered with HTTP 502.');
  });

  it('sends the query again on Refresh and shows the new answer', async () => {
    const fetchMock = stubFetch(services(mainVersion), services(mainVersion, shadowVersion));

    render(<ServicesList />);
    await screen.findByRole('table');
    expect(bodyRows()).toHaveLength(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('button', { name: /refresh/i }));

    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sentRequest(fetchMock, 1).body.query).toMatch(/query Services\b/);
  });
});
