import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { SignInThrottle } from './modules/auth/sign-in-throttle.js';
import type { Mailer } from './modules/mail/mailer.js';

/** Process-wide collaborators, built once in app.ts and handed to every request's context. */
export type Services = {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  mailer: Mailer;
  signInThrottle: SignInThrottle;
};
