import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { AppError, type ErrorCode } from '../errors.js';
import type { Actor, ApiKeyActor } from '../modules/auth/actor.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export type Context = {
  em: EntityManager;
  actor: Actor | null;
  /** The key this request was made with, fixed when it was admitted: its usage log belongs to it whatever the operation does. */
  readonly admittedKey: ApiKeyActor | null;
  loaders: Loaders;
  services: Services;
  ip: string;
  /** performance.now() when the request's context was built, for usage-log durations. */
  started: number;
  req?: Request;
  res?: Response;
};

export const isAppError = (e: unknown, code?: ErrorCode): e is AppError =>
  e instanceof AppError && (code === undefined || e.code === code);
