import { Router } from 'express';
import type { Config } from '../config.ts';

// placeholder: the routes of this feature are being written
export function noticesRouter(_config: Config): Router {
  return Router();
}
