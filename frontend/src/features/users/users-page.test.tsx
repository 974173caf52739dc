import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type {
  CreateUserMutation,
  DeleteUserMutation,
  SetUserPasswordMutation,
  UsersQuery,
} from '../../gql/graphql';
import {
  errorResponse,
  graphqlResponse,
  sentOperations,
  stubOperations,
  type OperationHandler,
} from '../../testing/graphql-fetch';
import { UsersPage } from './users-page';

type User = UsersQuery['users'][number];

const admin: User = { username: 'admin', role: 'ADMIN', createdAt: '2026-11-01T10:00:00Z' };
const bob: User = { username: 'bob', role: 'USER', createdAt: '2026-11-20T10:00:00Z' };
const carol: User = { username: 'carol', role: 'ADMIN', createdAt: '2026-11-25T08:00:00Z' };

function users(...items: User[]): OperationHandler {
  return () => graphqlResponse<UsersQuery>({ data: { users: items } });
}

function row(username: string): HTMLElement {
  const header = screen.getByRole('rowheader', { name: username });
  return header.closest('tr')!;
}

describe('UsersPage', () => {
  it('lists users with their role and creation time', async () => {
    stubOperations({ Users: users(admin, bob) });

    render(<UsersPage />);

    await screen.findByRole('table');
    expect(within(row('admin')).getByText('Admin')).toBeTruthy();
    expect(within(row('bob')).getByText('User')).toBeTruthy();
    expect(row('bob').querySelector('time')?.getAttribute('dateTime')).toBe(bob.createdAt);
    expect(screen.getByRole('heading', { name: /^users/i }).textContent).toBe('Users2');
  });

  it('does not let the admin user be deleted, and says why', async () => {
    const fetchMock = stubOperations({ Users: users(admin, bob) });
    render(<UsersPage />);
    await screen.findByRole('table');

    const deleteAdmin = screen.getByRole('button', { name: 'Delete admin' });
    expect(deleteAdmin.getAttribute('aria-disabled')).toBe('true');
    expect(deleteAdmin.closest('[title]')?.getAttribute('title')).toBe('The admin user cannot be deleted.');
    const description = document.getElementById(deleteAdmin.getAttribute('aria-describedby')!);
    expect(description?.textContent).toBe('The admin user cannot be deleted.');

    fireEvent.click(deleteAdmin);
    expect(screen.queryByRole('group')).toBeNull();
    expect(sentOperations(fetchMock, 'DeleteUser')).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Delete bob' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('deletes another user after confirmation', async () => {
    const fetchMock = stubOperations({
      Users: [users(admin, bob), users(admin)],
      DeleteUser: () => graphqlResponse<DeleteUserMutation>({ data: { deleteUser: { username: 'bob' } } }),
    });
    render(<UsersPage />);
    await screen.findByRole('table');

    fireEvent.click(screen.getByRole('button', { name: 'Delete bob' }));
    expect(sentOperations(fetchMock, 'DeleteUser')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));

    await screen.findByText('User “bob” deleted.');
    expect(sentOperations(fetchMock, 'DeleteUser')[0].body.variables).toEqual({ input: { username: 'bob' } });
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'bob' })).toBeNull());
  });

  it('creates a user with a role, checking the name and password first', async () => {
    const fetchMock = stubOperations({
      Users: [users(admin), users(admin, carol)],
      CreateUser: () =>
        graphqlResponse<CreateUserMutation>({
          data: { createUser: { user: { username: 'carol', role: 'ADMIN' } } },
        }),
    });
    render(<UsersPage />);
    await screen.findByRole('table');
    const form = screen.getByRole('region', { name: 'Add a user' });

    fireEvent.change(within(form).getByLabelText('User name'), { target: { value: 'Carol!' } });
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(within(form).getByText(/Use 1 to 64 lower-case letters/)).toBeTruthy();
    expect(within(form).getByText('Use at least 8 characters.')).toBeTruthy();
    expect(sentOperations(fetchMock, 'CreateUser')).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText('User name'), { target: { value: 'carol' } });
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'long enough' } });
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'ADMIN' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));

    await screen.findByText('User “carol” created.');
    expect(sentOperations(fetchMock, 'CreateUser')[0].body.variables).toEqual({
      input: { username: 'carol', password: 'long enough', role: 'ADMIN' },
    });
    expect(await screen.findByRole('rowheader', { name: 'carol' })).toBeTruthy();
    expect((within(form).getByLabelText('User name') as HTMLInputElement).value).toBe('');
  });

  it('says at the field when the user exists already', async () => {
    stubOperations({
      Users: users(admin, bob),
      CreateUser: () => errorResponse('USER_EXISTS', 'User bob exists'),
    });
    render(<UsersPage />);
    await screen.findByRole('table');
    const form = screen.getByRole('region', { name: 'Add a user' });

    fireEvent.change(within(form).getByLabelText('User name'), { target: { value: 'bob' } });
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'long enough' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create user' }));

    expect(await within(form).findByText('A user “bob” exists already.')).toBeTruthy();
    expect(within(form).getByLabelText('User name').getAttribute('aria-invalid')).toBe('true');
  });

  it('sets another user’s password', async () => {
    const fetchMock = stubOperations({
      Users: users(admin, bob),
      SetUserPassword: () =>
        graphqlResponse<SetUserPasswordMutation>({
          data: { setUserPassword: { user: { username: 'bob' } } },
        }),
    });
    render(<UsersPage currentUser="admin" />);
    await screen.findByRole('table');

    const toggle = screen.getByRole('button', { name: 'Set password of bob' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByRole('form', { name: 'Set the password of bob' });
    expect(form.textContent).toContain('This signs bob out everywhere');

    fireEvent.change(within(form).getByLabelText('New password for bob'), { target: { value: '1234567' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Set password' }));
    expect(within(form).getByText('Use at least 8 characters.')).toBeTruthy();
    expect(sentOperations(fetchMock, 'SetUserPassword')).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText('New password for bob'), { target: { value: '12345678' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Set password' }));

    await screen.findByText('Password of “bob” set.');
    expect(sentOperations(fetchMock, 'SetUserPassword')[0].body.variables).toEqual({
      input: { username: 'bob', password: '12345678' },
    });
    expect(screen.queryByRole('form', { name: 'Set the password of bob' })).toBeNull();
  });
});
