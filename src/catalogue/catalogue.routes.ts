import { Router } from 'express';

// placeholder: the routes of this feature are being written
export function catalogueRouter(): Router {
  return Router();
}
