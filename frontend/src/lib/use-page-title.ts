import { useEffect } from 'react';

/** Sets the tab's title to "<title> · Daeploy" while the page is shown. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Daeploy` : 'Daeploy';
  }, [title]);
}
