import { describe, expect, it } from 'vitest';
import { RecordCounter } from './export.file.js';

/** A CSV as PostgreSQL's COPY writes it: quoted fields may hold commas, quotes ("") and newlines. */
function randomCsv(records: number, seed: number): string {
  let x = seed;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const field = () => {
    const plain = ['a', 'bc', '', '12', 'x y'][rand(5)];
    switch (rand(4)) {
      case 0:
        return `"${plain},\n""${plain}"""`;
      case 1:
        return `"line\r\nbreak ${plain}"`;
      default:
        return plain;
    }
  };
  let out = '';
  for (let r = 0; r < records; r++) out += `${Array.from({ length: 1 + rand(4) }, field).join(',')}\n`;
  return out;
}

describe('RecordCounter', () => {
  it('counts records, not newlines inside quoted fields, however the bytes are split', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const records = 1 + ((seed * 7) % 50);
      const bytes = Buffer.from(randomCsv(records, seed));
      const counter = new RecordCounter();
      // Split into uneven pieces, cutting through quotes and escaped quotes.
      for (let i = 0, step = 1 + (seed % 13); i < bytes.length; i += step, step = 1 + ((step * 5) % 17)) {
        counter.push(bytes.subarray(i, i + step));
      }
      expect(counter.records, `seed ${seed}`).toBe(records);
    }
  });

  it('counts a plain file without quotes', () => {
    const counter = new RecordCounter();
    counter.push(Buffer.from('id,name\n1,a\n2,b\n'));
    expect(counter.records).toBe(3);
  });
});
