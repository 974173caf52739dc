interface RefreshButtonProps {
  /** Whether a request is under way; the icon spins meanwhile. */
  loading: boolean;
  onClick: () => void;
}

/** The "Refresh" button of a panel header. */
export function RefreshButton({ loading, onClick }: RefreshButtonProps) {
  return (
    <button type="button" className="button" onClick={onClick}>
      <span className={loading ? 'button__icon button__icon--spinning' : 'button__icon'} aria-hidden="true">
        ↻
      </span>
      Refresh
    </button>
  );
}
