/** "Live" while a view updates as things happen, "Not live" when its stream is down. */
export function LiveTag({ live }: { live: boolean }) {
  return (
    <span
      className={`live-tag${live ? ' live-tag--on' : ''}`}
      title={live ? 'Updates as it happens' : undefined}
    >
      {live ? 'Live' : 'Not live'}
    </span>
  );
}
