import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChangePasswordMutation } from '../../gql/graphql';
import { errorResponse, graphqlResponse, sentRequest, stubFetch } from '../../testing/graphql-fetch';
import { AccountPage } from './account-page';

function fill(current: string, next: string, repeat = next) {
  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: current } });
  fireEvent.change(screen.getByLabelText('New password'), { target: { value: next } });
  fireEvent.change(screen.getByLabelText('Repeat new password'), { target: { value: repeat } });
  fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

const changed = () =>
  graphqlResponse<ChangePasswordMutation>({ data: { changePassword: { user: { username: 'alice' } } } });

describe('AccountPage', () => {
  it('refuses a new password under 8 characters without asking the manager', () => {
    const fetchMock = stubFetch(changed);
    render(<AccountPage userName="alice" />);

    fill('old password', 'seven77');

    expect(screen.getByText('Use at least 8 characters.')).toBeTruthy();
    expect(screen.getByLabelText('New password').getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses a repeat that does not match', () => {
    const fetchMock = stubFetch(changed);
    render(<AccountPage />);

    fill('old password', 'new password', 'new passwort');

    expect(screen.getByText('This does not match the new password.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('changes the password and clears the form', async () => {
    const fetchMock = stubFetch(changed);
    render(<AccountPage userName="alice" />);

    fill('old password', 'eight888');

    expect(await screen.findByText('Password changed.')).toBeTruthy();
    const request = sentRequest(fetchMock, 0);
    expect(request.body.query).toMatch(/mutation ChangePassword\b/);
    expect(request.body.variables).toEqual({
      input: { currentPassword: 'old password', newPassword: 'eight888' },
    });
    expect((screen.getByLabelText('Current password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('New password') as HTMLInputElement).value).toBe('');
  });

  it('marks the current password when the manager says it is wrong', async () => {
    stubFetch(() => errorResponse('INVALID_CREDENTIALS', 'Wrong password'));
    render(<AccountPage />);

    fill('not my password', 'eight888');

    expect(await screen.findByText('The current password is wrong.')).toBeTruthy();
    expect(screen.getByLabelText('Current password').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByText('Password changed.')).toBeNull();
  });
});
