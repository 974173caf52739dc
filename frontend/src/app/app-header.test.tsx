import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ManagerStatusQuery } from '../gql/graphql';
import { graphqlResponse, stubFetch } from '../testing/graphql-fetch';
import { AppHeader } from './app-header';

function managerStatus(runtime: ManagerStatusQuery['runtime']): () => Response {
  return () => graphqlResponse<ManagerStatusQuery>({ data: { manager: { version: '0.1.0' }, runtime } });
}

describe('AppHeader', () => {
  it('shows the manager version and a connected runtime', async () => {
    stubFetch(managerStatus({ kind: 'docker', available: true, version: '27.5.1', message: null }));

    render(<AppHeader />);

    expect(await screen.findByText('Manager 0.1.0')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Docker 27.5.1 · connected');
  });

  it('warns when the runtime is unavailable, with the reason', async () => {
    stubFetch(
      managerStatus({
        kind: 'docker',
        available: false,
        version: null,
        message: 'Cannot connect to unix:///var/run/docker.sock',
      }),
    );

    render(<AppHeader />);

    expect(await screen.findByText('Docker unavailable')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Cannot connect to unix:///var/run/docker.sock');
    expect(screen.queryByText(/connected/)).toBeNull();
  });

  it('says when the manager cannot be reached', async () => {
    stubFetch(() => new Response('', { status: 503 }));

    render(<AppHeader />);

    expect(await screen.findByText('Manager unreachable')).toBeTruthy();
  });
});
