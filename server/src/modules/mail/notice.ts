import type { Services } from '../../services.js';
import { isPermanentMailError, type Mail } from './mailer.js';

/** The longest wait between two attempts at a notice (doubling from MAIL_RETRY_SECONDS). */
const MAX_WAIT_MS = 3600_000;

/**
 * Sends one of Keyring's own emails (an invitation, an export ready) in the background, and
 * tries again while the relay is down or answers "try again later": MAIL_MAX_ATTEMPTS attempts,
 * MAIL_RETRY_SECONDS apart and doubling, as API emails are retried. It stops on a refusal for good
 * (5xx) and when the instance shuts down. Kept by this instance only: a notice that carries a
 * secret (an invitation's link) is never written anywhere, so it does not outlive the process.
 * Resolves when it is sent or given up (tests await it; callers need not).
 */
export async function sendNotice(
  services: Pick<Services, 'mailer' | 'logger' | 'config' | 'stopping'>,
  mail: Mail,
  about: Record<string, unknown>,
  /** Asked before each retry: whether the email still says something true (the invitation still stands). */
  stillWanted: () => Promise<boolean> = async () => true,
): Promise<boolean> {
  const { MAIL_MAX_ATTEMPTS: attempts, MAIL_RETRY_SECONDS: retrySeconds } = services.config;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 && !(await stillWanted().catch(() => true))) {
      services.logger.info({ ...about, attempt }, 'notice email no longer sent: what it announced has changed');
      return false;
    }
    try {
      await services.mailer.send(mail);
      if (attempt > 1) services.logger.info({ ...about, attempt }, 'notice email sent after retrying');
      return true;
    } catch (err) {
      const last = attempt >= attempts || isPermanentMailError(err) || services.stopping?.aborted;
      if (last) {
        services.logger.error({ err, ...about, attempt }, 'notice email could not be sent; given up');
        return false;
      }
      services.logger.warn({ err, ...about, attempt }, 'notice email could not be sent; retrying');
    }
    const wait = Math.min(MAX_WAIT_MS, retrySeconds * 1000 * 2 ** (attempt - 1));
    if (!(await pause(wait, services.stopping))) {
      services.logger.error({ ...about, attempt }, 'notice email not sent: the instance is shutting down');
      return false;
    }
  }
}

/** Waits `ms` (without holding the process open); false when `signal` aborts first. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
