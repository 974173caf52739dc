import type { Tone } from '../../components/status-dot';
import type { DeploymentState } from '../../gql/graphql';

const STATES: Record<DeploymentState, { label: string; tone: Tone }> = {
  QUEUED: { label: 'Queued', tone: 'muted' },
  BUILDING: { label: 'Building', tone: 'warn' },
  STARTING: { label: 'Starting', tone: 'warn' },
  STOPPING: { label: 'Stopping', tone: 'warn' },
  RUNNING: { label: 'Running', tone: 'ok' },
  STOPPED: { label: 'Stopped', tone: 'muted' },
  FAILED: { label: 'Failed', tone: 'crit' },
  CANCELLED: { label: 'Cancelled', tone: 'muted' },
};

export function describeDeploymentState(state: DeploymentState): { label: string; tone: Tone } {
  return STATES[state] ?? { label: state, tone: 'muted' };
}

/** Whether a deployment has ended (no more states or log lines will come). */
export function isFinal(state: DeploymentState): boolean {
  return state === 'RUNNING' || state === 'STOPPED' || state === 'FAILED' || state === 'CANCELLED';
}
