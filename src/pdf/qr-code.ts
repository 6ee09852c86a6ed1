import QRCode from 'qrcode';

// A QR code drawn as vector squares: sharp at any print or scan resolution, and the same
// drawing for the same text (no image, nothing random), so a reprinted page is identical.

/** Draws the QR code of `text` in a size × size square at (x, y), with a white quiet zone. */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const count = modules.size + 4; // two modules of quiet zone on each side
  const unit = size / count;
  doc.rect(x, y, size, size).fill('#fff');
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const from = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x + (from + 2) * unit, y + (row + 2) * unit, (col - from) * unit, unit);
    }
  }
  doc.fill('#000'); // and what follows is drawn in black
}
