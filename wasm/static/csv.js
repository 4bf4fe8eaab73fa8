// csv.js writes classification results as CSV with the columns of the
// native batch command, so a spreadsheet or script reads both alike.

/** csvHeader is the column list; keep it in step with the native batch CLI. */
export const csvHeader = [
  "file", "label",
  "p_round", "p_in_between", "p_cigar", "p_edge_on", "p_spiral",
  "a_in_between", "a_merged", "a_round", "a_spiral",
  "b_cigar", "b_edge_on",
  "model_version", "error",
];

/**
 * toCSV turns rows {file, result, error} into CSV text (RFC 4180, CRLF line
 * ends). label is the class slug. info (the classifier's description) gives
 * the order of the classes and of networks A's and B's outputs, which is the
 * order of the p_, a_ and b_ columns. A row with an error has empty numbers.
 */
export function toCSV(rows, info) {
  const slugs = info.classes.map((c) => c.slug);
  const lines = [csvHeader.join(",")];
  for (const { file, result, error } of rows) {
    const numbers = result
      ? [
          ...slugs.map((s) => result.probabilities[s]),
          ...info.hierarchy.a.map((n) => result.hierarchy.a[n]),
          ...info.hierarchy.b.map((n) => result.hierarchy.b[n]),
        ].map((v) => (typeof v === "number" ? String(v) : ""))
      : Array(slugs.length + info.hierarchy.a.length + info.hierarchy.b.length).fill("");
    lines.push([
      file,
      result ? result.class : "",
      ...numbers,
      result ? result.model_version : info.model_version,
      error || "",
    ].map(field).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

// field quotes a value that holds a comma, quote or line break.
function field(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
