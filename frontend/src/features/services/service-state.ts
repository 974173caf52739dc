import type { Tone } from '../../components/status-dot';
import type { ServiceState } from '../../gql/graphql';

const STATES: Record<ServiceState, { label: string; tone: Tone }> = {
  RUNNING: { label: 'Running', tone: 'ok' },
  CREATED: { label: 'Created', tone: 'warn' },
  RESTARTING: { label: 'Restarting', tone: 'warn' },
  PAUSED: { label: 'Paused', tone: 'warn' },
  REMOVING: { label: 'Removing', tone: 'warn' },
  EXITED: { label: 'Exited', tone: 'crit' },
  DEAD: { label: 'Dead', tone: 'crit' },
  MISSING: { label: 'Missing', tone: 'crit' },
  UNKNOWN: { label: 'Unknown', tone: 'muted' },
};

/** How a container state is shown: a label and the tone of its dot. */
export function describeState(state: ServiceState): { label: string; tone: Tone } {
  return STATES[state] ?? { label: state, tone: 'muted' };
}

/** Sort rank of a state: trouble first, then what runs. */
export function stateRank(state: ServiceState): number {
  const tone = describeState(state).tone;
  return tone === 'crit' ? 0 : tone === 'warn' ? 1 : tone === 'muted' ? 2 : 3;
}
