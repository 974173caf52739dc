import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateTokenMutation, RevokeTokenMutation, TokensQuery } from '../../gql/graphql';
import {
  errorResponse,
  graphqlResponse,
  sentOperations,
  stubOperations,
  type OperationHandler,
} from '../../testing/graphql-fetch';
import { TokensPage } from './tokens-page';

type ApiToken = TokensQuery['tokens'][number];

const ciToken: ApiToken = {
  id: '17',
  name: 'ci',
  createdAt: '2026-11-20T09:00:00Z',
  expiresAt: '2027-02-18T09:00:00Z',
  lastUsedAt: '2026-11-24T18:30:00Z',
};

const laptopToken: ApiToken = {
  id: '18',
  name: 'laptop',
  createdAt: '2026-11-21T09:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
};

const SECRET = 'dpl_3q2VhR8xZk1bN0sYtW4mUe7Lc9GfJ5pA';

function tokens(...items: ApiToken[]): OperationHandler {
  return () => graphqlResponse<TokensQuery>({ data: { tokens: items } });
}

function bodyRows(): HTMLElement[] {
  const [, body] = within(screen.getByRole('table')).getAllByRole('rowgroup');
  return within(body).queryAllByRole('row');
}

function installClipboard() {
  const writeText = vi.fn(async () => {});
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('TokensPage', () => {
  it('lists the caller’s tokens with when they were created, expire and were last used', async () => {
    stubOperations({ Tokens: tokens(laptopToken, ciToken) });

    render(<TokensPage />);

    await screen.findByRole('table');
    const [laptop, ci] = bodyRows();
    expect(within(laptop).getByRole('rowheader').textContent).toBe('laptop');
    expect(within(laptop).getAllByText('Never')).toHaveLength(2);
    expect(within(ci).getByRole('rowheader').textContent).toBe('ci');
    const times = [...ci.querySelectorAll('time')].map((time) => time.getAttribute('dateTime'));
    expect(times).toEqual([ciToken.createdAt, ciToken.expiresAt, ciToken.lastUsedAt]);
    expect(screen.getByRole('heading', { name: /api tokens/i }).textContent).toBe('API tokens2');
  });

  it('creates a token and shows its secret once, with a copy button and a warning', async () => {
    const writeText = installClipboard();
    const fetchMock = stubOperations({
      Tokens: [tokens(), tokens({ ...ciToken, lastUsedAt: null })],
      CreateToken: () =>
        graphqlResponse<CreateTokenMutation>({
          data: {
            createToken: {
              token: SECRET,
              apiToken: { id: ciToken.id, name: 'ci', expiresAt: ciToken.expiresAt },
            },
          },
        }),
    });
    render(<TokensPage />);
    await screen.findByText('You have no API tokens.');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: ' ci ' } });
    fireEvent.change(screen.getByLabelText('Expires after (days)'), { target: { value: '90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const secret = (await screen.findByLabelText('New API token')) as HTMLInputElement;
    expect(secret.value).toBe(SECRET);
    expect(sentOperations(fetchMock, 'CreateToken')[0].body.variables).toEqual({
      input: { name: 'ci', expiresInDays: 90 },
    });
    const region = screen.getByRole('region', { name: 'Token “ci” created' });
    expect(region.textContent).toContain('you will not see it again');

    fireEvent.click(within(region).getByRole('button', { name: 'Copy token' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(await within(region).findByText('Copied')).toBeTruthy();

    // The list is read again; it carries the token's name, never its secret.
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(within(bodyRows()[0]).getByRole('rowheader').textContent).toBe('ci');
    expect(screen.getByRole('table').textContent).not.toContain(SECRET);

    fireEvent.click(within(region).getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('New API token')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    expect(screen.getByRole('button', { name: 'Create token' })).toBeTruthy();
  });

  it('leaves expiresInDays out for a token that never expires, and checks the days first', async () => {
    const fetchMock = stubOperations({
      Tokens: tokens(),
      CreateToken: () =>
        graphqlResponse<CreateTokenMutation>({
          data: { createToken: { token: SECRET, apiToken: { id: '19', name: 'forever', expiresAt: null } } },
        }),
    });
    render(<TokensPage />);
    await screen.findByText('You have no API tokens.');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'forever' } });
    fireEvent.change(screen.getByLabelText('Expires after (days)'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByText(/whole number of days from 1 to 3650/)).toBeTruthy();
    expect(sentOperations(fetchMock, 'CreateToken')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Expires after (days)'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    await screen.findByLabelText('New API token');
    expect(sentOperations(fetchMock, 'CreateToken')[0].body.variables).toEqual({
      input: { name: 'forever' },
    });
    expect(screen.getByRole('region', { name: 'Token “forever” created' }).textContent).toContain(
      'Expires: never',
    );
  });

  it('asks for confirmation before revoking, then revokes the token by id', async () => {
    const fetchMock = stubOperations({
      Tokens: [tokens(laptopToken, ciToken), tokens(laptopToken)],
      RevokeToken: () => graphqlResponse<RevokeTokenMutation>({ data: { revokeToken: { id: ciToken.id } } }),
    });
    render(<TokensPage />);
    await screen.findByRole('table');

    fireEvent.click(screen.getByRole('button', { name: 'Revoke ci' }));

    const question = screen.getByRole('group', { name: /Revoke “ci”\?/ });
    expect(sentOperations(fetchMock, 'RevokeToken')).toHaveLength(0);
    expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Cancel' }));

    fireEvent.click(within(question).getByRole('button', { name: 'Yes, revoke' }));

    await screen.findByText('Token “ci” revoked.');
    const revokes = sentOperations(fetchMock, 'RevokeToken');
    expect(revokes).toHaveLength(1);
    expect(revokes[0].body.variables).toEqual({ input: { id: '17' } });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
  });

  it('does not revoke when the confirm step is cancelled', async () => {
    const fetchMock = stubOperations({ Tokens: tokens(ciToken) });
    render(<TokensPage />);
    await screen.findByRole('table');

    const revoke = screen.getByRole('button', { name: 'Revoke ci' });
    fireEvent.click(revoke);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByRole('group')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Revoke ci' }));
    expect(sentOperations(fetchMock, 'RevokeToken')).toHaveLength(0);
  });

  it('shows why a revoke failed', async () => {
    stubOperations({
      Tokens: tokens(ciToken),
      RevokeToken: () => errorResponse('TOKEN_NOT_FOUND', 'No token 17 among yours'),
    });
    render(<TokensPage />);
    await screen.findByRole('table');

    fireEvent.click(screen.getByRole('button', { name: 'Revoke ci' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not revoke the token');
    expect(alert.textContent).toContain('TOKEN_NOT_FOUND');
  });
});
