// A table's columns laid out side by side across a width, each taking its share of it (shares
// add up to 1), in the order the shares are written: sign-in sheets, transcripts.

export type ColumnBox = { offset: number; width: number };

export function columnBoxes<Column extends string>(
  shares: Record<Column, number>,
  width: number,
): Record<Column, ColumnBox> {
  let offset = 0;
  const boxes = {} as Record<Column, ColumnBox>;
  for (const column of Object.keys(shares) as Column[]) {
    boxes[column] = { offset, width: shares[column] * width };
    offset += boxes[column].width;
  }
  return boxes;
}
