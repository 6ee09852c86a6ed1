import { z } from 'zod';
import { pageNumber } from '../http/validate.ts';

export const noticeListSchema = z.object({ page: pageNumber() });

/** The page to come back to after marking read (the form carries it). */
export const markReadSchema = z.object({ page: pageNumber() });
