import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { AppError, ErrorCode, forbidden, unauthenticated } from '../errors.js';
import type { Role } from '../modules/team/team.entity.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export type UserActor = { kind: 'user'; userId: string; teamId: string; role: Role; sessionId: string };
export type ApiKeyActor = {
  kind: 'apiKey';
  apiKeyId: string;
  teamId: string;
  permission: 'FULL_ACCESS' | 'SENDING_ACCESS';
  domainId: string | null;
};
export type Actor = UserActor | ApiKeyActor;

export type Context = {
  em: EntityManager;
  actor: Actor | null;
  loaders: Loaders;
  services: Services;
  ip: string;
  /** performance.now() when the request's context was built, for usage-log durations. */
  started: number;
  req?: Request;
  res?: Response;
};

/** Any member of a team, or a full-access key. A sending-access key may only send email. */
export function requireActor(ctx: Context): Actor {
  if (!ctx.actor) throw unauthenticated();
  if (ctx.actor.kind === 'apiKey' && ctx.actor.permission !== 'FULL_ACCESS') {
    throw forbidden('This API key has sending access only.');
  }
  return ctx.actor;
}

export function requireUser(ctx: Context): UserActor {
  const actor = requireActor(ctx);
  if (actor.kind !== 'user') throw forbidden('This operation needs a signed-in user.');
  return actor;
}

/** An admin of the team, or a full-access key (which may do what an admin may with keys, domains and exports). */
export function requireAdmin(ctx: Context): Actor {
  const actor = requireActor(ctx);
  if (actor.kind === 'user' && actor.role !== 'ADMIN') throw forbidden('Only admins can do this.');
  return actor;
}

export const isAppError = (e: unknown, code?: ErrorCode): e is AppError =>
  e instanceof AppError && (code === undefined || e.code === code);
