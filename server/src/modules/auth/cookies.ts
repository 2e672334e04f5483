import type { IncomingMessage } from 'node:http';
import { parse } from 'cookie';

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[name] : undefined;
}
