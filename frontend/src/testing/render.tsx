import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { Toaster } from '../components/toaster';
import { ManagerInfoProvider, type ManagerInfo } from '../lib/manager-info';

export const MANAGER: ManagerInfo = { version: '0.1.0', authEnabled: true, servicesPort: 5080 };

/**
 * Renders a page as the app does: in a router (at `path`, in memory), with toasts and the manager's
 * facts. Returns where the router went, for tests of navigation.
 */
export function renderPage(
  page: ReactElement,
  { path = '/', manager = MANAGER }: { path?: string; manager?: ManagerInfo } = {},
): RenderResult & { location: () => string } {
  const memory = memoryLocation({ path, record: true });
  const result = render(
    <Router hook={memory.hook} searchHook={memory.searchHook}>
      <Toaster>
        <ManagerInfoProvider value={manager}>{page}</ManagerInfoProvider>
      </Toaster>
    </Router>,
  );
  return { ...result, location: () => memory.history.at(-1) ?? path };
}
