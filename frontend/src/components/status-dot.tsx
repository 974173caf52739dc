import './status-dot.css';

export type Tone = 'ok' | 'warn' | 'crit' | 'muted';

interface StatusDotProps {
  tone: Tone;
  label: string;
}

/** A coloured dot followed by its label; the colour repeats what the label says, never replaces it. */
export function StatusDot({ tone, label }: StatusDotProps) {
  return (
    <span className={`status-dot status-dot--${tone}`}>
      <span className="status-dot__dot" aria-hidden="true" />
      {label}
    </span>
  );
}
