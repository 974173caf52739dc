import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppHeader } from './app-header';

describe('AppHeader', () => {
  it('shows the manager version and a connected runtime', () => {
    render(
      <AppHeader
        version="0.1.0"
        runtime={{ data: { kind: 'docker', available: true, version: '27.5.1', message: null } }}
      />,
    );

    expect(screen.getByText('Manager 0.1.0')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Docker 27.5.1 · connected');
  });

  it('warns when the runtime is unavailable, with the reason', () => {
    render(
      <AppHeader
        version="0.1.0"
        runtime={{
          data: {
            kind: 'docker',
            available: false,
            version: null,
            message: 'Cannot connect to unix:///var/run/docker.sock',
          },
        }}
      />,
    );

    expect(screen.getByText('Docker unavailable')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Cannot connect to unix:///var/run/docker.sock');
    expect(screen.queryByText(/connected/)).toBeNull();
  });

  it('says when the manager cannot be reached', () => {
    render(<AppHeader runtime={{ error: new Error('The manager answered with HTTP 503.') }} />);

    expect(screen.getByText('Manager unreachable')).toBeTruthy();
  });

  it('shows no runtime status where the caller may not read it, but shows the account area', () => {
    render(
      <AppHeader version="0.1.0">
        <button type="button">Sign out</button>
      </AppHeader>,
    );

    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });
});
