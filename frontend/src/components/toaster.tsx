import * as Toast from '@radix-ui/react-toast';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import './toaster.css';

export type ToastTone = 'info' | 'ok' | 'warn' | 'crit';

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: ToastTone;
}

interface ShownToast extends ToastMessage {
  id: number;
}

const ToastContext = createContext<(message: ToastMessage) => void>(() => {});

/**
 * Short messages in a corner that say what just happened (a main switched, a token revoked, a
 * critical notification arrived), on Radix's accessible toasts: announced to screen readers, paused
 * on hover and focus, dismissed by swipe or Escape, reachable with F8.
 */
export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ShownToast[]>([]);
  const show = useCallback((message: ToastMessage) => {
    setToasts((current) => [...current.slice(-3), { ...message, id: Date.now() + Math.random() }]);
  }, []);
  const value = useMemo(() => show, [show]);

  return (
    <ToastContext.Provider value={value}>
      <Toast.Provider duration={6000} label="Notification">
        {children}
        {toasts.map((toast) => (
          <Toast.Root
            key={toast.id}
            className={`toast toast--${toast.tone ?? 'info'}`}
            type={toast.tone === 'crit' ? 'foreground' : 'background'}
            onOpenChange={(open) => {
              if (!open) {
                setToasts((current) => current.filter((item) => item.id !== toast.id));
              }
            }}
          >
            <Toast.Title className="toast__title">{toast.title}</Toast.Title>
            {toast.description && (
              <Toast.Description className="toast__description">{toast.description}</Toast.Description>
            )}
            <Toast.Close className="toast__close" aria-label="Dismiss">
              ×
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="toast-viewport" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}

/** Shows a toast. */
export function useToast(): (message: ToastMessage) => void {
  return useContext(ToastContext);
}
