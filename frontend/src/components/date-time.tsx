const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface DateTimeProps {
  /** An ISO-8601 date and time, as the manager sends `DateTime` values. */
  value: string | null | undefined;
  /** What to show when there is no value, e.g. "Never". */
  fallback?: string;
}

/** A date and time in the user's locale, with the exact value in `dateTime` and as a tooltip. */
export function DateTime({ value, fallback = '—' }: DateTimeProps) {
  if (!value) {
    return <span className="date-time date-time--none">{fallback}</span>;
  }
  return (
    <time className="date-time" dateTime={value} title={value}>
      {formatDateTime(value)}
    </time>
  );
}

export function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

/** "3 d 4 h", "2 h 5 min", "4 min 10 s", "12 s": how long since `since`, for uptimes. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) {
    return `${days} d ${hours} h`;
  }
  if (hours > 0) {
    return `${hours} h ${minutes} min`;
  }
  if (minutes > 0) {
    return `${minutes} min ${seconds % 60} s`;
  }
  return `${seconds} s`;
}
