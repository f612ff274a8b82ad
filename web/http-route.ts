import type { Request, Response } from 'restify';

/** A route a feature adds to the web server (`GET /invitations/:token`). */
export interface HttpRoute {
  readonly method: 'get' | 'post' | 'put';
  readonly path: string;
  handle(req: Request, res: Response): Promise<void>;
}
