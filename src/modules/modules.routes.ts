import { Router } from 'express';

// placeholder: the routes of this feature are being written
export function modulesRouter(): Router {
  return Router();
}
