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
