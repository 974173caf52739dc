import { useContext } from 'react';
import { ManagerInfoContext } from '../lib/manager-info';

/** The manager's version when the app knows it already, else undefined. */
export function useManagerVersion(): string | undefined {
  return useContext(ManagerInfoContext)?.version;
}
