/**
 * Reads `COPY (select one_bytea_column ...) TO STDOUT (FORMAT binary)` as the column's raw bytes,
 * value after value. PostgreSQL's binary copy sends bytea as it is stored — no hex or base64 to
 * encode on the server and decode here — so a file kept in chunks streams out at wire speed.
 *
 * The format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4): an 11-byte
 * signature, a 32-bit flags field and a 32-bit header-extension length followed by that many
 * bytes; then each tuple is a 16-bit field count (-1 ends the data) and, per field, a 32-bit
 * length (-1 for NULL) followed by the bytes. The input may be cut anywhere: this is a small state
 * machine, and the bytes of each value are passed on as slices of the input, never copied;
 * `onValueEnd` is called once each value has been passed on whole.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

type State =
  | { at: 'header'; need: number }
  | { at: 'extension'; need: number }
  | { at: 'fieldCount' }
  | { at: 'fieldLength' }
  | { at: 'data'; left: number }
  | { at: 'done' };

export async function* binaryCopyValues(input: AsyncIterable<Buffer>, onValueEnd?: () => void): AsyncGenerator<Buffer> {
  let state: State = { at: 'header', need: SIGNATURE.length + 8 };
  // The few bytes of a header, count or length that a cut left incomplete.
  let pending = Buffer.alloc(0);

  /** Takes `n` bytes from pending + buf, or undefined (keeping them) when there are fewer. */
  const take = (buf: Buffer, offset: number, n: number): [Buffer, number] | undefined => {
    const available = pending.length + buf.length - offset;
    if (available < n) {
      pending = Buffer.concat([pending, buf.subarray(offset)]);
      return undefined;
    }
    const fromBuf = n - pending.length;
    const out = pending.length ? Buffer.concat([pending, buf.subarray(offset, offset + fromBuf)]) : buf.subarray(offset, offset + n);
    pending = Buffer.alloc(0);
    return [out, offset + fromBuf];
  };

  for await (const buf of input) {
    let offset = 0;
    while (offset < buf.length || (state.at === 'data' && state.left === 0)) {
      if (state.at === 'done') throw new Error('binary copy: data after the end marker');
      if (state.at === 'data') {
        const n = Math.min(state.left, buf.length - offset);
        if (n > 0) yield buf.subarray(offset, offset + n);
        offset += n;
        if (state.left - n === 0) {
          state = { at: 'fieldCount' };
          // After the value's last bytes were taken: the caller counts whole values.
          onValueEnd?.();
        } else state = { at: 'data', left: state.left - n };
        continue;
      }
      const size = state.at === 'header' || state.at === 'extension' ? state.need : state.at === 'fieldCount' ? 2 : 4;
      const got = take(buf, offset, size);
      if (!got) break;
      const [bytes, next] = got;
      offset = next;
      if (state.at === 'header') {
        if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('binary copy: bad signature');
        const extension = bytes.readUInt32BE(SIGNATURE.length + 4);
        state = extension > 0 ? { at: 'extension', need: extension } : { at: 'fieldCount' };
      } else if (state.at === 'extension') {
        state = { at: 'fieldCount' };
      } else if (state.at === 'fieldCount') {
        const fields = bytes.readInt16BE(0);
        if (fields === -1) state = { at: 'done' };
        else if (fields === 1) state = { at: 'fieldLength' };
        else throw new Error(`binary copy: expected one column, got ${fields}`);
      } else {
        const length = bytes.readInt32BE(0);
        if (length < 0) throw new Error('binary copy: unexpected NULL');
        state = { at: 'data', left: length };
      }
    }
  }
  if (state.at !== 'done') throw new Error('binary copy: the data ended early');
}
