import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { signOut } from '../lib/session';
import type { Viewer } from './workspace';

const ROLE_LABELS: Record<string, string> = { ADMIN: 'Admin', USER: 'User', SERVICE: 'Service' };

/**
 * Who is signed in, and their menu (Radix's accessible dropdown: arrow keys, Escape, focus back on
 * the button): account, API tokens, sign out. Without a session (authentication off) a sign-in link.
 */
export function AccountMenu({ viewer, onSignedOut }: { viewer: Viewer | null; onSignedOut: () => void }) {
  const [, navigate] = useLocation();
  const [leaving, setLeaving] = useState(false);

  if (!viewer) {
    return (
      <a className="button" href="/auth/login">
        Sign in
      </a>
    );
  }

  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="button account-menu__trigger"
          aria-label={`Account of ${viewer.name}`}
        >
          <span className="app-header__viewer-name">{viewer.name}</span>
          <span className="app-header__role">{ROLE_LABELS[viewer.role] ?? viewer.role}</span>
          <span aria-hidden="true">▾</span>
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu__label">Signed in as {viewer.name}</DropdownMenu.Label>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/account')}>
            Account
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/tokens')}>
            API tokens
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu__separator" />
          <DropdownMenu.Item
            className="menu__item menu__item--danger"
            disabled={leaving}
            onSelect={async () => {
              setLeaving(true);
              await signOut();
              onSignedOut();
            }}
          >
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
