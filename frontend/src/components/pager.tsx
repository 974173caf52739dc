/** "Newer" and "Older" for lists read a page at a time; a missing handler disables its button. */
export function Pager({ newer, older }: { newer?: () => void; older?: () => void }) {
  if (!newer && !older) {
    return null;
  }
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button button--small" disabled={!newer} onClick={newer}>
        ← Newer
      </button>
      <button type="button" className="button button--small" disabled={!older} onClick={older}>
        Older →
      </button>
    </nav>
  );
}
