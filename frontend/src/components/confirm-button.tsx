import { useEffect, useId, useRef, useState } from 'react';

interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** What the button does to which item, for screen readers, e.g. "Revoke token ci". */
  accessibleLabel: string;
  /** The question asked before acting, e.g. "Revoke token “ci”?". */
  question: string;
  /** The text of the button that acts, e.g. "Yes, revoke". */
  confirmLabel: string;
  onConfirm: () => void;
  /** Whether the action is running; the buttons wait meanwhile. */
  busy?: boolean;
  /** Set when the action is not allowed: the button stays focusable but does nothing and says why. */
  disabledReason?: string;
}

/**
 * A destructive action behind a confirm step: the first click asks the question inline, and only
 * the confirm button acts. Escape or Cancel goes back, returning focus to the button.
 */
export function ConfirmButton({
  label,
  accessibleLabel,
  question,
  confirmLabel,
  onConfirm,
  busy = false,
  disabledReason,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [returnFocus, setReturnFocus] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const reasonId = useId();
  const questionId = useId();

  useEffect(() => {
    if (asking) {
      cancelRef.current?.focus();
    } else if (returnFocus) {
      triggerRef.current?.focus();
    }
  }, [asking, returnFocus]);

  if (disabledReason) {
    return (
      <span className="confirm" title={disabledReason}>
        <button
          type="button"
          className="button button--small"
          aria-label={accessibleLabel}
          aria-disabled="true"
          aria-describedby={reasonId}
        >
          {label}
        </button>
        <span id={reasonId} className="visually-hidden">
          {disabledReason}
        </span>
      </span>
    );
  }

  if (!asking) {
    return (
      <button
        ref={triggerRef}
        type="button"
        className="button button--small"
        aria-label={accessibleLabel}
        disabled={busy}
        onClick={() => {
          setReturnFocus(false);
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }

  const cancel = () => {
    setReturnFocus(true);
    setAsking(false);
  };

  return (
    <span
      className="confirm confirm--asking"
      role="group"
      aria-labelledby={questionId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          cancel();
        }
      }}
    >
      <span id={questionId} className="confirm__question">
        {question}
      </span>
      <button
        type="button"
        className="button button--small button--danger"
        disabled={busy}
        onClick={() => {
          setReturnFocus(true);
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button ref={cancelRef} type="button" className="button button--small" onClick={cancel}>
        Cancel
      </button>
    </span>
  );
}
