interface ListPanelHeaderProps {
  /** The heading's id, for the panel's `aria-labelledby`. */
  id: string;
  title: string;
  /** How many items the panel lists; hidden while unknown. */
  count: number | undefined;
  /** Whether a request is under way; the refresh icon spins meanwhile. */
  loading: boolean;
  onRefresh: () => void;
}

/** The header of a panel that lists things: title, count and a "Refresh" button. */
export function ListPanelHeader({ id, title, count, loading, onRefresh }: ListPanelHeaderProps) {
  return (
    <header className="panel__header">
      <h1 id={id} className="panel__title">
        {title}
        {count !== undefined && <span className="panel__count">{count}</span>}
      </h1>
      <button type="button" className="button" onClick={onRefresh}>
        <span className={loading ? 'button__icon button__icon--spinning' : 'button__icon'} aria-hidden="true">
          ↻
        </span>
        Refresh
      </button>
    </header>
  );
}
