import { Toaster as Sonner } from 'sonner';

export function Toaster() {
  return <Sonner theme="dark" position="bottom-right" closeButton toastOptions={{ className: 'toast' }} containerAriaLabel="Notifications" />;
}
