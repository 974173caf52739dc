import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeploymentFieldsFragment, DeploymentQuery, CancelDeploymentMutation } from '../../gql/graphql';
import { graphqlResponse, sentOperations, stubOperations } from '../../testing/graphql-fetch';
import { stubSubscriptions } from '../../testing/graphql-socket';
import { renderPage } from '../../testing/render';
import { DeploymentPage } from './deployment-page';

function deployment(overrides: Partial<DeploymentFieldsFragment> = {}): DeploymentFieldsFragment {
  return {
    id: '17',
    kind: 'DEPLOY',
    state: 'QUEUED',
    reason: null,
    code: null,
    serviceName: 'hello',
    serviceVersion: '2.0.0',
    source: 'tar upload hello-src.tar.gz',
    builderImage: 'daeploy-test/s2i-busybox:1',
    image: 'hello:2.0.0',
    createdBy: 'admin',
    createdAt: '2026-11-25T09:00:00Z',
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

function logLine(line: string, ms: number) {
  return { timestamp: new Date(Date.UTC(2026, 10, 25, 9, 0, 1, ms)).toISOString(), stream: 'STDOUT', line };
}

describe('DeploymentPage', () => {
  it('follows the state and the build log live', async () => {
    const server = stubSubscriptions();
    stubOperations({
      Deployment: () => graphqlResponse<DeploymentQuery>({ data: { deployment: deployment() } }),
    });
    renderPage(<DeploymentPage id="17" />);

    expect(await screen.findByRole('heading', { name: /Deploy hello 2.0.0/ })).toBeTruthy();
    expect(screen.getByText('Queued')).toBeTruthy();
    await waitFor(() => expect(server.subscriptions('DeploymentEvents')).toHaveLength(1));
    expect(server.subscriptions('DeploymentEvents')[0].variables).toEqual({ id: '17' });

    server.next('DeploymentEvents', {
      deploymentEvents: {
        id: '17',
        state: 'BUILDING',
        deployment: deployment({ state: 'BUILDING' }),
        line: null,
      },
    });
    server.next('DeploymentEvents', {
      deploymentEvents: {
        id: '17',
        state: null,
        deployment: null,
        line: logLine('---> Installing application source', 1),
      },
    });
    server.next('DeploymentEvents', {
      deploymentEvents: { id: '17', state: null, deployment: null, line: logLine('---> Building done', 2) },
    });

    expect(await screen.findByText('Building')).toBeTruthy();
    expect(await screen.findByText('---> Installing application source')).toBeTruthy();
    expect(screen.getByText('---> Building done')).toBeTruthy();

    server.next('DeploymentEvents', {
      deploymentEvents: {
        id: '17',
        state: 'RUNNING',
        deployment: deployment({ state: 'RUNNING', finishedAt: '2026-11-25T09:00:09Z' }),
        line: null,
      },
    });
    expect(await screen.findByRole('link', { name: 'Open the version' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.getByText('Ended')).toBeTruthy();
  });

  it('cancels after asking', async () => {
    const fetchMock = stubOperations({
      Deployment: () =>
        graphqlResponse<DeploymentQuery>({ data: { deployment: deployment({ state: 'BUILDING' }) } }),
      CancelDeployment: () =>
        graphqlResponse<CancelDeploymentMutation>({
          data: {
            cancelDeployment: {
              deployment: deployment({ state: 'CANCELLED', reason: 'Cancelled by admin' }),
            },
          },
        }),
    });
    renderPage(<DeploymentPage id="17" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel the deployment' }));

    expect(await screen.findByText('Cancelled')).toBeTruthy();
    expect(sentOperations(fetchMock, 'CancelDeployment')[0].body.variables).toEqual({ input: { id: '17' } });
    expect(screen.getByText('Cancelled by admin')).toBeTruthy();
  });

  it('says why a deployment failed', async () => {
    stubOperations({
      Deployment: () =>
        graphqlResponse<DeploymentQuery>({
          data: {
            deployment: deployment({
              state: 'FAILED',
              reason: 'assemble exited with 1',
              code: 'BUILD_FAILED',
            }),
          },
        }),
    });
    renderPage(<DeploymentPage id="17" />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('assemble exited with 1');
    expect(alert.textContent).toContain('BUILD_FAILED');
  });

  it('says so when there is no such deployment', async () => {
    stubOperations({ Deployment: () => graphqlResponse<DeploymentQuery>({ data: { deployment: null } }) });
    renderPage(<DeploymentPage id="404" />);

    expect(await screen.findByRole('heading', { name: 'No deployment 404' })).toBeTruthy();
  });
});
