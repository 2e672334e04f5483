import { useEffect, useRef } from 'react';

/**
 * After a submit, once its errors show: focus on the first invalid field, or the form's alert
 * (whichever comes first), so a screen reader reads what went wrong. Focus stayed where Enter was
 * pressed, and the errors appeared unannounced. `ref` goes on the form; `submitted` is called on
 * each submit, before its checks run.
 */
export function useFocusOnError<E extends HTMLElement = HTMLFormElement>() {
  const ref = useRef<E>(null);
  const waiting = useRef(false);
  // After every render: the errors come from the browser's checks or, later, from the server.
  useEffect(() => {
    if (!waiting.current) return;
    if (!ref.current) {
      waiting.current = false;
      return;
    }
    const target = ref.current.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
    if (!target) return;
    waiting.current = false;
    target.focus();
  });
  return {
    ref,
    submitted: () => {
      waiting.current = true;
    },
  };
}
