import { Router } from 'express';
import type { Config } from '../config.ts';

// placeholder: the routes of this feature are being written
export function sessionsRouter(_config: Config): Router {
  return Router();
}
