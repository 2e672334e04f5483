import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { AppError, type ErrorCode } from '../errors.js';
import type { Actor } from '../modules/auth/actor.js';
import type { Admission } from '../modules/auth/gate.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export type Context = {
  em: EntityManager;
  actor: Actor | null;
  /** How the request was let in (modules/auth/gate.ts): the key it was made with, fixed then, and its usage log. */
  readonly admission: Admission;
  loaders: Loaders;
  services: Services;
  ip: string;
  req?: Request;
  res?: Response;
};

export const isAppError = (e: unknown, code?: ErrorCode): e is AppError => e instanceof AppError && (code === undefined || e.code === code);
