/** How the Graph emulator's routes are written: a handler gets the parsed request, returns Graph's answer. */
import type { IncomingMessage } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: string[];
  body: unknown;
  /** The API root as the client called it, for building @odata.nextLink. */
  apiBase: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export type AddRoute = (method: string, pattern: RegExp, handler: RouteHandler) => void;
