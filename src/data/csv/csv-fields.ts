/**
 * Splitting CSV lines the way spreadsheets write them: a field may be quoted ("1,5"), a quote inside a quoted
 * field is doubled (""), and the separator is a comma, a semicolon (European exports) or a tab.
 */

const CANDIDATES = [",", ";", "\t"] as const;

/**
 * The separator of a file judged from its first line: the candidate found most often outside quotes; "," on a tie
 * or when none is found (a one-column line).
 */
export function detectDelimiter(line: string): "," | ";" | "\t" {
  let best: "," | ";" | "\t" = ",";
  let bestCount = 0;
  for (const candidate of CANDIDATES) {
    const count = countOutsideQuotes(line, candidate);
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) count++;
  }
  return count;
}

/**
 * The fields of one line with quotes removed and doubled quotes undone; text outside the quotes of a quoted field
 * (spaces) is kept around it. Null when a quote is not closed on the line.
 */
export function splitQuoted(line: string, delimiter: string): string[] | null {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quoted) {
      if (char !== '"') field += char;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = "";
    } else field += char;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}
