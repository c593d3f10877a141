/** How the panel, the timeline and the PBX view write a moment. Pure. */

/** The local wall-clock time of a moment (ms since the epoch): `HH:MM:SS`, or `HH:MM:SS.mmm` with `milliseconds`. */
export function clockTime(ms: number, milliseconds = false): string {
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const seconds = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return milliseconds ? `${seconds}.${pad(date.getMilliseconds(), 3)}` : seconds;
}
