/** `2024-01-31T12:00Z`: ISO time without the seconds and milliseconds a bar time never has. */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().replace(":00.000Z", "Z");
}
