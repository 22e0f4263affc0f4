import { isInstance } from '../core/guards.js';

function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count.toLocaleString('en-US')} bytes`;
}

/**
 * How a binary value is shown where args go out (the reflector's view, logs, actions): its type
 * and size, `'[Buffer 1,024 bytes]'`, never its bytes. An upload or a form body read byte by byte
 * is both unreadable and a leak; `undefined` for a value that is not binary.
 */
export function describeBinary(value: object): string | undefined {
  try {
    if (ArrayBuffer.isView(value)) {
      const type = typeof Buffer !== 'undefined' && Buffer.isBuffer(value) ? 'Buffer' : Object.prototype.toString.call(value).slice(8, -1);
      return `[${type} ${bytes(value.byteLength)}]`;
    }
    if (isInstance(value, ArrayBuffer)) return `[ArrayBuffer ${bytes((value as ArrayBuffer).byteLength)}]`;
    if (typeof SharedArrayBuffer !== 'undefined' && isInstance(value, SharedArrayBuffer)) {
      return `[SharedArrayBuffer ${bytes((value as SharedArrayBuffer).byteLength)}]`;
    }
    if (typeof Blob !== 'undefined' && isInstance(value, Blob)) {
      return `[${Object.prototype.toString.call(value).slice(8, -1)} ${bytes((value as Blob).size)}]`; // Blob or File
    }
  } catch {
    return '[binary]'; // a detached buffer or a hostile getter: still never its bytes
  }
  return undefined;
}
