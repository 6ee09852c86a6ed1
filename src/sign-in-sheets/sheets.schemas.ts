import { z } from 'zod';
import { PAPER_SIZES, type PaperSize } from './sheet-pdf.ts';

// What the sheet routes read besides the path: the paper size (A4 unless Letter is asked for)
// and a scan's number.

export const sheetQuerySchema = z.object({
  paper: z
    .enum(Object.keys(PAPER_SIZES) as [PaperSize, ...PaperSize[]])
    .catch('a4')
    .default('a4'),
});

/** A scan's number in the path; anything else names no scan (0 finds none: 404). */
export const scanNumber = z.coerce.number().int().min(1).max(100_000).catch(0);
