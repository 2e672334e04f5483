import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { badInput } from '../errors.js';
import { textProblem } from '../lib/nul.js';
import type { VerifiedKey } from '../modules/api-key/api-key.verifier.js';
import type { Services } from '../services.js';

export type RestContext = {
  em: EntityManager;
  /** The verified key; it is also the actor for services (audit, team scope). */
  key: VerifiedKey;
  services: Services;
};

export type RestResult = { status?: number; body: unknown; headers?: Record<string, string> };

export type RestRoute = {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path under /api, e.g. '/emails/:id' */
  path: string;
  /** 'sending' routes accept sending-access keys; every other route needs full access. */
  access: 'sending' | 'full';
  /** JSON body limit for this route (default 1mb). */
  bodyLimit?: string;
  handle: (req: Request, ctx: RestContext) => Promise<RestResult>;
};

/** A route parameter as a string (Express 5 types them loosely); a decoded NUL is refused. */
export function param(req: Request, name: string): string {
  const value = String(req.params[name] ?? '');
  const problem = textProblem(value);
  if (problem) throw badInput(name, problem, 'invalid_parameter');
  return value;
}
